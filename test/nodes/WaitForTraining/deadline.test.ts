/**
 * Issue 10: no wait outlives the node's deadline (finding 1), Check Once is one round (7), one
 * table of transient statuses (5), and bad numbers are refused before anything is sent (2).
 */
import { readdirSync, readlinkSync } from 'node:fs';

import type { NodeApiError } from 'n8n-workflow';

import { runNode } from '../../helpers/n8nRunner';
import { VirtualClock } from '../../helpers/virtualClock';
import { makeWav } from '../../helpers/wav';
import { CreateVoiceClone } from '../../../nodes/CreateVoiceClone/CreateVoiceClone.node';
import type { Sandbox } from '../../sandbox';
import { itemsFor, listCalls, runWait, sleep, startWaitSandbox } from './helpers';

/** Files of the runner's binary store (filesystem mode) this process still holds open. */
function openBinaryStoreFiles(): string[] {
	return readdirSync('/proc/self/fd')
		.map((fd) => {
			try {
				return readlinkSync(`/proc/self/fd/${fd}`);
			} catch {
				return '';
			}
		})
		.filter((target) => target.includes('n8n-runner-binary-'));
}

let sandbox: Sandbox;
/**
 * Waits are measured on a virtual clock (test/helpers/virtualClock.ts) that the sandbox's rate
 * limiter shares: "at once" is 0 ms of waiting, and a wait for a window is exactly that window.
 */
