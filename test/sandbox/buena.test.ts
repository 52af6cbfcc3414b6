import { VirtualClock } from '../helpers/virtualClock';
import { startSandbox, type Sandbox } from './index';
import { ffmpegAudio, json, postMultipart, request, wav, type Part } from './testUtil';

const MIB = 1024 * 1024;
let sb: Sandbox;
let audio: ReturnType<typeof ffmpegAudio>;
let auth: Record<string, string>;
const sample = wav({ seconds: 1 });

beforeAll(async () => {
	sb = await startSandbox({ trainingMs: 300, rateLimit: { limit: 10_000, windowMs: 60_000 } });
	audio = ffmpegAudio();
	auth = { Authorization: `Bearer ${sb.keys.buena}` };
});
afterAll(async () => {
	audio.cleanup();
	await sb.close();
});
beforeEach(() => sb.reset());

const create = (parts: Part[], headers = auth) => postMultipart(`${sb.buenaBaseUrl}/voice-clones`, parts, headers);
const file = (data: Buffer = sample, fileName = 'sample.wav'): Part => ({ name: 'files', data, fileName, contentType: 'audio/wav' });

function expectEnvelope(body: any, code: string) {
	expect(body).toMatchObject({ error: true, code, version: '2.0' });
	expect(typeof body.message).toBe('string');
	expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
	expect(body.details).toBeDefined();
}

describe('auth', () => {
	it('accepts Bearer or x-api-key alone, and both', async () => {
		for (const h of [{ Authorization: `Bearer ${sb.keys.buena}` }, { 'x-api-key': sb.keys.buena }, { ...auth, 'x-api-key': sb.keys.buena }] as Array<Record<string, string>>) {
			expect((await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: h })).status).toBe(200);
		}
	});
	it.each([
		['missing', {}],
		['unknown key', { Authorization: 'Bearer bna_wrong' }],
		['raw key in Authorization', { Authorization: 'bna_sandbox_demo_key' }],
		['unknown x-api-key', { 'x-api-key': 'nope' }],
	])('401 UNAUTHORIZED envelope when %s', async (_label, headers) => {
		const r = await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: headers as Record<string, string> });
		expect(r.status).toBe(401);
		expectEnvelope(r.json, 'UNAUTHORIZED');
		expect(r.text).not.toContain(sb.keys.buena);
	});
	it('added keys work and are separate accounts', async () => {
		sb.addKey('buena', 'bna_other');
		expect((await create([{ name: 'name', value: 'Mine' }, file()])).status).toBe(201);
		const other = await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: { 'x-api-key': 'bna_other' } });
		expect(other.json.data).toEqual([]);
	});
});

