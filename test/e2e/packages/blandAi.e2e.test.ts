/**
 * n8n-nodes-bland-ai, packed from its folder alone and installed the way n8n installs community
 * packages, in a real n8n of every pinned version, against the provider sandbox: every operation of
 * the Bland AI node in one workflow (one voice per recording, a taken name and a 61 s sample on the
 * error output without uploading → get → rename → speak to disk → delete → get many) in both binary
 * storage modes, 2.x's combined binary mode with Combine Items and `*`, and the credential test,
 * all with the package's own credential type.
 */
import * as fs from 'fs';
import * as path from 'path';

import { makeWav } from '../../helpers/wav';
import { startSandbox, type Sandbox } from '../../sandbox';
import { packSingleServicePackage } from '../../packages/support/packageFolder';
import { CredentialTestSession } from '../harness/credentialTest';
import { disposeAll, majorOf, N8n, nodeItems, nodeJson, type WorkflowInput } from '../harness/n8n';
import { binaryDataModes, e2eVersions } from '../harness/matrix';
import { copySampleAudio } from '../support/examples';
import { cloneUploads, EXECUTION_TIMEOUT, fieldValue, manualTrigger, noOp, readFiles, SETUP_TIMEOUT, workflow } from '../support/workflows';
import { BLAND_PACKAGE, blandAi, byId, exampleCredentials, packageCredentials, PACKAGE_CREDENTIALS, packageExample, writeFile } from './support';
import type { TestNode } from '../support/workflows';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 1500 });
});

afterAll(async () => {
	await disposeAll();
	await sandbox?.close();
});

