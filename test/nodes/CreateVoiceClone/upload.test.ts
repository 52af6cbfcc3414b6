import { createHash } from 'node:crypto';

import { startSandbox, type Sandbox } from '../../sandbox';
import { makeWav } from '../../helpers/wav';
import { createRequests, runCreate } from './helpers';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 2_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

describe.each(['default', 'filesystem'] as const)('Create Voice Clone upload (%s binary mode)', (binaryDataMode) => {
	it('sends one Buena multipart request with every sample under the repeated "files" field', async () => {
		const intro = makeWav({ seconds: 3 });
		const second = makeWav({ seconds: 2, sampleRate: 8000, channels: 1 }).fill(7, 44);
		const result = await runCreate(
			sandbox,
			{
				provider: 'buena',
				name: 'Sales Voice',
				description: 'Energetic sales voice',
				binaryProperties: 'data, second',
				settings: { stability: 0.4, clarity: 0.8, useSpeakerBoost: false },
			},
			[
				{
					json: { lead: 'a' },
					binary: {
						data: { data: intro, fileName: 'intro.wav', mimeType: 'audio/wav' },
						second: { data: second, fileName: 'no-extension', mimeType: 'application/octet-stream' },
					},
				},
			],
			{ binaryDataMode },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.outputs[0];
		expect(item.json).toMatchObject({
			provider: 'buena',
			name: 'Sales Voice',
			status: 'processing',
			samples: [
				{ fileName: 'intro.wav', format: 'wav', mimeType: 'audio/wav', bytes: 48044, durationSeconds: 3 },
				{ fileName: 'no-extension.wav', format: 'wav', mimeType: 'audio/wav', bytes: 32044, durationSeconds: 2 },
			],
		});
		expect(item.json.voiceId).toMatch(/^[A-Za-z0-9]{20}$/);
		expect(item.pairedItem).toEqual([{ item: 0 }]);

		const [request] = createRequests(sandbox, 'buena');
		expect(request.status).toBe(201);
		expect(request.authHeaders.sort()).toEqual(['authorization', 'x-api-key']);
		expect(request.fields).toEqual(
			expect.arrayContaining([
				{ name: 'name', value: 'Sales Voice' },
				{ name: 'description', value: 'Energetic sales voice' },
				{ name: 'settings', value: JSON.stringify({ stability: 0.4, clarity: 0.8, use_speaker_boost: false }) },
			]),
		);
		// The exact bytes, with the length announced up front rather than chunked.
		expect(request.files).toEqual([
			{ field: 'files', fileName: 'intro.wav', contentType: 'audio/wav', bytes: 48044, sha256: sha256(intro) },
			{ field: 'files', fileName: 'no-extension.wav', contentType: 'audio/wav', bytes: 32044, sha256: sha256(second) },
		]);
		expect(request.chunked).toBeUndefined();
		expect(request.contentLength).toBeGreaterThan(48044 + 32044);
	});

	it('sends Bland the "audio_samples" field, gender and the v2 engine flag', async () => {
		const result = await runCreate(
			sandbox,
			{ provider: 'bland', name: 'Blandie', description: 'calm', gender: 'female', engine: 'v2' },
			[{ json: {}, binary: { data: { data: makeWav({ seconds: 12 }), fileName: 'sample.wav' } } }],
			{ binaryDataMode },
		);
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toMatchObject({ provider: 'bland', name: 'Blandie', status: 'ready' });
		const [request] = createRequests(sandbox, 'bland');
		expect(request.status).toBe(200);
		expect(request.authHeaders).toEqual(['authorization']);
		expect(request.fields).toEqual(
			expect.arrayContaining([
				{ name: 'name', value: 'Blandie' },
				{ name: 'gender', value: 'female' },
				{ name: 'description', value: 'calm' },
				{ name: 'isBTTS_V2', value: 'true' },
			]),
		);
		expect(request.files).toEqual([
			{ field: 'audio_samples', fileName: 'sample.wav', contentType: 'audio/wav', bytes: 192044, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
		]);
		expect(request.chunked).toBeUndefined();
	});
});