describe('create', () => {
	it('201 with the documented success envelope', async () => {
		const r = await create([
			{ name: 'name', value: 'Professional Voice' },
			{ name: 'description', value: 'Professional outreach voice for LinkedIn' },
			file(),
			file(audio.mp3(1), 'b.mp3'),
			file(audio.m4a(1), 'c.m4a'),
			file(audio.flac(1), 'd.flac'),
			{ name: 'settings', value: JSON.stringify({ stability: 0.5, clarity: 1, use_speaker_boost: true }) },
		]);
		expect(r.status).toBe(201);
		expect(r.json).toMatchObject({
			success: true,
			data: { name: 'Professional Voice', description: 'Professional outreach voice for LinkedIn', sampleCount: 4 },
			message: 'Voice clone created successfully',
		});
		expect(r.json.data.voiceId).toMatch(/^[A-Za-z0-9]{20}$/);
		expect(Number.isNaN(Date.parse(r.json.data.createdAt))).toBe(false);
		expect(r.headers['x-ratelimit-limit']).toBeDefined();
	});

	it('name is required (400 VALIDATION_ERROR with details.fields)', async () => {
		for (const parts of [[file()], [{ name: 'name', value: '   ' }, file()]]) {
			const r = await create(parts);
			expect(r.status).toBe(400);
			expectEnvelope(r.json, 'VALIDATION_ERROR');
			expect(r.json.details.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'name' })]));
		}
	});

	it('files: 0 and 11 rejected, 1 and 10 accepted', async () => {
		const r0 = await create([{ name: 'name', value: 'x' }]);
		expect(r0.status).toBe(400);
		expectEnvelope(r0.json, 'VALIDATION_ERROR');
		expect(r0.json.details.fields[0].field).toBe('files');
		const eleven = Array.from({ length: 11 }, (_, i) => file(sample, `s${i}.wav`));
		const r11 = await create([{ name: 'name', value: 'x' }, ...eleven]);
		expect(r11.status).toBe(400);
		expectEnvelope(r11.json, 'VALIDATION_ERROR');
		expect((await create([{ name: 'name', value: 'one' }, file()])).status).toBe(201);
		expect((await create([{ name: 'name', value: 'ten' }, ...eleven.slice(0, 10)])).status).toBe(201);
	});

	it('a file in another field than "files" is rejected', async () => {
		const r = await create([{ name: 'name', value: 'x' }, { name: 'file', data: sample, fileName: 'a.wav' }]);
		expect(r.status).toBe(400);
		expectEnvelope(r.json, 'VALIDATION_ERROR');
	});

	it('settings: invalid JSON and out-of-range values rejected, bounds 0 and 1 accepted', async () => {
		for (const bad of ['{nope', '"text"', '{"stability":1.01}', '{"clarity":-0.01}', '{"use_speaker_boost":"yes"}', '[object Object]']) {
			const r = await create([{ name: 'name', value: 'x' }, file(), { name: 'settings', value: bad }]);
			expect(r.status).toBe(400);
			expectEnvelope(r.json, 'VALIDATION_ERROR');
		}
		const ok = await create([{ name: 'name', value: 'x' }, file(), { name: 'settings', value: '{"stability":0,"clarity":1}' }]);
		expect(ok.status).toBe(201);
	});

	it('format by content: txt, a renamed text file and an empty file are INVALID_FILE_FORMAT', async () => {
		const r = await create([
			{ name: 'name', value: 'x' },
			file(),
			file(Buffer.from('hello, not audio'), 'recording.txt'),
			file(Buffer.from('also not audio, honest'), 'fake.wav'),
			file(Buffer.alloc(0), 'empty.mp3'),
		]);
		expect(r.status).toBe(400);
		expectEnvelope(r.json, 'INVALID_FILE_FORMAT');
		expect(r.json.message).toBe('Unsupported audio format. Please use WAV, MP3, M4A, or FLAC files.');
		expect(r.json.details).toEqual({ supported_formats: ['wav', 'mp3', 'm4a', 'flac'], rejected_files: ['recording.txt', 'fake.wav', 'empty.mp3'] });
	});

	it('format by content: an MP3 named .txt with a text content type is accepted', async () => {
		const r = await create([{ name: 'name', value: 'x' }, { name: 'files', data: audio.mp3(1), fileName: 'notes.txt', contentType: 'text/plain' }]);
		expect(r.status).toBe(201);
	});

	it('file size: 50 MiB - 1 accepted; exactly 50 MiB and 50 MiB + 1 rejected with 413 FILE_TOO_LARGE', async () => {
		const under = await create([{ name: 'name', value: 'big' }, file(wav({ totalBytes: 50 * MIB - 1 }), 'under.wav')]);
		expect(under.status).toBe(201);
		for (const [size, label] of [[50 * MIB, 'at.wav'], [50 * MIB + 1, 'over.wav']] as const) {
			const r = await create([{ name: 'name', value: 'big' }, file(wav({ totalBytes: size }), label)]);
			expect(r.status).toBe(413);
			expectEnvelope(r.json, 'FILE_TOO_LARGE');
			expect(r.json.message).toBe('File size exceeds maximum limit of 50MB');
			expect(r.json.details.max_size_mb).toBe(50);
			expect(r.json.details.rejected_files).toEqual([{ filename: label, size_mb: 50 }]);
		}
		// reading stops at the limit (to the chunk): bytes counted are at least 50 MiB and not much more
		const counted = sb.log().filter((e) => e.status === 413).map((e) => e.files[0].bytes);
		expect(counted).toHaveLength(2);
		for (const n of counted) {
			expect(n).toBeGreaterThanOrEqual(50 * MIB);
			expect(n).toBeLessThanOrEqual(50 * MIB + 1);
		}
	});

	it('quota: the 5th clone is created, the 6th gets 429 VOICE_CLONE_LIMIT_EXCEEDED', async () => {
		for (let i = 0; i < 4; i++) sb.seedVoice('buena', { name: `seed ${i}` });
		expect((await create([{ name: 'name', value: 'fifth' }, file()])).status).toBe(201);
		const r = await create([{ name: 'name', value: 'sixth' }, file()]);
		expect(r.status).toBe(429);
		expectEnvelope(r.json, 'VOICE_CLONE_LIMIT_EXCEEDED');
		expect(r.json.message).toBe('Maximum voice clones reached (5). Delete existing clones or upgrade your plan.');
		expect(r.json.details).toEqual({ current_count: 5, max_allowed: 5, upgrade_url: 'https://app.buena.ai/billing' });
		// deleting one frees a slot
		const list = await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: auth });
		await request(`${sb.buenaBaseUrl}/voice-clones/${list.json.data[0].voiceId}`, { method: 'DELETE', headers: auth });
		expect((await create([{ name: 'name', value: 'sixth' }, file()])).status).toBe(201);
	});

	it('non-multipart, missing boundary and truncated multipart bodies are 400s', async () => {
		const url = `${sb.buenaBaseUrl}/voice-clones`;
		const a = await json(url, 'POST', { name: 'x' }, auth);
		const b = await request(url, { method: 'POST', headers: { ...auth, 'Content-Type': 'multipart/form-data' }, body: 'xx' });
		const c = await request(url, {
			method: 'POST',
			headers: { ...auth, 'Content-Type': 'multipart/form-data; boundary=abc' },
			body: '--abc\r\nContent-Disposition: form-data; name="name"\r\n\r\nhalf',
		});
		for (const r of [a, b, c]) {
			expect(r.status).toBe(400);
			expectEnvelope(r.json, 'VALIDATION_ERROR');
		}
	});
});

