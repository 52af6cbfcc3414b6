import { NodeOperationError, type IDataObject, type INodeProperties } from 'n8n-workflow';

import { readNumberParameter, type NumberParameter } from '../execution/numberParameter';
import { PROVIDERS } from '../providers';
import { forProviders } from '../providers/nodeDescription';
import { VOICE_STATUSES, type VoiceStatus } from '../providers/types';
import { operationOptions } from './settings';
import type { VoiceOperation } from './types';

/** Providers whose voices have more than one state: only they get a status filter. */
const PROVIDERS_WITH_STATES = PROVIDERS.filter((provider) => provider.voiceStatuses.length > 1).map((provider) => provider.id);

/** How many voices Get Many returns when Return All is off. */
export const LIMIT: NumberParameter = {
	path: 'limit',
	displayName: 'Limit',
	default: 50,
	min: 1,
	max: Number.POSITIVE_INFINITY,
	integer: true,
};

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Name Contains',
				name: 'nameContains',
				type: 'string',
				default: '',
				description: 'Only voices whose name contains this text, ignoring case',
			},
			...forProviders(
				PROVIDERS_WITH_STATES,
				[
					{
						displayName: 'Status',
						name: 'status',
						type: 'options',
						default: 'ready',
						description: 'Only voices in this training state',
						options: [
							{ name: 'Failed', value: 'failed', description: 'Training failed; the voice cannot be used' },
							{ name: 'Processing', value: 'processing', description: 'Still training' },
							{ name: 'Ready', value: 'ready', description: 'Trained and usable' },
						],
					},
				],
				'/provider',
			),
		],
	},
	operationOptions(),
];

/** Get Many: every voice of the account (all pages), filtered, one item per voice. */
export const getAll: VoiceOperation = {
	name: 'Get Many',
	value: 'getAll',
	action: 'Get many voices',
	description: 'List the voices of the account',
	properties,
	subject: () => 'Get Many voices',

	async execute({ context, provider, api, itemIndex }) {
		const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? undefined : readNumberParameter(context, LIMIT, itemIndex);
		const filters = context.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		const status = filters.status === undefined || filters.status === '' ? undefined : String(filters.status);
		if (status !== undefined && !VOICE_STATUSES.includes(status as VoiceStatus)) {
			throw new NodeOperationError(context.getNode(), `Status filter must be one of ${VOICE_STATUSES.join(', ')} (got "${status}")`, {
				itemIndex,
				description: `Item ${itemIndex}: fix the Status filter. Nothing was sent.`,
			});
		}
		const nameContains = typeof filters.nameContains === 'string' && filters.nameContains.trim() ? filters.nameContains : undefined;
		const voices = await provider.listVoices(api, { status: status as VoiceStatus | undefined, nameContains, limit });
		return voices.map((voice) => ({ json: { ...voice } }));
	},
};
