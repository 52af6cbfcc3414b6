import { voiceNotFoundError } from '../providers/voiceRecords';
import { readVoiceId, voiceIdParameter, voiceLocatorProperty } from '../voices/voiceLocator';
import { operationOptions } from './settings';
import type { VoiceOperation } from './types';

/** Get: one voice in the shared shape; a voice the provider does not know is an item error. */
export const get: VoiceOperation = {
	name: 'Get',
	value: 'get',
	action: 'Get a voice',
	description: 'Get one voice with its training status',
	properties: [voiceLocatorProperty(), operationOptions()],
	subject: (context, itemIndex) => `Get voice "${voiceIdParameter(context, itemIndex)}"`,

	async execute({ context, provider, api, itemIndex }) {
		const voiceId = readVoiceId(context, itemIndex);
		const voice = await provider.getVoice(api, voiceId);
		if (!voice) throw voiceNotFoundError(api, provider.displayName, voiceId);
		return [{ json: { ...voice } }];
	},
};
