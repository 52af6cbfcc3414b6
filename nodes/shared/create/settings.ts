import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { readNumberParameter, type NumberParameter } from '../execution/numberParameter';
import type { VoiceProvider } from '../providers/types';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../transport/retryDelay';

export const CONCURRENCY: NumberParameter = {
	path: 'options.concurrency',
	displayName: 'Concurrency',
	where: 'under Options',
	default: 2,
	min: 1,
	max: 10,
	integer: true,
};

export const MAX_RETRIES: NumberParameter = {
	path: 'options.maxRetries',
	displayName: 'Max Retries',
	where: 'under Options',
	default: DEFAULT_RETRY_POLICY.maxRetries,
	min: 0,
	max: 10,
	integer: true,
};

export const UPLOAD_TIMEOUT: NumberParameter = {
	path: 'options.timeout',
	displayName: 'Upload Timeout (Seconds)',
	where: 'under Options',
	default: 300,
	min: 1,
	max: 86_400,
};

/** What to do when the account already has a voice with the item's name. */
export type NameConflictMode = 'createAnother' | 'useExisting' | 'fail';

export const NAME_CONFLICT_LABELS: Record<NameConflictMode, string> = {
	createAnother: 'Create Another',
	fail: 'Fail the Item',
	useExisting: 'Use the Existing Voice',
};

/** The choices a provider offers: creating a second voice with a name only where names may repeat. */
export function nameConflictModes(provider: VoiceProvider): NameConflictMode[] {
	return provider.allowsDuplicateNames ? ['createAnother', 'fail', 'useExisting'] : ['fail', 'useExisting'];
}

/** Today's behaviour: a provider that allows repeated names gets another voice, one that does not refuses. */
export function defaultNameConflictMode(provider: VoiceProvider): NameConflictMode {
	return provider.allowsDuplicateNames ? 'createAnother' : 'fail';
}

/** Everything one clone is configured with, read and checked before any clone of the run is sent. */
export interface CloneSettings {
	policy: RetryPolicy;
	timeoutMs: number;
	ifNameExists: NameConflictMode;
	/** The provider's own options, as its `readCreateOptions` read them. */
	providerOptions: IDataObject;
}

function readNameConflictMode(context: IExecuteFunctions, provider: VoiceProvider, itemIndex: number) {
	const fallback = defaultNameConflictMode(provider);
	const value = context.getNodeParameter('ifNameExists', itemIndex, fallback) as unknown;
	const modes = nameConflictModes(provider);
	if (modes.includes(value as NameConflictMode)) return value as NameConflictMode;
	// Labels, not values: n8n rewrites any message containing "EEXIST" (as in "useExisting").
	throw new NodeOperationError(
		context.getNode(),
		`If a Voice With This Name Exists must be ${modes.map((mode) => `"${NAME_CONFLICT_LABELS[mode]}"`).join(' or ')} for ${provider.displayName} (got ${JSON.stringify(value)})`,
		{ itemIndex, description: 'Nothing was sent.' },
	);
}

export function readCloneSettings(context: IExecuteFunctions, provider: VoiceProvider, itemIndex: number): CloneSettings {
	return {
		policy: { ...DEFAULT_RETRY_POLICY, maxRetries: readNumberParameter(context, MAX_RETRIES, itemIndex) },
		timeoutMs: readNumberParameter(context, UPLOAD_TIMEOUT, itemIndex) * 1000,
		ifNameExists: readNameConflictMode(context, provider, itemIndex),
		providerOptions: provider.readCreateOptions(context, itemIndex),
	};
}
