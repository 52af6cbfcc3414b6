import { responseHeader, type ApiResponse } from './types';

export interface RetryPolicy {
	/** Retries after the first attempt. */
	maxRetries: number;
	baseDelayMs: number;
	maxBackoffMs: number;
	/** A provider asking to wait longer than this is not waited for: the request fails instead. */
	maxWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 4,
	baseDelayMs: 1_000,
	maxBackoffMs: 30_000,
	maxWaitMs: 5 * 60_000,
};

/** Milliseconds the server asked us to wait through `Retry-After` (seconds or an HTTP date). */
function retryAfterHeaderMs(response: ApiResponse | undefined, now: number): number | undefined {
	const value = response && responseHeader(response.headers, 'retry-after');
	if (value === undefined || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Milliseconds until an exhausted rate-limit window resets (`X-RateLimit-Reset`, unix seconds). */
export function rateLimitResetMs(response: ApiResponse | undefined, now: number): number | undefined {
	const reset = Number(response && responseHeader(response.headers, 'x-ratelimit-reset'));
	if (!Number.isFinite(reset) || reset <= 0) return undefined;
	// Some servers send seconds until the reset rather than a timestamp.
	const resetAt = reset < 1e9 ? now + reset * 1000 : reset * 1000;
	return Math.max(0, resetAt - now);
}

export function rateLimitRemaining(response: ApiResponse | undefined): number | undefined {
	const value = response && responseHeader(response.headers, 'x-ratelimit-remaining');
	if (value === undefined) return undefined;
	const remaining = Number(value);
	return Number.isFinite(remaining) ? remaining : undefined;
}

/**
 * How long the server asked to wait: the longest of the body's `retryAfter`, `Retry-After` and an
 * exhausted `X-RateLimit-*` window; undefined when it said nothing.
 */
export function askedWaitMs(response?: ApiResponse, bodyRetryAfterMs?: number, now = Date.now()): number | undefined {
	const asked = [bodyRetryAfterMs, retryAfterHeaderMs(response, now)];
	if (response?.statusCode === 429 || rateLimitRemaining(response) === 0) {
		asked.push(rateLimitResetMs(response, now));
	}
	const known = asked.filter((value): value is number => value !== undefined);
	return known.length ? Math.max(...known) : undefined;
}

/**
 * How long to wait before the next attempt: what the server asked for (askedWaitMs), or else
 * capped exponential backoff with jitter.
 */
export function retryDelayMs(
	attempt: number,
	policy: RetryPolicy,
	response?: ApiResponse,
	bodyRetryAfterMs?: number,
	now = Date.now(),
): number {
	const asked = askedWaitMs(response, bodyRetryAfterMs, now);
	if (asked !== undefined) return asked;
	const backoff = Math.min(policy.maxBackoffMs, policy.baseDelayMs * 2 ** attempt);
	// The cap holds after the jitter too: it is the longest a backoff may be.
	return Math.min(policy.maxBackoffMs, Math.round(backoff * (0.75 + Math.random() * 0.5)));
}
