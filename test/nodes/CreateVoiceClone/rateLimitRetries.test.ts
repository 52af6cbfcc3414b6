/**
 * A rate limit that says when to come back is waited out within the Upload Timeout without
 * spending Max Retries: with two workers on one key, an item can be refused window after window
 * (the other worker fills each new window first), and counting those refusals made items fail by
 * rate limiting although their timeout had room. Other failures still spend Max Retries.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { makeWav } from '../../helpers/wav';
import { VirtualClock } from '../../helpers/virtualClock';
import { createRequests, runCreate } from './helpers';

let sandbox: Sandbox;
let clock: VirtualClock;
beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 60_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	sandbox.reset();
	sandbox.configure({ rateLimit: { limit: 1000, windowMs: 60_000 }, buenaMaxClones: 5 });
	clock = VirtualClock.install();
});
afterEach(() => clock.uninstall());

const oneLead = [{ json: {}, binary: { data: { data: makeWav({ seconds: 2 }), fileName: 'lead.wav' } } }];
const uploadsAnswered = () => createRequests(sandbox, 'buena').map((entry) => entry.status);

describe('rate limits and Max Retries', () => {
	it('waits out more rate-limit refusals than Max Retries when each says how long to wait', async () => {
		sandbox.injectFault({ mode: 'rateLimit', headers: true, retryAfterSeconds: 2, provider: 'buena', method: 'POST', count: 4 });
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Patient', options: { maxRetries: 1, timeout: 60 } }, oneLead);
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toMatchObject({ name: 'Patient', voiceId: expect.any(String) });
		expect(uploadsAnswered()).toEqual([429, 429, 429, 429, 201]);
		// Each refusal's wait was honoured: the next attempt came 2 s later (the X-RateLimit-Reset the
		// refusal also sent is in whole seconds, so up to a second more).
		const times = createRequests(sandbox, 'buena').map((entry) => entry.at);
		for (let index = 1; index < times.length; index++) {
			expect(times[index] - times[index - 1]).toBeGreaterThanOrEqual(2_000);
			expect(times[index] - times[index - 1]).toBeLessThan(3_000);
		}
	});

	it('still fails at the Upload Timeout when the refusals outlast it, having waited only within it', async () => {
		sandbox.injectFault({ mode: 'rateLimit', headers: true, retryAfterSeconds: 2, provider: 'buena', method: 'POST', count: 100 });
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: 'Impatient', options: { maxRetries: 1, timeout: 7 } },
			oneLead,
			{ continueOnFail: true },
		);
		expect(result.outputs[0][0].json.error).toMatchObject({ httpCode: 429, code: 'RATE_LIMIT_EXCEEDED' });
		expect(uploadsAnswered()).toEqual([429, 429, 429, 429]);
		expect(clock.elapsed()).toBeLessThanOrEqual(7_000);
	});

	it('spends Max Retries on failures that do not say how long to wait', async () => {
		sandbox.injectFault({ mode: 'status', status: 503, provider: 'buena', method: 'POST', count: 4 });
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: 'Unlucky', options: { maxRetries: 1, timeout: 60 } },
			oneLead,
			{ continueOnFail: true },
		);
		expect(result.outputs[0][0].json.error).toMatchObject({ httpCode: 503 });
		expect(uploadsAnswered()).toEqual([503, 503]);
	});
});
