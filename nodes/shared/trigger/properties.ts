import type { INodeProperties } from 'n8n-workflow';

import { PROVIDERS } from '../providers';
import { whenProvider } from '../providers/nodeDescription';

/** Providers whose voices are usable as soon as they exist: no training to finish or fail. */
const untrainedProviders = PROVIDERS.filter((provider) => provider.voiceStatuses.length === 1).map(
	(provider) => provider.id,
);

export const voiceCloneTriggerProperties: INodeProperties[] = [
	...(untrainedProviders.length
		? [
				{
					displayName:
						'This provider\'s voices can be used as soon as they are created: a new voice reports Voice Created and Training Finished together, and Training Failed never happens.',
					name: 'noTrainingNotice',
					type: 'notice',
					default: '',
					displayOptions: whenProvider(untrainedProviders),
				} satisfies INodeProperties,
			]
		: []),
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: ['ready'],
		description: 'What starts the workflow. Each voice starts it at most once per event.',
		options: [
			{
				name: 'Voice Created',
				value: 'created',
				description:
					'A voice appeared in the account: made in the provider\'s dashboard, by another workflow, or by this one. A workflow started by this event that creates voices starts itself again: narrow it with Name Contains.',
			},
			{
				name: 'Training Failed',
				value: 'failed',
				description: 'A voice failed to train and cannot be used',
			},
			{
				name: 'Training Finished',
				value: 'ready',
				description:
					'A voice finished training and can be used. Voices that need no training are ready as soon as they appear.',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Voices That Already Exist',
				name: 'includeExisting',
				type: 'boolean',
				default: false,
				description:
					'Whether the first check after the workflow is activated reports the voices already in the account. Off: it only notes them, and only later changes start the workflow.',
			},
			{
				displayName: 'Name Contains',
				name: 'nameContains',
				type: 'string',
				default: '',
				placeholder: 'for Northwind',
				description: 'Only voices whose name contains this text, ignoring case',
			},
		],
	},
];
