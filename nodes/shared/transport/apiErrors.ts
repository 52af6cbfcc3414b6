import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import type { ProviderError } from '../providers/types';
import type { NetworkFailure } from './networkFailure';

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
	const apiError = new NodeApiError(node, response, {
		httpCode: String(statusCode),
		message: `${providerName}: ${error.message}${code}`,
		description: error.details.length ? error.details.join('\n') : undefined,
		itemIndex,
	});
	apiError.context.providerErrorKind = error.kind;
	return apiError;
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
	return new NodeApiError(node, { message: failure.message, code: failure.code ?? null } as JsonObject, {
		message: `${providerName}: ${failure.message}${tries}`,
		description: failure.code ? `Network error code: ${failure.code}` : undefined,
		itemIndex,
	});
}
