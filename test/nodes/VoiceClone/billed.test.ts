/**
 * Speech is billed per request the provider processes. A Speak is sent again only where the
 * provider cannot have processed it (connection refused, 429, 503); after a lost answer or a
 * server failure once the request was sent, the item fails, saying it may have been charged.
 */
import { createServer } from 'node:net';

import type { NodeApiError } from 'n8n-workflow';

import { VoiceClone } from '../../../nodes/VoiceClone/VoiceClone.node';
import { runNode } from '../../helpers/n8nRunner';
import { startSandbox, type FaultSpec, type Sandbox } from '../../sandbox';
import { byId, runVoiceClone, startVoiceSandbox } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startVoiceSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

type Provider = 'buena' | 'bland';
const SPEAK_PATH: Record<Provider, string> = { buena: '/voice-clones/preview', bland: '/v1/speak' };
const NAME: Record<Provider, string> = { buena: 'Buena AI', bland: 'Bland AI' };
const CHARGED = 'It may have been processed and charged, so it was not sent again (it is not charged twice)';

const speakRequests = (provider: Provider) => sandbox.log().filter((entry) => entry.path.endsWith(SPEAK_PATH[provider]));

async function speakOnce(provider: Provider, fault: FaultSpec, timeout = 30) {
	const voiceId = sandbox.seedVoice(provider, { name: 'Lead' });
	sandbox.injectFault({ provider, pathIncludes: SPEAK_PATH[provider], ...fault } as FaultSpec);
	const result = await runVoiceClone(sandbox, { provider, operation: 'speak', voiceId: byId(voiceId), text: 'Hello there', options: { timeout } });
	return { voiceId, result };
}

describe.each(['buena', 'bland'] as const)('%s: Speak where the provider may have processed the request', (provider) => {
	it.each<[string, FaultSpec, string | undefined]>([
		['a 502 after the request was processed', { mode: 'status', status: 502, afterBody: true }, '502'],
		['a 500 (the server failed while handling it)', { mode: 'status', status: 500 }, '500'],
		['a connection reset after the request was processed', { mode: 'reset', afterBody: true }, undefined],
		['an HTML 504 page from a proxy', { mode: 'html', status: 504 }, '504'],
	])('%s: exactly one request, and an error that says it may have been charged', async (_label, fault, httpCode) => {
		const { result } = await speakOnce(provider, fault);
		const error = result.error as NodeApiError;
		expect(error.message.startsWith(`${NAME[provider]}: `)).toBe(true);
		expect(error.message.endsWith(`. ${CHARGED}`)).toBe(true);
		expect(error.description).toContain(`${NAME[provider]} received the request, and whether it processed it is unknown. Requests it processes are charged.`);
		expect(error.httpCode ?? undefined).toBe(httpCode);
		expect(error.context.itemIndex).toBe(0);
		expect(speakRequests(provider)).toHaveLength(1);
	});

	it('no answer before the Timeout: one request, the Timeout error says it may have been charged', async () => {
		const { voiceId, result } = await speakOnce(provider, { mode: 'hang' }, 1);
		expect(result.error?.message).toBe(`Speak with voice "${voiceId}" did not finish within its 1 s timeout: ${NAME[provider]} did not answer. ${CHARGED}`);
		expect(speakRequests(provider)).toHaveLength(1);
	});

	it('a refusal (4xx) is not charged: the provider\'s error as it is, sent once', async () => {
		const { result } = await speakOnce(provider, {
			mode: 'json',
			status: 400,
			body: provider === 'buena'
				? { error: true, code: 'VALIDATION_ERROR', message: 'Invalid text', version: '2.0', details: {} }
				: { status: 400, data: null, errors: [{ error: 'Validation Error', message: 'Invalid text' }] },
		});
		const error = result.error as NodeApiError;
		expect(error.httpCode).toBe('400');
		expect(error.message).not.toContain('charged');
		expect(speakRequests(provider)).toHaveLength(1);
	});
});

describe.each(['buena', 'bland'] as const)('%s: Speak where the provider cannot have processed the request', (provider) => {
	it.each<[string, FaultSpec]>([
		['a 503 (the service did not take it on)', { mode: 'status', status: 503 }],
		['a 429 rate limit', { mode: 'rateLimit', headers: true, retryAfterSeconds: 1 }],
	])('%s is sent again, and the item gets its audio', async (_label, fault) => {
		const { voiceId, result } = await speakOnce(provider, fault);
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toMatchObject({ provider, voiceId, bytes: expect.any(Number) });
		expect(result.binaries[0][0].data.length).toBe(result.outputs[0][0].json.bytes);
		expect(speakRequests(provider).map((entry) => entry.fault ?? 'answered')).toEqual([fault.mode, 'answered']);
	});
});

describe('Speak: a refused connection', () => {
	/** A port nobody listens on (yet). */
	async function freePort(): Promise<number> {
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as { port: number };
		await new Promise<void>((resolve) => server.close(() => resolve()));
		return port;
	}

	it('is sent again: nothing reached the provider; the retry, once it listens, gets the audio', async () => {
		const port = await freePort();
		const voiceId = 'Lead0000000000000000';
		// The provider comes up during the first backoff (at least 750 ms).
		let late: Sandbox | undefined;
		const starting = new Promise<void>((resolve, reject) => {
			setTimeout(() => {
				startSandbox({ port, trainingMs: 1_000 })
					.then((started) => {
						late = started;
						started.seedVoice('buena', { name: 'Lead', id: voiceId });
						resolve();
					})
					.catch(reject);
			}, 200);
		});
		try {
			const result = await runNode({
				nodeType: new VoiceClone(),
				parameters: { provider: 'buena', operation: 'speak', voiceId: byId(voiceId), text: 'Hello', options: { timeout: 30 } },
				credentials: { buenaApi: { apiKey: sandbox.keys.buena, baseUrl: `http://127.0.0.1:${port}/buena/api/v2` } },
			});
			await starting;
			expect(result.error).toBeUndefined();
			expect(result.outputs[0][0].json).toMatchObject({ voiceId, fileName: 'preview.mp3' });
			expect(late?.log().filter((entry) => entry.path.endsWith('/voice-clones/preview'))).toHaveLength(1);
		} finally {
			await starting.catch(() => undefined);
			await late?.close();
		}
	});
});

describe('Reads stay safe to repeat', () => {
	it('Get after a 502 is asked again (a read costs nothing)', async () => {
		const voiceId = sandbox.seedVoice('bland', { name: 'Lead' });
		sandbox.injectFault({ mode: 'status', status: 502, provider: 'bland', afterBody: true });
		const result = await runVoiceClone(sandbox, { provider: 'bland', operation: 'get', voiceId: byId(voiceId) });
		expect(result.error).toBeUndefined();
		expect(sandbox.log().map((entry) => entry.fault ?? 'answered')).toEqual(['status', 'answered']);
	});
});
