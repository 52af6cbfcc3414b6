import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError, failedItem, isCancellation } from '../execution/itemErrors';
import type { NodeOperation } from '../node/operation';
import { selectedProvider } from '../providers/selectedProvider';
import { connectProvider, providerApi } from '../transport/providerApi';
import type { VoiceOperation } from './types';

/**
 * The one item loop: each input item runs the operation, every output carries `pairedItem`, and a
 * failure becomes an error item under "continue on fail" (or the error output) or fails the node.
 */
export async function runEachItem(context: IExecuteFunctions, operation: VoiceOperation): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	const results: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const provider = selectedProvider(context, itemIndex);
			const api = providerApi(await connectProvider(context, provider, itemIndex));
			for (const output of await operation.execute({ context, provider, api, itemIndex })) {
				results.push({ ...output, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			const nodeError = asNodeError(context, error, itemIndex);
			if (!context.continueOnFail() || isCancellation(error, context)) throw nodeError;
			results.push(failedItem(context, nodeError, [{ item: itemIndex }]));
		}
	}
	return results;
}

/** An item operation as a node operation: run on every input item in turn. */
export function eachItem(operation: VoiceOperation): NodeOperation {
	const { name, value, action, description, properties } = operation;
	return { name, value, action, description, properties, run: async (context) => await runEachItem(context, operation) };
}
