/**
 * Issue 10, findings 3 and 11: two items with one name, the answer to one upload lost (the
 * provider stored the voice, the client never heard). Whichever item the loss hits, the two items
 * never share a voiceId, and every voice the run made is in the output.
 */
import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { makeWav } from '../../helpers/wav';
import type { RunnerInputItem } from '../../helpers/n8nRunner';
import { createRequests, runCreate } from './helpers';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 60_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

/**
 * Upload Timeouts for the twins: the item whose upload the fault holds gets 1.5 s, its sibling
 * 10 s, since waiting for a sibling of the same name counts against an item's own timeout.
 */
const timeouts = (held: number) => `={{ $itemIndex === ${held} ? 1.5 : 10 }}`;

const twins = (name = 'Twin'): RunnerInputItem[] =>
	[1, 2].map((seconds) => ({
		json: { name },
		binary: { data: { data: makeWav({ seconds: seconds + 1 }), fileName: `twin-${seconds}.wav`, mimeType: 'audio/wav' } },
	}));

async function buenaVoices(): Promise<Array<{ voiceId: string; name: string }>> {
	const response = await fetch(`${sandbox.buenaBaseUrl}/voice-clones?limit=100`, { headers: { 'x-api-key': sandbox.keys.buena } });
	return ((await response.json()) as { data: Array<{ voiceId: string; name: string }> }).data;
}

async function blandVoices(): Promise<Array<{ id: string; name: string }>> {
	const response = await fetch(`${sandbox.blandBaseUrl}/v1/voices`, { headers: { authorization: sandbox.keys.bland } });
	return ((await response.json()) as { voices: Array<{ id: string; name: string }> }).voices;
}

describe('same-name items in one batch, one upload answer lost', () => {
	it.each([0, 1])('Buena, the answer to upload %i lost: two voices, two ids, both in the output', async (skip) => {
		sandbox.injectFault({ mode: 'hang', afterBody: true, skip, provider: 'buena', method: 'POST', pathIncludes: '/voice-clones' });
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: '={{ $json.name }}', options: { concurrency: 2, timeout: timeouts(skip), maxRetries: 2 } },
			twins(),
		);
		expect(result.error).toBeUndefined();
		const outputs = result.outputs[0].map((item) => item.json);
		const voices = await buenaVoices();
		expect(voices).toHaveLength(2);
		expect(new Set(outputs.map((json) => json.voiceId)).size).toBe(2);
		expect(outputs.map((json) => json.voiceId).sort()).toEqual(voices.map((voice) => voice.voiceId).sort());
		expect(outputs.map((json) => json.recovered)).toEqual(skip === 0 ? [true, false] : [false, true]);
		expect(createRequests(sandbox, 'buena')).toHaveLength(2);
	});

	it.each([0, 1])('Bland, a lost answer with the fault on upload %i: one voice, never claimed by both items', async (skip) => {
		sandbox.injectFault({ mode: 'hang', afterBody: true, skip, provider: 'bland', method: 'POST', pathIncludes: '/v1/voices/clone' });
		const result = await runCreate(
			sandbox,
			{ provider: 'bland', name: '={{ $json.name }}', options: { concurrency: 2, timeout: timeouts(skip) } },
			twins(),
			{ continueOnFail: true },
		);
		const [first, second] = result.outputs[0].map((item) => item.json);
		const voices = await blandVoices();
		// Bland names are unique: the second item is refused before uploading, naming the voice.
		expect(voices).toHaveLength(1);
		expect(first.voiceId).toBe(voices[0].id);
		expect(second.voiceId).toBeUndefined();
		expect(second.error).toMatchObject({
			message: 'The voice name "Twin" is already taken in this Bland AI account',
			description: expect.stringContaining(voices[0].id),
		});
		expect(createRequests(sandbox, 'bland')).toHaveLength(1);
	});

	it('Bland, "Use the Existing Voice": the second item reuses the first one\'s voice, uploading nothing', async () => {
		sandbox.injectFault({ mode: 'hang', afterBody: true, provider: 'bland', method: 'POST', pathIncludes: '/v1/voices/clone' });
		const result = await runCreate(
			sandbox,
			{ provider: 'bland', name: '={{ $json.name }}', ifNameExists: 'useExisting', options: { concurrency: 2, timeout: timeouts(0) } },
			twins(),
		);
		expect(result.error).toBeUndefined();
		const [first, second] = result.outputs[0].map((item) => item.json);
		const voices = await blandVoices();
		expect(voices).toHaveLength(1);
		expect(first).toMatchObject({ voiceId: voices[0].id, reused: false, recovered: true });
		expect(second).toMatchObject({ voiceId: voices[0].id, reused: true, samples: [] });
		expect(createRequests(sandbox, 'bland')).toHaveLength(1);
	});
});

