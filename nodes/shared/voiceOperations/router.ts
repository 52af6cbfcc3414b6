import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError, failedItem, isCancellation } from '../execution/itemErrors';
import { readNumberParameter } from '../execution/numberParameter';
import { runMemory, type RunMemory } from '../execution/runMemory';
import type { NodeOperation } from '../node/operation';
import { selectedProvider } from '../providers/selectedProvider';
import { connectProvider, providerApi } from '../transport/providerApi';
import { deadlineError } from './itemDeadline';
import { OPERATION_TIMEOUT } from './settings';
import type { VoiceOperation } from './types';

/**
 * The one item loop: each input item runs the operation within its Timeout, every output carries
 * `pairedItem`, and a failure becomes an error item under "continue on fail" (or the error output)
 * or fails the node.
 */
export async function runEachItem(context: IExecuteFunctions, operation: VoiceOperation): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	const results: INodeExecutionData[] = [];
	let memory: RunMemory<IDataObject> | undefined;
	const remembered = <T extends IDataObject>() => (memory ??= runMemory(context, operation.value)) as RunMemory<T>;
	let anyFailed = false;
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let timeoutSeconds: number | undefined;
		try {
			const provider = selectedProvider(context, itemIndex);
			timeoutSeconds = readNumberParameter(context, OPERATION_TIMEOUT, itemIndex);
			const deadline = Date.now() + timeoutSeconds * 1000;
			const api = providerApi(await connectProvider(context, provider, itemIndex, { deadline }));
			for (const output of await operation.execute({ context, provider, api, itemIndex, runMemory: remembered })) {
				results.push({ ...output, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			anyFailed = true;
			const explained =
				timeoutSeconds === undefined ? error : deadlineError(error, operation.subject(context, itemIndex), timeoutSeconds);
			const nodeError = asNodeError(context, explained, itemIndex);
			if (!context.continueOnFail() || isCancellation(error, context)) throw nodeError;
			results.push(failedItem(context, nodeError, [{ item: itemIndex }]));
		}
	}
	// No retry of this run can follow: what it remembered for one is no longer needed.
	if (!anyFailed) (memory as RunMemory<IDataObject> | undefined)?.forget();
	return results;
}

/** An item operation as a node operation: run on every input item in turn. */
export function eachItem(operation: VoiceOperation): NodeOperation {
	const { name, value, action, description, properties } = operation;
	return { name, value, action, description, properties, run: async (context) => await runEachItem(context, operation) };
}
