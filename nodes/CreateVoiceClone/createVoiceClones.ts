import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError, failedItem, isCancellation } from '../shared/execution/itemErrors';
import { providerById } from '../shared/providers';
import type { VoiceProvider } from '../shared/providers/types';
import { connectProvider, providerApi } from '../shared/transport/providerApi';
import { DEFAULT_RETRY_POLICY } from '../shared/transport/retryDelay';
import { prepareCloneRequest } from './prepareCloneRequest';
import { uploadClone } from './uploadClone';

async function createClone(
	context: IExecuteFunctions,
	provider: VoiceProvider,
	itemIndexes: number[],
): Promise<IDataObject> {
	const [first] = itemIndexes;
	const options = context.getNodeParameter('options', first, {}) as IDataObject;
	const policy = { ...DEFAULT_RETRY_POLICY, maxRetries: Number(options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries) };
	const timeoutMs = Number(options.timeout ?? 300) * 1000;

	const request = await prepareCloneRequest(context, provider, itemIndexes);
	const connection = await connectProvider(context, provider, first, policy);
	const api = providerApi(connection);
	const preflight = await provider.checkBeforeCreate(api, request);
	const created = await uploadClone(connection, api, request, preflight, timeoutMs);
	return {
		provider: provider.id,
		voiceId: created.voiceId,
		name: created.name,
		status: provider.statusAfterCreate,
		samples: request.samples.map((sample) => ({
			fileName: sample.fileName,
			format: sample.format,
			mimeType: sample.mimeType,
			bytes: sample.bytes,
			durationSeconds: Math.round(sample.durationSeconds * 1000) / 1000,
		})),
		response: created.raw,
	};
}

/** One voice per item, or one from all items; failures stay with their items under "continue on fail". */
export async function createVoiceClones(context: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	if (!items.length) return [];
	const provider = providerById(context.getNodeParameter('provider', 0) as string);
	const combine = context.getNodeParameter('combineItems', 0, false) as boolean;
	const jobs = combine ? [items.map((_, index) => index)] : items.map((_, index) => [index]);

	const output: INodeExecutionData[] = [];
	for (const itemIndexes of jobs) {
		const pairedItem = itemIndexes.map((item) => ({ item }));
		const result = provider
			? await createClone(context, provider, itemIndexes).then(
					(json) => ({ json }),
					(error: unknown) => ({ error: asNodeError(context, error, itemIndexes[0]) }),
				)
			: { error: asNodeError(context, new Error('Unknown provider'), itemIndexes[0]) };
		if ('json' in result) {
			output.push({ json: result.json, pairedItem });
		} else if (context.continueOnFail() && !isCancellation(result.error, context)) {
			output.push(failedItem(context, result.error, pairedItem));
		} else {
			throw result.error;
		}
	}
	return output;
}
