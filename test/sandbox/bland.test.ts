import { startSandbox, type Sandbox } from './index';
import { ffmpegAudio, json, postMultipart, request, wav, type Part } from './testUtil';

const MIB = 1024 * 1024;
let sb: Sandbox;
let audio: ReturnType<typeof ffmpegAudio>;
let auth: Record<string, string>;
const tenSeconds = wav({ seconds: 10 });

beforeAll(async () => {
	sb = await startSandbox();
	audio = ffmpegAudio();
	auth = { Authorization: sb.keys.bland };
});
afterAll(async () => {
	audio.cleanup();
	await sb.close();
});
beforeEach(() => sb.reset());

const clone = (parts: Part[], headers = auth) => postMultipart(`${sb.blandBaseUrl}/v1/voices/clone`, parts, headers);
const sample = (data: Buffer = tenSeconds, fileName = 'sample.wav'): Part => ({ name: 'audio_samples', data, fileName, contentType: 'audio/wav' });
const named = (name: string): Part => ({ name: 'name', value: name });

function expectError(r: { status: number; json: any }, status: number, error: string, message: string) {
	expect(r.status).toBe(status);
	expect(r.json).toEqual({ status, data: null, errors: [{ error, message }] });
}
const validation = (r: { status: number; json: any }, message: string) => expectError(r, 400, 'Validation Error', message);

describe('auth', () => {
	it('raw key accepted; Bearer prefix, unknown and missing keys get 401 Invalid token', async () => {
		expect((await request(`${sb.blandBaseUrl}/v1/voices`, { headers: auth })).status).toBe(200);
		for (const headers of [{ Authorization: `Bearer ${sb.keys.bland}` }, { Authorization: 'sk-wrong' }, {}, { 'x-api-key': sb.keys.bland }] as Array<Record<string, string>>) {
			const r = await request(`${sb.blandBaseUrl}/v1/voices`, { headers });
			expectError(r, 401, 'Authentication Error', 'Invalid token');
		}
	});
});

