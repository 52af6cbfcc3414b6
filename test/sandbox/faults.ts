import type { FaultSpec, Provider } from './types';

interface ArmedFault {
	spec: FaultSpec;
	remaining: number;
	/** Matching requests still to let through before this fault answers. */
	skip: number;
}

const MODES = new Set(['status', 'hang', 'reset', 'html', 'brokenJson', 'rateLimit', 'json']);

/** Validate a fault received over the control path; returns an error text or undefined. */
export function validateFault(value: unknown): string | undefined {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return 'fault must be a JSON object';
	const f = value as Record<string, unknown>;
	if (typeof f.mode !== 'string' || !MODES.has(f.mode)) return `mode must be one of ${[...MODES].join(', ')}`;
	if (f.count !== undefined && (!Number.isInteger(f.count) || (f.count as number) < 1)) return 'count must be an integer >= 1';
	if (f.provider !== undefined && f.provider !== 'buena' && f.provider !== 'bland') return "provider must be 'buena' or 'bland'";
	if (f.method !== undefined && typeof f.method !== 'string') return 'method must be a string';
	if (f.pathIncludes !== undefined && typeof f.pathIncludes !== 'string') return 'pathIncludes must be a string';
	if (f.skip !== undefined && (!Number.isInteger(f.skip) || (f.skip as number) < 0)) return 'skip must be an integer >= 0';
	if (f.afterBody !== undefined && typeof f.afterBody !== 'boolean') return 'afterBody must be a boolean';
	if (f.mode === 'json' && !('body' in f)) return 'body is required for mode json';
	if (f.mode === 'status' && ![500, 502, 503].includes(f.status as number)) return 'status must be 500, 502 or 503';
	if ((f.mode === 'html' || f.mode === 'brokenJson' || f.mode === 'json') && f.status !== undefined) {
		if (!Number.isInteger(f.status) || (f.status as number) < 100 || (f.status as number) > 599) return 'status must be an HTTP status';
	}
	if (f.mode === 'reset' && f.afterBytes !== undefined && (!Number.isInteger(f.afterBytes) || (f.afterBytes as number) < 0)) {
		return 'afterBytes must be an integer >= 0';
	}
	if (f.mode === 'rateLimit') {
		if (typeof f.headers !== 'boolean') return 'headers must be a boolean';
		if (f.retryAfterSeconds !== undefined && (!Number.isInteger(f.retryAfterSeconds) || (f.retryAfterSeconds as number) < 0)) {
			return 'retryAfterSeconds must be an integer >= 0';
		}
	}
	return undefined;
}

/** Injected faults, matched in the order they were added; each answers `count` requests (default 1). */
export class FaultQueue {
	private faults: ArmedFault[] = [];

	add(spec: FaultSpec): void {
		this.faults.push({ spec: { ...spec }, remaining: spec.count ?? 1, skip: spec.skip ?? 0 });
	}

	/** Take the first fault matching this request (consuming one of its uses). */
	take(provider: Provider | 'unknown', method: string, path: string): FaultSpec | undefined {
		for (const f of this.faults) {
			const s = f.spec;
			if (f.remaining <= 0) continue;
			if (s.provider && s.provider !== provider) continue;
			if (s.method && s.method.toUpperCase() !== method.toUpperCase()) continue;
			if (s.pathIncludes && !path.includes(s.pathIncludes)) continue;
			if (f.skip > 0) {
				f.skip--;
				return undefined;
			}
			f.remaining--;
			this.faults = this.faults.filter((x) => x.remaining > 0);
			return s;
		}
		return undefined;
	}

	pending(): Array<FaultSpec & { remaining: number }> {
		return this.faults.map((f) => ({ ...f.spec, remaining: f.remaining }));
	}

	clear(): void {
		this.faults = [];
	}
}
