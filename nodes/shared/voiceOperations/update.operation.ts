import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { PROVIDERS } from '../providers';
import { forProviders } from '../providers/nodeDescription';
import type { VoiceChanges } from '../providers/types';
import { readVoiceId, voiceIdParameter, voiceLocatorProperty } from '../voices/voiceLocator';
import { operationOptions } from './settings';
import type { VoiceOperation } from './types';

const providersThatChange = (field: keyof VoiceChanges) =>
	PROVIDERS.filter((provider) => provider.updatableFields.includes(field)).map((provider) => provider.id);

/** The changes the item asks for: only the fields it sets, as text. */
function readChanges(fields: IDataObject): VoiceChanges {
	const changes: VoiceChanges = {};
	if (fields.name !== undefined) changes.name = String(fields.name);
	if (fields.description !== undefined) changes.description = String(fields.description);
	return changes;
}

/** Update: rename a voice, or change its description where the provider allows it. */
export const update: VoiceOperation = {
	name: 'Update',
	value: 'update',
	action: 'Update a voice',
	description: 'Rename a voice or change its description',
	properties: [
		voiceLocatorProperty(),
		{
			displayName: 'Update Fields',
			name: 'updateFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: [
				...forProviders(
					providersThatChange('description'),
					[{ displayName: 'Description', name: 'description', type: 'string', default: '', description: 'The new description' }],
					'/provider',
				),
				...forProviders(
					providersThatChange('name'),
					[
						{
							displayName: 'Name',
							name: 'name',
							type: 'string',
							default: '',
							description: 'The new name. Where names must be unique, it is checked before the voice is renamed.',
						},
					],
					'/provider',
				),
			],
		},
		operationOptions(),
	],
	subject: (context, itemIndex) => `Update voice "${voiceIdParameter(context, itemIndex)}"`,

	async execute({ context, provider, api, itemIndex }) {
		const voiceId = readVoiceId(context, itemIndex);
		const changes = readChanges(context.getNodeParameter('updateFields', itemIndex, {}) as IDataObject);
		const problems = provider.validateVoiceChanges(changes);
		if (problems.length) {
			throw new NodeOperationError(context.getNode(), `Cannot update voice "${voiceId}": ${problems.join('; ')}`, {
				itemIndex,
				description: `Item ${itemIndex}, option Update Fields. ${provider.displayName} can change: ${provider.updatableFields.join(', ')}. Nothing was sent.`,
			});
		}
		return [{ json: { ...(await provider.updateVoice(api, voiceId, changes)) } }];
	},
};
