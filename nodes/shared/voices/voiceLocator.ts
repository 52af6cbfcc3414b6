import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeProperties,
	type INodeParameterResourceLocator,
} from 'n8n-workflow';

/** The name of the `listSearch` method every voice picker uses (see searchVoices.ts). */
const SEARCH_VOICES_METHOD = 'searchVoices';

/**
 * A voice field as n8n's resource locator: "From List" (the account's voices, searchable, with
 * their status) or "By ID". `defaultValue` is the By-ID value to start with, e.g. an expression.
 */
export function voiceLocatorProperty(
	overrides: Partial<INodeProperties> & { defaultValue?: string } = {},
): INodeProperties {
	const { defaultValue, ...rest } = overrides;
	const defaultLocator: INodeParameterResourceLocator =
		defaultValue === undefined
			? { __rl: true, mode: 'list', value: '' }
			: { __rl: true, mode: 'id', value: defaultValue };
	return {
		displayName: 'Voice',
		name: 'voiceId',
		type: 'resourceLocator',
		required: true,
		default: defaultLocator,
		description: 'The voice to use: pick it from the account\'s voices, or give its ID',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a voice...',
				typeOptions: { searchListMethod: SEARCH_VOICES_METHOD, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. vc_1a2b3c4d',
			},
		],
		...rest,
	};
}

/**
 * The voice ID an item asks for, trimmed ('' when empty). Accepts the resource locator's value and
 * also a plain string: a workflow saved before the field became a resource locator.
 */
export function voiceIdParameter(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter('voiceId', itemIndex, '', { extractValue: true }) as unknown;
	return (typeof value === 'string' || typeof value === 'number' ? String(value) : '').trim();
}

/** Like `voiceIdParameter`, but an empty voice is an item error. */
export function readVoiceId(context: IExecuteFunctions, itemIndex: number): string {
	const voiceId = voiceIdParameter(context, itemIndex);
	if (!voiceId) {
		throw new NodeOperationError(context.getNode(), 'No voice given', {
			itemIndex,
			description: `The Voice parameter is empty for item ${itemIndex}. Pick a voice from the list, or give its ID.`,
		});
	}
	return voiceId;
}
