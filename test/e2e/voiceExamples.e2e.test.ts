/**
 * The example workflows that use the Voice Clone node and the Voice Clone Trigger, imported as
 * files into a real n8n (every pinned version) and run against the sandbox as `npm run demo` runs
 * them:
 *  - free-buena-slot with `n8n execute`: a full Buena account loses exactly the voices the batch
 *    needs, failed ones first, then the oldest;
 *  - linkedin-outreach-send and hear-it-first activated on a running `n8n start`, while
 *    linkedin-outreach-clone runs with `n8n execute`: each voice that finishes training gets one
 *    LinkedIn voice message and one spoken MP3 preview, with no execution held open meanwhile.
 * Only the Settings values and the poll times are changed on import (exampleWorkflow()).
 */
import * as path from 'path';

import { sandboxBuenaVoices } from '../helpers/sandboxCredentials';
import { startSandbox, type Sandbox } from '../sandbox';
import { disposeAll, N8n, nodeJson, type NodeItem } from './harness/n8n';
import { e2eVersions } from './harness/matrix';
import { buenaListPolls, startWithOwner, successfulRunItems, waitUntil } from './support/activeWorkflow';
import { copySampleAudio, exampleWorkflow, importTriggeredOutreach, sandboxCredentials, startLinkedInStub, type LinkedInStub } from './support/examples';
import { EXECUTION_TIMEOUT, SETUP_TIMEOUT } from './support/workflows';

let sandbox: Sandbox;
let linkedIn: LinkedInStub;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 3_000 });
	linkedIn = await startLinkedInStub(sandbox.keys.buena);
});

afterAll(async () => {
	await disposeAll();
	await linkedIn?.close();
	await sandbox?.close();
});

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

describe.each(e2eVersions())('n8n %s runs the Voice Clone examples', (version) => {
	let n8n: N8n;

	beforeAll(async () => {
		n8n = await N8n.create({ version });
		await n8n.importCredentials(sandboxCredentials(sandbox));
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
	});

	beforeEach(() => {
		sandbox.reset();
		linkedIn.calls.length = 0;
	});

	test(
		'free-buena-slot: a full account loses the failed voice, then the oldest, as many as the batch needs; voices in training are kept',
		async () => {
			sandbox.seedVoice('buena', { name: 'Oldest Campaign' });
			await sleep(20);
			sandbox.seedVoice('buena', { name: 'Still Training', status: 'processing' });
			await sleep(20);
			sandbox.seedVoice('buena', { name: 'Noisy Recording', status: 'failed' });
			await sleep(20);
			sandbox.seedVoice('buena', { name: 'Newer Campaign' });
			await sleep(20);
			sandbox.seedVoice('buena', { name: 'Newest Campaign' });
			const id = await n8n.importWorkflow(exampleWorkflow('free-buena-slot', { settings: { slotsNeeded: '2' } }));

			const run = await n8n.execute(id);
			const [freed] = nodeJson(run, 'Freed Slots');
			expect(freed).toEqual({
				deleted: [
					expect.objectContaining({ name: 'Noisy Recording', reason: 'training failed', deleted: true }),
					expect.objectContaining({ name: 'Oldest Campaign', reason: 'oldest voice', deleted: true }),
				],
				voicesBefore: 5,
				voicesNow: 3,
				accountLimit: 5,
			});
			expect((await sandboxBuenaVoices(sandbox)).map((voice) => voice.name).sort()).toEqual(['Newer Campaign', 'Newest Campaign', 'Still Training']);
			expect(sandbox.log().filter((entry) => entry.method === 'DELETE')).toHaveLength(2);

			// Room enough already: nothing is deleted and the workflow ends before Delete Voice.
			sandbox.clearLog();
			const again = await n8n.execute(id);
			expect(nodeJson(again, 'Pick Voices to Delete')).toEqual([]);
			expect(again.data.resultData.runData['Delete Voice']).toBeUndefined();
			expect(sandbox.log().filter((entry) => entry.method === 'DELETE')).toHaveLength(0);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'linkedin-outreach-send and hear-it-first, activated: each trained voice gets one LinkedIn message and one MP3 preview',
		async () => {
			sandbox.seedVoice('buena', { name: 'Existing Voice' });
			const samplesDir = path.join(n8n.filesDir, 'voice-samples');
			copySampleAudio(samplesDir);
			const { clone, hear } = await importTriggeredOutreach(n8n, { samplesDir, linkedInUrl: linkedIn.baseUrl });
			const { server, client } = await startWithOwner(n8n);
			const listCalls = () => buenaListPolls(sandbox);
			// Both triggers' activation polls: they note "Existing Voice" and stay silent.
			await waitUntil(() => listCalls() >= 2, 60_000);
			expect(listCalls()).toBeGreaterThanOrEqual(2);

			// Part 1 clones and ends at once: no execution waits for the training.
			const cloned = await n8n.execute(clone.id);
			const created = nodeJson(cloned, 'Create Voice Clone');
			expect(created.map((voice) => [voice.name, voice.status])).toEqual([
				['Alex for Northwind', 'processing'],
				['Maria for Contoso', 'processing'],
				['Sam for Fabrikam', 'processing'],
			]);

			// Training takes 3 s; the next poll after it sends each lead its voice, once.
			await waitUntil(() => linkedIn.calls.length >= 3, 60_000, 250);
			expect(linkedIn.calls.map((call) => [call.body.leadId, (call.body.voiceSettings as { voiceId: string }).voiceId]).sort()).toEqual(
				[
					['lead-001', created[0].voiceId],
					['lead-002', created[1].voiceId],
					['lead-003', created[2].voiceId],
				].sort(),
			);

			// hear-it-first: one successful execution per trained voice batch with the MP3 on each item.
			let previews: NodeItem[] = [];
			const previewDeadline = Date.now() + 30_000;
			while (Date.now() < previewDeadline) {
				previews = await successfulRunItems(n8n, client, hear.id, 'Message With Preview');
				if (previews.length >= 3) break;
				await sleep(500);
			}
			expect(previews.map((item) => item.json.subject).sort()).toEqual([
				'New voice ready: Alex for Northwind',
				'New voice ready: Maria for Contoso',
				'New voice ready: Sam for Fabrikam',
			]);
			for (const item of previews) {
				expect(item.binary?.data).toMatchObject({ fileName: 'preview.mp3', mimeType: 'audio/mpeg' });
				expect(String(item.json.message)).toContain('preview.mp3');
			}

			// A few more polls: nothing is sent twice, the existing voice was never reported.
			const polled = listCalls();
			await waitUntil(() => listCalls() >= polled + 2, 20_000, 250);
			await sleep(2_000);
			expect(linkedIn.calls).toHaveLength(3);
			expect(sandbox.log().filter((entry) => entry.method === 'POST' && entry.path.endsWith('/voice-clones/preview'))).toHaveLength(3);
			await server.stop();
		},
		SETUP_TIMEOUT,
	);
});
