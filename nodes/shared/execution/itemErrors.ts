import {
	ExecutionBaseError,
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IPairedItemData,
} from 'n8n-workflow';

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

/**
 * The item a failure becomes under "continue on fail": the error's words and HTTP code in the
 * JSON, with the items it came from. n8n routes an item to the error output only when `error` is
 * its one key (it then merges in the input item's JSON); an item carrying `.error` would have its
 * JSON replaced by the bare message. So the error output gets `{ error }`, the regular output all.
 */
export function failedItem(
	context: IExecuteFunctions,
	error: NodeApiError | NodeOperationError | ExecutionBaseError,
	pairedItem: IPairedItemData[],
	json: IDataObject = {},
): INodeExecutionData {
	if (context.getNode().onError === 'continueErrorOutput') {
		return { json: { error: error.message }, pairedItem };
	}
	const httpCode = (error as NodeApiError).httpCode;
	return {
		json: {
			...json,
			error: error.message,
			statusCode: httpCode ? Number(httpCode) : null,
			description: error.description ?? null,
		},
		pairedItem,
	};
}
