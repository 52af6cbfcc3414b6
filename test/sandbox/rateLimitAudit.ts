/**
 * Replays the sandbox's fixed rate-limit windows (rateLimit.ts) from its request log, so a test
 * can say what each window let through and refused without timing anything itself. The sandbox
 * counts a request at the instant it logs it (`entry.at`), so the replay is exact.
 */
import type { RequestLogEntry } from './types';

export interface RateWindow {
	/** Epoch ms of the window's first request, and when the window ends. */
	start: number;
	end: number;
	/** Requests the window let through, and requests it refused (429 RATE_LIMIT_EXCEEDED). */
	allowed: number;
	refused: number;
	/** When the last request it let through arrived. */
	lastAllowedAt?: number;
	/** The requests it refused, in log order. */
	refusedEntries: RequestLogEntry[];
}

export interface RateLimitAudit {
	windows: RateWindow[];
	/** Windows that ran out: at least one request refused. */
	exhausted: RateWindow[];
	/** Requests refused in all. */
	refused: number;
	/**
	 * Log entries the replay does not explain: a 429 where the window still had room (e.g. a
	 * quota 429, VOICE_CLONE_LIMIT_EXCEEDED), or any other answer (or none) where it had none.
	 */
	unexplained: RequestLogEntry[];
}

/**
 * `entries`: the requests of ONE bucket (one API key), in log order. Entries answered by an
 * injected fault are skipped: faults bypass the rate limit.
 */
export function auditRateLimit(entries: RequestLogEntry[], config: { limit: number; windowMs: number }): RateLimitAudit {
	const windows: RateWindow[] = [];
	const unexplained: RequestLogEntry[] = [];
	let window: RateWindow | undefined;
	for (const entry of entries) {
		if (entry.fault) continue;
		if (!window || entry.at >= window.end) {
			window = { start: entry.at, end: entry.at + config.windowMs, allowed: 0, refused: 0, refusedEntries: [] };
			windows.push(window);
		}
		const allowed = window.allowed < config.limit;
		if (allowed) {
			window.allowed++;
			window.lastAllowedAt = entry.at;
		} else {
			window.refused++;
			window.refusedEntries.push(entry);
		}
		if (allowed === (entry.status === 429)) unexplained.push(entry);
	}
	const exhausted = windows.filter((w) => w.refused > 0);
	return { windows, exhausted, refused: exhausted.reduce((sum, w) => sum + w.refused, 0), unexplained };
}

export interface RetryAudit {
	/** Refused requests sent again later (the next request with the same identity). */
	retried: number;
	/** Of those, the ones sent again before the refusal's Retry-After can have passed. */
	tooSoon: Array<{ refused: RequestLogEntry; next: RequestLogEntry }>;
}

/**
 * Did the clients wait out every 429's Retry-After? The sandbox cannot tell clients apart, but a
 * request often names what it is for (an upload its voice name): `identityOf` says so, or returns
 * undefined for requests that name nothing. The sandbox's Retry-After is the refusing window's rest
 * in whole seconds, at least 1 (rateLimit.ts retryAfterSeconds), counted from its answer, which
 * comes after the request was logged. So a client that honoured it sent the same request again no
 * earlier than the end of the window that refused it, and no earlier than 1 s after.
 */
export function retriesBeforeRetryAfter(
	entries: RequestLogEntry[],
	audit: RateLimitAudit,
	identityOf: (entry: RequestLogEntry) => string | undefined,
): RetryAudit {
	const result: RetryAudit = { retried: 0, tooSoon: [] };
	for (const window of audit.windows) {
		for (const refused of window.refusedEntries) {
			const identity = identityOf(refused);
			if (identity === undefined) continue;
			const next = entries.slice(entries.indexOf(refused) + 1).find((e) => identityOf(e) === identity);
			if (!next) continue;
			result.retried++;
			if (next.at < Math.max(window.end, refused.at + 1000)) result.tooSoon.push({ refused, next });
		}
	}
	return result;
}
