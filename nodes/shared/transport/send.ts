import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { classifyNetworkFailure, type NetworkFailure } from './networkFailure';
import type { ApiRequest, ApiResponse } from './types';

export type SendOutcome =
	| { type: 'response'; response: ApiResponse }
	| { type: 'failure'; failure: NetworkFailure };

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * One attempt, through n8n's authenticated request helper. Never throws for an HTTP status or a
 * network failure: the caller decides what each means. Redirects are not followed: following
 * them would make axios keep the whole upload in memory, and could carry the key elsewhere.
 */
export async function sendOnce(
	context: IExecuteFunctions,
	credentialType: string,
	baseUrl: string,
	request: ApiRequest,
): Promise<SendOutcome> {
	const signal = context.getExecutionCancelSignal?.();
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		body: request.body as IHttpRequestOptions['body'],
		headers: request.headers,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		abortSignal: signal,
	};
	return await context.helpers.httpRequestWithAuthentication
		.call(context, credentialType, options)
		.then(
			(result: { statusCode: number; headers?: Record<string, unknown>; body?: unknown }) => ({
				type: 'response' as const,
				response: { statusCode: result.statusCode, headers: result.headers ?? {}, body: result.body },
			}),
			(error: unknown) => ({
				type: 'failure' as const,
				failure: classifyNetworkFailure(error, signal?.aborted === true),
			}),
		);
}
