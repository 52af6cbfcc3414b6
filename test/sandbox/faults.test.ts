import http from 'node:http';

import { startSandbox, type Sandbox } from './index';
import { failure, json, multipart, postMultipart, request, sleep, until, wav, type Part } from './testUtil';

let sb: Sandbox;
let buena: Record<string, string>;
let bland: Record<string, string>;
const sample = wav({ seconds: 2 });

beforeAll(async () => {
	sb = await startSandbox({ trainingMs: 300, rateLimit: { limit: 10_000, windowMs: 60_000 } });
	buena = { 'x-api-key': sb.keys.buena };
	bland = { Authorization: sb.keys.bland };
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const buenaParts = (name: string): Part[] => [{ name: 'name', value: name }, { name: 'files', data: sample, fileName: 's.wav', contentType: 'audio/wav' }];
const createBuena = (name = 'Voice') => postMultipart(`${sb.buenaBaseUrl}/voice-clones`, buenaParts(name), buena);
const listBuena = async () => (await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: buena })).json.data as any[];
const cloneBland = (name = 'Voice') =>
	postMultipart(`${sb.blandBaseUrl}/v1/voices/clone`, [{ name: 'name', value: name }, { name: 'audio_samples', data: sample, fileName: 's.wav' }], bland);

describe('status', () => {
	it('answers count requests with the provider envelope, then behaves normally', async () => {
		sb.injectFault({ mode: 'status', status: 503, count: 2, provider: 'buena' });
		for (let i = 0; i < 2; i++) {
			const r = await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: buena });
			expect(r.status).toBe(503);
			expect(r.json).toMatchObject({ error: true, code: 'SERVICE_UNAVAILABLE', version: '2.0' });
		}
		expect((await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: buena })).status).toBe(200);
		sb.injectFault({ mode: 'status', status: 500 });
		const b = await request(`${sb.blandBaseUrl}/v1/voices`, { headers: bland });
		expect(b.json).toEqual({ status: 500, data: null, errors: [{ error: 'Server Error', message: 'An unknown error occurred' }] });
		expect(sb.log().map((e) => [e.status, e.fault])).toEqual([[503, 'status'], [503, 'status'], [200, undefined], [500, 'status']]);
	});

	it('without afterBody the request has no effect; with afterBody it does (unknown outcome)', async () => {
		sb.injectFault({ mode: 'status', status: 500, method: 'POST', pathIncludes: '/voice-clones' });
		expect((await createBuena('lost')).status).toBe(500);
		expect(await listBuena()).toEqual([]);
		sb.injectFault({ mode: 'status', status: 502, method: 'POST', pathIncludes: '/voice-clones', afterBody: true });
		const r = await createBuena('made');
		expect(r.status).toBe(502);
		expect((await listBuena()).map((v) => v.name)).toEqual(['made']);
		const entry = sb.log().find((e) => e.fault === 'status' && e.status === 502)!;
		expect(entry.fields).toContainEqual({ name: 'name', value: 'made' });
		expect(entry.files[0].bytes).toBe(sample.length);
	});

	it('filters by provider, method and pathIncludes, in order', async () => {
		sb.injectFault({ mode: 'status', status: 500, provider: 'bland' });
		sb.injectFault({ mode: 'status', status: 502, method: 'DELETE' });
		sb.injectFault({ mode: 'status', status: 503, pathIncludes: '/preview' });
		expect((await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: buena })).status).toBe(200);
		expect((await request(`${sb.buenaBaseUrl}/voice-clones/x`, { method: 'DELETE', headers: buena })).status).toBe(502);
		expect((await json(`${sb.buenaBaseUrl}/voice-clones/preview`, 'POST', {}, buena)).status).toBe(503);
		expect((await request(`${sb.blandBaseUrl}/v1/voices`, { headers: bland })).status).toBe(500);
		expect((await request(`${sb.blandBaseUrl}/v1/voices`, { headers: bland })).status).toBe(200);
	});

	it('rejects invalid fault specs', () => {
		expect(() => sb.injectFault({ mode: 'status', status: 404 } as never)).toThrow(/status/);
		expect(() => sb.injectFault({ mode: 'nope' } as never)).toThrow(/mode/);
	});
});

describe('html and brokenJson', () => {
	it('html: a proxy error page', async () => {
		sb.injectFault({ mode: 'html' });
		const r = await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: buena });
		expect(r.status).toBe(502);
		expect(r.headers['content-type']).toMatch(/^text\/html/);
		expect(r.text).toContain('<html>');
		sb.injectFault({ mode: 'html', status: 504 });
		expect((await request(`${sb.blandBaseUrl}/v1/voices`, { headers: bland })).status).toBe(504);
	});
	it('brokenJson: 200 application/json that does not parse', async () => {
		sb.injectFault({ mode: 'brokenJson' });
		const r = await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: buena });
		expect(r.status).toBe(200);
		expect(r.headers['content-type']).toMatch(/^application\/json/);
		expect(() => JSON.parse(r.text)).toThrow();
		sb.injectFault({ mode: 'brokenJson', status: 201, provider: 'bland' });
		const b = await cloneBland();
		expect(b.status).toBe(201);
		expect(b.json).toBeUndefined();
	});
});

