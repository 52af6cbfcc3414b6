/**
 * Issue 10: the quota check counts the batch's own uploads (finding 10), bad numbers never become
 * endless retries (2), a success without a voice id is named for what it is (6), `response` has
 * one shape (8), and a failing node names the voices the run made (9).
 */
import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { makeWav } from '../../helpers/wav';
import type { RunnerInputItem } from '../../helpers/n8nRunner';
import { apiRequests, createRequests, runCreate } from './helpers';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 60_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

const leads = (count: number): RunnerInputItem[] =>
	Array.from({ length: count }, (_, index) => ({
		json: { name: `Lead ${index}` },
		binary: { data: { data: makeWav({ seconds: 2 }), fileName: `lead-${index}.wav`, mimeType: 'audio/wav' } },
	}));

describe('the quota check counts the uploads of its own batch', () => {
	it('never uploads the item over the limit while a sibling upload is still under way (Buena, 3 of 5, concurrency 2)', async () => {
		for (let index = 0; index < 3; index++) sandbox.seedVoice('buena', { name: `Existing ${index}` });
		// One of the first two uploads is answered 503 (nothing stored) and retried after a backoff:
		// the third item's check runs while that upload is still under way.
		sandbox.injectFault({ mode: 'status', status: 503, provider: 'buena', method: 'POST', pathIncludes: '/voice-clones' });
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: '={{ $json.name }}', options: { concurrency: 2 } },
			leads(3),
			{ continueOnFail: true },
		);
		const outputs = result.outputs[0].map((item) => item.json);
		expect(outputs.slice(0, 2).map((json) => json.name)).toEqual(['Lead 0', 'Lead 1']);
		expect(outputs[2].error).toMatchObject({
			message: 'Buena AI allows 5 voice clones per account and yours already has 5, so "Lead 2" was not created',
			httpCode: null,
		});
		const uploads = createRequests(sandbox, 'buena');
		const names = uploads.map((entry) => entry.fields.find((field) => field.name === 'name')?.value);
		// Three uploads: the two items under the limit, one of them twice (after the 503).
		expect(uploads).toHaveLength(3);
		expect(new Set(names)).toEqual(new Set(['Lead 0', 'Lead 1']));
		expect(uploads.map((entry) => entry.status)).not.toContain(429);
	});

	it('a voice to reuse is still found after an earlier item found the account full', async () => {
		for (let index = 1; index < 6; index++) sandbox.seedVoice('buena', { name: `Lead ${index}` });
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: '={{ $json.name }}', ifNameExists: 'useExisting', options: { concurrency: 1 } },
			leads(3),
			{ continueOnFail: true },
		);
		const [first, second, third] = result.outputs[0].map((item) => item.json);
		expect(first.error).toHaveProperty('message', 'Buena AI allows 5 voice clones per account and yours already has 5, so "Lead 0" was not created');
		expect(second).toMatchObject({ name: 'Lead 1', reused: true });
		expect(third).toMatchObject({ name: 'Lead 2', reused: true });
		expect(createRequests(sandbox, 'buena')).toEqual([]);
	});

	it('a voice reused by name does not count against the limit', async () => {
		for (let index = 0; index < 5; index++) sandbox.seedVoice('buena', { name: `Lead ${index}` });
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: '={{ $json.name }}', ifNameExists: 'useExisting', options: { concurrency: 2 } },
			leads(3),
		);
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((item) => item.json.reused)).toEqual([true, true, true]);
		expect(createRequests(sandbox, 'buena')).toEqual([]);
	});
});

