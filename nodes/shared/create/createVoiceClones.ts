import {
	NodeOperationError,
	type ExecutionBaseError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { runBounded } from '../execution/boundedPool';
import { asNodeError, failedItem, isCancellation } from '../execution/itemErrors';
import { readNumberParameter } from '../execution/numberParameter';
import { selectedProvider } from '../providers/selectedProvider';
import type { CloneRequest, CreatedVoice, PreflightResult, VoiceProvider } from '../providers/types';
import { isQuotaError, quotaExceededError } from '../transport/apiErrors';
import { connectProvider, providerApi, type ProviderConnection } from '../transport/providerApi';
import type { ProviderContext } from '../transport/types';
import { CloneBatch, type RunVoice } from './cloneBatch';
import { prepareCloneRequest } from './prepareCloneRequest';
import { CONCURRENCY, readCloneSettings, type CloneSettings } from './settings';
import { uploadClone } from './uploadClone';

/** How often a clone waiting for the run's other uploads looks whether one has settled. */
const SETTLE_CHECK_MS = 200;

type CloneJob = { itemIndexes: number[] } & (
	| { settings: CloneSettings; invalid?: undefined }
	/** The job's options could not be read: it fails before anything is sent. */
	| { invalid: ExecutionBaseError; settings?: undefined }
);

function nameTakenError(
	context: ProviderContext,
	provider: VoiceProvider,
	request: CloneRequest,
	existing: CreatedVoice,
	settings: CloneSettings,
	itemIndex: number,
) {
	const unique = provider.allowsDuplicateNames ? '' : `${provider.displayName} voice names are unique per account, ignoring case. `;
	const another = provider.allowsDuplicateNames ? '"Create Another" or ' : '';
	const description = existing.voiceId
		? `The voice with this name is ${existing.voiceId}. ${unique}Choose another name, or set "If a Voice With This Name Exists" to ${another}"Use the Existing Voice".`
		: settings.ifNameExists === 'useExisting'
			? `${unique}No voice with this name is in the account's list of voices, so there is none to use. Choose another name.`
			: `${unique}Choose another name, or set "If a Voice With This Name Exists" to ${another}"Use the Existing Voice".`;
	return new NodeOperationError(
		context.getNode(),
		`The voice name "${request.name}" is already taken in this ${provider.displayName} account`,
		{ itemIndex, description: `${description} No audio was uploaded.` },
	);
}

function accountFullError(
	context: ProviderContext,
	provider: VoiceProvider,
	request: CloneRequest,
	voiceCount: number,
	maxVoices: number,
	itemIndex: number,
) {
	return quotaExceededError(
		context.getNode(),
		`${provider.displayName} allows ${maxVoices} voice clones per account and yours already has ${voiceCount}, so "${request.name}" was not created`,
		itemIndex,
		`Delete a voice clone you no longer need, or upgrade the ${provider.displayName} plan. No audio was uploaded.`,
	);
}

function accountFilledByRunError(
	context: ProviderContext,
	provider: VoiceProvider,
	request: CloneRequest,
	batch: CloneBatch,
	itemIndex: number,
) {
	return quotaExceededError(
		context.getNode(),
		`"${request.name}" was not created: an earlier item of this run found the ${provider.displayName} account full (${batch.quotaError?.message})`,
		itemIndex,
		'No audio was uploaded. Delete voices you no longer need or upgrade the plan, then run the remaining items again.',
	);
}

/**
 * Asks the API what it knows before the upload, and settles the name conflict and the account's
 * limit. The limit counts this run's uploads still under way (each may add a voice the listing does
 * not show yet): when only they make the account look full, the clone waits for one to settle and
 * looks again, so an item over the limit is never uploaded and one within it is never refused.
 */
async function checkAccount(
	connection: ProviderConnection,
	request: CloneRequest,
	settings: CloneSettings,
	batch: CloneBatch,
): Promise<{ reuse: CreatedVoice } | { preflight: PreflightResult }> {
	const { provider, context, itemIndex } = connection;
	for (;;) {
		const settledBefore = batch.settled;
		const preflight = await provider.checkBeforeCreate(providerApi(connection), request);
		const existing = preflight.existingVoice;
		if (existing && settings.ifNameExists !== 'createAnother') {
			if (settings.ifNameExists === 'useExisting' && existing.voiceId) return { reuse: existing };
			throw nameTakenError(context, provider, request, existing, settings, itemIndex);
		}
		if (batch.quotaError) throw accountFilledByRunError(context, provider, request, batch, itemIndex);
		const account = preflight.account;
		if (!account) return { preflight };
		const voiceCount = account.voiceCount + batch.createdNotIn(preflight.existingVoiceIds);
		if (voiceCount + batch.uploadsInFlight < account.maxVoices) return { preflight };
		if (!batch.uploadsInFlight) throw accountFullError(context, provider, request, voiceCount, account.maxVoices, itemIndex);
		while (batch.settled === settledBefore) {
			const left = connection.deadline - Date.now();
			if (left <= 0) {
				throw new NodeOperationError(
					context.getNode(),
					`"${request.name}" was not created: the ${provider.displayName} account would be full if the ${batch.uploadsInFlight} upload(s) of this run still under way succeed, and they did not finish within the upload timeout`,
					{ itemIndex, description: 'No audio was uploaded. Run this item again once the other uploads have finished.' },
				);
			}
			await connection.wait(Math.min(SETTLE_CHECK_MS, left));
		}
	}
}

function outputJson(
	provider: VoiceProvider,
	request: CloneRequest,
	voice: CreatedVoice,
	reused: boolean,
): IDataObject {
	return {
		provider: provider.id,
		voiceId: voice.voiceId,
		name: voice.name,
		status: reused ? (voice.status ?? provider.statusAfterCreate) : provider.statusAfterCreate,
		reused,
		recovered: voice.recovered === true,
		samples: reused
			? []
			: request.samples.map((sample) => ({
					fileName: sample.fileName,
					format: sample.format,
					mimeType: sample.mimeType,
					bytes: sample.bytes,
					durationSeconds: Math.round(sample.durationSeconds * 1000) / 1000,
				})),
		response: voice.raw,
	};
}

async function createClone(
	context: IExecuteFunctions,
	provider: VoiceProvider,
	job: CloneJob,
	batch: CloneBatch,
): Promise<IDataObject> {
	const [first] = job.itemIndexes;
	if (job.invalid) throw job.invalid;
	const { settings } = job;
	const request = await prepareCloneRequest(context, provider, job.itemIndexes, settings.providerOptions);
	// Once the account is full nothing more is tried, except finding a voice to reuse.
	if (batch.quotaError && settings.ifNameExists !== 'useExisting') throw accountFilledByRunError(context, provider, request, batch, first);
	return await batch.withName(request.name, async () => {
		// The clock starts once no sibling of the same name is under way.
		const deadline = Date.now() + settings.timeoutMs;
		const connection = await connectProvider(context, provider, first, { policy: settings.policy, deadline });
		const checked = await checkAccount(connection, request, settings, batch);
		if ('reuse' in checked) return outputJson(provider, request, checked.reuse, true);
		const slot = batch.startUpload();
		try {
			const created = await uploadClone(connection, request, checked.preflight);
			slot.settle({ name: created.name, voiceId: created.voiceId });
			return outputJson(provider, request, created, false);
		} finally {
			slot.settle();
		}
	});
}

/** The voices the run made, for an error that stops the node: they exist and must not be made again. */
function withCreatedVoices(error: ExecutionBaseError, created: RunVoice[]): ExecutionBaseError {
	if (!created.length) return error;
	const list = created.map((voice) => `"${voice.name}" (${voice.voiceId})`).join(', ');
	const line = `Voices this run already created (they exist; don't create them again): ${list}`;
	error.description = error.description ? `${error.description}\n${line}` : line;
	error.context.createdVoices = created.map((voice) => ({ ...voice }));
	return error;
}

/** Reads every clone's options before anything is sent, so a bad one stops the run before it starts. */
function readJobs(context: IExecuteFunctions, provider: VoiceProvider, combine: boolean): CloneJob[] {
	const count = context.getInputData().length;
	const groups = combine ? [Array.from({ length: count }, (_, index) => index)] : Array.from({ length: count }, (_, index) => [index]);
	return groups.map((itemIndexes) => {
		try {
			return { itemIndexes, settings: readCloneSettings(context, provider, itemIndexes[0]) };
		} catch (error) {
			return { itemIndexes, invalid: asNodeError(context, error, itemIndexes[0]) };
		}
	});
}

/**
 * One voice per item (a few at a time), or one from all items. Output order follows input order;
 * failures stay with their items under "continue on fail", else the first one fails the node once
 * the uploads already under way have finished, naming every voice the run created.
 */
export async function createVoiceClones(context: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	if (!items.length) return [];
	const provider = selectedProvider(context, 0);
	const combine = context.getNodeParameter('combineItems', 0, false) as boolean;
	const concurrency = combine ? 1 : readNumberParameter(context, CONCURRENCY, 0);
	const jobs = readJobs(context, provider, combine);
	const continueOnFail = context.continueOnFail();
	const invalid = jobs.find((job) => job.invalid);
	if (invalid?.invalid && !continueOnFail) throw invalid.invalid;

	const batch = new CloneBatch();
	const results: INodeExecutionData[] = [];
	const failures: Array<ExecutionBaseError | undefined> = [];
	await runBounded(
		jobs.length,
		concurrency,
		async (jobIndex) => {
			const job = jobs[jobIndex];
			const pairedItem = job.itemIndexes.map((item) => ({ item }));
			const result = await createClone(context, provider, job, batch).then(
				(json) => ({ json }),
				(error: unknown) => ({ error: asNodeError(context, error, job.itemIndexes[0]) }),
			);
			if ('json' in result) {
				results[jobIndex] = { json: result.json, pairedItem };
				return;
			}
			if (isQuotaError(result.error)) batch.quotaError ??= result.error;
			if (continueOnFail && !isCancellation(result.error, context)) {
				results[jobIndex] = failedItem(context, result.error, pairedItem);
			} else {
				failures[jobIndex] = result.error;
			}
		},
		() => failures.length > 0,
	);
	const firstFailure = failures.find((failure) => failure !== undefined);
	if (firstFailure) throw withCreatedVoices(firstFailure, batch.created);
	return results;
}
