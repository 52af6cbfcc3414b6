import { createHash } from 'node:crypto';
import http from 'node:http';

import { VirtualClock } from '../helpers/virtualClock';
import { startSandbox, type RequestLogEntry, type Sandbox } from './index';
import { defaultShapes } from './shapes';
import { json, multipart, postMultipart, request, wav } from './testUtil';

const MIB = 1024 * 1024;
let sb: Sandbox;
const sample = wav({ seconds: 2 });

beforeAll(async () => {
	sb = await startSandbox({ trainingMs: 300, rateLimit: { limit: 10_000, windowMs: 60_000 } });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('request log', () => {
	it('records fields, repeated files, names, types and sizes; auth presence but never a key', async () => {
		await postMultipart(
			`${sb.buenaBaseUrl}/voice-clones?trace=1`,
			[
				{ name: 'name', value: 'Logged' },
				{ name: 'description', value: 'desc' },
				{ name: 'files', data: sample, fileName: 'one.wav', contentType: 'audio/wav' },
				{ name: 'files', data: sample.subarray(0, 1000), fileName: 'two.mp3', contentType: 'audio/mpeg' },
				{ name: 'settings', value: '{"stability":0.5}' },
			],
			{ Authorization: `Bearer ${sb.keys.buena}`, 'x-api-key': sb.keys.buena },
		);
		await json(`${sb.blandBaseUrl}/v1/voices/check_name_availability`, 'POST', { name: 'A', extra: 1 }, { Authorization: sb.keys.bland });
		await request(`${sb.blandBaseUrl}/v1/voices?api_key=${sb.keys.bland}`);
		await request(`${sb.url}/elsewhere`);
		await request(`${sb.url}/__sandbox/log`); // control: not logged
		const log = sb.log();
		expect(log).toHaveLength(4);
		const [create, check, noAuth, unknown] = log;
		expect(create).toMatchObject<Partial<RequestLogEntry>>({
			provider: 'buena',
			method: 'POST',
			path: '/buena/api/v2/voice-clones',
			query: { trace: '1' },
			authPresent: true,
			authHeaders: ['authorization', 'x-api-key'],
			status: 201,
		});
		expect(create.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(create.fields).toEqual([
			{ name: 'name', value: 'Logged' },
			{ name: 'description', value: 'desc' },
			{ name: 'settings', value: '{"stability":0.5}' },
		]);
		expect(create.files).toEqual([
			{ field: 'files', fileName: 'one.wav', contentType: 'audio/wav', bytes: sample.length, sha256: sha256(sample) },
			{ field: 'files', fileName: 'two.mp3', contentType: 'audio/mpeg', bytes: 1000, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
		]);
		expect(create.contentLength).toBeGreaterThan(sample.length + 1000);
		expect(create.chunked).toBeUndefined();
		expect(check).toMatchObject({ provider: 'bland', authHeaders: ['authorization'], status: 200 });
		expect(check.fields.map((f) => f.name)).toEqual(['name', 'extra']);
		expect(noAuth).toMatchObject({ provider: 'bland', authPresent: false, authHeaders: [], status: 401 });
		expect(noAuth.query.api_key).toBe('[redacted]');
		expect(unknown).toMatchObject({ provider: 'unknown', status: 404 });
		const text = JSON.stringify(log);
		expect(text).not.toContain(sb.keys.buena);
		expect(text).not.toContain(sb.keys.bland);
		sb.clearLog();
		expect(sb.log()).toEqual([]);
	});

	it('rejected requests are logged with what they carried', async () => {
		await postMultipart(`${sb.buenaBaseUrl}/voice-clones`, [{ name: 'name', value: 'x' }, { name: 'files', data: sample, fileName: 'a.wav' }], {
			Authorization: 'Bearer wrong-key',
		});
		const [e] = sb.log();
		expect(e).toMatchObject({ status: 401, authPresent: true, fields: [{ name: 'name', value: 'x' }] });
		expect(e.files).toEqual([{ field: 'files', fileName: 'a.wav', contentType: 'application/octet-stream', bytes: sample.length, sha256: sha256(sample) }]);
		expect(JSON.stringify(e)).not.toContain('wrong-key');
	});

	it('logBodies: false keeps field names only', async () => {
		const quiet = await startSandbox({ logBodies: false });
		try {
			await postMultipart(`${quiet.buenaBaseUrl}/voice-clones`, [{ name: 'name', value: 'secret-ish' }], { 'x-api-key': quiet.keys.buena });
			expect(quiet.log()[0].fields).toEqual([{ name: 'name' }]);
		} finally {
			await quiet.close();
		}
	});
});

describe('rate limiting (Buena, per key)', () => {
	it('headers on every answer, 429 with retryAfter over the limit, a new window exactly a window later', async () => {
		sb.configure({ rateLimit: { limit: 3, windowMs: 1000 } });
		// The window follows the clock: a virtual one (test/helpers/virtualClock.ts) puts every request
		// of the first window in it, however slow the machine, and ends it at an exact time.
		const clock = VirtualClock.install();
		try {
			const h = { 'x-api-key': sb.keys.buena };
			const remaining: string[] = [];
			for (let i = 0; i < 3; i++) {
				const r = await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: h });
				expect(r.status).toBe(200);
				expect(r.headers['x-ratelimit-limit']).toBe('3');
				expect(r.headers['x-ratelimit-window']).toBe('1');
				// The window's end in unix seconds, rounded up: it began with the first request.
				expect(r.headers['x-ratelimit-reset']).toBe(String(Math.ceil((clock.startedAt + 1000) / 1000)));
				remaining.push(String(r.headers['x-ratelimit-remaining']));
			}
			expect(remaining).toEqual(['2', '1', '0']);
			const over = await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: h });
			expect(over.status).toBe(429);
			expect(over.json).toMatchObject({ error: true, code: 'RATE_LIMIT_EXCEEDED', version: '2.0', retryAfter: 1 });
			expect(over.json.details).toBeDefined();
			expect(over.headers['retry-after']).toBe('1');
			expect(over.headers['x-ratelimit-remaining']).toBe('0');
			// another key has its own window
			sb.addKey('buena', 'bna_second');
			expect((await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: { 'x-api-key': 'bna_second' } })).status).toBe(200);
			// a rate-limited create is not performed
			const c = await postMultipart(`${sb.buenaBaseUrl}/voice-clones`, [{ name: 'name', value: 'x' }, { name: 'files', data: sample, fileName: 'a.wav' }], h);
			expect(c.status).toBe(429);
			await clock.sleep(999);
			expect((await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: h })).status).toBe(429);
			await clock.sleep(1);
			const again = await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: h });
			expect(again.status).toBe(200);
			expect(again.json.data).toEqual([]);
			expect(again.headers['x-ratelimit-remaining']).toBe('2');
			// Bland has no documented limit: no headers
			expect((await request(`${sb.blandBaseUrl}/v1/voices`, { headers: { Authorization: sb.keys.bland } })).headers['x-ratelimit-limit']).toBeUndefined();
		} finally {
			clock.uninstall();
			sb.configure({ rateLimit: { limit: 10_000, windowMs: 60_000 } });
		}
	});
});