describe('clone', () => {
	it('success envelope; voice usable at once (list, get by id and by name, speak)', async () => {
		const r = await clone([named('Blandie'), sample(), { name: 'gender', value: 'female' }, { name: 'description', value: 'warm' }]);
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ status: 200, data: { voice_id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Blandie' }, errors: null });
		const id = r.json.data.voice_id;
		const list = await request(`${sb.blandBaseUrl}/v1/voices`, { headers: auth });
		expect(list.json.voices).toEqual([expect.objectContaining({ id, name: 'Blandie', description: 'warm', tags: [], gender: 'female', engine: 'btts_v3' })]);
		for (const ref of [id, 'blandie']) {
			const g = await request(`${sb.blandBaseUrl}/v1/voices/${ref}`, { headers: auth });
			expect(g.status).toBe(200);
			expect(g.json.voice).toMatchObject({ id, name: 'Blandie' });
		}
		const speak = await json(`${sb.blandBaseUrl}/v1/speak`, 'POST', { voice: id, text: 'Hello there' }, auth);
		expect(speak.status).toBe(200);
		expect(speak.headers['content-type']).toBe('audio/wav');
		expect(speak.body.subarray(0, 4).toString()).toBe('RIFF');
		expect(speak.body.subarray(8, 12).toString()).toBe('WAVE');
		expect(speak.body.readUInt32LE(40)).toBe(speak.body.length - 44);
	});

	it('isBTTS_V2=true selects the v2 engine', async () => {
		const r = await clone([named('v2'), sample(), sample(), { name: 'isBTTS_V2', value: 'true' }]);
		expect(r.status).toBe(200);
		const g = await request(`${sb.blandBaseUrl}/v1/voices/${r.json.data.voice_id}`, { headers: auth });
		expect(g.json.voice).toMatchObject({ engine: 'btts_v2', total_samples: 2 });
	});

	it('name: required, 30 chars ok, 31 too long, taken case-insensitively', async () => {
		validation(await clone([sample()]), 'Voice name is required');
		validation(await clone([named('  '), sample()]), 'Voice name is required');
		validation(await clone([named('x'.repeat(31)), sample()]), 'Voice name too long');
		expect((await clone([named('x'.repeat(30)), sample()])).status).toBe(200);
		expect((await clone([named('Taken'), sample()])).status).toBe(200);
		validation(await clone([named('tAKEN'), sample()]), 'Voice name is already taken');
		sb.seedVoice('bland', { name: 'Seeded' });
		validation(await clone([named('seeded'), sample()]), 'Voice name is already taken');
	});

	it('gender: male/female accepted, anything else invalid', async () => {
		expect((await clone([named('m'), sample(), { name: 'gender', value: 'male' }])).status).toBe(200);
		validation(await clone([named('x'), sample(), { name: 'gender', value: 'Male' }]), 'Invalid gender');
		validation(await clone([named('y'), sample(), { name: 'gender', value: 'other' }]), 'Invalid gender');
	});

	it('files: none, a wrongly named field, 5 ok, 6 too many', async () => {
		validation(await clone([named('a')]), 'No files provided for voice cloning.');
		validation(await clone([named('a'), { name: 'audio_samples[]', data: tenSeconds, fileName: 'a.wav' }]), 'No files provided for voice cloning.');
		const five = Array.from({ length: 5 }, (_, i) => sample(wav({ seconds: 2 }), `s${i}.wav`));
		expect((await clone([named('five'), ...five])).status).toBe(200);
		validation(await clone([named('six'), ...five, sample()]), 'Too many files (6). Maximum allowed is 5 files per upload.');
	});

	it('file size: exactly 10 MiB accepted, 10 MiB + 4 bytes rejected with name and size', async () => {
		// 96 kHz stereo 16-bit: 10 MiB is about 27 s, inside the duration bound.
		const hi = { sampleRate: 96000, channels: 2 };
		expect((await clone([named('ten'), sample(wav({ ...hi, totalBytes: 10 * MIB }), 'ten.wav')])).status).toBe(200);
		validation(
			await clone([named('over'), sample(wav({ ...hi, totalBytes: 10 * MIB + 4 }), 'sample.wav')]),
			'File "sample.wav" is too large (10.0MB). Maximum allowed size is 10MB.',
		);
		validation(
			await clone([named('over'), sample(wav({ ...hi, totalBytes: Math.round(12.5 * MIB) }), 'sample.wav')]),
			'File "sample.wav" is too large (12.5MB). Maximum allowed size is 10MB.',
		);
	});

	it('total size: exactly 25 MiB accepted, 4 bytes more rejected', async () => {
		const hi = { sampleRate: 96000, channels: 2 };
		const third = 25 * MIB / 4 / 3; // not whole: spread the remainder
		const sizes = [Math.floor(third) * 4, Math.floor(third) * 4, 25 * MIB - 2 * Math.floor(third) * 4];
		const parts = sizes.map((n, i) => sample(wav({ ...hi, totalBytes: n }), `p${i}.wav`));
		expect((await clone([named('total'), ...parts])).status).toBe(200);
		const over = [...parts.slice(0, 2), sample(wav({ ...hi, totalBytes: sizes[2] + 4 }), 'p2.wav')];
		validation(await clone([named('total2'), ...over]), 'Total upload size is too large (25.0MB). Maximum allowed total size is 25MB.');
	});

	it('duration: 0.9 s too short, 1.0 s ok, 60.0 s ok, 60.1 s too long (measured, estimated to one decimal)', async () => {
		validation(await clone([named('a'), sample(wav({ seconds: 0.9 }), 'short.wav')]), 'File "short.wav" is too short (estimated 0.9s). Minimum duration is 1 seconds.');
		expect((await clone([named('b'), sample(wav({ seconds: 1 }))])).status).toBe(200);
		expect((await clone([named('c'), sample(wav({ seconds: 60 }))])).status).toBe(200);
		validation(await clone([named('d'), sample(wav({ seconds: 60.1 }), 'long.wav')]), 'File "long.wav" is too long (estimated 60.1s). Maximum duration is 60 seconds.');
		// every sample is checked, not only the first
		validation(
			await clone([named('e'), sample(), sample(wav({ seconds: 75.3 }), 'second.wav')]),
			'File "second.wav" is too long (estimated 75.3s). Maximum duration is 60 seconds.',
		);
	});

	it('real encoded audio is measured: MP3, M4A and FLAC', async () => {
		expect((await clone([named('mp3'), sample(audio.mp3(2), 'a.mp3')])).status).toBe(200);
		expect((await clone([named('m4a'), sample(audio.m4a(2), 'a.m4a')])).status).toBe(200);
		expect((await clone([named('flac'), sample(audio.flac(2), 'a.flac')])).status).toBe(200);
		validation(await clone([named('mp3s'), sample(audio.mp3(0.5), 'half.mp3')]), expect.stringMatching(/^File "half\.mp3" is too short \(estimated 0\.[45]s\)/) as unknown as string);
	});

	it('unparseable audio is a Processing Error', async () => {
		expectError(await clone([named('junk'), sample(Buffer.from('definitely not audio '.repeat(100)), 'junk.wav')]), 400, 'Processing Error', 'Failed to process audio with beige model');
		expectError(await clone([named('empty'), sample(Buffer.alloc(0), 'empty.wav')]), 400, 'Processing Error', 'Failed to process audio with beige model');
	});

	it('malformed requests are 400 Validation Errors', async () => {
		const url = `${sb.blandBaseUrl}/v1/voices/clone`;
		const r1 = await json(url, 'POST', { name: 'x' }, auth);
		const r2 = await request(url, { method: 'POST', headers: { ...auth, 'Content-Type': 'multipart/form-data' }, body: 'x' });
		for (const r of [r1, r2]) {
			expect(r.status).toBe(400);
			expect(r.json.errors[0].error).toBe('Validation Error');
		}
	});
});

describe('other endpoints', () => {
	it('check_name_availability is case-insensitive', async () => {
		sb.seedVoice('bland', { name: 'Maya Clone' });
		const url = `${sb.blandBaseUrl}/v1/voices/check_name_availability`;
		expect((await json(url, 'POST', { name: 'maya clone' }, auth)).json).toEqual({ result: false });
		expect((await json(url, 'POST', { name: 'Someone Else' }, auth)).json).toEqual({ result: true });
		validation(await json(url, 'POST', {}, auth), 'Voice name is required');
		expect((await request(url, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{bad' })).status).toBe(400);
	});

	it('rename validates like clone, delete removes, both 404 on unknown ids', async () => {
		const a = sb.seedVoice('bland', { name: 'A' });
		sb.seedVoice('bland', { name: 'B' });
		const url = `${sb.blandBaseUrl}/v1/voices/${a}/rename`;
		validation(await json(url, 'PATCH', { name: 'b' }, auth), 'Voice name is already taken');
		validation(await json(url, 'PATCH', { name: 'x'.repeat(31) }, auth), 'Voice name too long');
		const ok = await json(url, 'PATCH', { name: 'a' }, auth);
		expect(ok.json).toEqual({ status: 200, data: { voice_id: a, name: 'a' }, errors: null });
		expectError(await json(`${sb.blandBaseUrl}/v1/voices/nope/rename`, 'PATCH', { name: 'z' }, auth), 404, 'Not Found', 'Voice not found');
		const del = await request(`${sb.blandBaseUrl}/v1/voices/${a}`, { method: 'DELETE', headers: auth });
		expect(del.json).toMatchObject({ status: 200, data: { voice_id: a }, errors: null });
		expectError(await request(`${sb.blandBaseUrl}/v1/voices/${a}`, { headers: auth }), 404, 'Not Found', 'Voice not found');
		expectError(await request(`${sb.blandBaseUrl}/v1/voices/${a}`, { method: 'DELETE', headers: auth }), 404, 'Not Found', 'Voice not found');
	});

	it('add samples (v2 voices): at most 5 samples per voice', async () => {
		const v2 = sb.seedVoice('bland', { name: 'old engine', engine: 'v2', sampleCount: 4 });
		const url = `${sb.blandBaseUrl}/v1/voices/samples`;
		validation(
			await postMultipart(url, [{ name: 'voice_id', value: v2 }, sample(), sample()], auth),
			'Cannot add 2 sample(s). Voice already has 4 samples. Maximum allowed is 5 samples per voice.',
		);
		const ok = await postMultipart(url, [{ name: 'voice_id', value: v2 }, sample()], auth);
		expect(ok.json).toEqual({ status: 200, data: { voice_id: v2, total_samples: 5 }, errors: null });
		const v3 = sb.seedVoice('bland', { name: 'new engine' });
		expectError(await postMultipart(url, [{ name: 'voice_id', value: v3 }, sample()], auth), 400, 'Processing Error', 'Failed to add sample to voice');
	});

	it('speak validates and 404s unknown voices', async () => {
		sb.seedVoice('bland', { name: 'Talker' });
		expect((await json(`${sb.blandBaseUrl}/v1/speak`, 'POST', { voice: 'talker', text: 'hi' }, auth)).status).toBe(200);
		validation(await json(`${sb.blandBaseUrl}/v1/speak`, 'POST', { voice: 'talker' }, auth), 'text is required');
		expectError(await json(`${sb.blandBaseUrl}/v1/speak`, 'POST', { voice: 'nobody', text: 'hi' }, auth), 404, 'Not Found', 'Voice not found');
	});

	it('405 Method Error on known routes, 404 on unknown ones', async () => {
		for (const [method, path] of [['GET', '/v1/voices/clone'], ['DELETE', '/v1/voices'], ['GET', '/v1/speak'], ['PUT', '/v1/voices/abc']]) {
			expectError(await request(`${sb.blandBaseUrl}${path}`, { method, headers: auth }), 405, 'Method Error', 'Method not allowed');
		}
		expect((await request(`${sb.blandBaseUrl}/v2/voices`, { headers: auth })).status).toBe(404);
	});
});
