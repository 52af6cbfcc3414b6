import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { NodeApiError } from 'n8n-workflow';

import { pairedItems } from '../../helpers/n8nRunner';
import type { Sandbox } from '../../sandbox';
import { byId, calls, runVoiceClone, startVoiceSandbox } from './helpers';

let sandbox: Sandbox;
const previewMp3 = readFileSync(path.join(__dirname, '../../sandbox/assets/preview.mp3'));

beforeAll(async () => {
	sandbox = await startVoiceSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

describe.each(['default', 'filesystem'] as const)('Voice Clone: Speak (binary data mode %s)', (binaryDataMode) => {
	it('Buena: the preview MP3 on the item, with its name, MIME type and exact bytes', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead' });
		const result = await runVoiceClone(
			sandbox,
			{ operation: 'speak', voiceId: byId(voiceId), text: '=Hi {{ $json.first }}, quick question.', binaryPropertyName: 'audio' },
			[{ json: { first: 'Ann' } }],
			{ binaryDataMode },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.outputs[0];
		expect(item.json).toEqual({
			provider: 'buena',
			voiceId,
			characters: 'Hi Ann, quick question.'.length,
			fileName: 'preview.mp3',
			mimeType: 'audio/mpeg',
			bytes: previewMp3.length,
		});
		expect(item.binary?.audio).toMatchObject({ fileName: 'preview.mp3', mimeType: 'audio/mpeg', fileExtension: 'mp3' });
		if (binaryDataMode === 'filesystem') expect(item.binary?.audio.id).toMatch(/^filesystem/);
		expect(result.binaries[0][0].audio.equals(previewMp3)).toBe(true);
		expect(pairedItems(item)).toEqual([{ item: 0 }]);
		const [preview] = sandbox.log().filter((entry) => entry.path.endsWith('/voice-clones/preview'));
		expect(preview.fields.map((field) => field.name).sort()).toEqual(['text', 'voiceId']);
	});

	it('Bland: WAV speech under "data" by default', async () => {
		const voiceId = sandbox.seedVoice('bland', { name: 'Support' });
		const result = await runVoiceClone(sandbox, { provider: 'bland', operation: 'speak', voiceId: byId(voiceId), text: 'Hello there' }, undefined, {
			binaryDataMode,
		});
		expect(result.error).toBeUndefined();
		const [item] = result.outputs[0];
		expect(item.json).toMatchObject({ provider: 'bland', voiceId, fileName: 'speech.wav', mimeType: 'audio/wav' });
		expect(item.binary?.data).toMatchObject({ fileName: 'speech.wav', mimeType: 'audio/wav' });
		const bytes = result.binaries[0][0].data;
		expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
		expect(bytes.subarray(8, 12).toString('latin1')).toBe('WAVE');
		expect(bytes.length).toBe(item.json.bytes);
		expect(calls(sandbox, 'bland')).toEqual(['POST /v1/speak']);
	});
});

describe('Voice Clone: Speak, errors', () => {
	it('Buena: a text over 500 characters fails its item before anything is sent; the next item speaks', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead' });
		const result = await runVoiceClone(
			sandbox,
			{ operation: 'speak', voiceId: byId(voiceId), text: '={{ $json.text }}' },
			[{ json: { text: 'é'.repeat(501) } }, { json: { text: 'é'.repeat(500) } }],
			{ continueOnFail: true },
		);
		const [tooLong, ok] = result.outputs[0];
		expect(tooLong.json).toEqual({
			text: 'é'.repeat(501),
			error: {
				message: 'The text to speak is 501 characters long; Buena AI speaks at most 500 at a time',
				description: 'Item 0. Nothing was sent to Buena AI.',
				httpCode: null,
				code: null,
			},
		});
		expect(tooLong.binary).toBeUndefined();
		expect(ok.json).toMatchObject({ characters: 500, fileName: 'preview.mp3' });
		expect(calls(sandbox, 'buena')).toEqual(['POST /voice-clones/preview']);
	});

	it('an empty text is refused for either provider, nothing sent', async () => {
		const result = await runVoiceClone(sandbox, { provider: 'bland', operation: 'speak', voiceId: byId('any'), text: '   ' });
		expect(result.error?.message).toBe('The text to speak is empty');
		expect(calls(sandbox, 'bland')).toEqual([]);
	});

	it('Buena: a voice still training is the provider\'s 409, read from the JSON error body of an audio request', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead', status: 'processing' });
		const result = await runVoiceClone(sandbox, { operation: 'speak', voiceId: byId(voiceId), text: 'Hello' });
		const error = result.error as NodeApiError;
		expect(error.httpCode).toBe('409');
		expect(error.message).toBe('Buena AI: Voice clone is still training; try again when its status is ready [VOICE_CLONE_NOT_READY]');
	});

	it('an unknown voice is a 404 item error for both providers', async () => {
		const buena = await runVoiceClone(sandbox, { operation: 'speak', voiceId: byId('Missing00000000000000'), text: 'Hello' });
		expect((buena.error as NodeApiError).httpCode).toBe('404');
		const bland = await runVoiceClone(sandbox, { provider: 'bland', operation: 'speak', voiceId: byId('missing'), text: 'Hello' });
		expect(bland.error?.message).toBe('Bland AI: Voice not found [Not Found]');
	});

	it('an empty output field name is refused before anything is sent', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead' });
		const result = await runVoiceClone(sandbox, { operation: 'speak', voiceId: byId(voiceId), text: 'Hi', binaryPropertyName: ' ' });
		expect(result.error?.message).toBe('Put Output File in Field is empty: name the binary field for the audio');
		expect(calls(sandbox, 'buena')).toEqual([]);
	});
});
