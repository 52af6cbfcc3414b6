import type { NodeOperationError } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { makeWav } from '../../helpers/wav';
import type { RunnerInputItem } from '../../helpers/n8nRunner';
import { VirtualClock } from '../../helpers/virtualClock';
import { apiRequests, createRequests, runCreate } from './helpers';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 60_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	sandbox.reset();
	sandbox.configure({ rateLimit: { limit: 1000, windowMs: 60_000 }, buenaMaxClones: 5 });
});

const leads = (count: number): RunnerInputItem[] =>
	Array.from({ length: count }, (_, index) => ({
		json: { name: `Lead ${index}` },
		binary: { data: { data: makeWav({ seconds: 1 + (index % 3) }), fileName: `lead-${index}.wav` } },
	}));

describe('batch cloning', () => {
	it('keeps output order and pairedItem with several uploads at a time', async () => {
		const result = await runCreate(
			sandbox,
			{ provider: 'bland', name: '={{ $json.name }}', options: { concurrency: 3 } },
			leads(7),
		);
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((item) => [item.json.name, item.pairedItem])).toEqual(
			Array.from({ length: 7 }, (_, index) => [`Lead ${index}`, [{ item: index }]]),
		);
		expect(createRequests(sandbox, 'bland')).toHaveLength(7);
	});

	it('stays under a small rate-limit window by waiting instead of failing', async () => {
		// 8 clones = 9 requests (one look at the account for the batch, then an upload each) through a window of 5 per second.
		sandbox.configure({ rateLimit: { limit: 5, windowMs: 1_000 }, buenaMaxClones: 100 });
		// On a virtual clock the sandbox's windows share (test/helpers/virtualClock.ts), with a key of
		// its own, so that no other test's pacer knows it.
		const apiKey = 'bna_batch_rate_window_test';
		sandbox.addKey('buena', apiKey);
		const clock = VirtualClock.install();
		try {
			const result = await runCreate(
				sandbox,
				{ provider: 'buena', name: '={{ $json.name }}', cloneLimit: 100, options: { concurrency: 4 } },
				leads(8),
				{ credentials: { buenaApi: { apiKey, baseUrl: sandbox.buenaBaseUrl } } },
			);
			expect(result.error).toBeUndefined();
			expect(result.outputs[0]).toHaveLength(8);
			const requests = apiRequests(sandbox, 'buena');
			expect(requests).toHaveLength(9);
			expect(requests.filter((entry) => entry.status === 429)).toEqual([]);
			// It used each 1 s window's five requests and waited for the next window, no longer.
			const windows = requests.map((entry) => Math.floor((entry.at - clock.startedAt) / 1_000));
			expect(windows).toEqual(requests.map((_, index) => Math.floor(index / 5)));
			expect(clock.elapsed()).toBe(Math.floor((requests.length - 1) / 5) * 1_000);
		} finally {
			clock.uninstall();
		}
	});

	it('fails the rest fast once the Buena quota is reached mid-batch, keeping the earlier clones', async () => {
		sandbox.seedVoice('buena', { name: 'Existing' });
		sandbox.seedVoice('buena', { name: 'Existing 2' });
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: '={{ $json.name }}', options: { concurrency: 1 } },
			leads(6),
			{ continueOnFail: true },
		);
		const outputs = result.outputs[0].map((item) => item.json);
		expect(outputs.slice(0, 3).map((json) => json.name)).toEqual(['Lead 0', 'Lead 1', 'Lead 2']);
		expect(outputs[3].error).toHaveProperty(
			'message',
			'Buena AI allows 5 voice clones per account and yours already has 5, so "Lead 3" was not created',
		);
		for (const json of outputs.slice(4)) {
			expect(json.error).toHaveProperty('message', expect.stringMatching(/^"Lead \d" was not created: an earlier item of this run found the Buena AI account full/));
		}
		expect(createRequests(sandbox, 'buena')).toHaveLength(3);
		// One look at the account, three uploads; items after the quota was found send nothing at all.
		expect(apiRequests(sandbox, 'buena').map((entry) => entry.method)).toEqual(['GET', 'POST', 'POST', 'POST']);
	});

	it('without continue on fail, an invalid item stops the run before anything is sent', async () => {
		const input = leads(4);
		input[1] = { json: { name: 'Broken' }, binary: { data: { data: Buffer.from('not audio'), fileName: 'broken.wav' } } };
		const result = await runCreate(sandbox, { provider: 'bland', name: '={{ $json.name }}', options: { concurrency: 1 } }, input);
		expect(result.error?.message).toMatch(/"broken\.wav" \(item 1, binary property "data"\) is not audio/);
		expect((result.error as NodeOperationError).description).toMatch(/^Only item 1 is invalid, but nothing was sent for the other 3 items either/);
		expect(sandbox.log()).toEqual([]);
	});
});