let clock: VirtualClock;
beforeAll(async () => {
	sandbox = await startWaitSandbox({ trainingMs: 60_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	clock = VirtualClock.install();
	sandbox.reset();
	sandbox.configure({ rateLimit: { limit: 100_000, windowMs: 60_000 } });
});
afterEach(() => clock.uninstall());

let keyNumber = 0;
let currentKey = '';
/** A key of its own, so the process-wide rate pacer of one test knows nothing of the others. */
function freshKey(): Record<string, { apiKey: string; baseUrl: string }> {
	currentKey = `bna_deadline_test_${++keyNumber}_${Date.now()}`;
	sandbox.addKey('buena', currentKey);
	return { buenaApi: { apiKey: currentKey, baseUrl: sandbox.buenaBaseUrl } };
}

/** Uses up the key's window: the pacer learns from the answers that nothing is left for a minute. */
async function useUpWindow(credentials: ReturnType<typeof freshKey>, voiceId: string, requests: number) {
	for (let index = 0; index < requests; index++) {
		const result = await runWait(sandbox, { checkOnce: true }, itemsFor([voiceId]), { credentials });
		expect(result.error).toBeUndefined();
	}
}

// First: on code that over-waits, a run left behind by a later test would eat this test's fault.
describe('one table of transient statuses', () => {
	it('408 is transient: the quota check is asked again and the clone made', async () => {
		sandbox.injectFault({ mode: 'json', status: 408, body: {}, provider: 'buena', method: 'GET', pathIncludes: '/voice-clones' });
		const result = await runNode({
			nodeType: new CreateVoiceClone(),
			parameters: { provider: 'buena', name: 'After 408' },
			credentials: freshKey(),
			input: [{ json: {}, binary: { data: { data: makeWav({ seconds: 2 }), fileName: 'a.wav', mimeType: 'audio/wav' } } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json.name).toBe('After 408');
	});

	it('501 is permanent: a poll fails at once, with no retry', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Training', status: 'processing' });
		sandbox.injectFault({ mode: 'json', status: 501, body: {}, count: 100, provider: 'buena', method: 'GET' });
		const result = await runWait(sandbox, { timeout: 3 / 60 }, itemsFor([voiceId]));
		expect((result.error as NodeApiError).httpCode).toBe('501');
		expect(listCalls(sandbox)).toHaveLength(1);
	});
});

describe('the rate pacer never holds a node past its deadline', () => {
	it('Wait for Training with a 3 s timeout fails at once when the key has no requests left for a minute, saying which limit and when', async () => {
		sandbox.configure({ rateLimit: { limit: 2, windowMs: 60_000 } });
		const credentials = freshKey();
		const voiceId = sandbox.seedVoice('buena', { name: 'Busy', status: 'processing', key: currentKey });
		await useUpWindow(credentials, voiceId, 2);
		sandbox.clearLog();

		const started = clock.now();
		const result = await runWait(sandbox, { timeout: 3 / 60 }, itemsFor([voiceId]), { credentials });
		const error = result.error as NodeApiError;
		expect(clock.elapsed()).toBe(0);
		expect(error.message).toBe(
			`Buena AI: not sent, the key's limit of 2 requests per minute is used up until ${new Date(started + 60_000).toISOString()} (in 60 s), later than this node may wait (3 s left)`,
		);
		expect(error.httpCode).toBe('429');
		expect(sandbox.log()).toEqual([]);
	}, 20_000);

	it('items with a longer timeout wait for the reset while one whose timeout comes first fails at once', async () => {
		sandbox.configure({ rateLimit: { limit: 1, windowMs: 4_000 } });
		const credentials = freshKey();
		const voiceId = sandbox.seedVoice('buena', { name: 'Ready', key: currentKey });
		await useUpWindow(credentials, voiceId, 1);
		const result = await runWait(
			sandbox,
			{ timeout: '={{ $json.minutes }}' },
			[{ json: { voiceId, minutes: 0.02 } }, { json: { voiceId, minutes: 0.5 } }],
			{ credentials, continueOnFail: true },
		);
		const [short, long] = result.outputs[0].map((item) => item.json);
		expect(short.error).toMatchObject({
			message: expect.stringMatching(/^Buena AI: not sent, the key's limit of 1 requests per 4 s is used up until /),
			httpCode: 429,
			code: null,
		});
		expect(long).toMatchObject({ voiceId, status: 'ready' });
		expect(long.error).toBeUndefined();
		// The long one waited for the window to end (4 s after the request that used it up), no longer.
		expect(clock.elapsed()).toBe(4_000);
		expect(long.checkedAt).toBe(new Date(clock.startedAt + 4_000).toISOString());
	}, 20_000);

	it('Check Once never waits for the pacer either', async () => {
		sandbox.configure({ rateLimit: { limit: 1, windowMs: 60_000 } });
		const credentials = freshKey();
		const voiceId = sandbox.seedVoice('buena', { name: 'Busy', key: currentKey });
		await useUpWindow(credentials, voiceId, 1);
		const result = await runWait(sandbox, { checkOnce: true, timeout: 10 }, itemsFor([voiceId]), { credentials });
		expect(clock.elapsed()).toBe(0);
		expect(result.error?.message).toMatch(/limit of 1 requests per minute is used up/);
	}, 20_000);

	it('Create Voice Clone with a 2 s upload timeout fails at once instead of waiting for the window, uploading nothing', async () => {
		sandbox.configure({ rateLimit: { limit: 2, windowMs: 60_000 } });
		const credentials = freshKey();
		const voiceId = sandbox.seedVoice('buena', { name: 'Busy', key: currentKey });
		await useUpWindow(credentials, voiceId, 2);
		sandbox.clearLog();
		const result = await runNode({
			nodeType: new CreateVoiceClone(),
			parameters: { provider: 'buena', name: 'Held', options: { timeout: 2 } },
			credentials,
			input: [{ json: {}, binary: { data: { data: makeWav({ seconds: 2 }), fileName: 'a.wav', mimeType: 'audio/wav' } } }],
		});
		expect(clock.elapsed()).toBe(0);
		expect(result.error?.message).toMatch(/^Buena AI: not sent, the key's limit of 2 requests per minute is used up until /);
		expect(sandbox.log()).toEqual([]);
	}, 20_000);

	it('a cancel during the pacer\'s wait ends the upload at once, before its body is built: nothing sent, no file left open', async () => {
		// One request per 3 s: the quota check uses it, so the upload waits in the pacer, where the
		// execution is cancelled. The body (which opens the files lazily) is only built once the
		// pacer lets the request through.
		sandbox.configure({ rateLimit: { limit: 1, windowMs: 3_000 } });
		const result = await runNode({
			nodeType: new CreateVoiceClone(),
			parameters: { provider: 'buena', name: 'Cancelled While Paced', options: { timeout: 30 } },
			credentials: freshKey(),
			binaryDataMode: 'filesystem',
			cancelWhen: async () => await clock.sleep(700),
			input: [{ json: {}, binary: { data: { data: makeWav({ seconds: 2 }), fileName: 'a.wav', mimeType: 'audio/wav' } } }],
		});
		expect(result.status).toBe('canceled');
		// Ended at the cancel, 2.3 s before the window would have let the upload through.
		expect(clock.elapsed()).toBe(700);
		expect(sandbox.log().map((entry) => entry.method)).toEqual(['GET']);
		// No file of n8n's binary store is left open (before: the samples were opened before the
		// pacer's wait, and a cancel there left their streams open).
		await sleep(200);
		expect(openBinaryStoreFiles()).toEqual([]);
	}, 20_000);

	it('waits for the pacer when the window resets within the timeout', async () => {
		sandbox.configure({ rateLimit: { limit: 1, windowMs: 1_000 } });
		const credentials = freshKey();
		const voiceId = sandbox.seedVoice('buena', { name: 'Ready', key: currentKey });
		await useUpWindow(credentials, voiceId, 1);
		const result = await runWait(sandbox, { timeout: 5 / 60 }, itemsFor([voiceId]), { credentials });
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json.status).toBe('ready');
		// For the window, 1 s after the request that used it up, and no longer.
		expect(clock.elapsed()).toBe(1_000);
	});
});

describe('Check Once is one round: no waiting, no retries', () => {
	it('an outage fails the item after one request instead of being retried until the timeout', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Ready' });
		sandbox.injectFault({ mode: 'status', status: 503, count: 100, provider: 'buena', method: 'GET' });
		const result = await runWait(sandbox, { checkOnce: true, timeout: 1 }, itemsFor([voiceId]));
		expect(clock.elapsed()).toBe(0);
		expect((result.error as NodeApiError).httpCode).toBe('503');
		expect(listCalls(sandbox)).toHaveLength(1);
	});
});

describe('Wait for Training numbers are checked before anything is sent', () => {
	it.each([
		[{ pollInterval: '={{ "often" }}' }, 'Poll Interval (Seconds) must be a number from 0.1 to 3600 (got "often")'],
		[{ pollInterval: 0 }, 'Poll Interval (Seconds) must be a number from 0.1 to 3600 (got 0)'],
		[{ timeout: '={{ "soon" }}' }, 'Timeout (Minutes) must be a number from 0.01 to 10080 (got "soon")'],
		[{ timeout: -1 }, 'Timeout (Minutes) must be a number from 0.01 to 10080 (got -1)'],
	])('%j', async (parameters, message) => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Ready' });
		const result = await runWait(sandbox, parameters, itemsFor([voiceId]));
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(message);
		expect(sandbox.log()).toEqual([]);
	});
});