describe('training state machine', () => {
	// Training follows the clock: a virtual one (test/helpers/virtualClock.ts) makes each state exact.
	let clock: VirtualClock;
	beforeEach(() => {
		clock = VirtualClock.install();
	});
	afterEach(() => clock.uninstall());

	it('processing with rising progress, then ready and active', async () => {
		const r = await create([{ name: 'name', value: 'Trainee' }, file()]);
		const id = r.json.data.voiceId;
		const get = async () => (await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: auth })).json.data.find((v: any) => v.voiceId === id);
		const first = await get();
		expect(first).toMatchObject({ status: 'processing', isActive: false, error_message: null, training_progress: 0 });
		// 120 ms of 300: 40 %.
		await clock.sleep(120);
		expect(await get()).toMatchObject({ status: 'processing', training_progress: 40 });
		// Capped at 99 until done, then ready at exactly the training time.
		await clock.sleep(179);
		expect(await get()).toMatchObject({ status: 'processing', training_progress: 99 });
		await clock.sleep(1);
		const done = await get();
		expect(done).toMatchObject({ status: 'ready', training_progress: 100, isActive: true, error_message: null, sampleCount: 1, labels: {} });
		for (const k of ['voiceId', 'name', 'description', 'createdAt', 'updatedAt']) expect(done).toHaveProperty(k);
	});

	it('[fail-training] in the name or description fails at half the training time', async () => {
		const a = (await create([{ name: 'name', value: 'Bad [fail-training]' }, file()])).json.data.voiceId;
		const b = (await create([{ name: 'name', value: 'Bad 2' }, { name: 'description', value: 'x [fail-training] y' }, file()])).json.data.voiceId;
		// Half of the 300 ms training: still processing 1 ms before, failed at 150 ms.
		await clock.sleep(149);
		let list = (await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: auth })).json.data;
		expect(list.map((v: any) => v.status)).toEqual(['processing', 'processing']);
		await clock.sleep(1);
		list = (await request(`${sb.buenaBaseUrl}/voice-clones?status=failed`, { headers: auth })).json.data;
		expect(list.map((v: any) => v.voiceId).sort()).toEqual([a, b].sort());
		for (const v of list) {
			expect(v).toMatchObject({ status: 'failed', isActive: false, error_message: 'Audio quality too low for training: background noise detected in sample 1' });
			expect(v.training_progress).toBeLessThan(100);
		}
	});

	it('markReady and configure({trainingMs}) finish training', async () => {
		const id = (await create([{ name: 'name', value: 'slow' }, file()])).json.data.voiceId;
		sb.markReady(id);
		const r = await request(`${sb.buenaBaseUrl}/voice-clones?status=ready`, { headers: auth });
		expect(r.json.data.map((v: any) => v.voiceId)).toEqual([id]);
		sb.configure({ trainingMs: 0 });
		const id2 = (await create([{ name: 'name', value: 'instant' }, file()])).json.data.voiceId;
		const r2 = await request(`${sb.buenaBaseUrl}/voice-clones?status=ready`, { headers: auth });
		expect(r2.json.data.map((v: any) => v.voiceId)).toContain(id2);
		sb.configure({ trainingMs: 300 });
	});
});

