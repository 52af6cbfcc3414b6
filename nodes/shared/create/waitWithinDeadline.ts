import type { ProviderConnection } from '../transport/providerApi';

/**
 * Each slice of a wait is at most this long: the wait ends as soon as what it waits for settles,
 * and a slice's timer outlives it by at most this much.
 */
const SLICE_MS = 500;

/**
 * Waits for `awaited` no later than the connection's deadline (then throws `timedOut()`), ending
 * early with a cancellation error when the execution is cancelled (the connection's `wait`).
 */
export async function waitWithinDeadline<T>(
	connection: ProviderConnection,
	awaited: Promise<T>,
	timedOut: () => Error,
): Promise<T> {
	let settled = false;
	const watched = awaited.finally(() => (settled = true));
	for (;;) {
		const left = connection.deadline - Date.now();
		if (settled) break;
		if (left <= 0) {
			// Nobody awaits it any more; a later failure of it is for its own owner to report.
			watched.catch(() => {});
			throw timedOut();
		}
		await Promise.race([watched, connection.wait(Math.min(SLICE_MS, left))]);
	}
	return await awaited;
}
