import type { ExecutionBaseError, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBounded } from '../shared/execution/boundedPool';
import { asNodeError, failedItem, isCancellation } from '../shared/execution/itemErrors';
import { providerById } from '../shared/providers';
import type { VoiceProvider } from '../shared/providers/types';
import { isQuotaError, quotaExceededError } from '../shared/transport/apiErrors';
import { connectProvider, providerApi } from '../shared/transport/providerApi';
import { DEFAULT_RETRY_POLICY } from '../shared/transport/retryDelay';
import { prepareCloneRequest } from './prepareCloneRequest';
import { uploadClone } from './uploadClone';

const DEFAULT_CONCURRENCY = 2;

/** What the clones of one execution share: once the account is full, nothing more is tried. */
interface Batch {
	quotaError?: ExecutionBaseError;
}

async function createClone(
	context: IExecuteFunctions,
	provider: VoiceProvider,
	itemIndexes: number[],
	batch: Batch,
): Promise<IDataObject> {
	const [first] = itemIndexes;
	const options = context.getNodeParameter('options', first, {}) as IDataObject;
	const policy = { ...DEFAULT_RETRY_POLICY, maxRetries: Number(options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries) };
	const timeoutMs = Number(options.timeout ?? 300) * 1000;

	const request = await prepareCloneRequest(context, provider, itemIndexes);
	if (batch.quotaError) {
		throw quotaExceededError(
			context.getNode(),
			`"${request.name}" was not created: an earlier item of this run found the ${provider.displayName} account full (${batch.quotaError.message})`,
			first,
			'No audio was uploaded. Delete voices you no longer need or upgrade the plan, then run the remaining items again.',
		);
	}
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

/**
 * One voice per item (a few at a time), or one from all items. Output order follows input order;
 * failures stay with their items under "continue on fail", else the first one fails the node once
 * the uploads already under way have finished.
 */
export async function createVoiceClones(context: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	if (!items.length) return [];
	const provider = providerById(context.getNodeParameter('provider', 0) as string);
	const combine = context.getNodeParameter('combineItems', 0, false) as boolean;
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const requested = Number(options.concurrency ?? DEFAULT_CONCURRENCY);
	const concurrency = Number.isFinite(requested) && requested >= 1 ? Math.floor(requested) : DEFAULT_CONCURRENCY;
	const jobs = combine ? [items.map((_, index) => index)] : items.map((_, index) => [index]);

	const batch: Batch = {};
	const results: INodeExecutionData[] = [];
	const failures: Array<ExecutionBaseError | undefined> = [];
	await runBounded(
		jobs.length,
		concurrency,
		async (jobIndex) => {
			const itemIndexes = jobs[jobIndex];
			const pairedItem = itemIndexes.map((item) => ({ item }));
			const result = provider
				? await createClone(context, provider, itemIndexes, batch).then(
						(json) => ({ json }),
						(error: unknown) => ({ error: asNodeError(context, error, itemIndexes[0]) }),
					)
				: { error: asNodeError(context, new Error('Unknown provider'), itemIndexes[0]) };
			if ('json' in result) {
				results[jobIndex] = { json: result.json, pairedItem };
				return;
			}
			if (isQuotaError(result.error)) batch.quotaError ??= result.error;
			if (context.continueOnFail() && !isCancellation(result.error, context)) {
				results[jobIndex] = failedItem(context, result.error, pairedItem);
			} else {
				failures[jobIndex] = result.error;
			}
		},
		() => failures.length > 0,
	);
	const firstFailure = failures.find((failure) => failure !== undefined);
	if (firstFailure) throw firstFailure;
	return results;
}
