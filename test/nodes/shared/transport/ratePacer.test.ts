import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';

import { RatePacer, pacerFor } from '../../../../nodes/shared/transport/ratePacer';
import type { ApiResponse } from '../../../../nodes/shared/transport/types';

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

	it('is shared per account and never keyed by the raw key', () => {
		const secret = randomUUID();
		const rawKey = `bna_${secret}`;
		const baseUrl = 'https://api.buena.ai/api/v2';
		// Every key the pacer registry looks up or stores while pacerFor runs.
		const lookedUp: unknown[] = [];
		const methods = ['get', 'set', 'has'] as const;
		const originals = methods.map((method) => Map.prototype[method]);
		methods.forEach((method, index) => {
			const original = originals[index] as (this: Map<unknown, unknown>, ...args: unknown[]) => unknown;
			Map.prototype[method] = function (this: Map<unknown, unknown>, ...args: unknown[]) {
				lookedUp.push(args[0]);
				return original.apply(this, args);
			} as never;
		});
		let first: ReturnType<typeof pacerFor>;
		let again: ReturnType<typeof pacerFor>;
		try {
			first = pacerFor('buenaApi', baseUrl, rawKey);
			again = pacerFor('buenaApi', baseUrl, rawKey);
		} finally {
			methods.forEach((method, index) => {
				Map.prototype[method] = originals[index] as never;
			});
		}
		expect(again).toBe(first);
		// The registry was seen (keyed by credential type and base URL), never with the key in it.
		const registryKeys = lookedUp.filter((key): key is string => typeof key === 'string' && key.includes(baseUrl));
		expect(registryKeys.length).toBeGreaterThanOrEqual(2);
		expect(registryKeys.every((key) => key.includes('buenaApi'))).toBe(true);
		for (const key of lookedUp) {
			expect(String(key)).not.toContain(secret);
		}
		// Nor does the pacer itself hold it.
		expect(inspect(first, { depth: 10, showHidden: true })).not.toContain(secret);

		expect(pacerFor('buenaApi', baseUrl, `bna_${randomUUID()}`)).not.toBe(first);
		expect(pacerFor('blandApi', baseUrl, rawKey)).not.toBe(first);
	});
});
