import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { asNodeError, failedItem, isCancellation } from '../execution/itemErrors';
import { providerById } from '../providers';
import { unknownProviderError } from '../providers/unknownProvider';
import { connectProvider, providerApi } from '../transport/providerApi';
import { OPERATIONS } from './operations';

/**
 * The one item loop: each input item runs its operation, every output carries `pairedItem`, and a
 * failure becomes an error item under "continue on fail" (or the error output) or fails the node.
 */
export async function router(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const results: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const operationName = context.getNodeParameter('operation', itemIndex) as string;
			const operation = OPERATIONS[operationName];
			if (!operation) {
				throw new NodeOperationError(context.getNode(), `Unknown operation "${operationName}"`, { itemIndex });
			}
			const providerId = context.getNodeParameter('provider', itemIndex) as string;
			const provider = providerById(providerId);
			if (!provider) throw unknownProviderError(context.getNode(), providerId, itemIndex);
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
	return [results];
}
