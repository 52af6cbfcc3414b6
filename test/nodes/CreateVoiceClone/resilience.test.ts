import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { startSandbox, type FaultSpec, type Sandbox } from '../../sandbox';
import { makeWav } from '../../helpers/wav';
import { recordClientRequestErrors, until } from '../../helpers/clientRequestErrors';
import type { RunnerInputItem } from '../../helpers/n8nRunner';
import { apiRequests, createRequests, runCreate } from './helpers';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 5_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

const sample = (seconds = 2): RunnerInputItem => ({
	json: {},
	binary: { data: { data: makeWav({ seconds }), fileName: 'sample.wav', mimeType: 'audio/wav' } },
});

async function listBuenaClones(): Promise<Array<{ voiceId: string; name: string }>> {
	const response = await fetch(`${sandbox.buenaBaseUrl}/voice-clones?limit=100`, {
		headers: { 'x-api-key': sandbox.keys.buena },
	});
	return ((await response.json()) as { data: Array<{ voiceId: string; name: string }> }).data;
}

async function listBlandVoices(): Promise<Array<{ id: string; name: string }>> {
	const response = await fetch(`${sandbox.blandBaseUrl}/v1/voices`, { headers: { authorization: sandbox.keys.bland } });
	return ((await response.json()) as { voices: Array<{ id: string; name: string }> }).voices;
}

describe('checks that need the API, before the upload', () => {
	it('stops at Buena\'s 5-clone quota, saying how many exist, without uploading', async () => {
		for (let index = 0; index < 5; index++) sandbox.seedVoice('buena', { name: `Existing ${index}` });
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Sixth' }, [sample()]);
		const error = result.error as NodeOperationError;
		expect(error.message).toBe('Buena AI allows 5 voice clones per account and yours already has 5, so "Sixth" was not created');
		expect(error.description).toContain('No audio was uploaded');
		expect(createRequests(sandbox, 'buena')).toEqual([]);
		expect(apiRequests(sandbox, 'buena').map((entry) => `${entry.method} ${entry.query.limit}`)).toEqual(['GET 100']);
	});

	it('stops when the Bland name is taken, ignoring case, without uploading', async () => {
		sandbox.seedVoice('bland', { name: 'Blandie' });
		const result = await runCreate(sandbox, { provider: 'bland', name: 'BLANDIE' }, [sample()]);
		expect(result.error?.message).toBe('The voice name "BLANDIE" is already taken in this Bland AI account');
		expect(createRequests(sandbox, 'bland')).toEqual([]);
	});
});

