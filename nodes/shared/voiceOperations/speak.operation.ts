import { createHash } from 'crypto';
import {
	deepCopy,
	NodeApiError,
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type JsonObject,
} from 'n8n-workflow';

import { characterCount } from '../providers/voiceRecords';
import { mayHaveBeenCharged } from '../transport/apiErrors';
import { readVoiceId, voiceIdParameter, voiceLocatorProperty } from '../voices/voiceLocator';
import { operationOptions } from './settings';
import type { VoiceOperation } from './types';

/**
 * What an earlier try of this node run kept for one item: the speech it got (the output's JSON and
 * the binary entry n8n stored), or the error of a request that may have been charged.
 */
interface RememberedSpeech extends IDataObject {
	json?: IDataObject;
	binary?: IDataObject;
	charged?: { message: string; description: string | null; httpCode: string | null };
}

/** The request an item makes: the same voice saying the same text through the same provider. */
function speechFingerprint(providerId: string, voiceId: string, text: string): string {
	return createHash('sha256').update(JSON.stringify([providerId, voiceId, text])).digest('hex');
}

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

	async execute({ context, provider, api, itemIndex, runMemory }) {
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

		// Speech is paid per request: n8n's Retry On Fail runs the node again after an item failed,
		// and the items that already have their audio (or may have been charged) must not be sent again.
		const memory = runMemory<RememberedSpeech>();
		const fingerprint = speechFingerprint(provider.id, voiceId, text);
		const earlier = memory.recall(itemIndex, fingerprint);
		if (earlier?.json && earlier.binary) {
			return [{ json: deepCopy(earlier.json), binary: { [binaryPropertyName]: deepCopy(earlier.binary) as unknown as IBinaryData } }];
		}
		if (earlier?.charged) {
			const { message, description, httpCode } = earlier.charged;
			const error = new NodeApiError(context.getNode(), { message } as JsonObject, {
				message,
				description: `${description ? `${description}\n` : ''}An earlier try of this node run sent this request, so the retry (n8n's Retry On Fail) did not send it again. Check the ${provider.displayName} account, then run the workflow again for this item.`,
				httpCode: httpCode ?? undefined,
				itemIndex,
			});
			error.context.mayHaveBeenCharged = true;
			throw error;
		}

		const audio = await provider.speak(api, voiceId, text).catch((error: unknown) => {
			if (mayHaveBeenCharged(error)) {
				const { message, description, httpCode } = error as NodeApiError;
				memory.remember(itemIndex, fingerprint, { charged: { message, description: description ?? null, httpCode: httpCode ?? null } });
			}
			throw error;
		});
		const binary = await context.helpers.prepareBinaryData(audio.data, audio.fileName, audio.mimeType);
		const json: IDataObject = {
			provider: provider.id,
			voiceId,
			characters: characterCount(text),
			fileName: audio.fileName,
			mimeType: audio.mimeType,
			bytes: audio.data.length,
		};
		memory.remember(itemIndex, fingerprint, { json: deepCopy(json), binary: deepCopy(binary) as unknown as IDataObject });
		return [{ json, binary: { [binaryPropertyName]: binary } }];
	},
};
