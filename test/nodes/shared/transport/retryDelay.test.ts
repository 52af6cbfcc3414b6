import { DEFAULT_RETRY_POLICY, rateLimitResetMs, retryDelayMs, type RetryPolicy } from '../../../../nodes/shared/transport/retryDelay';
import type { ApiResponse } from '../../../../nodes/shared/transport/types';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const response = (statusCode: number, headers: Record<string, unknown> = {}): ApiResponse => ({ statusCode, headers, body: undefined });

describe('retryDelayMs', () => {
	it.each([
		['the body retryAfter', response(429), 3_000, 3_000],
		['Retry-After in seconds', response(503, { 'retry-after': '7' }), undefined, 7_000],
		['Retry-After as an HTTP date', response(503, { 'retry-after': new Date(NOW + 4_000).toUTCString() }), undefined, 4_000],
		['an exhausted X-RateLimit window', response(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 12) }), undefined, 12_000],
		['the longest of several', response(429, { 'retry-after': '2', 'x-ratelimit-reset': String(NOW / 1000 + 9) }), 5_000, 9_000],
	])('waits for %s', (_label, answer, bodyMs, expected) => {
		expect(retryDelayMs(0, DEFAULT_RETRY_POLICY, answer, bodyMs, NOW)).toBe(expected);
	});

	describe('without a word from the server: capped exponential backoff, ±25 % jitter', () => {
		// Math.random is the jitter's only input: pinning it makes each delay one exact number.
		const withRandom = (random: number, delay: () => number) => {
			const spy = jest.spyOn(Math, 'random').mockReturnValue(random);
			try {
				return delay();
			} finally {
				spy.mockRestore();
			}
		};
		const backoff = (attempt: number, random: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY) =>
			withRandom(random, () => retryDelayMs(attempt, policy, response(502), undefined, NOW));

		it.each([
			// attempt, middle of the range (random 0.5), lowest (random 0), highest (random → 1)
			[0, 1_000, 750, 1_250],
			[1, 2_000, 1_500, 2_500],
			[2, 4_000, 3_000, 5_000],
			[3, 8_000, 6_000, 10_000],
			[4, 16_000, 12_000, 20_000],
			// 32 s is over the 30 s cap, which holds after the jitter too.
			[5, 30_000, 22_500, 30_000],
			[9, 30_000, 22_500, 30_000],
		])('the default policy, attempt %i: %i ms, from %i to %i', (attempt, middle, lowest, highest) => {
			expect(backoff(attempt, 0.5)).toBe(middle);
			expect(backoff(attempt, 0)).toBe(lowest);
			expect(backoff(attempt, 0.999_999_9)).toBe(highest);
		});

		it("follows the policy it is given, not the default's numbers", () => {
			const policy: RetryPolicy = { maxRetries: 2, baseDelayMs: 100, maxBackoffMs: 500, maxWaitMs: 1_000 };
			expect([0, 1, 2, 3, 4].map((attempt) => backoff(attempt, 0.5, policy))).toEqual([100, 200, 400, 500, 500]);
		});

		it('ignores X-RateLimit-Reset on an answer that is not rate limited and has requests left', () => {
			const busy = response(503, { 'x-ratelimit-remaining': '30', 'x-ratelimit-reset': String(NOW / 1000 + 50) });
			expect(withRandom(0.5, () => retryDelayMs(0, DEFAULT_RETRY_POLICY, busy, undefined, NOW))).toBe(1_000);
		});
	});

	it('reads a small X-RateLimit-Reset as seconds from now', () => {
		expect(rateLimitResetMs(response(429, { 'x-ratelimit-reset': '30' }), NOW)).toBe(30_000);
		expect(rateLimitResetMs(response(429, { 'x-ratelimit-reset': 'soon' }), NOW)).toBeUndefined();
	});
});
