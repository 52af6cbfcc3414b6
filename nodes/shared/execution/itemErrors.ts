import {
	ExecutionBaseError,
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IPairedItemData,
} from 'n8n-workflow';

import { errorCodeOf } from '../transport/apiErrors';

/** Errors the nodes throw are n8n errors already; anything else (a bug) is wrapped, not lost. */
export function asNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError | ExecutionBaseError {
	if (error instanceof ExecutionBaseError) return error;
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

export function isCancellation(error: unknown, context: IExecuteFunctions): boolean {
	return (
		context.getExecutionCancelSignal?.()?.aborted === true ||
		(error as Error | undefined)?.name === 'ExecutionCancelledError' ||
		error?.constructor?.name?.endsWith('ExecutionCancelledError') === true
	);
}

/** What a failed item says, under `$json.error`: what the editor shows for the error. */
export interface ItemError extends IDataObject {
	message: string;
	description: string | null;
	/** The HTTP status the provider answered; null when no answer came or nothing was sent. */
	httpCode: number | null;
	/** The provider's error code (VOICE_CLONE_IN_USE) or the network's (ECONNRESET). */
	code: string | null;
}

/**
 * Only the words and codes the error was built with: errors are made from parsed answers, never
 * from the request, so nothing of the credential can get in.
 */
export function itemError(error: NodeApiError | NodeOperationError | ExecutionBaseError): ItemError {
	const httpCode = String((error as NodeApiError).httpCode ?? '');
	const isStatus = /^\d{3}$/.test(httpCode);
	return {
		message: error.message,
		description: error.description ?? null,
		httpCode: isStatus ? Number(httpCode) : null,
		// n8n 1.x puts the system code of a request without answer (ECONNRESET) in `httpCode`.
		code: errorCodeOf(error) ?? (!isStatus && httpCode ? httpCode : null),
	};
}

/**
 * The item a failure becomes under "continue on fail": the input item it came from (its first
 * paired item), the node's own fields in `json`, and `error`. n8n routes an item to the error
 * output only when `error` is its one key, and merges the input item's JSON in itself; an item
 * carrying `.error` would have its JSON replaced by the bare message. So the error output gets
 * `{ error }`, which n8n completes with the input item; the regular output gets it all at once.
 */
export function failedItem(
	context: IExecuteFunctions,
	error: NodeApiError | NodeOperationError | ExecutionBaseError,
	pairedItem: IPairedItemData[],
	json: IDataObject = {},
): INodeExecutionData {
	if (context.getNode().onError === 'continueErrorOutput') {
		return { json: { error: itemError(error) }, pairedItem };
	}
	return { json: { ...pairedInputJson(context, pairedItem), ...json, error: itemError(error) }, pairedItem };
}

function pairedInputJson(context: IExecuteFunctions, pairedItem: IPairedItemData[]): IDataObject {
	const [first] = pairedItem;
	if (!first) return {};
	return context.getInputData(first.input ?? 0)[first.item]?.json ?? {};
}
