/**
 * Issue 10, findings 10 and 11, as they were seen in a real n8n 2.41.1 (and checked in every
 * pinned version): the quota check no longer races its own batch, and two items with one name
 * whose first upload's answer is lost get two voices, both in the output.
 */
import * as fs from 'fs';
import * as path from 'path';

import { startSandbox, type Sandbox } from '../sandbox';
import { sandboxBuenaVoices } from '../helpers/sandboxCredentials';
import { makeWav } from '../helpers/wav';
import { disposeAll, N8n, nodeItems } from './harness/n8n';
import { e2eVersions } from './harness/matrix';
import { sandboxCredentials } from './support/examples';
import {
	cloneUploads,
	createVoiceClone,
	EXECUTION_TIMEOUT,
	fieldValue,
	manualTrigger,
	readFiles,
	SETUP_TIMEOUT,
	workflow,
} from './support/workflows';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 600_000 });
});

afterAll(async () => {
	await disposeAll();
	await sandbox?.close();
});

describe.each(e2eVersions())('n8n %s: batches that cannot lose or share a voice', (version) => {
	let n8n: N8n;
	let dir: string;

	beforeAll(async () => {
		n8n = await N8n.create({ version });
		dir = path.join(n8n.filesDir, 'leads');
		fs.mkdirSync(dir, { recursive: true });
		for (const name of ['lead-a', 'lead-b', 'lead-c']) fs.writeFileSync(path.join(dir, `${name}.wav`), makeWav({ seconds: 2 }));
		await n8n.importCredentials(sandboxCredentials(sandbox));
	}, SETUP_TIMEOUT);

	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ rateLimit: { limit: 100_000, windowMs: 60_000 } });
	});

	test(
		'3 of 5 clones, 3 items, concurrency 2: the third item is refused without uploading while a sibling upload is under way',
		async () => {
			for (let index = 0; index < 3; index++) sandbox.seedVoice('buena', { name: `Existing ${index}` });
			// One of the first two uploads is answered 503 and retried after a backoff.
			sandbox.injectFault({ mode: 'status', status: 503, provider: 'buena', method: 'POST', pathIncludes: '/voice-clones' });
			const run = await n8n.importAndExecute(
				workflow(
					'Quota and in-flight uploads',
					[
						manualTrigger(),
						readFiles('Read', `${dir}/lead-*.wav`),
						createVoiceClone(
							'Create Voice Clone',
							'buena',
							{ name: "={{ $json.fileName.replace('.wav', '') }}", options: { concurrency: 2 } },
							{ onError: 'continueRegularOutput' },
						),
					],
					[
						['Start', 'Read'],
						['Read', 'Create Voice Clone'],
					],
				),
			);
			const items = nodeItems(run, 'Create Voice Clone').map((item) => item.json);
			const refused = items.filter((json) => json.error);
			expect(refused).toHaveLength(1);
			const refusal = refused[0].error as { message: string };
			expect(refusal).toMatchObject({
				message: expect.stringMatching(/^Buena AI allows 5 voice clones per account and yours already has 5, so "lead-\w" was not created$/),
				httpCode: null,
			});
			const uploads = cloneUploads(sandbox.log());
			expect(uploads.map((entry) => entry.status)).not.toContain(429);
			const refusedName = refusal.message.match(/"(lead-\w)"/)?.[1];
			expect(uploads.map((entry) => fieldValue(entry, 'name'))).not.toContain(refusedName);
			expect(await sandboxBuenaVoices(sandbox)).toHaveLength(5);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'two items named the same, the first upload\'s answer lost: two voices, two ids, both in the output',
		async () => {
			sandbox.injectFault({ mode: 'hang', afterBody: true, provider: 'buena', method: 'POST', pathIncludes: '/voice-clones' });
			const run = await n8n.importAndExecute(
				workflow(
					'Same name, lost answer',
					[
						manualTrigger(),
						readFiles('Read', `${dir}/{lead-a,lead-b}.wav`),
						// The upload whose answer is lost holds the name for its 2 s; its sibling waits for it
						// within its own Upload Timeout, so it gets longer.
						createVoiceClone('Create Voice Clone', 'buena', { name: 'Twin', options: { concurrency: 2, timeout: '={{ $itemIndex === 0 ? 2 : 20 }}' } }),
					],
					[
						['Start', 'Read'],
						['Read', 'Create Voice Clone'],
					],
				),
			);
			const items = nodeItems(run, 'Create Voice Clone').map((item) => item.json);
			const voices = await sandboxBuenaVoices(sandbox);
			expect(voices.map((voice) => voice.name)).toEqual(['Twin', 'Twin']);
			expect(items.map((json) => json.voiceId).sort()).toEqual(voices.map((voice) => voice.voiceId).sort());
			expect(items.map((json) => json.recovered).sort()).toEqual([false, true]);
		},
		EXECUTION_TIMEOUT,
	);
});
