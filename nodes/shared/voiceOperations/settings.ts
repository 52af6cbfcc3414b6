import type { INodeProperties } from 'n8n-workflow';

import type { NumberParameter } from '../execution/numberParameter';

/** The longest one item of a voice operation may take, retries and rate-limit waits included. */
export const OPERATION_TIMEOUT: NumberParameter = {
	path: 'options.timeout',
	displayName: 'Timeout (Seconds)',
	where: 'under Options',
	default: 60,
	min: 1,
	max: 3_600,
};

/** The Options collection every voice operation has: its Timeout. */
export function operationOptions(): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 3600 },
				default: 60,
				description:
					'The longest one item may take in all, including retries and waits for rate limits. When it passes, the item fails with an error that says so.',
			},
		],
	};
}
