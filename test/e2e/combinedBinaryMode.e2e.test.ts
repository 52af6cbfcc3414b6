/**
 * Create Voice Clone in workflows whose binary mode is "combined" (n8n 2.x, the editor's
 * "Execution Logic v2"): after every node n8n moves each stored binary from `item.binary` into
 * `json._files`, so the node must find its samples there. Run in a real n8n with the package
 * installed the n8n way, against the sandbox: one Buena voice per item, and Bland with Combine
 * Items and `*`. Each test first checks, in the execution data, that the items the node got had
 * no `binary` and their files under `json._files` with a store id.
 */
import * as path from 'path';

import { startSandbox, type Sandbox } from '../sandbox';
import { disposeAll, majorOf, N8n, nodeItems, nodeJson, type ExecutionRun, type WorkflowInput } from './harness/n8n';
import { binaryDataModes, fullMatrixDescribe } from './harness/matrix';
import { N8N_VERSIONS } from './harness/versions';
import { copySampleAudio, sandboxCredentials } from './support/examples';
import {
	cloneUploads,
	createVoiceClone,
	EXECUTION_TIMEOUT,
	fieldValue,
	manualTrigger,
	readFiles,
	SETUP_TIMEOUT,
	waitForTraining,
	workflow,
} from './support/workflows';

/** Versions that have the combined binary mode (n8n 2.0 and later). */
const COMBINED_VERSIONS = N8N_VERSIONS.filter((version) => majorOf(version) >= 2);
const SEPARATE_ONLY_VERSIONS = N8N_VERSIONS.filter((version) => majorOf(version) < 2);

/** The same workflow with n8n 2.x's combined binary mode switched on. */
function combined(input: WorkflowInput): WorkflowInput {
	return { ...input, settings: { ...input.settings, binaryMode: 'combined' } };
}

/**
 * The items `nodeName` passed on (so the next node got): no binary, and under json._files exactly
 * `files`, each a stored binary (an id in `mode`'s store, no bytes in the item).
 */
function expectFilesOnlyInJson(run: ExecutionRun, nodeName: string, files: string[][], mode: 'filesystem' | 'database') {
	const items = nodeItems(run, nodeName);
	expect(items.map((item) => Object.keys(item.binary ?? {}))).toEqual(files.map(() => []));
	expect(items.map((item) => Object.keys((item.json._files ?? {}) as object))).toEqual(files);
	for (const item of items) {
		for (const file of Object.values(item.json._files as Record<string, Record<string, unknown>>)) {
			expect(file).toMatchObject({ id: expect.stringMatching(new RegExp(`^${mode}(-v2)?:`)), mimeType: expect.stringMatching(/^audio\//) });
		}
	}
	return items;
}

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 1500 });
});

afterAll(async () => {
	await disposeAll();
	await sandbox?.close();
});