describe('numeric options are checked before anything is sent', () => {
	it.each([
		['Max Retries', { maxRetries: '={{ "many" }}' }, 'Max Retries must be a whole number from 0 to 10 (got "many")'],
		['Max Retries', { maxRetries: -1 }, 'Max Retries must be a whole number from 0 to 10 (got -1)'],
		['Upload Timeout', { timeout: '={{ "soon" }}' }, 'Upload Timeout (Seconds) must be a number from 1 to 86400 (got "soon")'],
		['Upload Timeout', { timeout: '={{ 0/0 }}' }, 'Upload Timeout (Seconds) must be a number from 1 to 86400 (got NaN)'],
		['Concurrency', { concurrency: 0 }, 'Concurrency must be a whole number from 1 to 10 (got 0)'],
		['Concurrency', { concurrency: 2.5 }, 'Concurrency must be a whole number from 1 to 10 (got 2.5)'],
	])('%s %j', async (_label, options, message) => {
		sandbox.injectFault({ mode: 'rateLimit', headers: false, retryAfterSeconds: 0, count: 1000, provider: 'buena' });
		const result = await runCreate(sandbox, { provider: 'buena', name: '={{ $json.name }}', options }, leads(2));
		const error = result.error as NodeOperationError;
		expect(error.constructor.name).toBe('NodeOperationError');
		expect(error.message).toBe(message);
		expect(error.description).toMatch(/under Options .*Nothing was sent\.$/);
		expect(sandbox.log()).toEqual([]);
	});

	it('Account Voice Clone Limit as text', async () => {
		const result = await runCreate(sandbox, { provider: 'buena', name: 'X', cloneLimit: '={{ "five" }}' }, leads(1));
		expect(result.error?.message).toBe('Account Voice Clone Limit must be a whole number from 1 to 10000 (got "five")');
		expect(sandbox.log()).toEqual([]);
	});

	it.each([
		['"0": the one 503 is the answer', '={{ "0" }}', 1, 'fails'],
		['"1": one retry after the 503', '={{ "1" }}', 2, 'creates'],
	])('reads a number given as text by an expression as that number: Max Retries %s', async (_label, maxRetries, uploads, outcome) => {
		// One 503 before the clone is stored: only the number of retries decides whether it is made.
		sandbox.injectFault({ mode: 'status', status: 503, provider: 'bland', method: 'POST', pathIncludes: '/v1/voices/clone' });
		const result = await runCreate(sandbox, { provider: 'bland', name: 'Texty', options: { maxRetries } }, leads(1));
		expect(createRequests(sandbox, 'bland')).toHaveLength(uploads);
		if (outcome === 'fails') {
			expect((result.error as NodeApiError).httpCode).toBe('503');
		} else {
			expect(result.error).toBeUndefined();
			expect(result.outputs[0][0].json).toMatchObject({ name: 'Texty', voiceId: expect.any(String), recovered: false });
		}
	});

	it('with continue on fail, only the item with the bad value fails; the others are cloned', async () => {
		const result = await runCreate(
			sandbox,
			{ provider: 'bland', name: '={{ $json.name }}', options: { maxRetries: '={{ $json.name === "Lead 1" ? "x" : 2 }}' } },
			leads(3),
			{ continueOnFail: true },
		);
		const outputs = result.outputs[0].map((item) => item.json);
		expect(outputs[1]).toMatchObject({ name: 'Lead 1', error: { message: 'Max Retries must be a whole number from 0 to 10 (got "x")', httpCode: null } });
		expect(outputs[0].voiceId).toBeDefined();
		expect(outputs[2].voiceId).toBeDefined();
		expect(createRequests(sandbox, 'bland')).toHaveLength(2);
	});
});

