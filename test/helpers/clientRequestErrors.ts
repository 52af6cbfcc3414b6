/**
 * How the HTTP requests this process makes end in error, seen through node:diagnostics_channel
 * (`http.client.request.error`): e.g. to tell a request that a cancel aborted from one that timed
 * out, without timing anything.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

export interface ClientRequestError {
	name: string;
	code?: string;
	message: string;
}

/** Starts recording; `stop()` ends it. */
export function recordClientRequestErrors(): { errors: ClientRequestError[]; stop: () => void } {
	const errors: ClientRequestError[] = [];
	const onError = (message: unknown) => {
		const { error } = message as { error: Error & { code?: string } };
		errors.push({ name: error.name, code: error.code, message: error.message });
	};
	subscribe('http.client.request.error', onError);
	return { errors, stop: () => unsubscribe('http.client.request.error', onError) };
}

/** Resolves once `condition` holds, checking every few real milliseconds (an event, not a duration). */
export async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
