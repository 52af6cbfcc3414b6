import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';

import { RatePacer, pacerFor } from '../../../../nodes/shared/transport/ratePacer';
import type { ApiResponse } from '../../../../nodes/shared/transport/types';
import { closureVariable } from '../../../helpers/closureVariable';

const NOW = 1_800_000_000_000;
const answer = (statusCode: number, remaining: number, resetInSeconds: number): ApiResponse => ({
	statusCode,
	headers: { 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(NOW / 1000 + resetInSeconds) },
	body: undefined,
});

describe('RatePacer', () => {
	it('lets requests through until the window it learned is used up, counting those in flight', () => {
		const pacer = new RatePacer();
		expect(pacer.reserve(NOW)).toBe(0);
		pacer.settle(answer(200, 2, 1), undefined, NOW);
		expect(pacer.reserve(NOW)).toBe(0);
		expect(pacer.reserve(NOW)).toBe(0);
		// Two requests in flight use the two left: the next one waits for the reset.
		expect(pacer.reserve(NOW)).toBe(1_000);
		pacer.settle(answer(200, 0, 1), undefined, NOW + 10);
		expect(pacer.reserve(NOW + 20)).toBe(980);
		// Once the window has reset, what it knew no longer holds.
		expect(pacer.reserve(NOW + 1_000)).toBe(0);
	});

	it('holds everything back for the time a rate-limited answer asked', () => {
		const pacer = new RatePacer();
		expect(pacer.reserve(NOW)).toBe(0);
		pacer.settle(answer(429, 0, 5), 2_000, NOW);
		expect(pacer.reserve(NOW + 500)).toBe(1_500);
		// Past the asked time the window is still known to be used up until its reset.
		expect(pacer.reserve(NOW + 2_000)).toBe(3_000);
		expect(pacer.reserve(NOW + 5_000)).toBe(0);
	});

	// Found by Wait for Training's rate-limit test when it ran after tests with a 60 s window in the
	// same process: a window whose Reset is earlier than one seen before was ignored.
	it('ends a short window at its first answer + X-RateLimit-Window even after a longer window with a later Reset', () => {
		const windowAnswer = (limit: number, remaining: number, endsAt: number, windowSeconds: number): ApiResponse => ({
			statusCode: 200,
			headers: {
				'x-ratelimit-limit': String(limit),
				'x-ratelimit-remaining': String(remaining),
				'x-ratelimit-reset': String(Math.ceil(endsAt / 1000)),
				'x-ratelimit-window': String(windowSeconds),
			},
			body: undefined,
		});
		const pacer = new RatePacer();
		// A 60 s window, first seen 0.2 s past a whole second.
		const t0 = NOW + 200;
		expect(pacer.reserve(t0)).toBe(0);
		pacer.settle(windowAnswer(100_000, 99_999, t0 + 60_000, 60), undefined, t0 + 5);
		// The limit becomes 3 per 1 s; a new window starts with the next request.
		const t1 = t0 + 1_000;
		for (const [index, remaining] of [2, 1, 0].entries()) {
			expect(pacer.reserve(t1 + index * 10)).toBe(0);
			pacer.settle(windowAnswer(3, remaining, t1 + 1_000, 1), undefined, t1 + index * 10 + 5);
		}
		// That window is over 1 s after its first answer (t1 + 5), not at its rounded-up Reset (NOW + 3 s).
		expect(pacer.reserve(t1 + 40)).toBeLessThanOrEqual(t1 + 5 + 1_000 - (t1 + 40));
	});

	it('is shared per account and never keyed by the raw key', () => {
		// The module's registry itself, read through the inspector.
		const registry = closureVariable(pacerFor, 'pacers') as Map<unknown, RatePacer>;
		expect(registry).toBeInstanceOf(Map);
		const secret = randomUUID();
		const rawKey = `bna_${secret}`;
		const baseUrl = 'https://api.buena.ai/api/v2';
		const before = new Set(registry.keys());

		const first = pacerFor('buenaApi', baseUrl, rawKey);
		expect(pacerFor('buenaApi', baseUrl, rawKey)).toBe(first);
		const added = [...registry.keys()].filter((key) => !before.has(key));
		expect(added).toHaveLength(1);
		expect(registry.get(added[0])).toBe(first);
		// Keyed by credential type and base URL, never with the key in it.
		expect(typeof added[0]).toBe('string');
		expect(added[0]).toContain('buenaApi');
		expect(added[0]).toContain(baseUrl);
		expect(added[0]).not.toContain(secret);
		// Nor does the pacer itself hold it.
		expect(inspect(first, { depth: 10, showHidden: true })).not.toContain(secret);

		expect(pacerFor('buenaApi', baseUrl, `bna_${randomUUID()}`)).not.toBe(first);
		expect(pacerFor('blandApi', baseUrl, rawKey)).not.toBe(first);
		expect(pacerFor('buenaApi', 'https://other.example/api/v2', rawKey)).not.toBe(first);
		for (const key of registry.keys()) expect(String(key)).not.toContain(secret);
	});
});
