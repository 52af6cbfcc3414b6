import { DEFAULT_RETRY_POLICY, rateLimitResetMs, retryDelayMs } from '../../../../nodes/shared/transport/retryDelay';
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

	it('ignores X-RateLimit-Reset on an answer that is not rate limited and has requests left', () => {
		const delay = retryDelayMs(0, DEFAULT_RETRY_POLICY, response(503, { 'x-ratelimit-remaining': '30', 'x-ratelimit-reset': String(NOW / 1000 + 50) }), undefined, NOW);
		expect(delay).toBeLessThanOrEqual(1_250);
	});

	it('backs off exponentially with jitter, capped, when the server says nothing', () => {
		for (let attempt = 0; attempt < 8; attempt++) {
			const expected = Math.min(DEFAULT_RETRY_POLICY.maxBackoffMs, DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** attempt);
			const delay = retryDelayMs(attempt, DEFAULT_RETRY_POLICY, response(502), undefined, NOW);
			expect(delay).toBeGreaterThanOrEqual(expected * 0.75);
			expect(delay).toBeLessThanOrEqual(expected * 1.25);
		}
	});

	it('reads a small X-RateLimit-Reset as seconds from now', () => {
		expect(rateLimitResetMs(response(429, { 'x-ratelimit-reset': '30' }), NOW)).toBe(30_000);
		expect(rateLimitResetMs(response(429, { 'x-ratelimit-reset': 'soon' }), NOW)).toBeUndefined();
	});
});
