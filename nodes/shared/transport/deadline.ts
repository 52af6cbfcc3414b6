import type { ExecutionBaseError } from 'n8n-workflow';

/**
 * Marks an error thrown because the call's deadline came: no time was left to send, the provider
 * did not answer before it, or asking again would end after it. `reason` says what happened, in
 * words that follow "did not finish within its timeout: ".
 */
export function markDeadlineReached<E extends ExecutionBaseError>(error: E, reason: string): E {
	error.context.deadlineReason = reason;
	return error;
}

/** Why the call stopped at its deadline, or undefined when the deadline is not why it failed. */
export function deadlineReason(error: unknown): string | undefined {
	const reason = (error as { context?: { deadlineReason?: unknown } })?.context?.deadlineReason;
	return typeof reason === 'string' ? reason : undefined;
}
