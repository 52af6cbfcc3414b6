import { startSandbox, type Sandbox } from './index';
import { defaultShapes } from './shapes';
import { json, request } from './testUtil';

let sb: Sandbox;
beforeAll(async () => {
	sb = await startSandbox({ trainingMs: 60_000 });
});
afterAll(async () => await sb.close());
beforeEach(() => {
	sb.reset();
	sb.configure({ shapes: {} });
});

const buena = () => ({ 'x-api-key': sb.keys.buena });
const bland = () => ({ authorization: sb.keys.bland });
const listBuena = async (query = '') => await request(`${sb.buenaBaseUrl}/voice-clones${query}`, { headers: buena() });
const ctl = (path: string) => `${sb.url}/__sandbox${path}`;

describe('answer shapes the docs disagree on, chosen by configure({ shapes })', () => {
	it('answers the documented default shapes unless asked', async () => {
		const id = sb.seedVoice('buena', { name: 'One' });
		const list = await listBuena();
		expect(list.json).toEqual({
			success: true,
			data: [expect.objectContaining({ voiceId: id, status: 'ready', isActive: true })],
			pagination: { total: 1, limit: 20, offset: 0, hasMore: false },
		});
		const blandId = sb.seedVoice('bland', { name: 'Two' });
		expect((await request(`${sb.blandBaseUrl}/v1/voices`, { headers: bland() })).json).toEqual({
			voices: [expect.objectContaining({ id: blandId, name: 'Two' })],
		});
		expect((await request(`${sb.blandBaseUrl}/v1/voices/${blandId}`, { headers: bland() })).json).toEqual({
			voice: expect.objectContaining({ id: blandId }),
		});
	});

	it.each([
		['total', (ids: string[]) => ({ success: true, data: ids.map((voiceId) => expect.objectContaining({ voiceId })), total: 2 })],
		[
			'dataTotal',
			(ids: string[]) => ({
				success: true,
				data: { voiceClones: ids.map((voiceId) => expect.objectContaining({ voiceId })), total: 2, limit: 20, offset: 0 },
			}),
		],
		[
			'single',
			(ids: string[]) => ({
				success: true,
				data: ids.map((voiceId) => expect.objectContaining({ voiceId })),
				pagination: { total: 2, limit: 20, offset: 0, hasMore: false },
			}),
		],
	] as const)('Buena list as %s', async (buenaList, expected) => {
		const ids = ['A', 'B'].map((name) => sb.seedVoice('buena', { name }));
		sb.configure({ shapes: { buenaList } });
		expect((await listBuena()).json).toEqual(expected(ids));
	});

	it('Buena list as single: data is the clone itself when the page holds one, as in the seed\'s polling sample', async () => {
		const id = sb.seedVoice('buena', { name: 'Only', status: 'processing' });
		sb.configure({ shapes: { buenaList: 'single' } });
		const list = await listBuena();
		expect(list.json).toEqual({ success: true, data: expect.objectContaining({ voiceId: id, status: 'processing' }) });
	});

	it('caps Buena pages at buenaMaxPageSize whatever limit asks, and says so in pagination', async () => {
		const ids = ['A', 'B', 'C'].map((name) => sb.seedVoice('buena', { name }));
		sb.configure({ shapes: { buenaMaxPageSize: 2 } });
		const first = await listBuena('?limit=100');
		expect(first.json.data.map((clone: { voiceId: string }) => clone.voiceId)).toEqual(ids.slice(0, 2));
		expect(first.json.pagination).toEqual({ total: 3, limit: 2, offset: 0, hasMore: true });
		const second = await listBuena('?limit=100&offset=2');
		expect(second.json.data.map((clone: { voiceId: string }) => clone.voiceId)).toEqual(ids.slice(2));
	});

	it('sends the status words asked for, or no status at all', async () => {
		const ready = sb.seedVoice('buena', { name: 'Ready' });
		const failed = sb.seedVoice('buena', { name: 'Failed', status: 'failed', errorMessage: 'Too noisy' });
		const training = sb.seedVoice('buena', { name: 'Training', status: 'processing' });
		sb.configure({ shapes: { buenaStatusWords: { ready: 'completed', failed: 'error', processing: 'in_progress' } } });
		const words = (await listBuena()).json.data.map((clone: { voiceId: string; status?: string }) => [clone.voiceId, clone.status]);
		expect(words).toEqual([
			[ready, 'completed'],
			[failed, 'error'],
			[training, 'in_progress'],
		]);

		sb.configure({ shapes: { buenaStatusWords: { ready: null, failed: null, processing: null } } });
		const records = (await listBuena()).json.data;
		for (const record of records) expect(record).not.toHaveProperty('status');
		expect(records.map((clone: { isActive: boolean; error_message: string | null }) => [clone.isActive, clone.error_message])).toEqual([
			[true, null],
			[false, 'Too noisy'],
			[false, null],
		]);
		// The ?status= filter still works on the real state.
		expect((await listBuena('?status=failed')).json.data.map((clone: { voiceId: string }) => clone.voiceId)).toEqual([failed]);
	});

	it.each([
		['data', (ids: string[]) => ({ status: 200, data: ids.map((id) => expect.objectContaining({ id })), errors: null })],
		['dataVoices', (ids: string[]) => ({ status: 200, data: { voices: ids.map((id) => expect.objectContaining({ id })) }, errors: null })],
		['array', (ids: string[]) => ids.map((id) => expect.objectContaining({ id }))],
	] as const)('Bland list as %s', async (blandList, expected) => {
		const ids = ['A', 'B'].map((name) => sb.seedVoice('bland', { name }));
		sb.configure({ shapes: { blandList } });
		expect((await request(`${sb.blandBaseUrl}/v1/voices`, { headers: bland() })).json).toEqual(expected(ids));
	});

	it.each([
		['data', (id: string) => ({ status: 200, data: expect.objectContaining({ id }), errors: null })],
		['dataVoice', (id: string) => ({ status: 200, data: { voice: expect.objectContaining({ id }) }, errors: null })],
		['bare', (id: string) => expect.objectContaining({ id, name: 'Named' })],
	] as const)('Bland get as %s, by id and by name; a 404 keeps its envelope', async (blandGet, expected) => {
		const id = sb.seedVoice('bland', { name: 'Named' });
		sb.configure({ shapes: { blandGet } });
		expect((await request(`${sb.blandBaseUrl}/v1/voices/${id}`, { headers: bland() })).json).toEqual(expected(id));
		expect((await request(`${sb.blandBaseUrl}/v1/voices/named`, { headers: bland() })).json).toEqual(expected(id));
		const missing = await request(`${sb.blandBaseUrl}/v1/voices/nope`, { headers: bland() });
		expect(missing.status).toBe(404);
		expect(missing.json).toEqual({ status: 404, data: null, errors: [{ error: 'Not Found', message: 'Voice not found' }] });
	});

	it('each configure({ shapes }) starts from the defaults; reset() keeps the shapes like the rest of the config', async () => {
		sb.configure({ shapes: { blandList: 'array', buenaList: 'total' } });
		sb.configure({ shapes: { blandList: 'data' } });
		sb.reset();
		sb.seedVoice('buena', { name: 'One' });
		expect((await listBuena()).json).toHaveProperty('pagination');
		expect((await request(`${sb.blandBaseUrl}/v1/voices`, { headers: bland() })).json).toEqual({ status: 200, data: [], errors: null });
	});

	it('refuses a shape it does not know, and then changes nothing', async () => {
		sb.configure({ shapes: { blandGet: 'data' } });
		for (const shapes of [
			{ blandGet: 'wrapped' },
			{ buenaList: 'cursor' },
			{ buenaMaxPageSize: 0 },
			{ buenaStatusWords: { done: 'ready' } },
			{ buenaStatusWords: { ready: 7 } },
			{ nope: true },
			[],
		]) {
			expect(() => sb.configure({ trainingMs: 5, shapes: shapes as never })).toThrow(/^sandbox: /);
		}
		const inForce = (await json(ctl('/config'), 'POST', {})).json;
		expect(inForce.trainingMs).toBe(60_000);
		expect(inForce.shapes).toEqual({ ...defaultShapes(), blandGet: 'data' });
	});

	it('is chosen over HTTP too: POST /__sandbox/config {"shapes": …} answers the shapes in force', async () => {
		const answer = await json(ctl('/config'), 'POST', { shapes: { blandList: 'dataVoices', buenaStatusWords: { ready: 'active' } } });
		expect(answer.status).toBe(200);
		expect(answer.json.shapes).toEqual({
			...defaultShapes(),
			blandList: 'dataVoices',
			buenaStatusWords: { processing: 'processing', ready: 'active', failed: 'failed' },
		});
		const id = sb.seedVoice('bland', { name: 'Over HTTP' });
		expect((await request(`${sb.blandBaseUrl}/v1/voices`, { headers: bland() })).json).toEqual({
			status: 200,
			data: { voices: [expect.objectContaining({ id })] },
			errors: null,
		});
		const bad = await json(ctl('/config'), 'POST', { shapes: { blandList: 'xml' } });
		expect(bad.status).toBe(400);
		expect(bad.json.error).toMatch(/shapes\.blandList must be one of/);
	});
});
