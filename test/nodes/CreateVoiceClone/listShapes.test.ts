import { makeWav } from '../../helpers/wav';
import type { RunnerInputItem } from '../../helpers/n8nRunner';
import { startSandbox, type Sandbox } from '../../sandbox';
import { apiRequests, createRequests, runCreate } from './helpers';

/**
 * Create Voice Clone's quota check reads Buena's list in every shape the sandbox can serve
 * (configure({ shapes }), test/sandbox/shapes.ts): a full account is seen as full, whatever the
 * shape, and nothing is uploaded.
 */
let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 5_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	sandbox.reset();
	sandbox.configure({ shapes: {} });
});

const sample = (): RunnerInputItem => ({
	json: {},
	binary: { data: { data: makeWav({ seconds: 2 }), fileName: 'sample.wav', mimeType: 'audio/wav' } },
});

describe('the Buena quota check under every list shape', () => {
	it.each([
		['pagination', {}],
		['total', { buenaList: 'total' }],
		['dataTotal', { buenaList: 'dataTotal' }],
		['single', { buenaList: 'single' }],
		['pages capped at 2', { buenaMaxPageSize: 2 }],
		['no status words', { buenaStatusWords: { ready: null, processing: null, failed: null } }],
	] as const)('%s: a full account is full, and nothing is uploaded', async (_label, shapes) => {
		sandbox.configure({ shapes });
		for (let index = 0; index < 5; index++) sandbox.seedVoice('buena', { name: `Existing ${index}` });
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Sixth' }, [sample()]);
		expect(result.error?.message).toMatch(/\b5\b/);
		expect(createRequests(sandbox, 'buena')).toEqual([]);
		const lists = apiRequests(sandbox, 'buena').filter((entry) => entry.method === 'GET');
		expect(lists.map((entry) => entry.query.offset)).toEqual(
			'buenaMaxPageSize' in shapes ? ['0', '2', '4'] : ['0'],
		);
	});

	it.each([
		['total', { buenaList: 'total' }],
		['dataTotal', { buenaList: 'dataTotal' }],
		['pages capped at 2', { buenaMaxPageSize: 2 }],
	] as const)('%s: an account with room gets its clone', async (_label, shapes) => {
		sandbox.configure({ shapes });
		for (let index = 0; index < 4; index++) sandbox.seedVoice('buena', { name: `Existing ${index}` });
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Fifth' }, [sample()]);
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toMatchObject({ name: 'Fifth', status: 'processing' });
		expect(createRequests(sandbox, 'buena').map((entry) => entry.status)).toEqual([201]);
	});
});
