import { NodeOperationError } from 'n8n-workflow';

import type { ProviderApi, VoiceProvider } from '../providers/types';
import { abortableSleep } from './abortableSleep';
import { callProvider } from './callProvider';
import { pacerFor, type RatePacer } from './ratePacer';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryDelay';
import { secureBaseUrl } from './secureBaseUrl';
import { cancelSignalOf, sendOnce, type SendOutcome } from './send';
import type { ApiRequest, ApiResponse, ProviderContext } from './types';

/** One execution, credential and item bound together; every request goes through `callProvider`. */
export interface ProviderConnection {
	readonly provider: VoiceProvider;
	readonly context: ProviderContext;
	readonly itemIndex: number;
	readonly policy: RetryPolicy;
	/** The rate pacer of this credential's account, shared across executions of the process. */
	readonly pacer: RatePacer;
	/** Epoch ms no wait of a call may outlive, and each attempt's HTTP timeout is cut to (Infinity: none). */
	readonly deadline: number;
	/** One attempt, sent as it is: no pacing, no retry (callProvider does those). Never throws. */
	send(request: ApiRequest): Promise<SendOutcome>;
	/** Waits, ending early with a cancellation error when the execution is cancelled. */
	wait(ms: number): Promise<void>;
}

interface ConnectionSettings {
	policy?: RetryPolicy;
	deadline?: number;
}

export async function connectProvider(
	context: ProviderContext,
	provider: VoiceProvider,
	itemIndex: number,
	{ policy = DEFAULT_RETRY_POLICY, deadline = Infinity }: ConnectionSettings = {},
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
	const signal = cancelSignalOf(context);
	return {
		provider,
		context,
		itemIndex,
		policy,
		deadline,
		pacer: pacerFor(provider.credentialType, baseUrl, credentials.apiKey),
		send: async (request) => await sendOnce(context, provider.credentialType, baseUrl, request),
		wait: async (ms) => await abortableSleep(ms, signal),
	};
}

/** The same connection with another policy or deadline (a poll round, a lookup after an upload). */
function withSettings(connection: ProviderConnection, settings: ConnectionSettings): ProviderConnection {
	return { ...connection, ...settings };
}

/** Requests for a provider module, within the connection's deadline: reads and checks, and billed requests. */
export function providerApi(
	connection: ProviderConnection,
	{ lastChanceMs, ...settings }: ConnectionSettings & { lastChanceMs?: number } = {},
): ProviderApi {
	const bound = withSettings(connection, settings);
	return {
		node: connection.context.getNode(),
		itemIndex: connection.itemIndex,
		request: async (request) => (await callProvider(bound, request, { lastChanceMs })) as ApiResponse,
		billedRequest: async (request) => (await callProvider(bound, request, { billed: true, lastChanceMs })) as ApiResponse,
		requestOptional: async (request) =>
			await callProvider(bound, request, { notFoundIsEmpty: true, lastChanceMs }),
	};
}
