import { FAIL_TRAINING_MESSAGE, type Sandbox } from '../../sandbox';
import { apiRequests, itemsFor, listCalls, runWait, startWaitSandbox } from './helpers';

/**
 * The node against every answer shape the providers' docs disagree on, served by the sandbox
 * over HTTP (configure({ shapes }), see test/sandbox/shapes.ts). The parsers' own fixtures are in
 * test/fixtures/providers.
 */
let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startWaitSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	sandbox.reset();
	sandbox.configure({ trainingMs: 600, shapes: {} });
});

const processing = (name: string) => sandbox.seedVoice('buena', { name, status: 'processing' });

describe('Wait for Training, Buena AI, every list shape', () => {
	it.each(['pagination', 'total', 'dataTotal', 'single'] as const)(
		'list as %s: waits while training and outputs the voices ready',
		async (buenaList) => {
			sandbox.configure({ shapes: { buenaList } });
			// 'single' answers a page of one clone with the clone itself; the others an array.
			const voiceIds = buenaList === 'single' ? [processing('Only')] : [processing('One'), processing('Two')];
			const result = await runWait(sandbox, {}, itemsFor(voiceIds));
			expect(result.error).toBeUndefined();
			expect(result.outputs[0].map((item) => [item.json.voiceId, item.json.status, item.json.trainingProgress])).toEqual(
				voiceIds.map((voiceId) => [voiceId, 'ready', 100]),
			);
			const calls = listCalls(sandbox);
			expect(calls.length).toBeGreaterThan(1);
			// One request per round: the total (wherever it is) said there was no second page.
			expect(calls.every((call) => call.query.offset === '0')).toBe(true);
		},
	);

	it('follows pages a server caps below the limit asked, by the offset it has received', async () => {
		sandbox.configure({ shapes: { buenaMaxPageSize: 30 } });
		const voiceIds = Array.from({ length: 70 }, (_, index) => sandbox.seedVoice('buena', { name: `Voice ${index}` }));
		const result = await runWait(sandbox, {}, itemsFor([voiceIds[5], voiceIds[65]]));
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((item) => item.json.status)).toEqual(['ready', 'ready']);
		expect(listCalls(sandbox).map((call) => `${call.query.limit} ${call.query.offset}`)).toEqual(['100 0', '100 30', '100 60']);
	});

	it.each([
		['completed / in_progress / error', { ready: 'completed', processing: 'in_progress', failed: 'error' }],
		['active / pending / failed', { ready: 'active', processing: 'pending' }],
		['no status at all (isActive and error_message decide)', { ready: null, processing: null, failed: null }],
	] as const)('status words %s: ready and failed trainings settle as such', async (_label, buenaStatusWords) => {
		sandbox.configure({ shapes: { buenaStatusWords } });
		const fine = processing('Clean');
		const failing = processing('Noisy [fail-training]');
		const result = await runWait(sandbox, {}, itemsFor([fine, failing]), { continueOnFail: true });
		const [ready, failed] = result.outputs[0];
		expect(ready.json).toMatchObject({ voiceId: fine, status: 'ready', trainingProgress: 100 });
		expect(failed.json).toMatchObject({ voiceId: failing, status: 'failed' });
		expect(failed.json.error).toHaveProperty('message', expect.stringContaining(FAIL_TRAINING_MESSAGE));
		// Both were seen training first, not taken as settled at once.
		expect(listCalls(sandbox).length).toBeGreaterThan(2);
	});

	it('Check Once reports a training voice as processing when no status is sent', async () => {
		sandbox.configure({ trainingMs: 60_000, shapes: { buenaStatusWords: { processing: null, ready: null, failed: null } } });
		const voiceId = processing('Training');
		const done = sandbox.seedVoice('buena', { name: 'Done' });
		const result = await runWait(sandbox, { checkOnce: true }, itemsFor([voiceId, done]));
		expect(result.outputs[0].map((item) => item.json.status)).toEqual(['processing', 'ready']);
	});
});

describe('Wait for Training, Bland AI, every list and get shape', () => {
	it.each(['voices', 'data', 'dataVoices', 'array'] as const)(
		'list as %s: one list call answers for every voice',
		async (blandList) => {
			sandbox.configure({ shapes: { blandList } });
			const voiceIds = ['A', 'B', 'C'].map((name) => sandbox.seedVoice('bland', { name }));
			const result = await runWait(sandbox, { provider: 'bland' }, itemsFor(voiceIds));
			expect(result.error).toBeUndefined();
			expect(result.outputs[0].map((item) => [item.json.voiceId, item.json.status, (item.json.voice as { id: string }).id])).toEqual(
				voiceIds.map((voiceId) => [voiceId, 'ready', voiceId]),
			);
			expect(apiRequests(sandbox, 'bland').map((request) => `${request.method} ${request.path}`)).toEqual(['GET /bland/v1/voices']);
		},
	);

	it.each(['voice', 'data', 'dataVoice', 'bare'] as const)(
		'get as %s: one voice, a name the list lacks, and an unknown id',
		async (blandGet) => {
			sandbox.configure({ shapes: { blandGet } });
			const voiceId = sandbox.seedVoice('bland', { name: 'Support' });
			const single = await runWait(sandbox, { provider: 'bland' }, itemsFor([voiceId]));
			expect(single.outputs[0][0].json).toMatchObject({ voiceId, status: 'ready', voice: { id: voiceId, name: 'Support' } });

			sandbox.clearLog();
			const unknown = '3f1c1f0e-0000-4000-8000-000000000000';
			const several = await runWait(sandbox, { provider: 'bland' }, itemsFor([voiceId, 'support', unknown]), { continueOnFail: true });
			const [byId, byName, missing] = several.outputs[0];
			expect(byId.json).toMatchObject({ voiceId, status: 'ready' });
			expect(byName.json).toMatchObject({ voiceId: 'support', status: 'ready', voice: { id: voiceId } });
			expect(missing.json.error).toHaveProperty('message', `Bland AI has no voice "${unknown}" (voice not found)`);
			expect(apiRequests(sandbox, 'bland').map((request) => request.path)).toEqual([
				'/bland/v1/voices',
				'/bland/v1/voices/support',
				`/bland/v1/voices/${unknown}`,
			]);
		},
	);
});
