import {
	backoffCapMs,
	nextRoundAt,
	pollGapMs,
	STEADY_ROUNDS,
} from '../../../nodes/shared/waitForTraining/pollSchedule';

describe('poll schedule', () => {
	it.each([
		// interval, cap: 4× the interval or 60 s, whichever is less, never below the interval
		[100, 400],
		[10_000, 40_000],
		[15_000, 60_000],
		[30_000, 60_000],
		[120_000, 120_000],
	])('caps the backoff of a %i ms interval at %i ms', (interval, cap) => {
		expect(backoffCapMs(interval)).toBe(cap);
	});

	it('stays at the interval while rounds bring news, then grows by 1.5 per quiet round up to the cap', () => {
		const gaps = Array.from({ length: 9 }, (_, quiet) => pollGapMs(10_000, quiet));
		expect(gaps.slice(0, STEADY_ROUNDS + 1)).toEqual([10_000, 10_000, 10_000]);
		expect(gaps.slice(STEADY_ROUNDS + 1)).toEqual([15_000, 22_500, 33_750, 40_000, 40_000, 40_000]);
	});

	it.each([
		['one gap after the last round started', { startedAt: 0, endedAt: 50, gapMs: 1_000, deadline: 10_000 }, 1_000],
		['a quarter gap after a slow round ended', { startedAt: 0, endedAt: 3_000, gapMs: 1_000, deadline: 10_000 }, 3_250],
		['never after the deadline', { startedAt: 0, endedAt: 50, gapMs: 1_000, deadline: 700 }, 700],
	])('schedules the next round %s', (_, round, expected) => {
		expect(nextRoundAt(round)).toBe(expected);
	});
});
