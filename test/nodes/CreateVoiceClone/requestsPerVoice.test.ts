/**
 * Issue 15, "a batch spends the rate limit on uploads": the account is looked at once per batch,
 * and again only after an upload whose outcome stayed unknown, not before every upload. Counted
 * from the sandbox's request log: at most 1.1 requests per voice, lookups after an ambiguous answer
 * included; every no-duplicate guarantee still holds (each voice once, each in the output).
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxBuenaVoices } from '../../helpers/sandboxCredentials';
import { makeWav } from '../../helpers/wav';
import type { RunnerInputItem } from '../../helpers/n8nRunner';
import { apiRequests, createRequests, runCreate } from './helpers';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 600_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	sandbox.reset();
	sandbox.configure({ rateLimit: { limit: 10_000, windowMs: 60_000 }, buenaMaxClones: 100 });
});

/** 20 items; items 5, 6 and 7 share one name. */
const batch = (count = 20): RunnerInputItem[] =>
	Array.from({ length: count }, (_, index) => ({
		json: { name: index >= 5 && index <= 7 ? 'Team Voice' : `Lead ${index}` },
		binary: { data: { data: makeWav({ seconds: 1 + (index % 3) }), fileName: `lead-${index}.wav`, mimeType: 'audio/wav' } },
	}));

async function blandVoices(): Promise<Array<{ id: string; name: string }>> {
	const response = await fetch(`${sandbox.blandBaseUrl}/v1/voices`, { headers: { authorization: sandbox.keys.bland } });
	return ((await response.json()) as { voices: Array<{ id: string; name: string }> }).voices;
}

describe('requests per voice in a batch', () => {
	it('Buena: 20 items with a same-name group and a lost answer: ≤ 1.1 requests per voice, each voice once', async () => {
		sandbox.seedVoice('buena', { name: 'Existing' });
		// The 10th upload is made, then answered 502: the lookup after it finds the voice.
		sandbox.injectFault({ mode: 'status', status: 502, afterBody: true, skip: 9, provider: 'buena', method: 'POST', pathIncludes: '/voice-clones' });
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: '={{ $json.name }}', cloneLimit: 100, options: { concurrency: 4 } },
			batch(),
		);
		expect(result.error).toBeUndefined();
		const requests = apiRequests(sandbox, 'buena');
		const outputs = result.outputs[0].map((item) => item.json);
		const voices = (await sandboxBuenaVoices(sandbox)).filter((voice) => voice.name !== 'Existing');
		expect(voices).toHaveLength(20);
		expect(outputs.map((json) => json.voiceId).sort()).toEqual(voices.map((voice) => voice.voiceId).sort());
		expect(outputs.filter((json) => json.recovered)).toHaveLength(1);
		expect(outputs.filter((json) => json.name === 'Team Voice')).toHaveLength(3);

		expect(requests.filter((entry) => entry.method === 'POST')).toHaveLength(20);
		// One look at the account for the batch, one after the lost answer.
		expect(requests.filter((entry) => entry.method === 'GET')).toHaveLength(2);
		expect(requests.length / voices.length).toBeLessThanOrEqual(1.1);
	});

	it('Buena: an answer lost for good makes the next decision look at the account again, and only then', async () => {
		// Concurrency 1: the 3rd upload's answer is lost and every lookup after it fails, so
		// whether it made a voice stays unknown; the 4th item must not decide from the old look.
		sandbox.injectFault({ mode: 'status', status: 502, afterBody: true, skip: 2, provider: 'buena', method: 'POST', pathIncludes: '/voice-clones' });
		sandbox.injectFault({ mode: 'status', status: 503, skip: 1, count: 2, provider: 'buena', method: 'GET' });
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: '={{ $json.name }}', cloneLimit: 100, options: { concurrency: 1, maxRetries: 1 } },
			batch(5),
			{ continueOnFail: true },
		);
		const outputs = result.outputs[0].map((item) => item.json);
		expect(outputs[2].error).toMatchObject({
			message: expect.stringMatching(/^Buena AI: /),
			description: expect.stringMatching(/Whether the request took effect is unknown/),
		});
		expect(outputs.filter((json) => json.voiceId)).toHaveLength(4);
		// list, 2 uploads, the lost upload, its lookup (503, retried: 503), a new list, 2 uploads.
		expect(apiRequests(sandbox, 'buena').map((entry) => `${entry.method} ${entry.status}`)).toEqual([
			'GET 200',
			'POST 201',
			'POST 201',
			'POST 502',
			'GET 503',
			'GET 503',
			'GET 200',
			'POST 201',
			'POST 201',
		]);
	});

	it('Bland: one list for the batch instead of a name check per item; a same-name sibling is refused without a request', async () => {
		const input = batch(12);
		const result = await runCreate(sandbox, { provider: 'bland', name: '={{ $json.name }}', options: { concurrency: 3 } }, input, {
			continueOnFail: true,
		});
		const requests = apiRequests(sandbox, 'bland');
		const outputs = result.outputs[0].map((item) => item.json);
		const voices = await blandVoices();
		// "Team Voice" is made once; its two siblings fail, naming it.
		expect(voices).toHaveLength(10);
		const refused = outputs.filter((json) => json.error);
		expect(refused.map((json) => (json.error as { message: string }).message)).toEqual([
			'The voice name "Team Voice" is already taken in this Bland AI account',
			'The voice name "Team Voice" is already taken in this Bland AI account',
		]);
		const team = voices.find((voice) => voice.name === 'Team Voice');
		for (const json of refused) expect((json.error as { description: string }).description).toContain(team?.id);
		expect(outputs.filter((json) => json.voiceId).map((json) => json.voiceId).sort()).toEqual(voices.map((voice) => voice.id).sort());

		expect(requests.map((entry) => `${entry.method} ${entry.path.replace('/bland', '')}`).filter((line) => !line.endsWith('/clone'))).toEqual([
			'GET /v1/voices',
		]);
		expect(requests.length / voices.length).toBeLessThanOrEqual(1.1);
	});

	it('Buena: "Use the Existing Voice" counts a voice made earlier in the run as existing for later items of its name', async () => {
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: '={{ $json.name }}', cloneLimit: 100, ifNameExists: 'useExisting', options: { concurrency: 3 } },
			batch(9),
		);
		expect(result.error).toBeUndefined();
		const outputs = result.outputs[0].map((item) => item.json);
		const team = outputs.filter((json) => json.name === 'Team Voice');
		expect(team.map((json) => json.reused)).toEqual([false, true, true]);
		expect(new Set(team.map((json) => json.voiceId)).size).toBe(1);
		expect(team[1]).toMatchObject({ status: 'processing', samples: [] });
		expect(createRequests(sandbox, 'buena')).toHaveLength(7);
		expect(apiRequests(sandbox, 'buena').filter((entry) => entry.method === 'GET')).toHaveLength(1);
	});
});