describe('control HTTP path', () => {
	const ctl = (p: string) => `${sb.url}/__sandbox${p}`;
	it('faults, config, voices, ready, reset, log — none of it logged, no key needed', async () => {
		expect((await json(ctl('/faults'), 'POST', { mode: 'status', status: 503, provider: 'buena' })).status).toBe(201);
		expect((await json(ctl('/faults'), 'POST', { mode: 'status', status: 404 })).status).toBe(400);
		expect((await request(ctl('/faults'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' })).status).toBe(400);
		const h = { 'x-api-key': sb.keys.buena };
		expect((await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: h })).status).toBe(503);

		const seeded = await json(ctl('/voices'), 'POST', { provider: 'buena', voice: { name: 'Seeded', status: 'processing' } });
		expect(seeded.status).toBe(201);
		const id = seeded.json.id;
		expect((await request(ctl(`/voices/${id}/ready`), { method: 'POST' })).status).toBe(204);
		const list = await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: h });
		expect(list.json.data).toEqual([expect.objectContaining({ voiceId: id, status: 'ready' })]);
		expect((await request(ctl('/voices/nope/ready'), { method: 'POST' })).status).toBe(400);

		const cfg = await json(ctl('/config'), 'POST', { trainingMs: 50, rateLimit: { limit: 100, windowMs: 1000 } });
		expect(cfg.json).toEqual({ trainingMs: 50, rateLimit: { limit: 100, windowMs: 1000 }, shapes: defaultShapes() });
		expect((await json(ctl('/config'), 'POST', { trainingMs: -1 })).status).toBe(400);

		const log = await request(ctl('/log'));
		expect(log.json.map((e: RequestLogEntry) => e.status)).toEqual([503, 200]);
		expect((await request(ctl('/log'), { method: 'DELETE' })).status).toBe(204);
		expect((await request(ctl('/log'))).json).toEqual([]);

		const info = await request(ctl('/info'));
		expect(info.json).toEqual({ url: sb.url, buenaBaseUrl: sb.buenaBaseUrl, blandBaseUrl: sb.blandBaseUrl, keys: sb.keys });

		expect((await json(ctl('/keys'), 'POST', { provider: 'bland', key: 'sk-extra' })).status).toBe(204);
		expect((await request(`${sb.blandBaseUrl}/v1/voices`, { headers: { Authorization: 'sk-extra' } })).status).toBe(200);

		expect((await request(ctl('/reset'), { method: 'POST' })).status).toBe(204);
		expect((await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: h })).json.data).toEqual([]);
		expect((await request(ctl('/nothing'))).status).toBe(404);
		sb.configure({ trainingMs: 300, rateLimit: { limit: 10_000, windowMs: 60_000 } });
	});
});

