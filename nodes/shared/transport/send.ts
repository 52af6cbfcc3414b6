import type { IHttpRequestOptions } from 'n8n-workflow';

import { classifyNetworkFailure, type NetworkFailure } from './networkFailure';
import { responseHeader, type ApiRequest, type ApiResponse, type ProviderContext } from './types';

export type SendOutcome =
	| { type: 'response'; response: ApiResponse }
	| { type: 'failure'; failure: NetworkFailure };

const DEFAULT_TIMEOUT_MS = 60_000;

/** The cancel signal of an execution; a list search in the editor has none. */
export function cancelSignalOf(context: ProviderContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal?.() : undefined;
}

/**
 * A binary answer that is not audio (an error envelope, a proxy's page) is read as JSON or text,
 * so that it is parsed like any other answer.
 */
function readBinaryBody(statusCode: number, headers: Record<string, unknown>, body: unknown): unknown {
	if (!Buffer.isBuffer(body)) return body;
	const type = (responseHeader(headers, 'content-type') ?? '').toLowerCase();
	if (statusCode < 400 && !/json|text\/|html/.test(type)) return body;
	const text = body.toString('utf8');
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/**
 * One attempt, through n8n's authenticated request helper. Never throws for an HTTP status or a
 * network failure: the caller decides what each means. Redirects are not followed: following
 * them would make axios keep the whole upload in memory, and could carry the key elsewhere.
 */
export async function sendOnce(
	context: ProviderContext,
	credentialType: string,
	baseUrl: string,
	request: ApiRequest,
): Promise<SendOutcome> {
	const signal = cancelSignalOf(context);
	const binary = request.responseType === 'binary';
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
		...(binary ? { encoding: 'arraybuffer' as const } : {}),
	};
	return await context.helpers.httpRequestWithAuthentication
		.call(context, credentialType, options)
		.then(
			(result: { statusCode: number; headers?: Record<string, unknown>; body?: unknown }) => {
				const headers = result.headers ?? {};
				const body = binary ? readBinaryBody(result.statusCode, headers, result.body) : result.body;
				return { type: 'response' as const, response: { statusCode: result.statusCode, headers, body } };
			},
			(error: unknown) => ({
				type: 'failure' as const,
				failure: classifyNetworkFailure(error, signal?.aborted === true),
			}),
		);
}
