import { randomBytes, randomUUID } from 'node:crypto';

import { FaultQueue } from './faults';
import { RateLimiter } from './rateLimit';
import { RequestLog } from './requestLog';
import { defaultShapes, type ResponseShapes } from './shapes';
import type { Provider } from './types';

export const DEMO_KEYS = { buena: 'bna_sandbox_demo_key', bland: 'sk-bland-sandbox-demo-key' } as const;

/** Name or description containing this makes a Buena clone fail at half its training time. */
export const FAIL_TRAINING_MARKER = '[fail-training]';
export const FAIL_TRAINING_MESSAGE = 'Audio quality too low for training: background noise detected in sample 1';

export interface BuenaVoice {
	id: string;
	key: string;
	name: string;
	description: string;
	sampleCount: number;
	createdAt: number;
	updatedAt: number;
	status: 'processing' | 'ready' | 'failed';
	/** Highest progress reported so far (progress never goes back). */
	progress: number;
	errorMessage: string | null;
	willFail: boolean;
	settings: Record<string, unknown> | null;
	labels: Record<string, string>;
	/** isActive = ready && active (PUT may set active). */
	active: boolean;
	activeCampaigns: number | string[];
}

export interface BlandVoice {
	id: string;
	key: string;
	name: string;
	description: string;
	gender: 'male' | 'female' | null;
	engine: 'v2' | 'v3';
	samples: number;
	tags: string[];
	createdAt: number;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 20 alphanumerics, like the seed's 'pNInz6obpgDQGcFmaJgB'. */
export function buenaVoiceId(): string {
	const bytes = randomBytes(20);
	let id = '';
	for (const b of bytes) id += ALNUM[b % ALNUM.length];
	return id;
}

export function blandVoiceId(): string {
	return randomUUID();
}

export class SandboxState {
	readonly keys: Record<Provider, Set<string>> = {
		buena: new Set([DEMO_KEYS.buena]),
		bland: new Set([DEMO_KEYS.bland]),
	};
	trainingMs: number;
	buenaMaxClones: number;
	/** The answer shapes in force (configure({ shapes })); reset() keeps them, like the rest of the config. */
	shapes: ResponseShapes = defaultShapes();
	readonly limiter: RateLimiter;
	readonly faults = new FaultQueue();
	readonly log = new RequestLog(() => [...this.keys.buena, ...this.keys.bland]);
	readonly buenaVoices = new Map<string, BuenaVoice>();
	readonly blandVoices = new Map<string, BlandVoice>();
	readonly keepBodies: boolean;

	constructor(opts: {
		trainingMs: number;
		rateLimit: { limit: number; windowMs: number };
		keepBodies: boolean;
		buenaMaxClones: number;
	}) {
		this.trainingMs = opts.trainingMs;
		this.buenaMaxClones = opts.buenaMaxClones;
		this.limiter = new RateLimiter({ ...opts.rateLimit });
		this.keepBodies = opts.keepBodies;
	}

	reset(): void {
		this.buenaVoices.clear();
		this.blandVoices.clear();
		this.log.clear();
		this.faults.clear();
		this.limiter.clear();
	}

	/**
	 * Advance a Buena clone's training. Status is derived lazily from the clock: progress rises
	 * linearly over trainingMs; `ready` at trainingMs; with the fail marker, `failed` at half of it.
	 * Transitions stick (a later configure() can't send a ready clone back to processing).
	 */
	refresh(v: BuenaVoice, now = Date.now()): BuenaVoice {
		if (v.status !== 'processing') return v;
		const t = Math.max(0, this.trainingMs);
		const elapsed = now - v.createdAt;
		if (v.willFail && elapsed >= t / 2) {
			v.status = 'failed';
			v.errorMessage = FAIL_TRAINING_MESSAGE;
			v.progress = Math.max(v.progress, Math.min(99, Math.floor(50)));
			v.updatedAt = Math.min(now, v.createdAt + Math.floor(t / 2));
			v.active = false;
			return v;
		}
		if (elapsed >= t) {
			this.finish(v, Math.min(now, v.createdAt + t));
			return v;
		}
		v.progress = Math.max(v.progress, Math.min(99, Math.floor((elapsed / t) * 100)));
		return v;
	}

	finish(v: BuenaVoice, at = Date.now()): void {
		v.status = 'ready';
		v.progress = 100;
		v.errorMessage = null;
		v.updatedAt = at;
	}

	markReady(voiceId: string): boolean {
		const v = this.buenaVoices.get(voiceId);
		if (!v) return false;
		if (v.status !== 'ready') this.finish(v);
		return true;
	}
}
