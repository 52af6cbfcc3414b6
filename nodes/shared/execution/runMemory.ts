import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * What a run of a node already did that must not be done twice — a voice created, speech already
 * paid for — kept in the execution's node context. n8n's "Retry On Fail" runs a failed node again
 * within the same execution (and, with "continue on fail", a node whose first item failed), and
 * that context survives the retry: the next try finds each item's result here and outputs it
 * instead of sending the request again.
 *
 * An entry belongs to the node's run index (a node run again in a loop starts afresh) and to a
 * fingerprint of what the item asked for, so it is only reused for the same request.
 */
export interface RunMemory<T extends IDataObject> {
	/** What this item already produced in an earlier try of this run, for the same request. */
	recall(itemIndex: number, fingerprint: string): T | undefined;
	remember(itemIndex: number, fingerprint: string, result: T): void;
	/** Forgets this run: call it once every item succeeded, when no retry of the run can follow. */
	forget(): void;
}

interface Entry {
	fingerprint: string;
	result: IDataObject;
}

export function runMemory<T extends IDataObject>(context: IExecuteFunctions, kind: string): RunMemory<T> {
	const runIndex = Number(context.getWorkflowDataProxy(0).$runIndex ?? 0);
	const store = context.getContext('node') as IDataObject;
	const key = `${kind}:run${runIndex}`;
	const entries = () => (store[key] ??= {}) as Record<string, Entry>;
	return {
		recall(itemIndex, fingerprint) {
			const entry = (store[key] as Record<string, Entry> | undefined)?.[itemIndex];
			return entry?.fingerprint === fingerprint ? (entry.result as T) : undefined;
		},
		remember(itemIndex, fingerprint, result) {
			entries()[itemIndex] = { fingerprint, result };
		},
		forget() {
			delete store[key];
		},
	};
}
