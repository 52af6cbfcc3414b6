import {
	NodeApiError,
	NodeOperationError,
	type ExecutionBaseError,
	type INode,
	type JsonObject,
} from 'n8n-workflow';

import type { ProviderError } from '../providers/types';
import type { NetworkFailure } from './networkFailure';
import type { RateHold } from './ratePacer';

/**
 * The one place a provider's answer becomes an n8n error. Built from the parsed envelope only, so
 * nothing of the request (its headers carry the key) can reach the execution data.
 */
export function providerApiError(
	node: INode,
	providerName: string,
	statusCode: number,
	error: ProviderError,
	itemIndex: number,
): NodeApiError {
	const code = error.code ? ` [${error.code}]` : '';
	const response: JsonObject = {
		statusCode,
		code: error.code ?? null,
		message: error.message,
		details: error.details,
	};
	const message = `${providerName}: ${error.message}${code}`;
	const apiError = new NodeApiError(node, response, {
		httpCode: String(statusCode),
		message,
		description: error.details.length ? error.details.join('\n') : undefined,
		itemIndex,
	});
	apiError.context.providerErrorKind = error.kind;
	if (error.code) apiError.context.providerErrorCode = error.code;
	return keepMessage(apiError, message);
}

/**
 * NodeApiError swaps a message that contains a system code (ENOTFOUND, ECONNREFUSED…) for n8n's
 * generic words ("The service refused the connection…"), which drops the provider's name and ours.
 */
function keepMessage(error: NodeApiError, message: string): NodeApiError {
	error.message = message;
	return error;
}

/**
 * The provider's own error code (VOICE_CLONE_IN_USE), or the system code of a request that got no
 * answer (ECONNRESET), as recorded where the error was made.
 */
export function errorCodeOf(error: ExecutionBaseError): string | undefined {
	const { providerErrorCode, networkErrorCode } = error.context;
	const code = providerErrorCode ?? networkErrorCode;
	return typeof code === 'string' ? code : undefined;
}

/** The account cannot hold another voice: retrying, or trying the next item, cannot help. */
export function quotaExceededError(
	node: INode,
	message: string,
	itemIndex: number,
	description: string,
): NodeOperationError {
	const error = new NodeOperationError(node, message, { itemIndex, description });
	error.context.providerErrorKind = 'quota';
	return error;
}

export function isQuotaError(error: unknown): boolean {
	return (error as { context?: { providerErrorKind?: unknown } })?.context?.providerErrorKind === 'quota';
}

export function networkApiError(
	node: INode,
	providerName: string,
	failure: NetworkFailure,
	itemIndex: number,
	attempts: number,
): NodeApiError {
	const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
	const message = `${providerName}: ${failure.message}${tries}`;
	// Not as `code`: NodeApiError would take it for the message's code (see keepMessage).
	const error = new NodeApiError(node, { message: failure.message } as JsonObject, {
		message,
		description: failure.code ? `Network error code: ${failure.code}` : undefined,
		itemIndex,
	});
	if (failure.code) error.context.networkErrorCode = failure.code;
	return keepMessage(error, message);
}

/** Marks whether asking again later may succeed (a poll round goes on; a create does not). */
export function markRetryable<E extends ExecutionBaseError>(error: E, retryable: boolean): E {
	error.context.retryable = retryable;
	return error;
}

export function isRetryable(error: unknown): boolean {
	return (error as { context?: { retryable?: unknown } })?.context?.retryable === true;
}

function formatWait(ms: number): string {
	const seconds = Math.max(0, Math.ceil(ms / 1000));
	if (seconds < 120) return `${seconds} s`;
	const minutes = Math.round(seconds / 60);
	return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 6) / 10} h`;
}

function describeWindow(seconds: number): string {
	if (seconds % 86_400 === 0) return seconds === 86_400 ? 'day' : `${seconds / 86_400} days`;
	if (seconds % 3_600 === 0) return seconds === 3_600 ? 'hour' : `${seconds / 3_600} hours`;
	if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
	return `${seconds} s`;
}

/** Which limit holds requests back, in words: "the limit of 60 requests per minute". */
export function describeRateHold(hold: RateHold): string {
	if (hold.reason === 'asked') return 'the provider asked to wait after a rate-limited request';
	const per = hold.windowSeconds ? ` per ${describeWindow(hold.windowSeconds)}` : '';
	return hold.limit !== undefined
		? `the key's limit of ${hold.limit} requests${per} is used up`
		: "the key's rate-limit window is used up";
}

/**
 * The rate pacer knows the key has no requests left for longer than the call may wait: failing at
 * once, before sending, says when the limit resets instead of holding the execution in vain.
 */
export function rateLimitHoldError(
	connection: { context: { getNode(): INode }; provider: { displayName: string }; itemIndex: number },
	hold: RateHold,
	deadline: number,
	now = Date.now(),
): NodeApiError {
	const { displayName } = connection.provider;
	const resetsAt = new Date(hold.until).toISOString();
	const left = deadline - now;
	const limitText = describeRateHold(hold);
	const error = new NodeApiError(
		connection.context.getNode(),
		{ message: limitText, resetsAt } as JsonObject,
		{
			httpCode: '429',
			message: `${displayName}: not sent, ${limitText} until ${resetsAt} (in ${formatWait(hold.until - now)}), later than this node may wait${Number.isFinite(left) ? ` (${formatWait(left)} left)` : ''}`,
			description:
				'Nothing was sent. Run it again after the limit resets, raise the timeout, or spread the work over time. The limit counts every request made with this API key.',
			itemIndex: connection.itemIndex,
		},
	);
	error.context.providerErrorKind = 'rateLimitHold';
	error.context.rateLimitResetsAt = hold.until;
	return markRetryable(error, false);
}

/** What a billed request's error adds: that it may have cost money, and that it did not twice. */
export const MAY_HAVE_BEEN_CHARGED = 'It may have been processed and charged, so it was not sent again (it is not charged twice)';

/**
 * A billed request (speech) that reached the provider and failed without saying it was not
 * processed: a lost answer, or a server failure after the request was sent. It may have been
 * charged; it is not sent again, and the error says both.
 */
export function mayHaveBeenChargedError<E extends NodeApiError | NodeOperationError>(error: E, providerName: string): E {
	error.message = `${error.message}. ${MAY_HAVE_BEEN_CHARGED}`;
	const line = `${providerName} received the request, and whether it processed it is unknown. Requests it processes are charged. Check the account's usage before running this item again.`;
	error.description = error.description ? `${error.description}\n${line}` : line;
	error.context.mayHaveBeenCharged = true;
	return markRetryable(error, false);
}

export function mayHaveBeenCharged(error: unknown): boolean {
	return (error as { context?: { mayHaveBeenCharged?: unknown } })?.context?.mayHaveBeenCharged === true;
}
