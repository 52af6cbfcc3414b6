/**
 * When to poll next. Pure functions, so the trade-off below is testable without a clock.
 *
 * The trade-off: every round costs a request (Buena: one list call for all voices waited on;
 * Bland: one list call when it waits on several voices, else one GET), and a voice that becomes
 * ready just after a round is only seen at the next one, so the gap between rounds *is* the
 * worst-case detection delay. Backing off saves requests but makes detection later by the same
 * factor.
 *
 * The rule chosen: keep the gap at the poll interval for as long as the rounds bring news (a
 * status or a training progress that moved, a voice that settled), because a training that is
 * moving may finish at any round, and the user's poll interval is the detection delay they asked
 * for. Only after STEADY_ROUNDS rounds in a row with no news at all — a provider that reports no
 * progress, or a training stuck in a queue — does the gap grow by BACKOFF_FACTOR per further
 * quiet round, up to 4× the interval or 60 s, whichever is less (but never below the interval).
 * So while Buena reports rising `training_progress` (its 2–5 minute trainings move several
 * percent per 10 s round) detection stays within one poll interval (plus one request's latency);
 * when nothing moves, detection may lag by up to the cap, and a stalled wait costs about a
 * quarter of the requests. The next round is also never scheduled after the earliest deadline:
 * a voice is checked once more at its deadline before it is reported as timed out.
 */

/** Rounds with no news that are still polled at the plain interval. */
export const STEADY_ROUNDS = 2;
const BACKOFF_FACTOR = 1.5;
/** The backoff never stretches a gap past this, unless the interval itself is longer. */
const MAX_BACKOFF_GAP_MS = 60_000;
/** The smallest poll interval accepted (0.1 s: meant for tests and the local sandbox). */
export const MIN_POLL_INTERVAL_MS = 100;

/** The longest gap the backoff may reach for a given interval. */
export function backoffCapMs(intervalMs: number): number {
	return Math.max(intervalMs, Math.min(4 * intervalMs, MAX_BACKOFF_GAP_MS));
}

/** The gap between the start of one round and the next, after `quietRounds` rounds without news. */
export function pollGapMs(intervalMs: number, quietRounds: number): number {
	const grown = intervalMs * BACKOFF_FACTOR ** Math.max(0, quietRounds - STEADY_ROUNDS);
	return Math.min(backoffCapMs(intervalMs), grown);
}

/**
 * When the next round starts: one gap after the last round started (so a slow answer does not
 * push detection later), but at least a quarter gap after it ended (so a slow or rate-limited
 * provider is not polled back to back), and never after the earliest deadline.
 */
export function nextRoundAt(round: {
	startedAt: number;
	endedAt: number;
	gapMs: number;
	deadline: number;
}): number {
	const { startedAt, endedAt, gapMs, deadline } = round;
	return Math.min(deadline, Math.max(startedAt + gapMs, endedAt + gapMs / 4));
}
