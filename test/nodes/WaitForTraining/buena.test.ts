import { NodeOperationError } from 'n8n-workflow';

import { pairedItems } from '../../helpers/n8nRunner';
import { VirtualClock } from '../../helpers/virtualClock';
import { FAIL_TRAINING_MESSAGE, type Sandbox } from '../../sandbox';
import { itemsFor, listCalls, runWait, startWaitSandbox } from './helpers';

/**
 * On a virtual clock (test/helpers/virtualClock.ts): the node, n8n and the sandbox's training and
 * rate limits share one clock that moves only while the node waits, so every time below is exact.
 */
let sandbox: Sandbox;
let clock: VirtualClock;

beforeAll(async () => {
	sandbox = await startWaitSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	clock = VirtualClock.install();
	sandbox.reset();
	sandbox.configure({ trainingMs: 1_000, rateLimit: { limit: 100_000, windowMs: 60_000 } });
});
afterEach(() => clock.uninstall());

const processing = (name = 'Sales Voice') => sandbox.seedVoice('buena', { name, status: 'processing' });
/** When each list call was made, in ms since `since`. */
const callTimes = (calls: ReturnType<typeof listCalls>, since = clock.startedAt) => calls.map((call) => call.at - since);
const gapsBetween = (calls: ReturnType<typeof listCalls>) => calls.slice(1).map((call, index) => call.at - calls[index].at);

