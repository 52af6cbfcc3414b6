import type { Sandbox } from '../../sandbox';
import { byId, runVoiceClone, startVoiceSandbox } from './helpers';

/**
 * Voice Clone reads voices with the providers' own parsers (buena.ts, bland.ts), so it copes with
 * every answer shape the docs disagree on, served by the sandbox over HTTP (test/sandbox/shapes.ts).
 */
let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startVoiceSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	sandbox.reset();
	sandbox.configure({ shapes: {} });
});

describe('Voice Clone, every answer shape', () => {
	it.each(['pagination', 'total', 'dataTotal'] as const)('Buena list as %s, in pages of 2: Get Many reads every voice', async (buenaList) => {
		sandbox.configure({ shapes: { buenaList, buenaMaxPageSize: 2 } });
		const ids = ['A', 'B', 'C', 'D', 'E'].map((name) => sandbox.seedVoice('buena', { name }));
		const result = await runVoiceClone(sandbox, { operation: 'getAll', returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((item) => item.json.voiceId)).toEqual(ids);
	});

	it('Buena list with a single clone as `data`: Get finds it', async () => {
		sandbox.configure({ shapes: { buenaList: 'single' } });
		const voiceId = sandbox.seedVoice('buena', { name: 'Only' });
		const result = await runVoiceClone(sandbox, { operation: 'get', voiceId: byId(voiceId) });
		expect(result.outputs[0][0].json).toMatchObject({ voiceId, name: 'Only', status: 'ready' });
	});

	it('Buena status words (completed, in_progress, error) and a missing status come out as the three states', async () => {
		sandbox.configure({ shapes: { buenaStatusWords: { ready: 'completed', processing: 'in_progress', failed: 'error' } } });
		const ready = sandbox.seedVoice('buena', { name: 'R' });
		const training = sandbox.seedVoice('buena', { name: 'P', status: 'processing' });
		const failed = sandbox.seedVoice('buena', { name: 'F', status: 'failed' });
		const words = await runVoiceClone(sandbox, { operation: 'getAll', returnAll: true });
		expect(words.outputs[0].map((item) => [item.json.voiceId, item.json.status])).toEqual([
			[ready, 'ready'],
			[training, 'processing'],
			[failed, 'failed'],
		]);
		const onlyReady = await runVoiceClone(sandbox, { operation: 'getAll', returnAll: true, filters: { status: 'ready' } });
		expect(onlyReady.outputs[0].map((item) => item.json.voiceId)).toEqual([ready]);

		sandbox.configure({ shapes: { buenaStatusWords: { ready: null, processing: null, failed: null } } });
		const missing = await runVoiceClone(sandbox, { operation: 'getAll', returnAll: true });
		expect(missing.outputs[0].map((item) => item.json.status)).toEqual(['ready', 'processing', 'failed']);
	});

	it.each(['voices', 'data', 'dataVoices', 'array'] as const)('Bland list as %s', async (blandList) => {
		sandbox.configure({ shapes: { blandList } });
		const ids = [sandbox.seedVoice('bland', { name: 'One' }), sandbox.seedVoice('bland', { name: 'Two' })];
		const result = await runVoiceClone(sandbox, { provider: 'bland', operation: 'getAll', returnAll: true });
		expect(result.outputs[0].map((item) => [item.json.voiceId, item.json.status])).toEqual(ids.map((id) => [id, 'ready']));
	});

	it.each(['voice', 'data', 'dataVoice', 'bare'] as const)('Bland get as %s: Get and Update read the voice', async (blandGet) => {
		sandbox.configure({ shapes: { blandGet } });
		const voiceId = sandbox.seedVoice('bland', { name: 'Support' });
		const got = await runVoiceClone(sandbox, { provider: 'bland', operation: 'get', voiceId: byId(voiceId) });
		expect(got.outputs[0][0].json).toMatchObject({ voiceId, name: 'Support' });
		const renamed = await runVoiceClone(sandbox, { provider: 'bland', operation: 'update', voiceId: byId(voiceId), updateFields: { name: 'Sales' } });
		expect(renamed.outputs[0][0].json).toMatchObject({ voiceId, name: 'Sales' });
	});
});