describe('robustness', () => {
	it('malformed requests get 400s and the server keeps serving', async () => {
		const h = { 'x-api-key': sb.keys.buena };
		const cases = [
			request(`${sb.buenaBaseUrl}/voice-clones/preview`, { method: 'POST', headers: { ...h, 'Content-Type': 'application/json' }, body: '{"voiceId":' }),
			request(`${sb.buenaBaseUrl}/voice-clones/preview`, { method: 'POST', headers: { ...h, 'Content-Type': 'application/json' }, body: '[1,2]' }),
			request(`${sb.buenaBaseUrl}/voice-clones`, { method: 'POST', headers: { ...h, 'Content-Type': 'multipart/form-data; boundary=x' }, body: 'garbage' }),
			request(`${sb.blandBaseUrl}/v1/voices/clone`, { method: 'POST', headers: { Authorization: sb.keys.bland, 'Content-Type': 'multipart/form-data; boundary=' }, body: '--\r\n' }),
			request(`${sb.blandBaseUrl}/v1/speak`, { method: 'POST', headers: { Authorization: sb.keys.bland, 'Content-Type': 'application/json' }, body: '\u0000' }),
		];
		for (const r of await Promise.all(cases)) expect(r.status).toBe(400);
		// a raw, broken HTTP request
		await new Promise<void>((resolve) => {
			const s = require('node:net').connect(new URL(sb.url).port, '127.0.0.1', () => s.end('NOT HTTP\r\n\r\n'));
			s.on('close', () => resolve());
			s.on('error', () => resolve());
			s.resume();
		});
		expect((await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: h })).status).toBe(200);
	});
});

/** Run `fn` while sampling memory; returns the peak growth over the starting point (MiB-comparable bytes). */
async function peakGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; rss: number; heap: number; arrayBuffers: number }> {
	const before = process.memoryUsage();
	const peak = { rss: 0, heap: 0, arrayBuffers: 0 };
	const sample = () => {
		const m = process.memoryUsage();
		peak.rss = Math.max(peak.rss, m.rss - before.rss);
		peak.heap = Math.max(peak.heap, m.heapUsed - before.heapUsed);
		peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers - before.arrayBuffers);
	};
	const timer = setInterval(sample, 5);
	try {
		const result = await fn();
		sample();
		if (process.env.SANDBOX_MEM) console.log(JSON.stringify({ rss: peak.rss / MIB, heap: peak.heap / MIB, ab: peak.arrayBuffers / MIB }));
		return { result, ...peak };
	} finally {
		clearInterval(timer);
	}
}

