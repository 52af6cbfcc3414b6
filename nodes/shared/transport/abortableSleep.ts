import { ManualExecutionCancelledError, sleep } from 'n8n-workflow';

/**
 * Waits `ms`, or rejects with ManualExecutionCancelledError as soon as `signal` aborts.
 *
 * Not n8n-workflow's `sleepWithAbort`: n8n 2.x no longer exports it (2.41's n8n-workflow has only
 * `sleep`), so calling it there threw "sleepWithAbort is not a function" on every rate-limit or
 * retry wait. Community nodes may not use setTimeout, hence `sleep` raced against the signal; after
 * an abort the pending `sleep` simply runs out unobserved.
 */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) throw new ManualExecutionCancelledError('');
	if (!signal) {
		await sleep(ms);
		return;
	}
	let onAbort = () => {};
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(new ManualExecutionCancelledError(''));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}
