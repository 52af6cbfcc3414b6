import {
	ManualExecutionCancelledError,
	type ExecutionBaseError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { runBounded } from '../execution/boundedPool';
import { asNodeError, failedItem, isCancellation } from '../execution/itemErrors';
import { readNumberParameter } from '../execution/numberParameter';
import { runMemory, type RunMemory } from '../execution/runMemory';
import { selectedProvider } from '../providers/selectedProvider';
import type { CloneRequest, CreatedVoice, VoiceProvider } from '../providers/types';
import { isQuotaError } from '../transport/apiErrors';
import { connectProvider, providerApi, type ProviderConnection } from '../transport/providerApi';
import { CloneBatch } from './cloneBatch';
import { decideClone } from './cloneDecision';
import {
	accountFilledByRunError,
	accountFullError,
	accountWaitTimeoutError,
	nameTakenError,
	sameNameQueueTimeoutError,
	uploadsUnderWayTimeoutError,
	withCreatedVoices,
} from './cloneErrors';
import { checkCloneJobs, invalidBatchError, type CloneJob, type InvalidCloneJob } from './cloneJobs';
import { CONCURRENCY } from './settings';
import { uploadClone } from './uploadClone';
import { waitWithinDeadline } from './waitWithinDeadline';

type ValidCloneJob = Exclude<CloneJob, InvalidCloneJob>;

/** The run memory's name for what Create did: each item's output, once its voice exists. */
const MEMORY_KIND = 'createVoiceClone';

type AccountCheck =
	| { reuse: CreatedVoice }
	| { slot: ReturnType<CloneBatch['startUpload']>; knownVoiceIds: ReadonlySet<string> };

/**
 * Decides the clone from the run's one look at the account (taken by the first clone that needs
 * it) and what the run did since: the name conflict, then the account's limit. The limit counts
 * this run's uploads still under way (each may add a voice the snapshot does not show): when only
 * they make the account look full, the clone waits for one to settle and decides again from what
 * the run then knows, so an item over the limit is never uploaded and one within it never refused.
 */
async function checkAccount(connection: ProviderConnection, job: ValidCloneJob, batch: CloneBatch): Promise<AccountCheck> {
	const { provider, context, itemIndex } = connection;
	const { request, settings } = job;
	for (;;) {
		const snapshot = await waitWithinDeadline(
			connection,
			batch.accountSnapshot(async () => await provider.snapshotAccount(providerApi(connection))),
			() => accountWaitTimeoutError(context, provider, request, settings.timeoutMs, itemIndex),
		);
		const decision = decideClone(provider, request, settings.ifNameExists, snapshot, {
			created: batch.created,
			uploadsInFlight: batch.uploadsInFlight,
			accountFoundFull: batch.quotaError !== undefined,
		});
		switch (decision.kind) {
			case 'upload':
				// Reserved at once, before any other clone can decide without counting this upload.
				return { slot: batch.startUpload(), knownVoiceIds: batch.knownVoiceIds(snapshot) };
			case 'reuse':
				return { reuse: decision.voice };
			case 'nameTaken':
				throw nameTakenError(context, provider, request, decision.voice, itemIndex);
			case 'accountFilledByRun':
				throw accountFilledByRunError(context, provider, request, batch.quotaError, itemIndex);
			case 'accountFull':
				throw accountFullError(context, provider, request, decision.voiceCount, decision.maxVoices, itemIndex);
			case 'waitForUploads':
				await waitWithinDeadline(connection, batch.nextSettle(), () =>
					uploadsUnderWayTimeoutError(context, provider, request, batch.uploadsInFlight, itemIndex),
				);
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
	if (job.invalid) throw job.invalid;
	const { request, settings } = job;
	const [first] = job.itemIndexes;
	// Once the account is full nothing more is tried, except finding a voice to reuse.
	if (batch.quotaError && settings.ifNameExists !== 'useExisting') {
		throw accountFilledByRunError(context, provider, request, batch.quotaError, first);
	}
	// The item's clock starts now: waiting for a sibling of the same name counts against it.
	const deadline = Date.now() + settings.timeoutMs;
	const connection = await connectProvider(context, provider, first, { policy: settings.policy, deadline });
	const waitForTurn = async (turn: Promise<void>) =>
		await waitWithinDeadline(connection, turn, () => sameNameQueueTimeoutError(context, request, settings.timeoutMs, first));
	return await batch.withName(request.name, waitForTurn, async () => {
		const checked = await checkAccount(connection, job, batch);
		if ('reuse' in checked) return outputJson(provider, request, checked.reuse, true);
		const { slot, knownVoiceIds } = checked;
		let outcomeUnknown = false;
		let created: CreatedVoice | undefined;
		try {
			created = await uploadClone(connection, request, knownVoiceIds, () => (outcomeUnknown = true));
			slot.settle({ name: request.name, voiceId: created.voiceId, voice: created });
			return outputJson(provider, request, created, false);
		} finally {
			// Failed after an unknown outcome, it may have made a voice no one has seen: the next
			// decision looks at the account again (before this slot's waiters decide).
			if (!created && outcomeUnknown) batch.accountMayHaveChanged();
			slot.settle();
		}
	});
}

/**
 * Outputs of an earlier try of this run (n8n's "Retry On Fail" runs the node again): each item
 * whose voice that try made or found, asked for the same way, is output again without a request.
 */
function recallEarlierTry(
	memory: RunMemory<IDataObject>,
	jobs: CloneJob[],
	batch: CloneBatch,
	results: INodeExecutionData[],
): number[] {
	const pending: number[] = [];
	jobs.forEach((job, jobIndex) => {
		const remembered = job.request && memory.recall(job.itemIndexes[0], job.fingerprint);
		if (!remembered) {
			pending.push(jobIndex);
			return;
		}
		results[jobIndex] = { json: remembered, pairedItem: job.itemIndexes.map((item) => ({ item })) };
		if (remembered.reused === false && job.request) {
			const voiceId = String(remembered.voiceId);
			const name = String(remembered.name ?? job.request.name);
			const voice = { voiceId, name, raw: (remembered.response ?? {}) as IDataObject };
			batch.addRemembered({ name: job.request.name, voiceId, voice });
		}
	});
	return pending;
}

/**
 * One voice per item (a few at a time), or one from all items. Every item is checked before the
 * first request; the account is looked at once for the batch. Output order follows input order;
 * failures stay with their items under "continue on fail", else the first one fails the node once
 * the uploads already under way have finished, naming every voice the run created. Each item's
 * output is remembered for the run, so n8n's "Retry On Fail" never makes a voice twice.
 */
export async function createVoiceClones(context: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	if (!items.length) return [];
	const provider = selectedProvider(context, 0);
	const combine = context.getNodeParameter('combineItems', 0, false) as boolean;
	const concurrency = combine ? 1 : readNumberParameter(context, CONCURRENCY, 0);
	const jobs = await checkCloneJobs(context, provider, combine);
	if (context.getExecutionCancelSignal?.()?.aborted) throw new ManualExecutionCancelledError('');
	const continueOnFail = context.continueOnFail();
	const invalid = jobs.filter((job): job is InvalidCloneJob => job.invalid !== undefined);
	if (invalid.length && !continueOnFail) throw invalidBatchError(context, jobs, invalid);

	const memory = runMemory<IDataObject>(context, MEMORY_KIND);
	const batch = new CloneBatch();
	const results: INodeExecutionData[] = [];
	const pending = recallEarlierTry(memory, jobs, batch, results);
	const failures: Array<ExecutionBaseError | undefined> = [];
	let failedItems = 0;
	await runBounded(
		pending.length,
		concurrency,
		async (next) => {
			const jobIndex = pending[next];
			const job = jobs[jobIndex];
			const pairedItem = job.itemIndexes.map((item) => ({ item }));
			const result = await createClone(context, provider, job, batch).then(
				(json) => ({ json }),
				(error: unknown) => ({ error: asNodeError(context, error, job.itemIndexes[0]) }),
			);
			if ('json' in result) {
				results[jobIndex] = { json: result.json, pairedItem };
				if (job.request) memory.remember(job.itemIndexes[0], job.fingerprint, result.json);
				return;
			}
			if (isQuotaError(result.error)) batch.quotaError ??= result.error;
			if (continueOnFail && !isCancellation(result.error, context)) {
				results[jobIndex] = failedItem(context, result.error, pairedItem);
				failedItems++;
			} else {
				failures[jobIndex] = result.error;
			}
		},
		() => failures.length > 0,
	);
	const firstFailure = failures.find((failure) => failure !== undefined);
	if (firstFailure) throw withCreatedVoices(firstFailure, batch.created);
	if (!failedItems) memory.forget();
	return results;
}
