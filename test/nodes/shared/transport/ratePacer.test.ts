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
		const first = pacerFor('buenaApi', 'https://api.buena.ai/api/v2', 'bna_one');
		expect(pacerFor('buenaApi', 'https://api.buena.ai/api/v2', 'bna_one')).toBe(first);
		expect(pacerFor('buenaApi', 'https://api.buena.ai/api/v2', 'bna_two')).not.toBe(first);
		expect(pacerFor('blandApi', 'https://api.buena.ai/api/v2', 'bna_one')).not.toBe(first);
	});
});
