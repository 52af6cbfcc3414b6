import { NodeOperationError } from 'n8n-workflow';

import { characterCount } from '../providers/voiceRecords';
import { readVoiceId, voiceIdParameter, voiceLocatorProperty } from '../voices/voiceLocator';
import { operationOptions } from './settings';
import type { VoiceOperation } from './types';

/** Speak: the voice says a text; the audio goes on the item as binary data. */
export const speak: VoiceOperation = {
	name: 'Speak',
	value: 'speak',
	action: 'Speak a text with a voice',
	description: 'Hear a voice: turn a text into audio in binary data',
	properties: [
		voiceLocatorProperty(),
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 4 },
			required: true,
			default: '',
			description: 'What the voice says. Its length is checked against the provider\'s limit before anything is sent.',
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			required: true,
			default: 'data',
			hint: 'The name of the output binary field to put the file in',
		},
		operationOptions(),
	],
	subject: (context, itemIndex) => `Speak with voice "${voiceIdParameter(context, itemIndex)}"`,

	async execute({ context, provider, api, itemIndex }) {
		const voiceId = readVoiceId(context, itemIndex);
		const text = String(context.getNodeParameter('text', itemIndex, '') ?? '');
		const binaryPropertyName = String(context.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim();
		const problems = provider.validateSpeakText(text);
		if (!binaryPropertyName) problems.push('Put Output File in Field is empty: name the binary field for the audio');
		if (problems.length) {
			throw new NodeOperationError(context.getNode(), problems[0], {
				itemIndex,
				description: `Item ${itemIndex}${problems.length > 1 ? `: ${problems.join('; ')}` : ''}. Nothing was sent to ${provider.displayName}.`,
			});
		}
		const audio = await provider.speak(api, voiceId, text);
		const binary = await context.helpers.prepareBinaryData(audio.data, audio.fileName, audio.mimeType);
		return [
			{
				json: {
					provider: provider.id,
					voiceId,
					characters: characterCount(text),
					fileName: audio.fileName,
					mimeType: audio.mimeType,
					bytes: audio.data.length,
				},
				binary: { [binaryPropertyName]: binary },
			},
		];
	},
};
