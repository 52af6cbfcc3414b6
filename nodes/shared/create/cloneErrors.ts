import { NodeOperationError, type ExecutionBaseError } from 'n8n-workflow';

import type { CloneRequest, CreatedVoice, VoiceProvider } from '../providers/types';
import { quotaExceededError } from '../transport/apiErrors';
import type { ProviderContext } from '../transport/types';
import type { RunVoice } from './cloneBatch';

export function nameTakenError(
	context: ProviderContext,
	provider: VoiceProvider,
	request: CloneRequest,
	existing: CreatedVoice,
	itemIndex: number,
) {
	const unique = provider.allowsDuplicateNames ? '' : `${provider.displayName} voice names are unique per account, ignoring case. `;
	const another = provider.allowsDuplicateNames ? '"Create Another" or ' : '';
	return new NodeOperationError(
		context.getNode(),
		`The voice name "${request.name}" is already taken in this ${provider.displayName} account`,
		{
			itemIndex,
			description: `The voice with this name is ${existing.voiceId}. ${unique}Choose another name, or set "If a Voice With This Name Exists" to ${another}"Use the Existing Voice". No audio was uploaded.`,
		},
	);
}

export function accountFullError(
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

export function accountFilledByRunError(
	context: ProviderContext,
	provider: VoiceProvider,
	request: CloneRequest,
	quotaError: ExecutionBaseError | undefined,
	itemIndex: number,
) {
	return quotaExceededError(
		context.getNode(),
		`"${request.name}" was not created: an earlier item of this run found the ${provider.displayName} account full (${quotaError?.message})`,
		itemIndex,
		'No audio was uploaded. Delete voices you no longer need or upgrade the plan, then run the remaining items again.',
	);
}

function seconds(timeoutMs: number): string {
	return `${Math.round(timeoutMs / 100) / 10} s`;
}

/** The item waited for a sibling of the same name until its Upload Timeout ran out. */
export function sameNameQueueTimeoutError(
	context: ProviderContext,
	request: CloneRequest,
	timeoutMs: number,
	itemIndex: number,
) {
	return new NodeOperationError(
		context.getNode(),
		`"${request.name}" was not created: another item of this run with the same name was still being created when this item's Upload Timeout (${seconds(timeoutMs)}) ran out`,
		{
			itemIndex,
			description:
				'Nothing was sent for this item. Items with the same name are created one after the other, so that an upload whose answer is lost is never mistaken for its sibling\'s voice, and the wait counts against each item\'s Upload Timeout. Raise the Upload Timeout under Options, or run this item again.',
		},
	);
}

/** The item waited for the account (another item's look at it) until its Upload Timeout ran out. */
export function accountWaitTimeoutError(
	context: ProviderContext,
	provider: VoiceProvider,
	request: CloneRequest,
	timeoutMs: number,
	itemIndex: number,
) {
	return new NodeOperationError(
		context.getNode(),
		`"${request.name}" was not created: the list of the ${provider.displayName} account's voices, which this run reads once for all its items, did not arrive within this item's Upload Timeout (${seconds(timeoutMs)})`,
		{ itemIndex, description: 'Nothing was sent for this item. Raise the Upload Timeout under Options, or run this item again.' },
	);
}

export function uploadsUnderWayTimeoutError(
	context: ProviderContext,
	provider: VoiceProvider,
	request: CloneRequest,
	uploadsInFlight: number,
	itemIndex: number,
) {
	return new NodeOperationError(
		context.getNode(),
		`"${request.name}" was not created: the ${provider.displayName} account would be full if the ${uploadsInFlight} upload(s) of this run still under way succeed, and they did not finish within the upload timeout`,
		{ itemIndex, description: 'No audio was uploaded. Run this item again once the other uploads have finished.' },
	);
}

/** The voices the run made, for an error that stops the node: they exist and must not be made again. */
export function withCreatedVoices(error: ExecutionBaseError, created: RunVoice[]): ExecutionBaseError {
	if (!created.length) return error;
	const list = created.map((voice) => `"${voice.voice.name}" (${voice.voiceId})`).join(', ');
	const line = `Voices this run already created (they exist; don't create them again): ${list}`;
	error.description = error.description ? `${error.description}\n${line}` : line;
	error.context.createdVoices = created.map((voice) => ({ name: voice.voice.name, voiceId: voice.voiceId }));
	return error;
}
