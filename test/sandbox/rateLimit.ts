/** Fixed-window request counter per bucket (Buena: per API key). */
export interface RateLimitResult {
	allowed: boolean;
	limit: number;
	remaining: number;
	/** When the current window ends, epoch ms. */
	resetAt: number;
	windowMs: number;
}

export class RateLimiter {
	private windows = new Map<string, { start: number; count: number }>();

	constructor(public config: { limit: number; windowMs: number }) {}

	hit(bucket: string, now = Date.now()): RateLimitResult {
		const { limit, windowMs } = this.config;
		let w = this.windows.get(bucket);
		if (!w || now >= w.start + windowMs) {
			w = { start: now, count: 0 };
			this.windows.set(bucket, w);
		}
		const allowed = w.count < limit;
		if (allowed) w.count++;
		return { allowed, limit, remaining: Math.max(0, limit - w.count), resetAt: w.start + windowMs, windowMs };
	}

	clear(): void {
		this.windows.clear();
	}
}

/** The documented X-RateLimit-* headers (Reset in unix seconds, Window in seconds). */
export function rateLimitHeaders(r: RateLimitResult): Record<string, string> {
	return {
		'X-RateLimit-Limit': String(r.limit),
		'X-RateLimit-Remaining': String(r.remaining),
		'X-RateLimit-Reset': String(Math.ceil(r.resetAt / 1000)),
		'X-RateLimit-Window': String(Math.max(1, Math.ceil(r.windowMs / 1000))),
	};
}

export function retryAfterSeconds(r: RateLimitResult, now = Date.now()): number {
	return Math.max(1, Math.ceil((r.resetAt - now) / 1000));
}