describe('Wait for Training, Buena AI', () => {
	it('waits while the progress rises and outputs the voice once it is ready', async () => {
		sandbox.configure({ trainingMs: 1_500 });
		const voiceId = processing();
		const readyAt = clock.now() + 1_500;

		// Check Once shows the training moving...
		const early = await runWait(sandbox, { checkOnce: true }, itemsFor([voiceId]));
		await clock.sleep(400);
		const later = await runWait(sandbox, { checkOnce: true }, itemsFor([voiceId]));
		const [earlyProgress, laterProgress] = [early, later].map((run) => run.outputs[0][0].json.trainingProgress as number);
		expect(early.outputs[0][0].json.status).toBe('processing');
		expect(later.outputs[0][0].json.status).toBe('processing');
		expect(laterProgress).toBeGreaterThan(earlyProgress);
		expect(laterProgress).toBeLessThan(100);

		// ...and waiting returns it ready.
		sandbox.clearLog();
		const waitStarted = clock.now();
		const result = await runWait(sandbox, {}, [{ json: { voiceId, campaign: 'spring' } }]);
		expect(result.error).toBeUndefined();
		expect(result.outputs).toHaveLength(1);
		const [item] = result.outputs[0];
		expect(item.json).toMatchObject({
			campaign: 'spring',
			voiceId,
			status: 'ready',
			trainingProgress: 100,
			voice: { voiceId, name: 'Sales Voice', status: 'ready', training_progress: 100, isActive: true },
		});
		// Noticed by the round at which it became ready (rounds every 0.1 s from 0.4 s on, ready at 1.5 s).
		expect(item.json.checkedAt).toBe(new Date(readyAt).toISOString());
		expect(item.json.waitedSeconds).toBe(1.1);
		expect(pairedItems(item)).toEqual([{ item: 0 }]);
		// One list call per round, one round per 0.1 s.
		const calls = listCalls(sandbox);
		expect(callTimes(calls, waitStarted)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000, 1_100]);
		expect(calls.every((call) => call.status === 200 && call.query.offset === '0')).toBe(true);
	});

	it('outputs a voice that is ready already after one request', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Done' });
		const result = await runWait(sandbox, {}, itemsFor([voiceId]));
		expect(result.outputs[0][0].json).toMatchObject({ voiceId, status: 'ready', trainingProgress: 100 });
		expect(listCalls(sandbox)).toHaveLength(1);
	});

	it("fails an item whose training fails with the provider's error_message", async () => {
		const failing = processing('Noisy [fail-training]');
		const result = await runWait(sandbox, {}, itemsFor([failing]));
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toContain(FAIL_TRAINING_MESSAGE);
		expect(result.error?.message).toContain(failing);
		// It fails at half the training time: noticed by the round at 0.5 s.
		expect(clock.elapsed()).toBe(500);
	});

	it('sends a failed training to the error output with its pairedItem while the other items go on', async () => {
		const failing = processing('Noisy [fail-training]');
		const fine = processing('Clean');
		const result = await runWait(sandbox, {}, itemsFor([fine, failing]), { onError: 'continueErrorOutput' });
		expect(result.error).toBeUndefined();
		const [success, errors] = result.outputs;
		expect(success).toHaveLength(1);
		expect(success[0].json).toMatchObject({ voiceId: fine, status: 'ready' });
		expect(pairedItems(success[0])).toEqual([{ item: 0 }]);
		expect(errors).toHaveLength(1);
		// n8n merges the input item's JSON into an error-output item.
		expect(errors[0].json).toEqual({
			voiceId: failing,
			error: {
				message: `Training of voice "${failing}" failed at Buena AI: ${FAIL_TRAINING_MESSAGE}`,
				description: expect.any(String),
				httpCode: null,
				code: null,
			},
		});
		expect(pairedItems(errors[0])).toEqual([{ item: 1 }]);
	});

	it('fails an item past its timeout, saying how long it waited and the last progress seen', async () => {
		sandbox.configure({ trainingMs: 60_000 });
		const slow = processing('Slow');
		const done = sandbox.seedVoice('buena', { name: 'Done' });
		const result = await runWait(sandbox, { timeout: 0.01 }, itemsFor([slow, done]), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		const [timedOut, ready] = result.outputs[0];
		expect(ready.json).toMatchObject({ voiceId: done, status: 'ready' });
		expect(timedOut.json).toMatchObject({
			voiceId: slow,
			status: 'processing',
			error: {
				message: expect.stringMatching(
					new RegExp(`^Voice "${slow}" was not ready after waiting 0\\.6 s \\(timeout 0\\.6 s; last progress seen [01]%\\)$`),
				),
				description: expect.stringContaining('Check Once'),
				httpCode: null,
				code: null,
			},
		});
		expect(pairedItems(timedOut)).toEqual([{ item: 0 }]);
		// It gave up at the timeout, with a last check there, not a round later.
		expect(clock.elapsed()).toBe(600);
		expect(callTimes(listCalls(sandbox)).at(-1)).toBe(600);
	});

	it('fails a voice that is not in the list at once instead of waiting for it', async () => {
		processing('Other');
		const result = await runWait(sandbox, { timeout: 1 }, itemsFor(['NoSuchVoice0000000000']));
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Buena AI has no voice "NoSuchVoice0000000000" (voice not found)');
		expect(listCalls(sandbox)).toHaveLength(1);
	});

	it('fails an item without a voice ID and waits for the others', async () => {
		const voiceId = processing();
		const result = await runWait(sandbox, {}, [{ json: { voiceId } }, { json: { voiceId: '  ' } }, { json: {} }], {
			continueOnFail: true,
		});
		const [ready, blank, missing] = result.outputs[0];
		expect(ready.json).toMatchObject({ voiceId, status: 'ready' });
		for (const [item, index] of [[blank, 1], [missing, 2]] as const) {
			expect(item.json).toMatchObject({ error: { message: 'No voice ID to wait for', httpCode: null } });
			expect(pairedItems(item)).toEqual([{ item: index }]);
		}
	});

	it('waits on 50 clones with one list request per round', async () => {
		sandbox.configure({ trainingMs: 1_500 });
		const voiceIds = Array.from({ length: 50 }, (_, index) => processing(`Voice ${index}`));
		const result = await runWait(sandbox, { pollInterval: 0.2 }, itemsFor(voiceIds));
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((item) => item.json.voiceId)).toEqual(voiceIds);
		expect(result.outputs[0].every((item) => item.json.status === 'ready')).toBe(true);
		const calls = listCalls(sandbox);
		// 1.5 s of training at one round per 0.2 s: 9 rounds, each one request (one page), spaced by
		// the interval, not sent in bursts.
		expect(callTimes(calls)).toEqual([0, 200, 400, 600, 800, 1_000, 1_200, 1_400, 1_600]);
		expect(calls.every((call) => call.query.offset === '0' && call.query.limit === '100')).toBe(true);
	});

	it('reads every page each round when the account has more than 100 clones', async () => {
		sandbox.configure({ trainingMs: 800 });
		const voiceIds = Array.from({ length: 120 }, (_, index) => processing(`Voice ${index}`));
		const result = await runWait(sandbox, { pollInterval: 0.2 }, itemsFor([voiceIds[5], voiceIds[110]]));
		expect(result.outputs[0].map((item) => item.json.status)).toEqual(['ready', 'ready']);
		const calls = listCalls(sandbox);
		const firstPages = calls.filter((call) => call.query.offset === '0');
		const secondPages = calls.filter((call) => call.query.offset === '100');
		expect(firstPages.length).toBeGreaterThanOrEqual(3);
		expect(secondPages).toHaveLength(firstPages.length);
		expect(calls).toHaveLength(2 * firstPages.length);
	});

	it('backs off while a training shows no progress, and still notices it within the cap', async () => {
		sandbox.configure({ trainingMs: 3_600_000 }); // progress stays at 0% for 36 s
		const voiceId = processing();
		void clock.sleep(2_000).then(() => sandbox.markReady(voiceId));
		const result = await runWait(sandbox, {}, itemsFor([voiceId]));
		const [item] = result.outputs[0];
		expect(item.json.status).toBe('ready');
		const calls = listCalls(sandbox);
		// 0.1 s while it could be news, then 1.5× per quiet round up to 4× the interval.
		expect(gapsBetween(calls)).toEqual([100, 100, 100, 150, 225, 338, 400, 400, 400]);
		// 2.2 s of waiting cost 10 requests instead of 22, and detection stayed within the cap.
		const readyAt = Date.parse((item.json.voice as { updatedAt: string }).updatedAt);
		expect(readyAt).toBe(clock.startedAt + 2_000);
		expect(Date.parse(item.json.checkedAt as string) - readyAt).toBe(213);
	});

	it('slows down for rate limits instead of failing', async () => {
		const voiceId = processing();
		sandbox.injectFault({ mode: 'rateLimit', headers: false, retryAfterSeconds: 1, provider: 'buena', count: 2 });
		const result = await runWait(sandbox, {}, itemsFor([voiceId]));
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json.status).toBe('ready');
		const calls = listCalls(sandbox);
		expect(calls.map((call) => call.status)).toEqual([429, 429, 200]);
		// Each 429 asked for 1 s (body retryAfter), and got exactly that.
		expect(gapsBetween(calls)).toEqual([1_000, 1_000]);
	});

	it('keeps to the rate limit of the real limiter (3 requests per second here), waiting no longer than it must', async () => {
		// 2.5 s of training: the node polls across three or four 1 s windows of the limiter.
		sandbox.configure({ trainingMs: 2_500, rateLimit: { limit: 3, windowMs: 1_000 } });
		// A key of its own, so the process-wide pacer of the demo key, which earlier tests taught a
		// 60 s window, does not apply (see the it.failing case in ratePacer.test.ts).
		const key = 'bna_rate_limit_windows_test';
		sandbox.addKey('buena', key);
		const voiceId = sandbox.seedVoice('buena', { name: 'Sales Voice', status: 'processing', key });
		const result = await runWait(sandbox, { timeout: 10 / 60 }, itemsFor([voiceId]), {
			credentials: { buenaApi: { apiKey: key, baseUrl: sandbox.buenaBaseUrl } },
		});
		expect(result.error).toBeUndefined();
		const [item] = result.outputs[0];
		expect(item.json.status).toBe('ready');
		const calls = listCalls(sandbox);
		// Polling every 0.1 s would be ~10 requests per second: the node slowed down to the limit
		// (paced by the X-RateLimit-* headers) instead of failing, and was never refused.
		expect(calls.every((call) => call.status === 200)).toBe(true);
		// And it did not wait longer than the limit asks: in each 1 s window it uses its 3 requests
		// (0.1 s apart; the first of a window 25 ms after the last's answer says the window is new)
		// and then waits for that window to end, not for the whole-second X-RateLimit-Reset after it.
		expect(callTimes(calls)).toEqual([0, 100, 200, 1_000, 1_025, 1_125, 2_000, 2_025, 2_125, 3_000]);
		// So the voice, ready at 2.5 s, was seen by the first request of the next window.
		const readyAt = Date.parse((item.json.voice as { updatedAt: string }).updatedAt);
		expect(readyAt).toBe(clock.startedAt + 2_500);
		expect(Date.parse(item.json.checkedAt as string)).toBe(clock.startedAt + 3_000);
	});

	it('retries 5xx answers and dropped connections while time remains', async () => {
		const voiceId = processing();
		sandbox.injectFault({ mode: 'status', status: 503, provider: 'buena', count: 3 });
		sandbox.injectFault({ mode: 'reset', provider: 'buena', count: 1 });
		sandbox.injectFault({ mode: 'status', status: 500, provider: 'buena', count: 1 });
		sandbox.injectFault({ mode: 'html', status: 502, provider: 'buena', count: 1 });
		const result = await runWait(sandbox, {}, itemsFor([voiceId]));
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json.status).toBe('ready');
		expect(listCalls(sandbox).filter((call) => call.fault).map((call) => call.fault)).toEqual([
			'status',
			'status',
			'status',
			'reset',
			'status',
			'html',
		]);
	});

	it('asks again after a success answer whose body is not JSON instead of reporting the voice missing', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Done' });
		sandbox.injectFault({ mode: 'brokenJson', status: 200, provider: 'buena', count: 1 });
		sandbox.injectFault({ mode: 'html', status: 200, provider: 'buena', count: 1 });
		const result = await runWait(sandbox, {}, itemsFor([voiceId]));
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toMatchObject({ voiceId, status: 'ready' });
		expect(listCalls(sandbox).map((call) => call.fault ?? call.status)).toEqual(['brokenJson', 'html', 200]);
	});

	it('keeps retrying a provider that stays down and reports its error when the time is up', async () => {
		const voiceId = processing();
		sandbox.injectFault({ mode: 'status', status: 503, provider: 'buena', count: 1_000 });
		const result = await runWait(sandbox, { timeout: 0.02 }, itemsFor([voiceId]), { continueOnFail: true });
		const [item] = result.outputs[0];
		expect(item.json).toMatchObject({ voiceId, status: null, error: { httpCode: null } });
		expect(item.json.error).toMatchObject({
			message: `Voice "${voiceId}" was not ready after waiting 1.2 s (timeout 1.2 s; no status received; the last check failed: Buena AI: Service temporarily unavailable [SERVICE_UNAVAILABLE])`,
		});
		// Retried until the timeout, with a last check there, and not a moment longer.
		expect(listCalls(sandbox).length).toBeGreaterThan(3);
		expect(callTimes(listCalls(sandbox)).at(-1)).toBe(1_200);
		expect(clock.elapsed()).toBe(1_200);
	});

	it('names the network failure of a provider that drops every connection, in its own words', async () => {
		const voiceId = processing();
		sandbox.injectFault({ mode: 'reset', provider: 'buena', count: 1_000 });
		const result = await runWait(sandbox, { timeout: 0.02 }, itemsFor([voiceId]), { continueOnFail: true });
		const [item] = result.outputs[0];
		expect(item.json.error).toHaveProperty(
			'message',
			expect.stringMatching(new RegExp(`^Voice "${voiceId}" was not ready after waiting 1\\.2 s \\(timeout 1\\.2 s; no status received; the last check failed: Buena AI: The connection was closed before the server answered( \\(\\d+ attempts\\))?\\)$`)),
		);
		expect(listCalls(sandbox).length).toBeGreaterThan(3);
	});

	it('fails at once on an answer that retrying cannot change (401)', async () => {
		const voiceId = processing();
		const result = await runWait(sandbox, { timeout: 1 }, itemsFor([voiceId, voiceId]), {
			credentials: { buenaApi: { apiKey: 'bna_wrong_key', baseUrl: sandbox.buenaBaseUrl } },
			continueOnFail: true,
		});
		// No wait at all: not a retry, not a second round.
		expect(clock.elapsed()).toBe(0);
		expect(result.outputs[0]).toHaveLength(2);
		for (const [index, item] of result.outputs[0].entries()) {
			expect(item.json).toMatchObject({
				voiceId,
				error: { message: 'Buena AI: Invalid API key [UNAUTHORIZED]', httpCode: 401, code: 'UNAUTHORIZED' },
			});
			expect(pairedItems(item)).toEqual([{ item: index }]);
		}
		expect(listCalls(sandbox)).toHaveLength(1);
	});

	it('stops polling at once when the execution is cancelled during the wait between rounds', async () => {
		sandbox.configure({ trainingMs: 60_000 });
		const voiceId = processing();
		const result = await runWait(sandbox, { pollInterval: 5, timeout: 1 }, itemsFor([voiceId]), {
			cancelWhen: async () => await clock.sleep(300),
		});
		expect(result.status).toBe('canceled');
		// It ended at the cancel, 4.7 s before its next round was due.
		expect(clock.elapsed()).toBe(300);
		await clock.sleep(10_000);
		expect(callTimes(listCalls(sandbox))).toEqual([0]);
	});

	it('stops at once when cancelled while a rate limit asks it to wait', async () => {
		const voiceId = processing();
		sandbox.injectFault({ mode: 'rateLimit', headers: true, retryAfterSeconds: 30, provider: 'buena', count: 5 });
		const result = await runWait(sandbox, { timeout: 1 }, itemsFor([voiceId]), { cancelWhen: async () => await clock.sleep(300) });
		expect(result.status).toBe('canceled');
		expect(clock.elapsed()).toBe(300);
		expect(listCalls(sandbox).map((call) => call.status)).toEqual([429]);
	});
});
