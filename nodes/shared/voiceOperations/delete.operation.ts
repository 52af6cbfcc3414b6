import { readVoiceId, voiceIdParameter, voiceLocatorProperty } from '../voices/voiceLocator';
import { operationOptions } from './settings';
import type { VoiceOperation } from './types';

/** Delete: frees the voice's slot in the account. Unknown voices and voices in use are item errors. */
export const deleteVoice: VoiceOperation = {
	name: 'Delete',
	value: 'delete',
	action: 'Delete a voice',
	description: 'Delete a voice from the account',
	properties: [voiceLocatorProperty(), operationOptions()],
	subject: (context, itemIndex) => `Delete voice "${voiceIdParameter(context, itemIndex)}"`,

	async execute({ context, provider, api, itemIndex }) {
		const voiceId = readVoiceId(context, itemIndex);
		await provider.deleteVoice(api, voiceId);
		return [{ json: { provider: provider.id, voiceId, deleted: true } }];
	},
};
