import { createHash } from 'crypto';

import { rateLimitRemaining, rateLimitResetMs } from './retryDelay';
import type { ApiResponse } from './types';

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

	/** Learns from an answer to a request `reserve` let through; `retryAfterMs` when it was rate limited. */
	settle(response: ApiResponse | undefined, retryAfterMs: number | undefined, now = Date.now()): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
		if (!response) return;
		const remaining = rateLimitRemaining(response);
		const resetIn = rateLimitResetMs(response, now);
		if (remaining !== undefined && resetIn !== undefined) {
			this.remaining = remaining;
			this.resetAt = now + resetIn;
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
