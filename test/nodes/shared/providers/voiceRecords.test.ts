import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INode } from 'n8n-workflow';

import type { ProviderApi, VoiceRecord } from '../../../../nodes/shared/providers/types';
import { selectVoices, speakTextProblems, spokenAudio } from '../../../../nodes/shared/providers/voiceRecords';
import { makeWav } from '../../../helpers/wav';

const MP3 = readFileSync(path.join(__dirname, '../../../sandbox/assets/preview.mp3'));
const WAV = makeWav({ seconds: 1 });

/** Only what spokenAudio reads to name an error; it sends nothing. */
const api: ProviderApi = {
	node: { id: 'n', name: 'Voice Clone', type: 'voiceClone', typeVersion: 1, position: [0, 0], parameters: {} } as INode,
	itemIndex: 3,
	request: async () => {
		throw new Error('not used');
	},
	requestOptional: async () => {
		throw new Error('not used');
	},
	billedRequest: async () => {
		throw new Error('not used');
	},
};

const record = (voiceId: string, name: string, status: VoiceRecord['status']): VoiceRecord => ({
	provider: 'buena',
	voiceId,
	name,
	description: '',
	status,
	trainingProgress: status === 'ready' ? 100 : 0,
	createdAt: null,
	raw: {},
});

describe('selectVoices', () => {
	const voices = [record('1', 'Alice', 'ready'), record('2', 'alice two', 'processing'), record('3', 'Bob', 'ready'), record('4', 'ALICE 3', 'ready')];
	it.each([
		[{}, ['1', '2', '3', '4']],
		[{ status: 'ready' as const }, ['1', '3', '4']],
		[{ nameContains: ' aLiCe ' }, ['1', '2', '4']],
		[{ nameContains: 'alice', status: 'ready' as const }, ['1', '4']],
		[{ nameContains: 'alice', limit: 2 }, ['1', '2']],
		[{ limit: 0 }, []],
		[{ status: 'failed' as const }, []],
	])('%j → %j, in the provider\'s order', (options, ids) => {
		expect(selectVoices(voices, options).map((voice) => voice.voiceId)).toEqual(ids);
	});
});

describe('speakTextProblems', () => {
	it.each([
		['', 500, ['The text to speak is empty']],
		['  \n ', 500, ['The text to speak is empty']],
		['a'.repeat(500), 500, []],
		['😀'.repeat(500), 500, []],
		['é'.repeat(501), 500, ['The text to speak is 501 characters long; Buena AI speaks at most 500 at a time']],
		['x'.repeat(10_000), undefined, []],
	])('%#', (text, max, problems) => {
		expect(speakTextProblems('Buena AI', text, max)).toEqual(problems);
	});
});

describe('spokenAudio: named and typed by the content', () => {
	const answer = (body: unknown, headers: Record<string, unknown> = {}) => ({ statusCode: 200, headers, body });
	const fallback = { stem: 'preview', extension: 'mp3', mimeType: 'audio/mpeg' };

	it.each([
		['MP3 without headers', MP3, {}, 'preview.mp3', 'audio/mpeg'],
		['WAV declared as MP3 by type and name', WAV, { 'content-type': 'audio/mpeg', 'content-disposition': 'attachment; filename="preview.mp3"' }, 'preview.wav', 'audio/wav'],
		['the provider\'s file name, without a path', MP3, { 'Content-Disposition': 'attachment; filename="../../etc/hello.mp3"' }, 'hello.mp3', 'audio/mpeg'],
		['an RFC 5987 file name', WAV, { 'content-disposition': "attachment; filename*=UTF-8''Gr%C3%BC%C3%9Fe.wav" }, 'Grüße.wav', 'audio/wav'],
		['unknown audio keeps the declared audio type', Buffer.from('not audio at all'), { 'content-type': 'audio/x-custom' }, 'preview.mp3', 'audio/x-custom'],
		['unknown bytes without an audio type fall back', Buffer.from('????'), { 'content-type': 'application/octet-stream' }, 'preview.mp3', 'audio/mpeg'],
	])('%s', async (_case, body, headers, fileName, mimeType) => {
		const audio = await spokenAudio(api, 'Buena AI', answer(body, headers), fallback);
		expect(audio).toEqual({ data: body, fileName, mimeType });
	});

	it.each([
		['an empty body', Buffer.alloc(0), 'Buena AI answered HTTP 200 with an empty body instead of speech'],
		['a JSON answer', { success: true }, 'Buena AI answered HTTP 200 with no audio instead of speech'],
	])('%s is a NodeApiError for the item, keeping the status', async (_case, body, message) => {
		await expect(spokenAudio(api, 'Buena AI', answer(body), fallback)).rejects.toMatchObject({
			message,
			httpCode: '200',
			context: expect.objectContaining({ itemIndex: 3 }),
		});
	});
});
