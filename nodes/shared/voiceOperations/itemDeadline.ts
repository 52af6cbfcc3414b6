import { ExecutionBaseError } from 'n8n-workflow';

import { MAY_HAVE_BEEN_CHARGED, mayHaveBeenCharged } from '../transport/apiErrors';
import { deadlineReason } from '../transport/deadline';

/** "60 s", "1.5 s". */
function seconds(value: number): string {
	return `${Math.round(value * 1000) / 1000} s`;
}

/**
 * The error of an item whose calls stopped at its deadline, reworded to say which operation on
 * which voice did not finish and what limit it ran into, e.g. `Get voice "vc_1" did not finish
 * within its 60 s timeout: Buena AI did not answer`. The error keeps its class and HTTP code.
 * Any other error is returned as it is.
 */
export function deadlineError(error: unknown, subject: string, timeoutSeconds: number): unknown {
	const reason = deadlineReason(error);
	if (reason === undefined || !(error instanceof ExecutionBaseError)) return error;
	const charged = mayHaveBeenCharged(error) ? `. ${MAY_HAVE_BEEN_CHARGED}` : '';
	error.message = `${subject} did not finish within its ${seconds(timeoutSeconds)} timeout: ${reason}${charged}`;
	const line = `Timeout (under Options) limits each item to ${seconds(timeoutSeconds)}, retries and waits for rate limits included. Raise it, or run the item again later.`;
	error.description = error.description ? `${error.description}\n${line}` : line;
	return error;
}
