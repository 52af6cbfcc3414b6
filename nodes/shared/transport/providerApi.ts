import {
	ManualExecutionCancelledError,
	NodeOperationError,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { describeUnexpectedBody } from '../providers/parsing';
import type { ProviderApi, ProviderError, VoiceProvider } from '../providers/types';
import { abortableSleep } from './abortableSleep';
import { networkApiError, providerApiError } from './apiErrors';
import type { NetworkFailure } from './networkFailure';
import { pacerFor } from './ratePacer';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './retryDelay';
import { secureBaseUrl } from './secureBaseUrl';
import { sendOnce, type SendOutcome } from './send';
import type { ApiRequest, ApiResponse } from './types';

/**
 * Every read expects a JSON envelope: a 2xx whose body is not one (a proxy's page, truncated
 * JSON) must not be read as an empty answer, e.g. "no clones", so it counts as a server error.
 */
function unexpectedSuccessBody(response: ApiResponse): ProviderError | undefined {
	if (typeof response.body !== 'string' || response.body.trim() === '') return undefined;
	return { kind: 'server', message: describeUnexpectedBody(response.statusCode, response.body), details: [] };
}

const RETRYABLE_READ_KINDS = new Set<ProviderError['kind']>(['rateLimit', 'transient', 'server']);

export interface ProviderConnection {
	readonly provider: VoiceProvider;
	readonly context: IExecuteFunctions;
	readonly itemIndex: number;
	readonly policy: RetryPolicy;
	send(request: ApiRequest): Promise<SendOutcome>;
	wait(ms: number): Promise<void>;
	apiError(response: ApiResponse, error?: ProviderError): Error;
	networkError(failure: NetworkFailure, attempts: number): Error;
}

export async function connectProvider(
	context: IExecuteFunctions,
	provider: VoiceProvider,
	itemIndex: number,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<ProviderConnection> {
	const credentials = await context.getCredentials(provider.credentialType, itemIndex);
	let baseUrl: string;
	try {
		baseUrl = secureBaseUrl(credentials.baseUrl);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), (error as Error).message, {
			itemIndex,
			description: `Fix the base URL in the ${provider.displayName} credential.`,
		});
	}
	const node = context.getNode();
	const signal = context.getExecutionCancelSignal?.();
	const pacer = pacerFor(provider.credentialType, baseUrl, credentials.apiKey);
	const wait = async (ms: number) => await abortableSleep(ms, signal);
	return {
		provider,
		context,
		itemIndex,
		policy,
		send: async (request) => {
			for (let delay = pacer.reserve(); delay > 0; delay = pacer.reserve()) await wait(delay);
			const outcome = await sendOnce(context, provider.credentialType, baseUrl, request);
			const response = outcome.type === 'response' ? outcome.response : undefined;
			const error = response?.statusCode === 429 ? provider.parseError(response) : undefined;
			const limited = error?.kind === 'rateLimit';
			pacer.settle(response, limited ? retryDelayMs(0, policy, response, error?.retryAfterMs) : undefined);
			return outcome;
		},
		wait,
		apiError: (response, error = provider.parseError(response)) =>
			providerApiError(node, provider.displayName, response.statusCode, error, itemIndex),
		networkError: (failure, attempts) => {
			if (failure.reason === 'cancelled') return new ManualExecutionCancelledError('');
			return networkApiError(node, provider.displayName, failure, itemIndex, attempts);
		},
	};
}

/**
 * Sends a request that is safe to repeat (reads, checks). Rate limits and transient failures are
 * retried within the policy; anything else becomes an n8n error.
 */
export async function requestWithRetry(
	connection: ProviderConnection,
	request: ApiRequest,
	options: { notFoundIsEmpty?: boolean } = {},
): Promise<ApiResponse | undefined> {
	const { provider, policy } = connection;
	for (let attempt = 0; ; attempt++) {
		const outcome = await connection.send(request);
		const canRetry = attempt < policy.maxRetries;
		if (outcome.type === 'failure') {
			if (outcome.failure.reason === 'cancelled' || !canRetry) {
				throw connection.networkError(outcome.failure, attempt + 1);
			}
			await connection.wait(retryDelayMs(attempt, policy));
			continue;
		}
		const { response } = outcome;
		const error = response.statusCode < 400 ? unexpectedSuccessBody(response) : provider.parseError(response);
		if (!error) return response;
		if (error.kind === 'notFound' && options.notFoundIsEmpty) return undefined;
		const delay = retryDelayMs(attempt, policy, response, error.retryAfterMs);
		if (!RETRYABLE_READ_KINDS.has(error.kind) || !canRetry || delay > policy.maxWaitMs) {
			throw connection.apiError(response, error);
		}
		await connection.wait(delay);
	}
}

export function providerApi(connection: ProviderConnection): ProviderApi {
	return {
		node: connection.context.getNode(),
		itemIndex: connection.itemIndex,
		request: async (request) => (await requestWithRetry(connection, request)) as ApiResponse,
		requestOptional: async (request) =>
			await requestWithRetry(connection, request, { notFoundIsEmpty: true }),
	};
}
