import type { INodeProperties } from 'n8n-workflow';

import { PROVIDERS } from '../providers';
import { whenProvider } from '../providers/nodeDescription';
import { defaultNameConflictMode, NAME_CONFLICT_LABELS, nameConflictModes, type NameConflictMode } from './settings';

/** Each provider's own fields, shown only while that provider is selected. */
const providerFields: INodeProperties[] = PROVIDERS.flatMap((provider) =>
	provider.createFields.map((field) => ({
		...field,
		displayOptions: whenProvider([provider.id]),
	})),
);

const NAME_CONFLICT_DESCRIPTIONS: Record<NameConflictMode, string> = {
	createAnother: 'Upload the samples and create a new voice with the same name',
	fail: 'Upload nothing and fail the item, naming the voice that has the name',
	useExisting:
		'Upload nothing and output the newest voice with this name, with reused: true. Makes a scheduled batch safe to run again.',
};

/**
 * "If a Voice With This Name Exists", once per provider: the choices and the default differ, since
 * only a provider whose accounts may hold repeated names can create another voice with a name in use.
 * Each default keeps the behaviour the node had before the option existed.
 */
const nameConflictFields: INodeProperties[] = PROVIDERS.map((provider) => ({
	displayName: 'If a Voice With This Name Exists',
	name: 'ifNameExists',
	type: 'options',
	default: defaultNameConflictMode(provider),
	description: provider.allowsDuplicateNames
		? `What to do when the ${provider.displayName} account already has a voice with this name. ${provider.displayName} allows several voices with one name.`
		: `What to do when the ${provider.displayName} account already has a voice with this name. ${provider.displayName} refuses a second voice with a name in use (ignoring case).`,
	options: nameConflictModes(provider).map((mode) => ({
		name: NAME_CONFLICT_LABELS[mode],
		value: mode,
		description: NAME_CONFLICT_DESCRIPTIONS[mode],
	})),
	displayOptions: whenProvider([provider.id]),
}));

/** Create Voice Clone's fields, below the Provider where a node has one. */
export const createVoiceCloneProperties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Sales Voice',
		description: 'The name of the new voice',
	},
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		default: '',
		description: 'What the voice is for; some providers also use it as a hint for tone and style',
	},
	{
		displayName: 'Input Binary Fields',
		name: 'binaryProperties',
		type: 'string',
		default: 'data',
		placeholder: 'e.g. data, sample2',
		description:
			'Binary fields holding the audio samples, separated by commas, or * for every binary field of the item',
	},
	{
		displayName: 'Combine Items Into One Voice',
		name: 'combineItems',
		type: 'boolean',
		default: false,
		description:
			'Whether to make one voice from the samples of all input items (name and description taken from the first item) instead of one voice per item',
	},
	...nameConflictFields,
	...providerFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10, numberPrecision: 0 },
				default: 2,
				description:
					"How many voices to upload at the same time when cloning one voice per item. Requests stay under the provider's rate limit either way.",
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
				default: 4,
				description:
					'How often to retry when the provider is briefly unavailable or answers without saying how long to wait. A rate limit that says when to come back is waited out within the Upload Timeout without counting. A retry never creates a second voice.',
			},
			{
				displayName: 'Upload Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 86400 },
				default: 300,
				description:
					'The longest one voice may take, from when the node starts on it to the provider\'s answer, including waits for rate limits, retries and an earlier item with the same name. A request the rate limit would hold back past it is not sent.',
			},
		],
	},
];