describe('provider errors become NodeApiErrors that keep the HTTP code', () => {
	it.each([
		['buena', 401, /^Buena AI: .+ \[UNAUTHORIZED\]$/],
		['bland', 401, /^Bland AI: Invalid token \[Authentication Error\]$/],
	] as const)('%s with a wrong key answers %i', async (provider, status, message) => {
		const result = await runCreate(sandbox, { provider, name: 'Wrong Key' }, [sample()], {
			credentials: {
				buenaApi: { apiKey: 'bna_wrong_key_123', baseUrl: sandbox.buenaBaseUrl },
				blandApi: { apiKey: 'sk-wrong-key-123', baseUrl: sandbox.blandBaseUrl },
			},
		});
		const error = result.error as NodeApiError;
		expect(error.constructor.name).toBe('NodeApiError');
		expect(error.httpCode).toBe(String(status));
		expect(error.message).toMatch(message);
		expect(JSON.stringify(error)).not.toMatch(/wrong_key_123|wrong-key-123/);
		expect(createRequests(sandbox, provider)).toEqual([]);
	});

	it('reports a Bland server-side validation error with the seed\'s own words', async () => {
		// Our checks pass (the name was free in the account's list, the 12 s sample is within Bland's
		// limits), but the name is taken between the list and the upload, so only Bland's own
		// validation can refuse it: the error must carry the seed's words, not a generic failure.
		const run = runCreate(sandbox, { provider: 'bland', name: 'Race Voice' }, [sample(12)]);
		const checked = () =>
			apiRequests(sandbox, 'bland').some((entry) => entry.method === 'GET' && entry.path.endsWith('/v1/voices') && entry.status === 200);
		while (!checked()) await new Promise((resolve) => setImmediate(resolve));
		const taken = sandbox.seedVoice('bland', { name: 'race voice' });
		const result = await run;

		const error = result.error as NodeApiError;
		expect(error.constructor.name).toBe('NodeApiError');
		expect(error.httpCode).toBe('400');
		// Seed 003, "400 - Voice Name Already Taken": {error: 'Validation Error', message: 'Voice name is already taken'}.
		expect(error.message).toBe('Bland AI: Voice name is already taken [Validation Error]');
		const clones = createRequests(sandbox, 'bland');
		expect(clones.map((entry) => entry.status)).toEqual([400]);
		expect(clones[0].files.map((file) => file.field)).toEqual(['audio_samples']);
		expect((await listBlandVoices()).map((voice) => voice.id)).toEqual([taken]);
	});

	it('does not read a broken 200 answer to the quota check as "no clones": it asks again', async () => {
		for (let index = 0; index < 5; index++) sandbox.seedVoice('buena', { name: `Existing ${index}` });
		sandbox.injectFault({ mode: 'brokenJson', provider: 'buena', method: 'GET', pathIncludes: '/voice-clones' });
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Sixth' }, [sample()]);
		expect(result.error?.message).toMatch(/yours already has 5/);
		expect(apiRequests(sandbox, 'buena').map((entry) => entry.fault ?? entry.status)).toEqual(['brokenJson', 200]);
	});

	it('explains an HTML error page instead of failing to parse it', async () => {
		sandbox.injectFault({ mode: 'html', status: 500, provider: 'buena', method: 'POST' } as FaultSpec);
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Html' }, [sample()]);
		expect(result.error?.message).toMatch(/^Buena AI: The server answered HTTP 500 with an HTML page/);
	});
});