describe('list', () => {
	it('paginates oldest first with limit bounds 1..100', async () => {
		for (let i = 0; i < 25; i++) sb.seedVoice('buena', { name: `v${i}` });
		const p1 = await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: auth });
		expect(p1.json.data).toHaveLength(20);
		expect(p1.json.pagination).toEqual({ total: 25, limit: 20, offset: 0, hasMore: true });
		expect(p1.json.data[0].name).toBe('v0');
		const p2 = await request(`${sb.buenaBaseUrl}/voice-clones?limit=100&offset=20`, { headers: auth });
		expect(p2.json.data.map((v: any) => v.name)).toEqual(['v20', 'v21', 'v22', 'v23', 'v24']);
		expect(p2.json.pagination.hasMore).toBe(false);
		expect((await request(`${sb.buenaBaseUrl}/voice-clones?limit=1`, { headers: auth })).json.data).toHaveLength(1);
		for (const q of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'status=done']) {
			const r = await request(`${sb.buenaBaseUrl}/voice-clones?${q}`, { headers: auth });
			expect(r.status).toBe(400);
			expectEnvelope(r.json, 'VALIDATION_ERROR');
		}
	});
	it('filters by status', async () => {
		sb.seedVoice('buena', { name: 'r' });
		sb.seedVoice('buena', { name: 'f', status: 'failed', errorMessage: 'nope' });
		sb.seedVoice('buena', { name: 'p', status: 'processing' });
		const names = async (s: string) =>
			(await request(`${sb.buenaBaseUrl}/voice-clones?status=${s}`, { headers: auth })).json.data.map((v: any) => v.name);
		expect(await names('ready')).toEqual(['r']);
		expect(await names('failed')).toEqual(['f']);
		expect(await names('processing')).toEqual(['p']);
	});
});