describe.each(e2eVersions())(`n8n %s runs ${BLAND_PACKAGE}`, (version) => {
	let n8n: N8n;
	let spoken: string;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		n8n = await N8n.create({ version, package: await packSingleServicePackage(BLAND_PACKAGE) });
		const batch = path.join(n8n.filesDir, 'batch');
		copySampleAudio(batch, ['alex-intro.wav', 'maria-intro.wav', 'sam-pitch.mp3']);
		fs.writeFileSync(path.join(batch, 'too-long.wav'), makeWav({ seconds: 61 }));
		const team = path.join(n8n.filesDir, 'team');
		copySampleAudio(team, ['alex-intro.wav', 'maria-intro.wav', 'sam-pitch.mp3']);
		spoken = path.join(n8n.filesDir, 'spoken');
		const nightly = path.join(n8n.filesDir, 'nightly');
		copySampleAudio(nightly, ['alex-intro.wav', 'sam-pitch.mp3', 'too-short.wav']);
		await n8n.importCredentials([...packageCredentials(sandbox), ...exampleCredentials(sandbox)]);

		const workflows: Record<string, WorkflowInput> = {
			batchExample: packageExample(BLAND_PACKAGE, 'scheduled-batch.json', { settings: { samplesDir: nightly } }),
			everyOperation: workflow(
				'Bland AI: clone per file, get, rename, speak, delete, list',
				[
					manualTrigger(),
					readFiles('Read Files', `${batch}/*`),
					blandAi(
						'Clone',
						'clone',
						{
							name: "={{ $json.fileName.replace(/\\.[^.]+$/, '') }}",
							description: '=From {{ $json.fileName }}',
							binaryProperties: 'data',
							gender: 'female',
							engine: 'v2',
							options: {},
						},
						{ onError: 'continueErrorOutput' },
					),
					noOp('Rejected'),
					blandAi('Get', 'get', { voiceId: byId('={{ $json.voiceId }}') }),
					blandAi('Rename', 'rename', { voiceId: { __rl: true, mode: 'list', value: '={{ $json.voiceId }}' }, updateFields: { name: '=New {{ $json.name }}' } }),
					blandAi('Speak', 'speak', { voiceId: byId('={{ $json.voiceId }}'), text: 'Hi there', binaryPropertyName: 'data' }),
					writeFile('Write Audio', `=${spoken}/{{ $json.voiceId }}-{{ $json.fileName }}`),
					blandAi('Delete', 'delete', { voiceId: byId('={{ $json.voiceId }}') }),
					blandAi('Get Many', 'getAll', { returnAll: true, filters: {} }, { executeOnce: true } as Partial<TestNode>),
				],
				[
					['Start', 'Read Files'],
					['Read Files', 'Clone'],
					['Clone', 'Get', 0],
					['Clone', 'Rejected', 1],
					['Get', 'Rename'],
					['Rename', 'Speak'],
					['Speak', 'Write Audio'],
					['Write Audio', 'Delete'],
					['Delete', 'Get Many'],
				],
			),
		};
		if (majorOf(version) >= 2) {
			workflows.combinedMode = {
				...workflow(
					'Bland AI, combined binary mode: every file of every item into one voice',
					[
						manualTrigger(),
						readFiles('Read Files', `${team}/*`),
						blandAi('Clone', 'clone', { name: 'Team Voice', binaryProperties: '*', combineItems: true, options: {} }),
					],
					[
						['Start', 'Read Files'],
						['Read Files', 'Clone'],
					],
				),
				settings: { executionOrder: 'v1', binaryMode: 'combined' },
			};
		}
		const imported = await n8n.importWorkflows(Object.values(workflows));
		Object.keys(workflows).forEach((key, index) => (ids[key] = imported[index].id));
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
	});

	beforeEach(() => {
		sandbox.reset();
		fs.rmSync(spoken, { recursive: true, force: true });
		fs.mkdirSync(spoken, { recursive: true });
	});

	test.each(binaryDataModes())(
		'every operation of the Bland AI node in one workflow (%s binary data)',
		async (mode) => {
			const taken = sandbox.seedVoice('bland', { name: 'Maria-Intro' });

			const run = await n8n.execute(ids.everyOperation, { env: { N8N_DEFAULT_BINARY_DATA_MODE: mode } });

			const created = nodeJson(run, 'Clone', 0);
			expect(created.map((item) => item.name).sort()).toEqual(['alex-intro', 'sam-pitch']);
			for (const item of created) expect(item).toMatchObject({ provider: 'bland', status: 'ready', voiceId: expect.any(String) });
			const rejected = nodeJson(run, 'Rejected');
			const errorOf = (file: string) => String((rejected.find((item) => item.fileName === file)?.error as { message?: string } | undefined)?.message);
			expect(rejected.map((item) => item.fileName).sort()).toEqual(['maria-intro.wav', 'too-long.wav']);
			expect(errorOf('maria-intro.wav')).toMatch(/already taken/);
			expect(errorOf('too-long.wav')).toMatch(/61 s long; Bland AI accepts samples of 1 to 60 seconds/);

			const voiceIds = created.map((item) => item.voiceId as string);
			expect(nodeJson(run, 'Get').map((item) => item.voiceId)).toEqual(voiceIds);
			expect(nodeJson(run, 'Rename').map((item) => item.name)).toEqual(created.map((item) => `New ${String(item.name)}`));
			const speech = nodeItems(run, 'Speak');
			expect(speech.map((item) => [item.json.voiceId, item.json.fileName, item.json.mimeType])).toEqual(voiceIds.map((id) => [id, 'speech.wav', 'audio/wav']));
			for (const item of speech) {
				expect(String(item.binary?.data?.id)).toMatch(mode === 'database' ? /^database:/ : /^filesystem(-v2)?:/);
				const wav = fs.readFileSync(path.join(spoken, `${String(item.json.voiceId)}-speech.wav`));
				expect([wav.subarray(0, 4).toString('latin1'), wav.length]).toEqual(['RIFF', item.json.bytes]);
			}
			expect(nodeJson(run, 'Delete')).toEqual(voiceIds.map((voiceId) => ({ provider: 'bland', voiceId, deleted: true })));
			// Get Many ran once, after the deletes: only the voice that was there before.
			expect(nodeJson(run, 'Get Many')).toEqual([expect.objectContaining({ provider: 'bland', voiceId: taken, name: 'Maria-Intro', status: 'ready' })]);

			const uploads = cloneUploads(sandbox.log());
			expect(uploads.map((entry) => fieldValue(entry, 'name')).sort()).toEqual(['alex-intro', 'sam-pitch']);
			for (const upload of uploads) {
				expect(upload.files.map((file) => file.field)).toEqual(['audio_samples']);
				expect([fieldValue(upload, 'gender'), fieldValue(upload, 'isBTTS_V2')]).toEqual(['female', 'true']);
			}
			expect(sandbox.log().some((entry) => entry.files.some((file) => file.fileName === 'too-long.wav'))).toBe(false);
			expect(sandbox.log().every((entry) => entry.provider === 'bland' && entry.authPresent)).toBe(true);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'example scheduled-batch.json: a ready voice per recording, the one under a second in the report',
		async () => {
			const run = await n8n.execute(ids.batchExample);

			const [report] = nodeJson(run, 'Cloned Voices');
			expect(report).toMatchObject({ provider: 'bland', ready: 2 });
			expect((report.voices as Array<{ name: string }>).map((voice) => voice.name.split(' ')[0]).sort()).toEqual(['alex-intro', 'sam-pitch']);
			const [failed] = nodeJson(run, 'Failed Recordings');
			expect(failed).toMatchObject({ failed: 1, failures: [expect.objectContaining({ file: 'too-short.wav', error: expect.stringMatching(/Bland AI accepts samples of 1 to 60 seconds/) })] });
			expect(cloneUploads(sandbox.log())).toHaveLength(2);
		},
		EXECUTION_TIMEOUT,
	);

	(majorOf(version) >= 2 ? test : test.skip)(
		'combined binary mode: Combine Items with * makes one voice from the files of all items',
		async () => {
			const run = await n8n.execute(ids.combinedMode);

			expect(nodeItems(run, 'Read Files').map((item) => Object.keys(item.binary ?? {}))).toEqual([[], [], []]);
			const created = nodeItems(run, 'Clone');
			expect(created.map((item) => item.json)).toEqual([expect.objectContaining({ provider: 'bland', name: 'Team Voice', status: 'ready' })]);
			expect(created[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			const uploads = cloneUploads(sandbox.log());
			expect(uploads.map((upload) => upload.files.map((file) => file.fileName).sort())).toEqual([['alex-intro.wav', 'maria-intro.wav', 'sam-pitch.mp3']]);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'the credential test (POST /rest/credentials/test) passes the key and refuses a wrong one',
		async () => {
			const session = await CredentialTestSession.start(n8n);
			try {
				const { type } = PACKAGE_CREDENTIALS.bland;
				expect(await session.test({ type, data: { apiKey: sandbox.keys.bland, baseUrl: sandbox.blandBaseUrl } })).toMatchObject({ status: 'OK' });
				expect((await session.test({ type, data: { apiKey: 'wrong-key', baseUrl: sandbox.blandBaseUrl } })).status).toBe('Error');
			} finally {
				await session.stop();
			}
		},
		EXECUTION_TIMEOUT,
	);
});
