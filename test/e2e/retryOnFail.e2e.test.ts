/**
 * Issue 15: n8n's node setting "Retry On Fail" runs the whole node again after it failed, and again
 * when its first output item carries an error (continue on fail). A Create that made 6 voices
 * and then failed must not make them again on the retry: the voices are remembered in the
 * execution's node context, which survives the retry. In every pinned n8n version.
 */
import * as fs from 'fs';
import * as path from 'path';

import { startSandbox, type RequestLogEntry, type Sandbox } from '../sandbox';
import { refuseBuenaUpload } from '../helpers/sandboxFaults';
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
	type TestNode,
} from './support/workflows';

const LEADS = Array.from({ length: 8 }, (_, index) => `lead-${index}`);

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 600_000 });
});

afterAll(async () => {
	await disposeAll();
	await sandbox?.close();
});

/** The node settings as the editor saves them: Settings → Retry On Fail, Max Tries 2, Wait Between Tries 0 ms. */
function withRetryOnFail(node: TestNode): TestNode {
	return Object.assign(node, { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 });
}

const refuseUpload = (skip: number) => refuseBuenaUpload(sandbox, skip);

const uploadedNames = (log: RequestLogEntry[]) => cloneUploads(log).map((entry) => fieldValue(entry, 'name'));

describe.each(e2eVersions())('n8n %s: Retry On Fail never makes a voice twice', (version) => {
	let n8n: N8n;
	let dir: string;

	beforeAll(async () => {
		n8n = await N8n.create({ version });
		dir = path.join(n8n.filesDir, 'leads');
		fs.mkdirSync(dir, { recursive: true });
		LEADS.forEach((name, index) => fs.writeFileSync(path.join(dir, `${name}.wav`), makeWav({ seconds: 1 + (index % 2) })));
		await n8n.importCredentials(sandboxCredentials(sandbox));
	}, SETUP_TIMEOUT);

	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ rateLimit: { limit: 100_000, windowMs: 60_000 }, buenaMaxClones: 100 });
	});

	const createWorkflow = (name: string, extra: Partial<TestNode> = {}) =>
		workflow(
			name,
			[
				manualTrigger(),
				readFiles('Read', `${dir}/lead-*.wav`),
				withRetryOnFail(
					createVoiceClone(
						'Create Voice Clone',
						'buena',
						{ name: "={{ $json.fileName.replace('.wav', '') }}", cloneLimit: 100, options: { concurrency: 1 } },
						extra,
					),
				),
			],
			[
				['Start', 'Read'],
				['Read', 'Create Voice Clone'],
			],
		);

	test(
		'8 items, concurrency 1, the 7th upload refused once: after n8n\'s retry, 8 voices, each once in the output',
		async () => {
			refuseUpload(6);
			const run = await n8n.importAndExecute(createWorkflow('Retry On Fail: stop on error'));
			const log = sandbox.log();
			const items = nodeItems(run, 'Create Voice Clone').map((item) => item.json);
			const voices = await sandboxBuenaVoices(sandbox);

			expect(voices.map((voice) => voice.name).sort()).toEqual(LEADS);
			expect(items).toHaveLength(8);
			expect(items.map((json) => json.name).sort()).toEqual(LEADS);
			expect(items.map((json) => json.voiceId).sort()).toEqual(voices.map((voice) => voice.voiceId).sort());
			// The first try made 6 voices and was refused the 7th; the retry uploaded only the last two.
			const uploads = uploadedNames(log);
			expect(uploads).toHaveLength(9);
			expect(uploads.slice(7).sort()).toEqual([uploads[6], LEADS.find((lead) => !uploads.slice(0, 7).includes(lead))].sort());
			expect(cloneUploads(log).map((entry) => entry.status)).toEqual([201, 201, 201, 201, 201, 201, 400, 201, 201]);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'continue on fail: n8n runs the node again because its first item failed; only that item is sent again',
		async () => {
			refuseUpload(0);
			const run = await n8n.importAndExecute(createWorkflow('Retry On Fail: continue', { onError: 'continueRegularOutput' }));
			const log = sandbox.log();
			const items = nodeItems(run, 'Create Voice Clone').map((item) => item.json);
			const voices = await sandboxBuenaVoices(sandbox);

			expect(items.filter((json) => json.error)).toEqual([]);
			expect(voices.map((voice) => voice.name).sort()).toEqual(LEADS);
			expect(items.map((json) => json.voiceId).sort()).toEqual(voices.map((voice) => voice.voiceId).sort());
			const uploads = uploadedNames(log);
			expect(uploads).toHaveLength(9);
			expect(uploads[8]).toBe(uploads[0]);
		},
		EXECUTION_TIMEOUT,
	);
});
