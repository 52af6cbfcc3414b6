import { createHash } from 'crypto';

import { rateLimitRemaining, rateLimitResetMs } from './retryDelay';
import { responseHeader, type ApiResponse } from './types';

function headerNumber(response: ApiResponse, name: string): number | undefined {
	const raw = responseHeader(response.headers, name);
	const value = Number(raw);
	return raw === undefined || !Number.isFinite(value) ? undefined : value;
}

/** Why the pacer holds requests back: until when, and which limit says so. */
export interface RateHold {
	/** Epoch ms when a request may be sent again. */
	until: number;
	/** A window ran out (`X-RateLimit-*`) or the provider asked to wait (a 429's retry-after). */
	reason: 'window' | 'asked';
	/** Requests per window and the window's length, when the provider said. */
	limit?: number;
	windowSeconds?: number;
}

/**
 * Keeps the requests made with one credential under the provider's rate limit, across items,
 * nodes and executions of this n8n process. It learns the window from `X-RateLimit-Remaining` /
 * `X-RateLimit-Reset` and from 429 answers, and holds a request back instead of sending one it
 * already knows would be refused.
 */
export class RatePacer {
	private remaining: number | undefined;

	private resetAt = 0;

	private blockedUntil = 0;

	private inFlight = 0;

	/** `X-RateLimit-Reset` of the newest window seen, and the latest that window can end. */
	private windowReset = 0;

	private windowEnd = Infinity;

	/** `X-RateLimit-Limit` / `-Window` of the newest answer, to say which limit holds requests back. */
	private limit: number | undefined;

	private windowSeconds: number | undefined;

	/** How long to wait before a request may be sent now; 0 reserves a place for it. */
	reserve(now = Date.now()): number {
		if (this.blockedUntil > now) return this.blockedUntil - now;
		if (this.resetAt <= now) {
			this.remaining = undefined;
		} else if (this.remaining !== undefined && this.remaining - this.inFlight <= 0) {
			return this.resetAt - now;
		}
		this.inFlight++;
		return 0;
	}

	/** Why a request sent now would be held back (as `reserve` decides), or undefined if it would not. */
	hold(now = Date.now()): RateHold | undefined {
		const windowHeld =
			this.resetAt > now && this.remaining !== undefined && this.remaining - this.inFlight <= 0;
		if (this.blockedUntil <= now && !windowHeld) return undefined;
		const window = { limit: this.limit, windowSeconds: this.windowSeconds };
		if (this.blockedUntil > now && (!windowHeld || this.blockedUntil >= this.resetAt)) {
			return { until: this.blockedUntil, reason: 'asked', ...window };
		}
		return { until: this.resetAt, reason: 'window', ...window };
	}

	/**
	 * X-RateLimit-Reset is in whole seconds, rounded up: waiting for it alone loses up to a second
	 * per window (as much as the window itself when it lasts 1 s). The answer to the first request
	 * counted in a window (Remaining = Limit − 1) arrived after that window began, so with
	 * X-RateLimit-Window (seconds) the window is over by that answer + Window at the latest. Only an
	 * absolute Reset (unix seconds, as documented) tells windows apart; otherwise: Infinity.
	 */
	private windowEndBound(response: ApiResponse, remaining: number, now: number): number {
		const reset = headerNumber(response, 'X-RateLimit-Reset');
		const limit = headerNumber(response, 'X-RateLimit-Limit');
		// The first answer of a window starts a new one even when its Reset is earlier than the last
		// window's: the limits changed, or another of the provider's windows now governs.
		const firstOfWindow = limit !== undefined && remaining === limit - 1;
		if (reset === undefined || reset < 1e9 || (reset < this.windowReset && !firstOfWindow)) return Infinity;
		if (reset !== this.windowReset) {
			this.windowReset = reset;
			this.windowEnd = Infinity;
		}
		const windowSeconds = headerNumber(response, 'X-RateLimit-Window');
		if (firstOfWindow && windowSeconds !== undefined && windowSeconds > 0) {
			this.windowEnd = now + windowSeconds * 1000;
		}
		return this.windowEnd;
	}

	/** Learns from an answer to a request `reserve` let through; `retryAfterMs` when it was rate limited. */
	settle(response: ApiResponse | undefined, retryAfterMs: number | undefined, now = Date.now()): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
		if (!response) return;
		const remaining = rateLimitRemaining(response);
		const resetIn = rateLimitResetMs(response, now);
		if (remaining !== undefined && resetIn !== undefined) {
			this.limit = headerNumber(response, 'X-RateLimit-Limit') ?? this.limit;
			this.windowSeconds = headerNumber(response, 'X-RateLimit-Window') ?? this.windowSeconds;
			this.remaining = remaining;
			this.resetAt = Math.min(now + resetIn, this.windowEndBound(response, remaining, now));
		}
		if (retryAfterMs !== undefined) this.blockedUntil = Math.max(this.blockedUntil, now + retryAfterMs);
	}
}

const pacers = new Map<string, RatePacer>();

/** The pacer of one account: same credential type, base URL and key (kept only as a hash). */
export function pacerFor(credentialType: string, baseUrl: string, apiKey: unknown): RatePacer {
	const keyHash = createHash('sha256').update(String(apiKey ?? '')).digest('hex').slice(0, 24);
	const id = `${credentialType} ${baseUrl} ${keyHash}`;
	let pacer = pacers.get(id);
	if (!pacer) {
		pacer = new RatePacer();
		pacers.set(id, pacer);
	}
	return pacer;
}
