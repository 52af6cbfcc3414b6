import { pairedItems } from '../../helpers/n8nRunner';
import { VirtualClock } from '../../helpers/virtualClock';
import type { Sandbox } from '../../sandbox';
import { apiRequests, itemsFor, listCalls, runWait, startWaitSandbox } from './helpers';

let sandbox: Sandbox;
/** Waits are measured on a virtual clock (test/helpers/virtualClock.ts): exact, whatever the machine's load. */
let clock: VirtualClock;

beforeAll(async () => {
	sandbox = await startWaitSandbox({ trainingMs: 60_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	clock = VirtualClock.install();
	sandbox.reset();
});
afterEach(() => clock.uninstall());

describe('Wait for Training, Check Once', () => {
	it('outputs every voice with its current status after one request, without waiting or failing', async () => {
		const ready = sandbox.seedVoice('buena', { name: 'Ready' });
		const processing = sandbox.seedVoice('buena', { name: 'Training', status: 'processing' });
		const failed = sandbox.seedVoice('buena', { name: 'Broken', status: 'failed', errorMessage: 'Sample too short' });
		const result = await runWait(sandbox, { checkOnce: true, pollInterval: 10 }, itemsFor([ready, processing, failed]));
		expect(result.error).toBeUndefined();
		// No wait at all, though the Poll Interval is 10 s.
		expect(clock.elapsed()).toBe(0);
		expect(result.outputs).toHaveLength(1);
		const [a, b, c] = result.outputs[0];
		expect(a.json).toMatchObject({ voiceId: ready, status: 'ready', trainingProgress: 100 });
		expect(b.json).toMatchObject({ voiceId: processing, status: 'processing', trainingProgress: 0 });
		expect(c.json).toMatchObject({
			voiceId: failed,
			status: 'failed',
			voice: { status: 'failed', error_message: 'Sample too short' },
		});
		for (const item of [a, b, c]) {
			expect(item.error).toBeUndefined();
			expect(typeof item.json.checkedAt).toBe('string');
			expect(item.json.waitedSeconds).toBe(0);
		}
		expect(result.outputs[0].map((item) => pairedItems(item))).toEqual([[{ item: 0 }], [{ item: 1 }], [{ item: 2 }]]);
		expect(listCalls(sandbox)).toHaveLength(1);
	});

	it('still fails a voice that does not exist', async () => {
		const ready = sandbox.seedVoice('buena', { name: 'Ready' });
		const result = await runWait(sandbox, { checkOnce: true }, itemsFor(['Missing00000000000000', ready]), {
			onError: 'continueErrorOutput',
		});
		const [success, errors] = result.outputs;
		expect(success.map((item) => item.json.voiceId)).toEqual([ready]);
		expect(errors).toHaveLength(1);
		expect(errors[0].json).toEqual({
			voiceId: 'Missing00000000000000',
			error: {
				message: 'Buena AI has no voice "Missing00000000000000" (voice not found)',
				description: expect.any(String),
				httpCode: null,
				code: null,
			},
		});
		expect(pairedItems(errors[0])).toEqual([{ item: 0 }]);
	});

	it('works for Bland AI voices, which are ready or unknown', async () => {
		const voiceId = sandbox.seedVoice('bland', { name: 'Support' });
		const result = await runWait(sandbox, { provider: 'bland', checkOnce: true }, itemsFor([voiceId]));
		expect(result.outputs[0][0].json).toMatchObject({ voiceId, status: 'ready' });
		expect(apiRequests(sandbox, 'bland')).toHaveLength(1);
	});

	it('reports the provider error of a transient failure at once, without retrying it', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Ready' });
		sandbox.injectFault({ mode: 'status', status: 503, provider: 'buena', count: 1_000 });
		const result = await runWait(sandbox, { checkOnce: true, timeout: 0.01 }, itemsFor([voiceId]), { continueOnFail: true });
		expect(result.outputs[0][0].json).toMatchObject({
			voiceId,
			status: null,
			error: {
				message: 'Buena AI: Service temporarily unavailable [SERVICE_UNAVAILABLE]',
				httpCode: 503,
				code: 'SERVICE_UNAVAILABLE',
			},
		});
		// Check Once is one round: one request, no retry, no wait.
		expect(listCalls(sandbox)).toHaveLength(1);
		expect(clock.elapsed()).toBe(0);
	});
});
