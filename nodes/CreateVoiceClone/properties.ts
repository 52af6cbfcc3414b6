import type { INodeProperties } from 'n8n-workflow';

import { PROVIDERS } from '../shared/providers';
import { providerProperty } from '../shared/providers/nodeDescription';

/** Each provider's own fields, shown only while that provider is selected. */
const providerFields: INodeProperties[] = PROVIDERS.flatMap((provider) =>
	provider.createFields.map((field) => ({
		...field,
		displayOptions: { show: { provider: [provider.id] } },
	})),
);

export const createVoiceCloneProperties: INodeProperties[] = [
	providerProperty,
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
		description: 'What the voice is for; Bland AI also uses it as a hint for tone and style',
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
				typeOptions: { minValue: 1, maxValue: 10 },
				default: 2,
				description:
					"How many voices to upload at the same time when cloning one voice per item. Requests stay under the provider's rate limit either way.",
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 4,
				description:
					'How often to retry when the provider is rate limiting or briefly unavailable. A retry never creates a second voice.',
			},
			{
				displayName: 'Upload Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 300,
				description: 'How long to wait for the provider to answer once the samples are sent',
			},
		],
	},
];