describe('what a create answers', () => {
	it('a 2xx without a voice id, and no new voice found, is reported as exactly that', async () => {
		sandbox.injectFault({
			mode: 'json',
			status: 201,
			body: { success: true, message: 'Voice clone created successfully' },
			provider: 'buena',
			method: 'POST',
			pathIncludes: '/voice-clones',
		});
		const result = await runCreate(sandbox, { provider: 'buena', name: 'No Id' }, leads(1));
		const error = result.error as NodeApiError;
		expect(error.message).toBe('Buena AI answered HTTP 201 (success) without a voice id');
		expect(error.message).not.toContain('created successfully');
		expect(error.description).toMatch(/Check the Buena AI account before running it again/);
		// The lookup ran, and nothing was uploaded a second time.
		expect(createRequests(sandbox, 'buena')).toHaveLength(1);
		expect(apiRequests(sandbox, 'buena').map((entry) => entry.method)).toEqual(['GET', 'POST', 'GET']);
	});

	it('a 2xx without a voice id whose voice exists: the voice it made is found and output, not an older one of that name', async () => {
		// Buena allows several voices with one name (Create Another, the default): an older one is there.
		const older = sandbox.seedVoice('buena', { name: 'Found Later' });
		sandbox.injectFault({
			mode: 'json',
			status: 201,
			body: { success: true },
			afterBody: true,
			provider: 'buena',
			method: 'POST',
			pathIncludes: '/voice-clones',
		});
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Found Later' }, leads(1));
		expect(result.error).toBeUndefined();
		const stored = (await (await fetch(`${sandbox.buenaBaseUrl}/voice-clones`, { headers: { 'x-api-key': sandbox.keys.buena } })).json()) as {
			data: Array<{ voiceId: string; name: string }>;
		};
		// One upload made one voice; that one is output, recovered by the lookup.
		expect(createRequests(sandbox, 'buena')).toHaveLength(1);
		expect(stored.data.map((voice) => voice.name)).toEqual(['Found Later', 'Found Later']);
		const made = stored.data.find((voice) => voice.voiceId !== older);
		expect(result.outputs[0][0].json).toMatchObject({ name: 'Found Later', recovered: true, voiceId: made?.voiceId });
	});

	it('an upload whose answer was lost, when the lookup fails too, says the voice may exist', async () => {
		sandbox.injectFault({ mode: 'status', status: 502, afterBody: true, provider: 'buena', method: 'POST', pathIncludes: '/voice-clones' });
		// The quota check gets through; every lookup after it fails.
		sandbox.injectFault({ mode: 'status', status: 503, skip: 1, count: 100, provider: 'buena', method: 'GET' });
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Unknown', options: { maxRetries: 1 } }, leads(1));
		const error = result.error as NodeApiError;
		expect(error.httpCode).toBe('502');
		expect(error.description).toMatch(
			/Whether the request took effect is unknown: looking for what it made failed too \(Buena AI: .+\)\. Check the Buena AI account before running it again\.$/,
		);
		expect(createRequests(sandbox, 'buena')).toHaveLength(1);
	});

	it.each(['buena', 'bland'] as const)('%s: `response` is the provider\'s record of the voice, created or recovered', async (provider) => {
		const created = await runCreate(sandbox, { provider, name: 'Plain' }, leads(1));
		const plain = created.outputs[0][0].json;
		const idOf = (record: Record<string, unknown>) => record.voiceId ?? record.voice_id ?? record.id;
		expect(idOf(plain.response as Record<string, unknown>)).toBe(plain.voiceId);
		expect(plain).toMatchObject({ reused: false, recovered: false });

		const pathIncludes = provider === 'buena' ? '/voice-clones' : '/v1/voices/clone';
		sandbox.injectFault({ mode: 'status', status: 500, afterBody: true, provider, method: 'POST', pathIncludes });
		const adopted = await runCreate(sandbox, { provider, name: 'Adopted' }, leads(1));
		const json = adopted.outputs[0][0].json;
		expect(json).toMatchObject({ recovered: true, name: 'Adopted' });
		expect(idOf(json.response as Record<string, unknown>)).toBe(json.voiceId);
		expect((json.response as Record<string, unknown>).success).toBeUndefined();
	});
});

describe('a node that fails names the voices the run made', () => {
	it('without continue on fail, the error lists every voice created before and during the failure', async () => {
		const input = leads(3);
		// Every item is valid (an invalid one would stop the run before any upload): Bland refuses the third.
		const refusal = { status: 400, data: null, errors: [{ error: 'Processing Error', message: 'Failed to process audio with beige model' }] };
		sandbox.injectFault({ mode: 'json', status: 400, skip: 2, body: refusal, provider: 'bland', method: 'POST', pathIncludes: '/v1/voices/clone' });
		const result = await runCreate(sandbox, { provider: 'bland', name: '={{ $json.name }}', options: { concurrency: 1 } }, input);
		const error = result.error as NodeOperationError;
		expect(error.message).toBe('Bland AI: Failed to process audio with beige model [Processing Error]');
		const voices = (await (await fetch(`${sandbox.blandBaseUrl}/v1/voices`, { headers: { authorization: sandbox.keys.bland } })).json()) as {
			voices: Array<{ id: string; name: string }>;
		};
		expect(voices.voices).toHaveLength(2);
		for (const voice of voices.voices) expect(error.description).toContain(`"${voice.name}" (${voice.id})`);
		expect(error.description).toMatch(/Voices this run already created/);
	});
});