describe('retries never create a second voice', () => {
	it.each([
		['503 twice', { mode: 'status', status: 503, count: 2 }],
		['502 once', { mode: 'status', status: 502 }],
		['429 with rate-limit headers', { mode: 'rateLimit', headers: true, retryAfterSeconds: 1 }],
		['429 without headers', { mode: 'rateLimit', headers: false, retryAfterSeconds: 1 }],
		['a reset mid-upload', { mode: 'reset', afterBytes: 2_000 }],
	] as Array<[string, FaultSpec]>)('Buena create retried after %s', async (_label, fault) => {
		sandbox.injectFault({ ...fault, provider: 'buena', method: 'POST', pathIncludes: '/voice-clones' } as FaultSpec);
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Retried' }, [sample()]);
		expect(result.error).toBeUndefined();
		const clones = await listBuenaClones();
		expect(clones.map((clone) => clone.name)).toEqual(['Retried']);
		expect(result.outputs[0][0].json.voiceId).toBe(clones[0].voiceId);
		expect(createRequests(sandbox, 'buena').map((entry) => entry.fault ?? entry.status).pop()).toBe(201);
	});

	it.each([
		['a 502 after the clone was made', { mode: 'status', status: 502, afterBody: true }],
		['a reset after the body was sent', { mode: 'reset', afterBody: true }],
		['a 500 after the clone was made', { mode: 'status', status: 500, afterBody: true }],
	] as Array<[string, FaultSpec]>)('Buena: adopts the clone after %s instead of uploading again', async (_label, fault) => {
		sandbox.seedVoice('buena', { name: 'Adopted' }); // same name, older: must not be mistaken for ours
		sandbox.injectFault({ ...fault, provider: 'buena', method: 'POST', pathIncludes: '/voice-clones' } as FaultSpec);
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Adopted' }, [sample()]);
		expect(result.error).toBeUndefined();
		const clones = await listBuenaClones();
		expect(clones).toHaveLength(2);
		expect(result.outputs[0][0].json.voiceId).toBe(clones[1].voiceId);
		expect(createRequests(sandbox, 'buena')).toHaveLength(1);
	});

	it('Bland: adopts the voice after a request that timed out once the voice was made', async () => {
		sandbox.injectFault({ mode: 'hang', afterBody: true, provider: 'bland', pathIncludes: '/v1/voices/clone' });
		const result = await runCreate(sandbox, { provider: 'bland', name: 'Slow Answer', options: { timeout: 1 } }, [sample()]);
		expect(result.error).toBeUndefined();
		const voices = await listBlandVoices();
		expect(voices.map((voice) => voice.name)).toEqual(['Slow Answer']);
		expect(result.outputs[0][0].json.voiceId).toBe(voices[0].id);
		expect(createRequests(sandbox, 'bland')).toHaveLength(1);
	});

	it('never retries the quota answer of the server, and tries no further item', async () => {
		// The node is told the account may hold 10, the server knows it holds 5: its 429 quota
		// answer (not a rate limit) must be reported at once, and the next item not even tried.
		for (let index = 0; index < 4; index++) sandbox.seedVoice('buena', { name: `Existing ${index}` });
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: '={{ $json.name }}', cloneLimit: 10, options: { concurrency: 1 } },
			[
				{ ...sample(), json: { name: 'Fifth' } },
				{ ...sample(), json: { name: 'Sixth' } },
				{ ...sample(), json: { name: 'Seventh' } },
			],
			{ continueOnFail: true },
		);
		const [fifth, sixth, seventh] = result.outputs[0].map((item) => item.json);
		expect(fifth.name).toBe('Fifth');
		expect(sixth).toEqual({
			name: 'Sixth',
			error: {
				message: 'Buena AI: Maximum voice clones reached (5). Delete existing clones or upgrade your plan. [VOICE_CLONE_LIMIT_EXCEEDED]',
				description: 'Voice clones: 5 of 5 allowed',
				httpCode: 429,
				code: 'VOICE_CLONE_LIMIT_EXCEEDED',
			},
		});
		expect(seventh.error).toHaveProperty('message', expect.stringMatching(/^"Seventh" was not created: an earlier item of this run found the Buena AI account full/));
		expect(createRequests(sandbox, 'buena')).toHaveLength(2);
	});

	it('gives up on a Buena rate limit only after the retries, with the code kept', async () => {
		sandbox.injectFault({ mode: 'rateLimit', headers: true, retryAfterSeconds: 0, count: 10, provider: 'buena', method: 'POST' });
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Limited', options: { maxRetries: 2 } }, [sample()]);
		const error = result.error as NodeApiError;
		expect(error.httpCode).toBe('429');
		expect(error.message).toMatch(/\[RATE_LIMIT_EXCEEDED\]$/);
		expect(createRequests(sandbox, 'buena')).toHaveLength(3);
		expect(await listBuenaClones()).toEqual([]);
	});
});

