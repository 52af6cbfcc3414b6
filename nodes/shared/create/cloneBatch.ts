import type { ExecutionBaseError } from 'n8n-workflow';

import type { AccountSnapshot, CreatedVoice } from '../providers/types';

/** A voice this run created (in this try of the node, or an earlier one it remembers). */
export interface RunVoice {
	/** The name the item asked for. */
	name: string;
	voiceId: string;
	voice: CreatedVoice;
}

/**
 * What the clones of one execution share:
 * - one look at the account for the whole batch, taken by the first clone that needs it and taken
 *   again only after an upload whose outcome stayed unknown (it may have added a voice);
 * - the uploads under way, so the quota check counts them before another upload starts;
 * - every voice the run created: counted against the account's limit, found by later items of the
 *   same name, and never lost from the output or from the node's error;
 * - creates of the same name (ignoring case) one after the other, so a lookup after a lost answer
 *   can only find the voice of the upload it follows, never a sibling's;
 * - once the account is full, nothing more is tried.
 */
export class CloneBatch {
	quotaError?: ExecutionBaseError;

	readonly created: RunVoice[] = [];

	private inFlight = 0;

	private settleListeners: Array<() => void> = [];

	private account?: Promise<AccountSnapshot>;

	private readonly nameQueues = new Map<string, Promise<void>>();

	/** The account as the run last saw it; `list` is called only when the run has no usable look at it. */
	accountSnapshot(list: () => Promise<AccountSnapshot>): Promise<AccountSnapshot> {
		if (!this.account) {
			const listing = list();
			this.account = listing;
			// A failed look is not kept: the next clone that needs the account asks again.
			listing.catch(() => {
				if (this.account === listing) this.account = undefined;
			});
		}
		return this.account;
	}

	/** An upload ended without knowing whether it made a voice: the next decision looks at the account again. */
	accountMayHaveChanged(): void {
		this.account = undefined;
	}

	/** Every voice id known to exist now: the snapshot's and the ones this run made since. */
	knownVoiceIds(snapshot: AccountSnapshot): Set<string> {
		return new Set([...snapshot.voiceIds, ...this.created.map((voice) => voice.voiceId)]);
	}

	/** A voice an earlier try of this run created, found in the run's memory. */
	addRemembered(voice: RunVoice): void {
		this.created.push(voice);
	}

	/** Uploads of this run started and not yet settled: each may add a voice to the account. */
	get uploadsInFlight(): number {
		return this.inFlight;
	}

	/** Resolves once the next upload of the run settles (made a voice or failed). */
	nextSettle(): Promise<void> {
		return new Promise((resolve) => this.settleListeners.push(resolve));
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
				const listeners = this.settleListeners;
				this.settleListeners = [];
				for (const listener of listeners) listener();
			},
		};
	}

	/**
	 * Runs `task` once no other create of this name is under way in the run. `waitForTurn` waits
	 * for the turn (bounded by the item's deadline); if it gives up, the item leaves the queue and
	 * the siblings behind it keep their order.
	 */
	async withName<T>(name: string, waitForTurn: (turn: Promise<void>) => Promise<void>, task: () => Promise<T>): Promise<T> {
		const key = name.trim().toLowerCase();
		const before = this.nameQueues.get(key) ?? Promise.resolve();
		let release = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		const mine = before.then(async () => await gate);
		this.nameQueues.set(key, mine);
		// Forgotten once the whole queue up to this item is done, not when an item gives up waiting.
		void mine.then(() => {
			if (this.nameQueues.get(key) === mine) this.nameQueues.delete(key);
		});
		try {
			await waitForTurn(before);
			return await task();
		} finally {
			release();
		}
	}
}