/** Stream `size` bytes of file data lazily (never held whole), resolve with the first answer. */
function streamUpload(url: string, headers: Record<string, string>, field: string, size: number): Promise<{ status: number; body: any; sent: number }> {
	const { body: empty, contentType } = multipart([{ name: 'name', value: 'huge' }, { name: field, data: Buffer.alloc(0), fileName: 'huge.wav' }]);
	// split the empty form around the (empty) file data
	const marker = empty.indexOf(Buffer.from('Content-Type: application/octet-stream\r\n\r\n')) + 'Content-Type: application/octet-stream\r\n\r\n'.length;
	const head = empty.subarray(0, marker);
	const tail = empty.subarray(marker);
	const header = wav({ seconds: 1 }).subarray(0, 44);
	const chunk = Buffer.alloc(256 * 1024, 1);
	return new Promise((resolve, reject) => {
		let sent = 0;
		let answered = false;
		const req = http.request(url, {
			method: 'POST',
			headers: { ...headers, 'Content-Type': contentType, 'Content-Length': String(head.length + size + tail.length) },
		});
		req.on('response', (res) => {
			answered = true;
			const parts: Buffer[] = [];
			res.on('data', (c: Buffer) => parts.push(c));
			res.on('end', () => {
				resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString()), sent });
				req.destroy();
			});
		});
		req.on('error', (e) => {
			if (!answered) reject(e);
		});
		req.write(head);
		req.write(header);
		sent = header.length;
		const pump = () => {
			while (!answered && sent < size) {
				const n = Math.min(chunk.length, size - sent);
				sent += n;
				if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
					req.once('drain', pump);
					return;
				}
			}
			if (!answered && sent >= size) req.end(tail);
		};
		pump();
	});
}

describe('streamed large uploads', () => {
	it('200 MB to Buena: 413 at the 50 MiB mark, read no further, memory flat', async () => {
		const mem = await peakGrowth(() => streamUpload(`${sb.buenaBaseUrl}/voice-clones`, { 'x-api-key': sb.keys.buena }, 'files', 200 * 1000 * 1000));
		const r = mem.result;
		expect(r.status).toBe(413);
		expect(r.body).toMatchObject({ code: 'FILE_TOO_LARGE', details: { max_size_mb: 50, rejected_files: [{ filename: 'huge.wav' }] } });
		expect(r.sent).toBeLessThan(200 * 1000 * 1000); // answered before the client finished
		const counted = sb.log()[0].files[0].bytes;
		expect(counted).toBeGreaterThanOrEqual(50 * MIB);
		expect(counted).toBeLessThan(52 * MIB);
		// Peak growth while streaming (client and server share this process; transient socket
		// buffers peak at ~30 MiB before GC). A server keeping the 200 MB upload would be far past this.
		expect(mem.rss).toBeLessThan(64 * MIB);
		expect(mem.heap).toBeLessThan(40 * MIB);
		expect(mem.arrayBuffers).toBeLessThan(64 * MIB);
		expect((await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: { 'x-api-key': sb.keys.buena } })).status).toBe(200);
	});

	it('100 MB to Bland: counted to the 64 MiB safety cap, then "total too large"', async () => {
		const mem = await peakGrowth(() => streamUpload(`${sb.blandBaseUrl}/v1/voices/clone`, { Authorization: sb.keys.bland }, 'audio_samples', 100 * 1000 * 1000));
		const r = mem.result;
		expect(r.status).toBe(400);
		expect(r.body.errors[0].message).toMatch(/^Total upload size is too large \(64\.\dMB\)\. Maximum allowed total size is 25MB\.$/);
		// 64 MiB were read; none of it may be kept.
		expect(mem.rss).toBeLessThan(48 * MIB);
		expect(mem.heap).toBeLessThan(40 * MIB);
		expect(mem.arrayBuffers).toBeLessThan(40 * MIB);
	});

	it('a 12.5 MB Bland sample is counted to its end and reported with its size', async () => {
		const r = await streamUpload(`${sb.blandBaseUrl}/v1/voices/clone`, { Authorization: sb.keys.bland }, 'audio_samples', Math.round(12.5 * MIB));
		expect(r.body.errors[0].message).toBe('File "huge.wav" is too large (12.5MB). Maximum allowed size is 10MB.');
	});
});
