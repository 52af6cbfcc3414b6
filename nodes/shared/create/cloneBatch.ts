import type { ExecutionBaseError } from 'n8n-workflow';

/** A voice this run created. */
export interface RunVoice {
	name: string;
	voiceId: string;
}

/**
 * What the clones of one execution share:
 * - creates of the same name (ignoring case) run one after the other, so a lookup after a lost
 *   answer can only find the voice of the upload it follows, never a sibling's;
 * - the uploads under way, so the quota check counts them before another upload starts;
 * - every voice the run created, so none is lost from the output or from the node's error;
 * - once the account is full, nothing more is tried.
 */
export class CloneBatch {
	quotaError?: ExecutionBaseError;

	readonly created: RunVoice[] = [];

	private inFlight = 0;

	private settledCount = 0;

	private readonly nameQueues = new Map<string, Promise<void>>();

	/** Runs `task` once no other create of this name is under way in the run. */
	async withName<T>(name: string, task: () => Promise<T>): Promise<T> {
		const key = name.trim().toLowerCase();
		const before = this.nameQueues.get(key) ?? Promise.resolve();
		let release = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		const mine = before.then(async () => await gate);
		this.nameQueues.set(key, mine);
		await before;
		try {
			return await task();
		} finally {
			release();
			if (this.nameQueues.get(key) === mine) this.nameQueues.delete(key);
		}
	}

	/** Uploads of this run started and not yet settled: each may add a voice to the account. */
	get uploadsInFlight(): number {
		return this.inFlight;
	}

	/** Counts up each time an upload settles, to know when to look at the account again. */
	get settled(): number {
		return this.settledCount;
	}

	/** Voices this run created that a listing of the account (its ids) does not show yet. */
	createdNotIn(listed: Set<string>): number {
		return this.created.filter((voice) => !listed.has(voice.voiceId)).length;
	}

	/** Reserves a slot for an upload; `settle` gives it back, with the voice if one was made. */
	startUpload(): { settle(voice?: RunVoice): void } {
		this.inFlight++;
		let done = false;
		return {
			settle: (voice) => {
				if (done) return;
				done = true;
				if (voice) this.created.push(voice);
				this.inFlight--;
				this.settledCount++;
			},
		};
	}
}
