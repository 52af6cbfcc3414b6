/**
 * Speak under n8n's own "Retry On Fail" (node settings `retryOnFail`, `maxTries: 2`,
 * `waitBetweenTries: 0`) in every pinned n8n, installed as a community package and run with
 * `n8n execute`: n8n runs the whole node again after an item failed, and the execution's node
 * context carries what the first try did into the second, so speech already paid for is not
 * requested again, and a request that may have been charged is not repeated.
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { startSandbox, type FaultSpec, type Sandbox } from '../sandbox';
import { disposeAll, N8n, nodeItems } from './harness/n8n';
import { e2eVersions } from './harness/matrix';
import { EXAMPLE_CREDENTIALS, sandboxCredentials } from './support/examples';
import { EXECUTION_TIMEOUT, fieldValue, manualTrigger, SETUP_TIMEOUT, workflow, type TestNode } from './support/workflows';

const PREVIEW_MP3 = fs.readFileSync(path.join(__dirname, '../sandbox/assets/preview.mp3'));
const PREVIEW_PATH = '/voice-clones/preview';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 60_000 });
});

afterAll(async () => {
	await disposeAll();
	await sandbox?.close();
});

let column = 0;
function buenaNode(name: string, type: string, parameters: Record<string, unknown>, settings: Record<string, unknown> = {}): TestNode {
	column += 1;
	const { id, name: credentialName, type: credentialType } = EXAMPLE_CREDENTIALS.buena;
	return {
		id: randomUUID(),
		name,
		type,
		typeVersion: 1,
		position: [column * 220, 300],
		parameters: { provider: 'buena', ...parameters },
		credentials: { [credentialType]: { id, name: credentialName } },
		...settings,
	};
}

function writeFile(name: string, fileName: string): TestNode {
	column += 1;
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		position: [column * 220, 300],
		parameters: { operation: 'write', fileName, dataPropertyName: 'data', options: {} },
	};
}

/** The speak requests the sandbox received: which voice, and what it answered. */
const speakRequests = () =>
	sandbox
		.log()
		.filter((entry) => entry.path.endsWith(PREVIEW_PATH))
		.map((entry) => [fieldValue(entry, 'voiceId'), entry.status]);

describe.each(e2eVersions())('n8n %s: Speak with Retry On Fail', (version) => {
	let n8n: N8n;
	let workflowId: string;
	let spoken: string;

	beforeAll(async () => {
		n8n = await N8n.create({ version });
		spoken = path.join(n8n.filesDir, 'spoken');
		await n8n.importCredentials(sandboxCredentials(sandbox));
		const retryOnFail = { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 };
		const [imported] = await n8n.importWorkflows([
			workflow(
				'Speak every voice, with Retry On Fail',
				[
					manualTrigger(),
					buenaNode('List', 'n8n-nodes-voice-clone.voiceClone', { operation: 'getAll', returnAll: true }),
					buenaNode(
						'Speak',
						'n8n-nodes-voice-clone.voiceClone',
						{ operation: 'speak', voiceId: { __rl: true, mode: 'id', value: '={{ $json.voiceId }}' }, text: '=Hello, this is {{ $json.name }}.', binaryPropertyName: 'data' },
						retryOnFail,
					),
					writeFile('Write Audio', `=${spoken}/{{ $json.voiceId }}.mp3`),
				],
				[
					['Start', 'List'],
					['List', 'Speak'],
					['Speak', 'Write Audio'],
				],
			),
		]);
		workflowId = imported.id;
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
	});

	let voices: string[];
	beforeEach(() => {
		sandbox.reset();
		fs.rmSync(spoken, { recursive: true, force: true });
		fs.mkdirSync(spoken, { recursive: true });
		voices = ['One', 'Two', 'Three'].map((name) => sandbox.seedVoice('buena', { name }));
	});

	test(
		'the third voice is refused once: the retry speaks only that one, and all three files are written',
		async () => {
			const refusal: FaultSpec = {
				mode: 'json',
				status: 409,
				provider: 'buena',
				pathIncludes: PREVIEW_PATH,
				skip: 2,
				body: { error: true, code: 'VOICE_CLONE_NOT_READY', message: 'Voice clone is still training', version: '2.0', details: {} },
			};
			sandbox.injectFault(refusal);

			const run = await n8n.execute(workflowId);

			const speech = nodeItems(run, 'Speak');
			expect(speech.map((item) => item.json.voiceId)).toEqual(voices);
			for (const item of speech) expect(item.binary?.data).toMatchObject({ fileName: 'preview.mp3', mimeType: 'audio/mpeg' });
			// The sandbox spoke each voice once; only the refused request was made again.
			expect(speakRequests()).toEqual([
				[voices[0], 200],
				[voices[1], 200],
				[voices[2], 409],
				[voices[2], 200],
			]);
			// The binary data the first try stored is still there for the next node to read.
			for (const voiceId of voices) expect(fs.readFileSync(path.join(spoken, `${voiceId}.mp3`)).equals(PREVIEW_MP3)).toBe(true);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'the third request may have been charged (a 502 after Buena spoke): exactly three requests, and the error says so',
		async () => {
			sandbox.injectFault({ mode: 'status', status: 502, afterBody: true, provider: 'buena', pathIncludes: PREVIEW_PATH, skip: 2 });

			const result = await n8n.executeRaw(workflowId);

			expect(result.ok).toBe(false);
			expect(speakRequests()).toEqual([
				[voices[0], 200],
				[voices[1], 200],
				[voices[2], 502],
			]);
			const speakRun = result.run?.data.resultData.runData.Speak?.[0];
			expect(speakRun?.error?.message).toBe(
				'Buena AI: Bad gateway [BAD_GATEWAY]. It may have been processed and charged, so it was not sent again (it is not charged twice)',
			);
			expect(speakRun?.error?.description).toContain("so the retry (n8n's Retry On Fail) did not send it again");
		},
		EXECUTION_TIMEOUT,
	);
});
