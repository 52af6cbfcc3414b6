/**
 * Issue 15: n8n's "Retry On Fail" runs the whole node again after it failed (n8n-core
 * WorkflowExecute: up to Max Tries), and again when its first output item carries `json.error`
 * (continue on fail). The voices the failed try made are remembered in the execution's node
 * context and output again on the retry, never made twice. Here in a real n8n-core execution;
 * test/e2e/retryOnFail.e2e.test.ts does the same in both pinned n8n versions.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxBuenaVoices } from '../../helpers/sandboxCredentials';
import { makeWav } from '../../helpers/wav';
import { refuseBuenaUpload } from '../../helpers/sandboxFaults';
import type { RunNodeResult, RunnerInputItem } from '../../helpers/n8nRunner';
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

const RETRY = { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 };

const leads = (count: number): RunnerInputItem[] =>
	Array.from({ length: count }, (_, index) => ({
		json: { name: `Lead ${index}` },
		binary: { data: { data: makeWav({ seconds: 1 + (index % 2) }), fileName: `lead-${index}.wav`, mimeType: 'audio/wav' } },
	}));

const refuseUpload = (skip: number) => refuseBuenaUpload(sandbox, skip);

const uploadedNames = () =>
	createRequests(sandbox, 'buena').map((entry) => entry.fields.find((field) => field.name === 'name')?.value);

/** What the node keeps in the execution's node context (runMemory). */
function nodeContext(result: RunNodeResult): IDataObject {
	const contextData = (result.run.data.executionData?.contextData ?? {}) as Record<string, IDataObject>;
	return contextData[`node:${result.node.name}`] ?? {};
}

describe('Retry On Fail never makes a voice twice', () => {
	it('8 items, concurrency 1, the 7th refused once: the retry outputs the 6 voices it made and makes only the last 2', async () => {
		refuseUpload(6);
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: '={{ $json.name }}', cloneLimit: 100, options: { concurrency: 1 } },
			leads(8),
			{ nodeSettings: RETRY },
		);
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		const methods = apiRequests(sandbox, 'buena').map((entry) => entry.method);
		const outputs = result.outputs[0].map((item) => item.json);
		const voices = await sandboxBuenaVoices(sandbox);
		expect(voices.map((voice) => voice.name).sort()).toEqual(leads(8).map((item) => item.json.name).sort());
		expect(outputs.map((json) => json.name)).toEqual(leads(8).map((item) => item.json.name));
		expect(outputs.map((json) => json.voiceId).sort()).toEqual(voices.map((voice) => voice.voiceId).sort());
		expect(result.outputs[0].map((item) => item.pairedItem)).toEqual(leads(8).map((_, item) => [{ item }]));

		// First try: a look at the account and 7 uploads (the 7th refused). Retry: a look, 2 uploads.
		expect(uploadedNames()).toEqual([...leads(8).map((item) => item.json.name).slice(0, 7), 'Lead 6', 'Lead 7']);
		expect(methods).toEqual([
			'GET',
			...Array(7).fill('POST'),
			'GET',
			'POST',
			'POST',
		]);
		// Every item succeeded: the run forgot what it remembered.
		expect(Object.keys(nodeContext(result))).toEqual([]);
	});

	it('continue on fail: n8n runs the node again when its first item failed; only that item is sent again', async () => {
		refuseUpload(0);
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: '={{ $json.name }}', cloneLimit: 100, options: { concurrency: 2 } },
			leads(4),
			{ nodeSettings: RETRY, continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		const outputs = result.outputs[0].map((item) => item.json);
		expect(outputs.map((json) => json.error)).toEqual([undefined, undefined, undefined, undefined]);
		const voices = await sandboxBuenaVoices(sandbox);
		expect(voices).toHaveLength(4);
		expect(outputs.map((json) => json.voiceId).sort()).toEqual(voices.map((voice) => voice.voiceId).sort());
		expect(uploadedNames().sort()).toEqual(['Lead 0', 'Lead 0', 'Lead 1', 'Lead 2', 'Lead 3']);
	});

	it('without Retry On Fail, the failed run keeps what it made for a retry and names it in the error', async () => {
		refuseUpload(2);
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: '={{ $json.name }}', cloneLimit: 100, options: { concurrency: 1 } },
			leads(3),
		);
		expect(result.error?.message).toBe('Buena AI: The audio could not be processed [VALIDATION_ERROR]');
		const voices = await sandboxBuenaVoices(sandbox);
		expect(voices).toHaveLength(2);
		for (const voice of voices) expect((result.error as { description?: string }).description).toContain(`"${voice.name}" (${voice.voiceId})`);
		const remembered = Object.values(nodeContext(result)) as Array<Record<string, { result: IDataObject }>>;
		expect(remembered).toHaveLength(1);
		expect(Object.values(remembered[0]).map((entry) => entry.result.voiceId).sort()).toEqual(voices.map((voice) => voice.voiceId).sort());
	});
});