describe('continue on fail and the error output', () => {
	const items = (): RunnerInputItem[] => [
		{ ...sample(), json: { name: 'Good One' } },
		{ ...sample(0.2), json: { name: 'Too Short' } },
		{ ...sample(), json: { name: 'Good Two' } },
	];

	it('keeps the failing item with its error and pairedItem, the others succeed', async () => {
		const result = await runCreate(sandbox, { provider: 'bland', name: '={{ $json.name }}' }, items(), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		const [main] = result.outputs;
		expect(main.map((item) => item.pairedItem)).toEqual([[{ item: 0 }], [{ item: 1 }], [{ item: 2 }]]);
		expect(main[0].json).toMatchObject({ name: 'Good One', status: 'ready' });
		expect(main[1].json).toEqual({
			name: 'Too Short',
			error: {
				message: expect.stringMatching(/"sample\.wav" \(item 1, binary property "data"\) is 0\.2 s long/),
				description: expect.stringContaining('0.2 s long'),
				httpCode: null,
				code: null,
			},
		});
		expect(main[2].json).toMatchObject({ name: 'Good Two' });
		expect(createRequests(sandbox, 'bland')).toHaveLength(2);
	});

	it('routes the failing item to the error output', async () => {
		const result = await runCreate(sandbox, { provider: 'bland', name: '={{ $json.name }}' }, items(), {
			onError: 'continueErrorOutput',
		});
		const [main, errors] = result.outputs;
		expect(main.map((item) => item.json.name)).toEqual(['Good One', 'Good Two']);
		expect(errors).toHaveLength(1);
		// n8n merges the input item's JSON into what goes to the error output.
		expect(errors[0].json).toEqual({ name: 'Too Short', error: expect.objectContaining({ message: expect.stringMatching(/0\.2 s long/), httpCode: null }) });
		expect(errors[0].pairedItem).toEqual([{ item: 1 }]);
	});

	it('carries the HTTP code of an API failure on the failed item', async () => {
		sandbox.injectFault({ mode: 'status', status: 500, provider: 'bland', pathIncludes: '/clone' });
		const result = await runCreate(sandbox, { provider: 'bland', name: '={{ $json.name }}' }, [items()[0]], { continueOnFail: true });
		expect(result.outputs[0][0].json).toMatchObject({
			name: 'Good One',
			error: { message: expect.stringMatching(/^Bland AI: /), httpCode: 500 },
		});
	});

	it('makes one voice from all items when asked, paired with every item', async () => {
		const result = await runCreate(sandbox, { provider: 'buena', name: '={{ $json.name }}', combineItems: true }, [
			{ ...sample(), json: { name: 'Combined' } },
			{ ...sample(3), json: { name: 'ignored' } },
		]);
		const [item] = result.outputs[0];
		expect(result.outputs[0]).toHaveLength(1);
		expect(item.json.name).toBe('Combined');
		expect(item.pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect(createRequests(sandbox, 'buena')[0].files).toHaveLength(2);
	});
});

describe('secrets and transport safety', () => {
	it('never puts the API key in outputs, errors or the sandbox log', async () => {
		const secret = 'bna_super_secret_key_0123456789';
		sandbox.addKey('buena', secret);
		sandbox.injectFault({ mode: 'status', status: 503, count: 10, provider: 'buena', method: 'POST' });
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Secret', options: { maxRetries: 1 } }, [sample(), sample()], {
			credentials: { buenaApi: { apiKey: secret, baseUrl: sandbox.buenaBaseUrl } },
			continueOnFail: true,
		});
		const everything = JSON.stringify([result.outputs, result.run.data.resultData, sandbox.log()]);
		expect(result.outputs[0]).toHaveLength(2);
		expect(everything).not.toContain(secret);
		expect(everything).not.toContain('super_secret');
	});

	it('refuses a plain-http base URL to a remote host before anything is sent', async () => {
		const result = await runCreate(sandbox, { provider: 'bland', name: 'Clear Text' }, [sample()], {
			credentials: { blandApi: { apiKey: 'sk-clear', baseUrl: 'http://api.example.invalid' } },
		});
		expect(result.error?.message).toMatch(/uses plain http to a remote host; use https:\/\//);
		expect(sandbox.log()).toEqual([]);
	});

	it('a cancel mid-upload aborts the upload, and nothing is sent after it', async () => {
		sandbox.injectFault({ mode: 'hang', provider: 'buena', method: 'POST' });
		const recorded = recordClientRequestErrors();
		try {
			// Cancelled once the provider holds the upload: nothing but the cancel can end it then.
			const result = await runCreate(sandbox, { provider: 'buena', name: 'Cancelled' }, [sample()], {
				cancelWhen: async () => await until(() => createRequests(sandbox, 'buena').length > 0),
			});
			expect(result.status).toBe('canceled');
			await until(() => recorded.errors.length > 0);
			expect(recorded.errors).toEqual([{ name: 'CanceledError', code: 'ERR_CANCELED', message: 'canceled' }]);
			// One upload, cut short; no lookup and no second upload after the cancel.
			expect(createRequests(sandbox, 'buena').map((entry) => [entry.fault, entry.status])).toEqual([['hang', 0]]);
			const log = apiRequests(sandbox, 'buena');
			expect(log.slice(log.findIndex((entry) => entry.fault === 'hang') + 1)).toEqual([]);
		} finally {
			recorded.stop();
		}
	});
});