describe('update, delete, preview', () => {
	it('PUT updates name/description/settings, validates, 404s', async () => {
		const id = sb.seedVoice('buena', { name: 'old' });
		const r = await json(`${sb.buenaBaseUrl}/voice-clones/${id}`, 'PUT', { name: 'new', description: 'd', settings: { stability: 0.2 } }, auth);
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ success: true, data: { voiceId: id, name: 'new', description: 'd', settings: { stability: 0.2 } } });
		const bad = await json(`${sb.buenaBaseUrl}/voice-clones/${id}`, 'PUT', { settings: { clarity: 2 } }, auth);
		expect(bad.status).toBe(400);
		expectEnvelope(bad.json, 'VALIDATION_ERROR');
		const broken = await request(`${sb.buenaBaseUrl}/voice-clones/${id}`, { method: 'PUT', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"name":' });
		expect(broken.status).toBe(400);
		const missing = await json(`${sb.buenaBaseUrl}/voice-clones/nope`, 'PUT', { name: 'x' }, auth);
		expect(missing.status).toBe(404);
		expectEnvelope(missing.json, 'VOICE_CLONE_NOT_FOUND');
	});
	it('DELETE answers deleted_id, then 404; in-use clones 409', async () => {
		const id = sb.seedVoice('buena', { name: 'gone' });
		const r = await request(`${sb.buenaBaseUrl}/voice-clones/${id}`, { method: 'DELETE', headers: auth });
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ success: true, deleted_id: id });
		expect(typeof r.json.message).toBe('string');
		const again = await request(`${sb.buenaBaseUrl}/voice-clones/${id}`, { method: 'DELETE', headers: auth });
		expect(again.status).toBe(404);
		expectEnvelope(again.json, 'VOICE_CLONE_NOT_FOUND');
		const used = sb.seedVoice('buena', { name: 'used', activeCampaigns: 2 });
		const r409 = await request(`${sb.buenaBaseUrl}/voice-clones/${used}`, { method: 'DELETE', headers: auth });
		expect(r409.status).toBe(409);
		expectEnvelope(r409.json, 'VOICE_CLONE_IN_USE');
		expect(r409.json.details.active_campaigns).toBe(2);
		const named = sb.seedVoice('buena', { name: 'named', activeCampaigns: ['Spring promo'] });
		const byName = await request(`${sb.buenaBaseUrl}/voice-clones/${named}`, { method: 'DELETE', headers: auth });
		expect(byName.status).toBe(409);
		expect(byName.json.details.active_campaigns).toEqual([{ id: 'cmp_1', name: 'Spring promo' }]);
	});
	it('preview returns real MP3 bytes; text 1..500; 409 while training; 404 unknown', async () => {
		const id = sb.seedVoice('buena', { name: 'ready' });
		const url = `${sb.buenaBaseUrl}/voice-clones/preview`;
		const r = await json(url, 'POST', { voiceId: id, text: 'x'.repeat(500) }, auth);
		expect(r.status).toBe(200);
		expect(r.headers['content-type']).toBe('audio/mpeg');
		expect(r.headers['content-disposition']).toContain('preview.mp3');
		expect(r.body[0] === 0xff || r.body.subarray(0, 3).toString() === 'ID3').toBe(true);
		expect((await json(url, 'POST', { voiceId: id, text: 'a' }, auth)).status).toBe(200);
		for (const body of [{ voiceId: id, text: '' }, { voiceId: id, text: 'x'.repeat(501) }, { voiceId: id }, { text: 'hi' }]) {
			const bad = await json(url, 'POST', body, auth);
			expect(bad.status).toBe(400);
			expectEnvelope(bad.json, 'VALIDATION_ERROR');
		}
		const training = sb.seedVoice('buena', { name: 'training', status: 'processing' });
		const r409 = await json(url, 'POST', { voiceId: training, text: 'hi' }, auth);
		expect(r409.status).toBe(409);
		expectEnvelope(r409.json, 'VOICE_CLONE_NOT_READY');
		const r404 = await json(url, 'POST', { voiceId: 'nope', text: 'hi' }, auth);
		expect(r404.status).toBe(404);
		expectEnvelope(r404.json, 'VOICE_CLONE_NOT_FOUND');
	});
});

describe('second error shape', () => {
	it('unknown routes are 404 {success:false, error, details}', async () => {
		for (const p of ['/voices', '//voice-clones', '/voice-clones/x/y']) {
			const r = await request(`${sb.buenaBaseUrl}${p}`, { headers: auth });
			expect(r.status).toBe(404);
			expect(r.json).toEqual({ success: false, error: 'Not found', details: expect.any(String) });
		}
	});
	it('unsupported methods on known routes are 405 {success:false, error, details} with Allow', async () => {
		const r = await request(`${sb.buenaBaseUrl}/voice-clones/abc`, { headers: auth });
		expect(r.status).toBe(405);
		expect(r.json).toEqual({ success: false, error: 'Method not allowed', details: expect.any(String) });
		expect(r.headers.allow).toBe('PUT, DELETE');
		const p = await request(`${sb.buenaBaseUrl}/voice-clones`, { method: 'PATCH', headers: auth });
		expect(p.status).toBe(405);
	});
});
