/**
 * Every Voice Clone operation runs each item within its Timeout (Options), retries and rate-limit
 * waits included: a provider that takes the request and never answers fails the item when the
 * Timeout passes, with an error that names the operation, the voice and the limit.
 */
import type { NodeApiError } from 'n8n-workflow';

import { pairedItems } from '../../helpers/n8nRunner';
import type { Sandbox } from '../../sandbox';
import { byId, runVoiceClone, startVoiceSandbox } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startVoiceSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

type Provider = 'buena' | 'bland';

interface Case {
	operation: string;
	parameters: Record<string, unknown>;
	/** The request that hangs (a substring of its path) and its method. */
	method: string;
	path: (voiceId: string) => string;
	subject: (voiceId: string) => string;
}

const CASES: Record<Provider, Case[]> = {
	buena: [
		{ operation: 'get', parameters: {}, method: 'GET', path: () => '/voice-clones', subject: (id) => `Get voice "${id}"` },
		{ operation: 'getAll', parameters: { returnAll: true }, method: 'GET', path: () => '/voice-clones', subject: () => 'Get Many voices' },
		{ operation: 'update', parameters: { updateFields: { name: 'Renamed' } }, method: 'PUT', path: (id) => `/voice-clones/${id}`, subject: (id) => `Update voice "${id}"` },
		{ operation: 'delete', parameters: {}, method: 'DELETE', path: (id) => `/voice-clones/${id}`, subject: (id) => `Delete voice "${id}"` },
		{ operation: 'speak', parameters: { text: 'Hello' }, method: 'POST', path: () => '/voice-clones/preview', subject: (id) => `Speak with voice "${id}"` },
	],
	bland: [
		{ operation: 'get', parameters: {}, method: 'GET', path: (id) => `/v1/voices/${id}`, subject: (id) => `Get voice "${id}"` },
		{ operation: 'getAll', parameters: { returnAll: true }, method: 'GET', path: () => '/v1/voices', subject: () => 'Get Many voices' },
		{ operation: 'update', parameters: { updateFields: { name: 'Renamed' } }, method: 'GET', path: (id) => `/v1/voices/${id}`, subject: (id) => `Update voice "${id}"` },
		{ operation: 'delete', parameters: {}, method: 'DELETE', path: (id) => `/v1/voices/${id}`, subject: (id) => `Delete voice "${id}"` },
		{ operation: 'speak', parameters: { text: 'Hello' }, method: 'POST', path: () => '/v1/speak', subject: (id) => `Speak with voice "${id}"` },
	],
};

const NAMES: Record<Provider, string> = { buena: 'Buena AI', bland: 'Bland AI' };

describe.each(['buena', 'bland'] as const)('%s: a provider that never answers', (provider) => {
	it.each(CASES[provider].map((entry) => [entry.operation, entry] as const))(
		'%s fails its item when its Timeout passes, naming the operation, the voice and the limit; the next item still runs',
		async (_operation, entry) => {
			const voiceId = sandbox.seedVoice(provider, { name: 'Lead' });
			const other = sandbox.seedVoice(provider, { name: 'Other' });
			sandbox.injectFault({ mode: 'hang', provider, method: entry.method, pathIncludes: entry.path(voiceId) });
			const result = await runVoiceClone(
				sandbox,
				{ provider, operation: entry.operation, voiceId: byId('={{ $json.id }}'), ...entry.parameters, options: { timeout: 1 } },
				[{ json: { id: voiceId } }, { json: { id: other } }],
				{ continueOnFail: true },
			);
			// The Timeout (+ the slack the issue allows) bounds the hanging item; the other needs little.
			expect(result.durationMs).toBeLessThan(1_000 + 5_000);
			const [failed, ...rest] = result.outputs[0];
			const charged = entry.operation === 'speak' ? '. It may have been processed and charged, so it was not sent again (it is not charged twice)' : '';
			expect(failed.json.error).toMatchObject({
				message: `${entry.subject(voiceId)} did not finish within its 1 s timeout: ${NAMES[provider]} did not answer${charged}`,
				description: expect.stringContaining('Timeout (under Options) limits each item to 1 s, retries and waits for rate limits included.'),
			});
			expect(pairedItems(failed)).toEqual([{ item: 0 }]);
			expect(rest.length).toBeGreaterThan(0);
			for (const item of rest) {
				expect(item.json.error).toBeUndefined();
				expect(pairedItems(item)).toEqual([{ item: 1 }]);
			}
			const hung = sandbox.log().filter((entry) => entry.fault === 'hang');
			expect(hung).toHaveLength(1);
		},
		15_000,
	);
});

describe('The Timeout covers retries and rate-limit waits', () => {
	it('a provider that keeps answering 503: the retries stop at the Timeout, and the error says what the provider last said', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead' });
		sandbox.injectFault({ mode: 'status', status: 503, provider: 'buena', method: 'GET', count: 100 });
		const result = await runVoiceClone(sandbox, { operation: 'get', voiceId: byId(voiceId), options: { timeout: 2 } });
		const error = result.error as NodeApiError;
		expect(error.message).toMatch(
			new RegExp(`^Get voice "${voiceId}" did not finish within its 2 s timeout: Buena AI: Service temporarily unavailable \\[SERVICE_UNAVAILABLE\\]; asking again meant waiting [1-3] s$`),
		);
		expect(error.httpCode).toBe('503');
		expect(result.durationMs).toBeLessThan(2_000 + 5_000);
		// Backoff 1 s, then 2 s: the third attempt would start after the Timeout and is not sent.
		expect(sandbox.log().length).toBeLessThanOrEqual(2);
	});

	it('a rate limit that lasts longer than the Timeout fails the item at once, before sending again', async () => {
		const voiceId = sandbox.seedVoice('bland', { name: 'Lead' });
		sandbox.injectFault({ mode: 'rateLimit', provider: 'bland', headers: true, retryAfterSeconds: 30 });
		const result = await runVoiceClone(sandbox, { provider: 'bland', operation: 'get', voiceId: byId(voiceId), options: { timeout: 5 } });
		expect((result.error as NodeApiError).httpCode).toBe('429');
		// 30 s as Retry-After says, or up to a second more as X-RateLimit-Reset (whole seconds) says.
		expect(result.error?.message).toMatch(
			new RegExp(`^Get voice "${voiceId}" did not finish within its 5 s timeout: Bland AI: Too many requests. Please slow down. \\[Rate Limit Error\\]; asking again meant waiting 3[01] s$`),
		);
		expect(result.durationMs).toBeLessThan(5_000);
		expect(sandbox.log()).toHaveLength(1);
	});
});

describe('The Timeout option is checked like every number', () => {
	it.each([['soon'], [0], [3_601]])('%p fails the item before anything is sent', async (timeout) => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead' });
		const result = await runVoiceClone(sandbox, { operation: 'get', voiceId: byId(voiceId), options: { timeout } });
		expect(result.error?.message).toBe(`Timeout (Seconds) must be a number from 1 to 3600 (got ${JSON.stringify(timeout)})`);
		expect((result.error as NodeApiError | undefined)?.description).toBe('Set Timeout (Seconds) under Options to a number from 1 to 3600. Nothing was sent.');
		expect(sandbox.log()).toEqual([]);
	});

	it('"30" from an expression is 30 seconds', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead' });
		const result = await runVoiceClone(sandbox, { operation: 'get', voiceId: byId(voiceId), options: { timeout: '={{ "30" }}' } });
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json.voiceId).toBe(voiceId);
	});
});