describe('If a Voice With This Name Exists', () => {
	const one = (name: string): RunnerInputItem[] => [{ ...twins(name)[0] }];

	it('Buena, Use the Existing Voice: adopts the newest voice with the name, uploads nothing, even on a full account', async () => {
		sandbox.seedVoice('buena', { name: 'Sales Voice' });
		for (let index = 0; index < 3; index++) sandbox.seedVoice('buena', { name: `Other ${index}` });
		const newest = sandbox.seedVoice('buena', { name: 'Sales Voice' });
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Sales Voice', ifNameExists: 'useExisting' }, one('x'));
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toMatchObject({ voiceId: newest, reused: true, status: 'ready', samples: [] });
		expect((result.outputs[0][0].json.response as { voiceId: string }).voiceId).toBe(newest);
		expect(createRequests(sandbox, 'buena')).toEqual([]);
	});

	it('Buena, Fail the Item: fails without uploading and names the voice', async () => {
		const existing = sandbox.seedVoice('buena', { name: 'Sales Voice' });
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Sales Voice', ifNameExists: 'fail' }, one('x'));
		const error = result.error as NodeOperationError;
		expect(error.message).toBe('The voice name "Sales Voice" is already taken in this Buena AI account');
		expect(error.description).toContain(existing);
		expect(createRequests(sandbox, 'buena')).toEqual([]);
	});

	it('Buena, the default creates another voice with the name, as before', async () => {
		sandbox.seedVoice('buena', { name: 'Sales Voice' });
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Sales Voice' }, one('x'));
		expect(result.outputs[0][0].json).toMatchObject({ reused: false, name: 'Sales Voice' });
		expect((await buenaVoices()).filter((voice) => voice.name === 'Sales Voice')).toHaveLength(2);
	});

	it('Bland, Use the Existing Voice: the voice holding the name, ignoring case', async () => {
		const existing = sandbox.seedVoice('bland', { name: 'Blandie' });
		const result = await runCreate(sandbox, { provider: 'bland', name: 'BLANDIE', ifNameExists: 'useExisting' }, one('x'));
		expect(result.outputs[0][0].json).toMatchObject({ voiceId: existing, reused: true, status: 'ready' });
		expect(createRequests(sandbox, 'bland')).toEqual([]);
	});

	it('Bland, a name taken by a voice the list does not show: Bland refuses the upload, the item fails with its words, nothing is duplicated', async () => {
		const ghost = sandbox.seedVoice('bland', { name: 'Ghost' });
		sandbox.injectFault({ mode: 'json', provider: 'bland', method: 'GET', pathIncludes: '/v1/voices', body: { voices: [] } });
		const result = await runCreate(sandbox, { provider: 'bland', name: 'GHOST', ifNameExists: 'useExisting' }, one('x'));
		const error = result.error as NodeApiError;
		expect(error.constructor.name).toBe('NodeApiError');
		expect(error.httpCode).toBe('400');
		expect(error.message).toBe('Bland AI: Voice name is already taken [Validation Error]');
		expect(createRequests(sandbox, 'bland').map((entry) => entry.status)).toEqual([400]);
		expect((await blandVoices()).map((voice) => voice.id)).toEqual([ghost]);
	});

	it('refuses a choice the provider cannot do (Create Another at Bland) before sending anything', async () => {
		const result = await runCreate(sandbox, { provider: 'bland', name: 'Twin', ifNameExists: 'createAnother' }, one('x'));
		expect(result.error?.message).toBe(
			'If a Voice With This Name Exists must be "Fail the Item" or "Use the Existing Voice" for Bland AI (got "createAnother")',
		);
		expect(sandbox.log()).toEqual([]);
	});
});

describe('the same-name queue is inside each item\'s deadline', () => {
	it('a sibling still queued when its Upload Timeout runs out fails, saying nothing was sent and why', async () => {
		// The first upload of "Twin" is made but never answered: it holds the name for its whole
		// timeout, and the sibling, queued behind it with the same 1.5 s, runs out of time waiting.
		sandbox.injectFault({ mode: 'hang', afterBody: true, provider: 'buena', method: 'POST', pathIncludes: '/voice-clones' });
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: 'Twin', options: { concurrency: 2, timeout: 1.5 } },
			twins(),
			{ continueOnFail: true },
		);
		const [first, second] = result.outputs[0].map((item) => item.json);
		expect(first).toMatchObject({ name: 'Twin', recovered: true });
		expect(second).toEqual({
			name: 'Twin',
			error: {
				message: '"Twin" was not created: another item of this run with the same name was still being created when this item\'s Upload Timeout (1.5 s) ran out',
				description: expect.stringMatching(/^Nothing was sent for this item\. .*Raise the Upload Timeout under Options, or run this item again\.$/),
				httpCode: null,
				code: null,
			},
		});
		expect(createRequests(sandbox, 'buena')).toHaveLength(1);
		expect(await buenaVoices()).toHaveLength(1);
	});

	it('a sibling queued behind a hanging upload stops at once when the execution is cancelled', async () => {
		sandbox.injectFault({ mode: 'hang', provider: 'bland', method: 'POST', pathIncludes: '/v1/voices/clone' });
		const result = await runCreate(
			sandbox,
			{ provider: 'bland', name: 'Twin', options: { concurrency: 2, timeout: 600 } },
			twins(),
			{ cancelAfterMs: 1_000 },
		);
		expect(result.status).toBe('canceled');
		expect(result.durationMs).toBeLessThan(5_000);
		expect(createRequests(sandbox, 'bland')).toHaveLength(1);
	});
});