describe('rateLimit', () => {
	it('with headers: 429 RATE_LIMIT_EXCEEDED, retryAfter, Retry-After and X-RateLimit-*', async () => {
		sb.injectFault({ mode: 'rateLimit', headers: true, retryAfterSeconds: 7 });
		const r = await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: buena });
		expect(r.status).toBe(429);
		expect(r.json).toMatchObject({ error: true, code: 'RATE_LIMIT_EXCEEDED', version: '2.0', retryAfter: 7 });
		expect(r.headers['retry-after']).toBe('7');
		expect(r.headers['x-ratelimit-remaining']).toBe('0');
		expect(r.headers['x-ratelimit-limit']).toBeDefined();
	});
	it('without headers: the body alone says when to retry', async () => {
		sb.injectFault({ mode: 'rateLimit', headers: false });
		const r = await request(`${sb.buenaBaseUrl}/voice-clones`, { headers: buena });
		expect(r.status).toBe(429);
		expect(r.json).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', retryAfter: 1 });
		expect(r.headers['retry-after']).toBeUndefined();
		expect(r.headers['x-ratelimit-remaining']).toBeUndefined();
		sb.injectFault({ mode: 'rateLimit', headers: true, provider: 'bland' });
		const b = await request(`${sb.blandBaseUrl}/v1/voices`, { headers: bland });
		expect(b.status).toBe(429);
		expect(b.json.errors[0].error).toBe('Rate Limit Error');
		expect(b.headers['retry-after']).toBe('1');
	});
});

describe('hang', () => {
	it('never answers; the client gives up; afterBody still creates the clone', async () => {
		sb.injectFault({ mode: 'hang' });
		const err = await failure(request(`${sb.buenaBaseUrl}/voice-clones`, { headers: buena, timeoutMs: 200 }));
		expect(err.message).toBe('client timeout');
		sb.injectFault({ mode: 'hang', afterBody: true, provider: 'bland' });
		const { body, contentType } = multipart([{ name: 'name', value: 'Hung' }, { name: 'audio_samples', data: sample, fileName: 's.wav' }]);
		const e2 = await failure(
			request(`${sb.blandBaseUrl}/v1/voices/clone`, { method: 'POST', headers: { ...bland, 'Content-Type': contentType }, body, timeoutMs: 300 }),
		);
		expect(e2.message).toBe('client timeout');
		const voices = (await request(`${sb.blandBaseUrl}/v1/voices`, { headers: bland })).json.voices;
		expect(voices.map((v: any) => v.name)).toEqual(['Hung']);
		expect(sb.log().filter((e) => e.fault === 'hang').map((e) => e.status)).toEqual([0, 0]);
	}, 10_000);
});

describe('reset', () => {
	it('immediately: the socket is destroyed', async () => {
		sb.injectFault({ mode: 'reset' });
		const err = await failure(request(`${sb.buenaBaseUrl}/voice-clones`, { headers: buena }));
		expect(err.message).toMatch(/socket hang up|ECONNRESET/);
		expect(sb.log()[0]).toMatchObject({ status: 0, fault: 'reset' });
	});

	it('afterBytes: mid-upload, nothing created, bytes counted up to the cut', async () => {
		sb.injectFault({ mode: 'reset', afterBytes: 200_000, pathIncludes: '/voice-clones' });
		const big = wav({ totalBytes: 2_000_000 });
		const err = await failure(postMultipart(`${sb.buenaBaseUrl}/voice-clones`, [{ name: 'name', value: 'cut' }, { name: 'files', data: big, fileName: 'big.wav' }], buena));
		expect(err.message).toMatch(/socket hang up|ECONNRESET|EPIPE/);
		await sleep(50);
		expect(await listBuena()).toEqual([]);
		const entry = sb.log()[0];
		expect(entry).toMatchObject({ status: 0, fault: 'reset' });
		expect(entry.files[0].bytes).toBeLessThan(big.length);
	});

	it('afterBody: the clone is created, then the connection drops', async () => {
		sb.injectFault({ mode: 'reset', afterBody: true, method: 'POST' });
		const err = await failure(createBuena('dropped'));
		expect(err.message).toMatch(/socket hang up|ECONNRESET/);
		expect((await listBuena()).map((v) => v.name)).toEqual(['dropped']);
		sb.injectFault({ mode: 'reset', afterBody: true, provider: 'bland' });
		await failure(cloneBland('Dropped'));
		const voices = (await request(`${sb.blandBaseUrl}/v1/voices`, { headers: bland })).json.voices;
		expect(voices.map((v: any) => v.name)).toEqual(['Dropped']);
	});
});

describe('close', () => {
	it('close() destroys a hanging request and a half-sent upload instead of waiting for them', async () => {
		const own = await startSandbox();
		own.injectFault({ mode: 'hang' });
		const hung = request(`${own.buenaBaseUrl}/voice-clones`, { headers: { 'x-api-key': own.keys.buena } }).catch((e: Error) => e);
		// an upload that never finishes sending
		const { contentType } = multipart([]);
		const partial = http.request(`${own.buenaBaseUrl}/voice-clones`, {
			method: 'POST',
			headers: { 'Content-Type': contentType, 'Content-Length': 10_000_000, 'x-api-key': own.keys.buena },
		});
		const partialDone = new Promise((resolve) => partial.on('error', resolve).on('response', resolve));
		partial.write(Buffer.alloc(1000));
		// Both requests are open in the sandbox before it closes.
		await until(() => own.log().length === 2);
		// Neither has a timeout of its own: only close() destroying them can end them, and close()
		// resolves only once they are gone. A close() that waited for them would never resolve.
		await own.close();
		expect(String((await hung as Error).message)).toMatch(/socket hang up|ECONNRESET/);
		expect(String(((await partialDone) as Error).message)).toMatch(/socket hang up|ECONNRESET|EPIPE/);
	});
});