// The full matrix only (npm run test:full): n8n's default stays the separate mode.
fullMatrixDescribe().each(COMBINED_VERSIONS)('n8n %s, workflows in combined binary mode (binaries in json._files)', (version) => {
	let n8n: N8n;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		n8n = await N8n.create({ version });
		const alex = path.join(n8n.filesDir, 'alex');
		copySampleAudio(alex, ['alex-intro.wav', 'alex-closing.wav', 'alex-followup.mp3']);
		const team = path.join(n8n.filesDir, 'team');
		copySampleAudio(team, ['alex-intro.wav', 'maria-intro.wav', 'sam-pitch.mp3']);

		await n8n.importCredentials(sandboxCredentials(sandbox));
		const workflows = {
			buenaPerItem: combined(
				workflow(
					'Combined mode, Buena: one voice per recording',
					[
						manualTrigger(),
						readFiles('Read Files', `${alex}/*`),
						createVoiceClone('Create Voice Clone', 'buena', {
							// A combined-mode user reads the file name where n8n put it.
							name: "={{ $json._files.data.fileName.replace(/\\.[^.]+$/, '') }}",
							binaryProperties: 'data',
						}),
						waitForTraining('Wait for Training', 'buena'),
					],
					[
						['Start', 'Read Files'],
						['Read Files', 'Create Voice Clone'],
						['Create Voice Clone', 'Wait for Training'],
					],
				),
			),
			blandCombined: combined(
				workflow(
					'Combined mode, Bland: every file of every item into one voice',
					[
						manualTrigger(),
						readFiles('Read Files', `${team}/*`),
						createVoiceClone('Create Voice Clone', 'bland', {
							name: 'Team Voice',
							binaryProperties: '*',
							combineItems: true,
						}),
					],
					[
						['Start', 'Read Files'],
						['Read Files', 'Create Voice Clone'],
					],
				),
			),
		};
		const imported = await n8n.importWorkflows(Object.values(workflows));
		Object.keys(workflows).forEach((key, index) => (ids[key] = imported[index].id));
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
	});

	beforeEach(() => sandbox.reset());

	test.each(binaryDataModes())(
		'Buena (%s binary data): "data" is found in json._files of each item, one voice each, all trained',
		async (mode) => {
			const run = await n8n.execute(ids.buenaPerItem, { env: { N8N_DEFAULT_BINARY_DATA_MODE: mode } });

			const input = expectFilesOnlyInJson(run, 'Read Files', [['data'], ['data'], ['data']], mode);
			const fileNames = input.map((item) => (item.json._files as { data: { fileName: string } }).data.fileName).sort();
			expect(fileNames).toEqual(['alex-closing.wav', 'alex-followup.mp3', 'alex-intro.wav']);

			const created = nodeJson(run, 'Create Voice Clone');
			expect(created.map((item) => item.name).sort()).toEqual(['alex-closing', 'alex-followup', 'alex-intro']);
			for (const item of created) expect(item).toMatchObject({ provider: 'buena', status: 'processing', voiceId: expect.any(String) });
			expect(nodeItems(run, 'Create Voice Clone').map((item) => item.pairedItem)).toEqual([[{ item: 0 }], [{ item: 1 }], [{ item: 2 }]]);
			expect(nodeJson(run, 'Wait for Training')).toEqual(
				created.map((item) => expect.objectContaining({ voiceId: item.voiceId, status: 'ready' })),
			);

			const uploads = cloneUploads(sandbox.log());
			expect(uploads.map((entry) => entry.status)).toEqual([201, 201, 201]);
			expect(uploads.flatMap((entry) => entry.files.map((file) => [file.field, file.fileName])).sort()).toEqual([
				['files', 'alex-closing.wav'],
				['files', 'alex-followup.mp3'],
				['files', 'alex-intro.wav'],
			]);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'Bland, Combine Items with *: the files of all items, found in json._files, make one voice',
		async () => {
			const run = await n8n.execute(ids.blandCombined);

			expectFilesOnlyInJson(run, 'Read Files', [['data'], ['data'], ['data']], 'filesystem');
			const created = nodeItems(run, 'Create Voice Clone');
			expect(created).toHaveLength(1);
			expect(created[0].json).toMatchObject({ provider: 'bland', name: 'Team Voice', status: 'ready', voiceId: expect.any(String) });
			expect(created[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);

			const uploads = cloneUploads(sandbox.log());
			expect(uploads).toHaveLength(1);
			expect(fieldValue(uploads[0], 'name')).toBe('Team Voice');
			expect(uploads[0].files.map((file) => [file.field, file.fileName]).sort()).toEqual([
				['audio_samples', 'alex-intro.wav'],
				['audio_samples', 'maria-intro.wav'],
				['audio_samples', 'sam-pitch.mp3'],
			]);
		},
		EXECUTION_TIMEOUT,
	);
});

// n8n 1.x has no binaryMode setting: binaries are always in item.binary, which nodes.e2e.test.ts covers.
describe.each(SEPARATE_ONLY_VERSIONS)('n8n %s, combined binary mode', (version) => {
	test.skip(`not run: n8n ${version} has no combined binary mode (added in n8n 2); binaries stay in item.binary there`, () => undefined);
});
