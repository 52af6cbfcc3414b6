import {
	ManualExecutionCancelledError,
	type JsonObject,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { describeUnexpectedBody } from '../providers/parsing';
import type { ProviderError, ProviderErrorKind } from '../providers/types';
import { mayHaveBeenChargedError, markRetryable, networkApiError, providerApiError, rateLimitHoldError } from './apiErrors';
import { markDeadlineReached } from './deadline';
import type { NetworkFailure } from './networkFailure';
import type { ProviderConnection } from './providerApi';
import { askedWaitMs, retryDelayMs } from './retryDelay';
import type { SendOutcome } from './send';
import type { ApiRequest, ApiResponse } from './types';

/**
 * One attempt of a request whose body must be built afresh each time (a multipart upload). Its
 * HTTP timeout is all the time left before the deadline: an upload may rightly take minutes.
 */
type RequestAttempt = (timeoutMs: number) => Promise<SendOutcome>;

interface CallOptions<T> {
	/** Safe to send again (reads, checks). A create is not: it is resent only after `findCreated`. */
	idempotent?: boolean;
	/**
	 * The provider charges for every request it processes (speech): sent again only where it cannot
	 * have processed it (see `billedRetrySafe`); after any other failure the call fails saying it
	 * may have been charged.
	 */
	billed?: boolean;
	/** A 404 answers `undefined` instead of failing. */
	notFoundIsEmpty?: boolean;
	/** Reads a 2xx answer; `undefined` when it lacks what the call is for (a create without an id). */
	read?: (response: ApiResponse) => T | undefined;
	/** What `read` looks for, for the error when it is missing: "a voice id". */
	expected?: string;
	/** A create whose outcome is unknown: what it made, if it made anything. Asked before any resend. */
	findCreated?: () => Promise<T | undefined>;
	/**
	 * The first attempt's HTTP timeout when less time than this is left, even none (Wait for
	 * Training checks each voice once more at its deadline); nothing waits. Default 0: at or past
	 * the deadline nothing is sent, and an attempt gets only the time left.
	 */
	lastChanceMs?: number;
}

/** Asking again can change the answer (for a read; a create is resent only after its lookup). */
const RETRYABLE_KINDS = new Set<ProviderErrorKind>(['rateLimit', 'transient', 'server']);
/** Answers after which a create may or may not have taken effect (a 5xx from the server or a proxy). */
const UNKNOWN_OUTCOME_KINDS = new Set<ProviderErrorKind>(['transient', 'server']);
/**
 * Network failures before the request reached anyone: the connection was refused, the host has no
 * address (DNS) or no route. Nothing was sent, so nothing can have been processed.
 */
const NOT_DELIVERED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** 503: the service says it did not take the request on. */
const NOT_PROCESSED_STATUS = 503;

/** The HTTP timeout of a read (a request given as an ApiRequest without its own), cut to the deadline. */
const DEFAULT_TIMEOUT_MS = 60_000;
/**
 * A retry is sent only if at least this much time is left for it after its wait. With less it
 * would mostly time out, and that timeout would replace the provider's own answer as the error.
 */
const MIN_RETRY_ATTEMPT_MS = 250;
/** The shortest wait a rate limit must ask for to be waited out without spending a retry. */
const MIN_RATE_LIMIT_WAIT_MS = 1_000;
/** The longest timeout a timer can hold (2^31 − 1 ms); also what "no deadline" comes to. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Every 2xx is read as the provider's JSON envelope: one whose body is not JSON (a proxy's page,
 * truncated JSON) is not an answer, e.g. not "no clones", so it counts as a server error.
 */
function unreadableSuccess(response: ApiResponse): ProviderError | undefined {
	if (typeof response.body !== 'string' || response.body.trim() === '') return undefined;
	return { kind: 'server', message: describeUnexpectedBody(response.statusCode, response.body), details: [] };
}

/** What one attempt came to, in the terms the loop acts on. */
type Verdict<T> =
	| { type: 'done'; value: T | undefined }
	/** The provider answered no (or could not be read); `error` is what it said. */
	| { type: 'refused'; response: ApiResponse; error: ProviderError }
	/** No answer: the provider may or may not have acted. */
	| { type: 'noAnswer'; failure: NetworkFailure }
	/** A 2xx without what the call is for. */
	| { type: 'incomplete'; response: ApiResponse };

/** A billed request may be sent again only after a failure that shows the provider never processed it. */
function billedRetrySafe<T>(verdict: Exclude<Verdict<T>, { type: 'done' }>): boolean {
	if (verdict.type === 'noAnswer') return NOT_DELIVERED_CODES.has(verdict.failure.code ?? '');
	if (verdict.type === 'refused') {
		return verdict.error.kind === 'rateLimit' || verdict.response.statusCode === NOT_PROCESSED_STATUS;
	}
	return false;
}

/** A billed request the provider received and may have processed: no answer, or a failure on its side. */
function billedMayHaveBeenProcessed<T>(verdict: Exclude<Verdict<T>, { type: 'done' }>): boolean {
	if (billedRetrySafe(verdict)) return false;
	if (verdict.type === 'refused') return verdict.response.statusCode >= 500 || verdict.response.statusCode < 400;
	return true;
}

/**
 * The one way a provider request is made: the rate pacer's wait, the attempts, the classification
 * of HTTP statuses and provider error kinds, and the shaping of errors, all inside `deadline`.
 *
 * - No wait (the pacer's, a backoff, a provider's retry-after) ends after the deadline or is longer
 *   than the policy's `maxWaitMs`. When the pacer knows the key has no requests left for longer than
 *   that, the call fails at once, before sending, saying which limit and when it resets.
 * - Reads are retried on rate limits, transient and server errors and lost answers, up to
 *   `maxRetries`. A create (not idempotent) is resent only when it surely did not take effect (a
 *   rate limit) or after `findCreated` found nothing; a 2xx without what `read` needs, or a 5xx, is
 *   first looked up too, so a retry never makes a second voice.
 * - A billed call is resent only where the provider cannot have processed it (connection refused,
 *   DNS, 429, 503). After no answer or a server failure it fails at once, saying it may have been
 *   charged and was not sent again.
 * - Errors thrown carry `context.retryable` (asking again later may help) and
 *   `context.providerErrorKind`; one thrown because the deadline came also says why
 *   (`deadlineReason`, see deadline.ts).
 */
export async function callProvider<T = ApiResponse>(
	connection: ProviderConnection,
	request: ApiRequest | RequestAttempt,
	options: CallOptions<T> = {},
): Promise<T | undefined> {
	const { policy, pacer, deadline } = connection;
	const billed = options.billed === true;
	const idempotent = !billed && (options.idempotent ?? true);
	const read = options.read ?? ((response: ApiResponse) => response as T);
	/** The HTTP timeout an attempt asks for itself; the deadline may cut it shorter. */
	const ownTimeoutMs = typeof request === 'function' ? MAX_TIMEOUT_MS : (request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
	const attemptOnce: RequestAttempt =
		typeof request === 'function'
			? request
			: async (timeoutMs) => await connection.send({ ...request, timeoutMs: Math.min(ownTimeoutMs, timeoutMs) });
	const { displayName } = connection.provider;

	/** Waits `ms` if that ends before the deadline and within maxWaitMs; else says it cannot. */
	const mayWait = (ms: number) => ms <= policy.maxWaitMs && Date.now() + ms <= deadline;
	const mayRetryAfter = (ms: number) => mayWait(ms) && deadline - (Date.now() + ms) >= MIN_RETRY_ATTEMPT_MS;

	// DELETE is idempotent: a 404 after an attempt that may have taken effect means that one did it.
	const deletes = typeof request !== 'function' && request.method === 'DELETE';
	let earlierMayHaveActed = false;
	/** Retries spent: a rate limit that named its wait does not spend one (see below). */
	let retriesUsed = 0;
	/** Why the previous attempt failed: what a retry left too little time by a late timer reports. */
	let previousError: NodeApiError | NodeOperationError | undefined;

	for (let attempt = 0; ; attempt++) {
		for (let delay = pacer.reserve(); delay > 0; delay = pacer.reserve()) {
			if (!mayWait(delay)) {
				throw rateLimitHoldError(connection, pacer.hold() ?? { until: Date.now() + delay, reason: 'window' }, deadline);
			}
			await connection.wait(delay);
		}
		let remaining = deadline - Date.now();
		if (attempt === 0) remaining = Math.max(remaining, options.lastChanceMs ?? 0);
		let outcome: SendOutcome | undefined;
		try {
			if (previousError && remaining < MIN_RETRY_ATTEMPT_MS) throw markDeadlineReached(previousError, previousError.message);
			if (remaining <= 0) {
				throw markDeadlineReached(timeoutBeforeSendError(connection), `no time was left to send the request to ${displayName}`);
			}
			outcome = await attemptOnce(Math.min(MAX_TIMEOUT_MS, remaining));
		} finally {
			settlePacer(connection, outcome);
		}
		/** The attempt's timeout was the time left before the deadline, not its own. */
		const cutByDeadline = remaining < ownTimeoutMs;
		const verdict = judge(connection, outcome, read, options.notFoundIsEmpty === true);
		if (verdict.type === 'done') return verdict.value;
		if (verdict.type === 'noAnswer' && verdict.failure.reason === 'cancelled') {
			throw new ManualExecutionCancelledError('');
		}
		if (deletes && earlierMayHaveActed && verdict.type === 'refused' && verdict.error.kind === 'notFound') {
			return undefined;
		}
		earlierMayHaveActed ||=
			verdict.type === 'noAnswer' || (verdict.type === 'refused' && UNKNOWN_OUTCOME_KINDS.has(verdict.error.kind));

		const outcomeUnknown =
			!idempotent &&
			(verdict.type !== 'refused' || UNKNOWN_OUTCOME_KINDS.has(verdict.error.kind));
		if (outcomeUnknown && options.findCreated) {
			const found = await lookUp(connection, options.findCreated, () =>
				finalError(connection, verdict, attempt + 1, false, options.expected),
			);
			if (found !== undefined) return found;
		}

		const error = verdict.type === 'refused' ? verdict.error : undefined;
		let retryable = verdict.type === 'noAnswer' || (error !== undefined && RETRYABLE_KINDS.has(error.kind));
		// A create that failed on the server's side may fail the same way again: not resent.
		if (!idempotent && error?.kind === 'server') retryable = false;
		if (billed) retryable = billedRetrySafe(verdict);
		const response = verdict.type === 'noAnswer' ? undefined : verdict.response;
		const delay = retryDelayMs(attempt, policy, response, error?.retryAfterMs);
		// A rate limit that asks for a real wait is waited out within the deadline without spending a
		// retry: a key shared with other workers or executions can be refused window after window, and
		// the deadline (every call but a bare connection has one) bounds the waiting anyway. One that
		// asks for (almost) no wait still spends one, so it cannot make the call ask in a loop.
		const waitingOutRateLimit =
			error?.kind === 'rateLimit' &&
			Number.isFinite(deadline) &&
			(askedWaitMs(response, error.retryAfterMs) ?? 0) >= MIN_RATE_LIMIT_WAIT_MS;
		previousError = finalError(connection, verdict, attempt + 1, retryable, options.expected);
		if (billed && billedMayHaveBeenProcessed(verdict)) previousError = mayHaveBeenChargedError(previousError, displayName);
		const timedOutAtDeadline = cutByDeadline && verdict.type === 'noAnswer' && verdict.failure.reason === 'timeout';
		if (timedOutAtDeadline) markDeadlineReached(previousError, `${displayName} did not answer`);
		const mayRetry = verdict.type !== 'incomplete' && retryable && (waitingOutRateLimit || retriesUsed < policy.maxRetries);
		if (!mayRetry || !mayRetryAfter(delay)) {
			// Asking again was allowed, but its wait or attempt would end after the deadline.
			if (mayRetry && delay <= policy.maxWaitMs && !timedOutAtDeadline) {
				markDeadlineReached(previousError, `${previousError.message}; asking again meant waiting ${Math.round(delay / 1000)} s`);
			}
			throw previousError;
		}
		if (!waitingOutRateLimit) retriesUsed++;
		await connection.wait(delay);
	}
}

/**
 * The lookup after an unknown outcome. When it fails too, the error is the request's own, saying
 * that whether it took effect is unknown: a voice it made may exist.
 */
async function lookUp<T>(
	connection: ProviderConnection,
	findCreated: () => Promise<T | undefined>,
	requestError: () => NodeApiError | NodeOperationError,
): Promise<T | undefined> {
	const looked = await findCreated().then(
		(value) => ({ value }),
		(lookupError: unknown) => ({ lookupError }),
	);
	if ('value' in looked) return looked.value;
	if (looked.lookupError instanceof ManualExecutionCancelledError) throw new ManualExecutionCancelledError('');
	const error = requestError();
	const line = `Whether the request took effect is unknown: looking for what it made failed too (${(looked.lookupError as Error).message}). Check the ${connection.provider.displayName} account before running it again.`;
	error.description = error.description ? `${error.description}\n${line}` : line;
	throw markRetryable(error, false);
}

function judge<T>(
	connection: ProviderConnection,
	outcome: SendOutcome | undefined,
	read: (response: ApiResponse) => T | undefined,
	notFoundIsEmpty: boolean,
): Verdict<T> {
	if (!outcome) throw new NodeOperationError(connection.context.getNode(), 'The request was not sent');
	if (outcome.type === 'failure') return { type: 'noAnswer', failure: outcome.failure };
	const { response } = outcome;
	const error =
		response.statusCode < 400 ? unreadableSuccess(response) : connection.provider.parseError(response);
	if (error) {
		if (error.kind === 'notFound' && notFoundIsEmpty) return { type: 'done', value: undefined };
		return { type: 'refused', response, error };
	}
	const value = read(response);
	return value === undefined ? { type: 'incomplete', response } : { type: 'done', value };
}

function settlePacer(connection: ProviderConnection, outcome: SendOutcome | undefined): void {
	const response = outcome?.type === 'response' ? outcome.response : undefined;
	const error = response?.statusCode === 429 ? connection.provider.parseError(response) : undefined;
	const limited = error?.kind === 'rateLimit';
	connection.pacer.settle(
		response,
		limited ? retryDelayMs(0, connection.policy, response, error?.retryAfterMs) : undefined,
	);
}

function timeoutBeforeSendError(connection: ProviderConnection): NodeOperationError {
	const error = new NodeOperationError(
		connection.context.getNode(),
		`The timeout ran out before the request to ${connection.provider.displayName} could be sent`,
		{ itemIndex: connection.itemIndex, description: 'Nothing was sent. Raise the timeout, or run the item again.' },
	);
	return markRetryable(error, true);
}

function finalError<T>(
	connection: ProviderConnection,
	verdict: Exclude<Verdict<T>, { type: 'done' }>,
	attempts: number,
	retryable: boolean,
	expected = 'what was asked for',
) {
	const node = connection.context.getNode();
	const { displayName } = connection.provider;
	if (verdict.type === 'noAnswer') {
		return markRetryable(networkApiError(node, displayName, verdict.failure, connection.itemIndex, attempts), true);
	}
	if (verdict.type === 'refused') {
		const { response, error } = verdict;
		return markRetryable(providerApiError(node, displayName, response.statusCode, error, connection.itemIndex), retryable);
	}
	const { response } = verdict;
	const error = new NodeApiError(
		node,
		{ statusCode: response.statusCode, message: 'answer without ' + expected } as JsonObject,
		{
			httpCode: String(response.statusCode),
			message: `${displayName} answered HTTP ${response.statusCode} (success) without ${expected}`,
			description: `The request may have taken effect, but nothing it made was found afterwards. Check the ${displayName} account before running it again.`,
			itemIndex: connection.itemIndex,
		},
	);
	error.context.providerErrorKind = 'incomplete';
	return markRetryable(error, false);
}
