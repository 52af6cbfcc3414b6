import { pairedItems } from '../../helpers/n8nRunner';
import type { Sandbox } from '../../sandbox';
import { calls, runVoiceClone, startVoiceSandbox } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startVoiceSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

describe('Voice Clone: Get Many', () => {
	it('Buena: every voice of the account in the shared shape, one item per voice, paired with its input', async () => {
		sandbox.configure({ buenaMaxClones: 150 });
		const ids = Array.from({ length: 120 }, (_, n) => sandbox.seedVoice('buena', { name: `Voice ${n}`, description: `d${n}` }));
		const result = await runVoiceClone(sandbox, { operation: 'getAll', returnAll: true });
		expect(result.error).toBeUndefined();
		const items = result.outputs[0];
		expect(items.map((item) => item.json.voiceId)).toEqual(ids);
		expect(items[7].json).toEqual({
			provider: 'buena',
			voiceId: ids[7],
			name: 'Voice 7',
			description: 'd7',
			status: 'ready',
			trainingProgress: 100,
			createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			raw: expect.objectContaining({ voiceId: ids[7], isActive: true }),
		});
		expect(items.every((item) => JSON.stringify(pairedItems(item)) === '[{"item":0}]')).toBe(true);
		// Two pages of 100.
		expect(calls(sandbox, 'buena')).toEqual(['GET /voice-clones', 'GET /voice-clones']);
	});

	it('Buena: filters by status and by a piece of the name (ignoring case), then applies the limit', async () => {
		sandbox.seedVoice('buena', { name: 'Alice ready' });
		const training = sandbox.seedVoice('buena', { name: 'Alice training', status: 'processing' });
		sandbox.seedVoice('buena', { name: 'Bob training', status: 'processing' });
		const failed = sandbox.seedVoice('buena', { name: 'ALICE broken', status: 'failed', errorMessage: 'Too noisy' });

		const processing = await runVoiceClone(sandbox, {
			operation: 'getAll',
			returnAll: true,
			filters: { status: 'processing', nameContains: 'alice' },
		});
		expect(processing.outputs[0].map((item) => item.json)).toEqual([
			expect.objectContaining({ voiceId: training, status: 'processing', trainingProgress: 0 }),
		]);

		const limited = await runVoiceClone(sandbox, { operation: 'getAll', returnAll: false, limit: 2, filters: { nameContains: 'ALICE' } });
		expect(limited.outputs[0].map((item) => item.json.name)).toEqual(['Alice ready', 'Alice training']);

		const failedOnly = await runVoiceClone(sandbox, { operation: 'getAll', returnAll: true, filters: { status: 'failed' } });
		expect(failedOnly.outputs[0].map((item) => item.json)).toEqual([
			expect.objectContaining({ voiceId: failed, status: 'failed', raw: expect.objectContaining({ error_message: 'Too noisy' }) }),
		]);
	});

	it('Bland: every voice, ready, with created_at as createdAt; name filter', async () => {
		const support = sandbox.seedVoice('bland', { name: 'Support', tags: ['a'] });
		sandbox.seedVoice('bland', { name: 'Sales' });
		const result = await runVoiceClone(sandbox, { provider: 'bland', operation: 'getAll', returnAll: true, filters: { nameContains: 'supp' } });
		expect(result.outputs[0].map((item) => item.json)).toEqual([
			{
				provider: 'bland',
				voiceId: support,
				name: 'Support',
				description: '',
				status: 'ready',
				trainingProgress: 100,
				createdAt: expect.stringMatching(/^\d{4}-/),
				raw: expect.objectContaining({ id: support, tags: ['a'] }),
			},
		]);
		expect(calls(sandbox, 'bland')).toEqual(['GET /v1/voices']);
	});

	it('an empty account gives no items; each input item lists once', async () => {
		const result = await runVoiceClone(sandbox, { operation: 'getAll', returnAll: true }, [{ json: {} }, { json: {} }]);
		expect(result.error).toBeUndefined();
		expect(result.outputs[0]).toEqual([]);
		expect(calls(sandbox, 'buena')).toHaveLength(2);
	});

	it('a limit that is not a whole number fails the item, naming the option, before anything is sent', async () => {
		const result = await runVoiceClone(sandbox, { operation: 'getAll', returnAll: false, limit: '={{ "many" }}' });
		expect(result.error?.message).toBe('Limit must be a whole number of at least 1 (got "many")');
		expect(calls(sandbox, 'buena')).toEqual([]);
	});
});
