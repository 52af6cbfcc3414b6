import { describeRateHold, rateLimitHoldError } from '../../../../nodes/shared/transport/apiErrors';
import { RatePacer } from '../../../../nodes/shared/transport/ratePacer';
import type { ApiResponse } from '../../../../nodes/shared/transport/types';
import { kindFromStatus } from '../../../../nodes/shared/providers/parsing';

const NOW = 1_800_000_000_000;
const answer = (statusCode: number, remaining: number, resetInSeconds: number, limit = 60, window = 60): ApiResponse => ({
	statusCode,
	headers: {
		'x-ratelimit-limit': String(limit),
		'x-ratelimit-remaining': String(remaining),
		'x-ratelimit-reset': String(NOW / 1000 + resetInSeconds),
		'x-ratelimit-window': String(window),
	},
	body: undefined,
});

describe('RatePacer.hold: which limit holds requests back, and until when', () => {
	it('nothing while requests are left', () => {
		const pacer = new RatePacer();
		pacer.reserve(NOW);
		pacer.settle(answer(200, 5, 30), undefined, NOW);
		expect(pacer.hold(NOW)).toBeUndefined();
	});

	it('the window, with its limit and length, once it is used up', () => {
		const pacer = new RatePacer();
		pacer.reserve(NOW);
		pacer.settle(answer(200, 0, 3_000, 1_000, 3_600), undefined, NOW);
		expect(pacer.hold(NOW + 1)).toEqual({ until: NOW + 3_000_000, reason: 'window', limit: 1_000, windowSeconds: 3_600 });
		expect(pacer.reserve(NOW + 1)).toBe(3_000_000 - 1);
	});

	it('the wait a 429 asked for, when it ends later than the window', () => {
		const pacer = new RatePacer();
		pacer.reserve(NOW);
		pacer.settle(answer(429, 0, 1), 10_000, NOW);
		expect(pacer.hold(NOW)).toMatchObject({ until: NOW + 10_000, reason: 'asked' });
	});
});

describe('the words of a hold', () => {
	it.each([
		[{ until: 0, reason: 'window' as const, limit: 60, windowSeconds: 60 }, "the key's limit of 60 requests per minute is used up"],
		[{ until: 0, reason: 'window' as const, limit: 1000, windowSeconds: 3600 }, "the key's limit of 1000 requests per hour is used up"],
		[{ until: 0, reason: 'window' as const, limit: 10000, windowSeconds: 86400 }, "the key's limit of 10000 requests per day is used up"],
		[{ until: 0, reason: 'window' as const }, "the key's rate-limit window is used up"],
		[{ until: 0, reason: 'asked' as const }, 'the provider asked to wait after a rate-limited request'],
	])('%j', (hold, words) => {
		expect(describeRateHold(hold)).toBe(words);
	});

	it('says when the limit resets and how long the node had left', () => {
		const node = { id: '1', name: 'Wait', type: 'x', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
		const error = rateLimitHoldError(
			{ context: { getNode: () => node }, provider: { displayName: 'Buena AI' }, itemIndex: 2 },
			{ until: NOW + 45 * 60_000, reason: 'window', limit: 1000, windowSeconds: 3600 },
			NOW + 3_000,
			NOW,
		);
		expect(error.message).toBe(
			"Buena AI: not sent, the key's limit of 1000 requests per hour is used up until 2027-01-15T08:45:00.000Z (in 45 min), later than this node may wait (3 s left)",
		);
		expect(error.httpCode).toBe('429');
		expect(error.context).toMatchObject({ retryable: false, providerErrorKind: 'rateLimitHold', rateLimitResetsAt: NOW + 45 * 60_000 });
	});
});

describe('one table of HTTP status kinds', () => {
	it.each([
		[408, 'transient'],
		[429, 'rateLimit'],
		[500, 'server'],
		[501, 'client'],
		[502, 'transient'],
		[503, 'transient'],
		[504, 'transient'],
		[505, 'client'],
		[507, 'server'],
		[401, 'auth'],
		[404, 'notFound'],
		[400, 'client'],
	])('%i is %s', (status, kind) => {
		expect(kindFromStatus(status)).toBe(kind);
	});
});
