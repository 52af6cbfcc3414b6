import type { INodeProperties } from 'n8n-workflow';

import { voiceLocatorProperty } from '../voices/voiceLocator';

export const longWaitNotice: INodeProperties = {
	displayName:
		'This node keeps the execution running while it polls, up to the timeout. For trainings that may take longer, turn on Check Once and loop with a Wait node and an IF node on "status".',
	name: 'longWaitNotice',
	type: 'notice',
	default: '',
};

/** Wait for Training's fields after its notice (and the Provider, where a node has one). */
export const waitForTrainingFields: INodeProperties[] = [
	// A resource locator since 0.2: "By ID" starts with the incoming item's voiceId, and a plain
	// string saved by an older workflow is still read (see voiceIdParameter).
	voiceLocatorProperty({
		displayName: 'Voice ID',
		defaultValue: '={{ $json.voiceId }}',
		description:
			'The voice to wait for. By default the voiceId field of the input item, as Create Voice Clone outputs it; or pick one of the account\'s voices from the list.',
	}),
	{
		displayName: 'Check Once',
		name: 'checkOnce',
		type: 'boolean',
		default: false,
		description:
			'Whether to check every voice once and output its current status (ready, processing or failed) without waiting and without failing on processing or failed. Use it with n8n\'s Wait and IF nodes for trainings that take hours. A voice that does not exist still fails.',
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: 0.1, maxValue: 3600, numberPrecision: 1 },
		default: 10,
		description:
			'Seconds between checks, which is also how late a voice that became ready may be noticed. All voices of one execution are checked together: each round usually reads the voice list of the account once (page by page when it is long), however many voices there are. When several checks in a row bring no news the gap grows, up to 4× the interval or 60 seconds. Read from the first item. The minimum, 0.1, is meant for tests against the local sandbox.',
		displayOptions: { show: { checkOnce: [false] } },
	},
	{
		displayName: 'Timeout (Minutes)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 0.01, maxValue: 10080, numberPrecision: 2 },
		default: 10,
		description:
			'How long to wait for a voice before its item fails with the last progress seen. The execution is held for up to this long. Rate limits and brief provider outages are retried within this time.',
	},
];
