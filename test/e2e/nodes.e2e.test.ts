/**
 * Create Voice Clone and Wait for Training inside a real n8n (every pinned version), installed
 * as a community package, run headless with `n8n execute` against the provider sandbox on
 * loopback: several samples into one Buena voice, validation failures that send nothing, Bland
 * batches with taken names and over-long samples, n8n's error-output and continue-on-fail
 * routing, and the credential test through n8n's REST API.
 */
import * as fs from 'fs';
import * as path from 'path';

import { startSandbox, type Sandbox } from '../sandbox';
import { makeWav } from '../helpers/wav';
import { CredentialTestSession } from './harness/credentialTest';
import { disposeAll, N8n, nodeItems, nodeJson } from './harness/n8n';
import { e2eVersions } from './harness/matrix';
import { copySampleAudio, sandboxCredentials } from './support/examples';
import {
	cloneUploads,
	createVoiceClone,
	EXECUTION_TIMEOUT,
	fieldValue,
	manualTrigger,
	noOp,
	readFiles,
	SETUP_TIMEOUT,
	waitForTraining,
	workflow,
} from './support/workflows';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 1500 });
});

afterAll(async () => {
	await disposeAll();
	await sandbox?.close();
});

describe.each(e2eVersions())('n8n %s runs the voice clone nodes', (version) => {
	let n8n: N8n;
	let samples: string;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		n8n = await N8n.create({ version });
		samples = path.join(n8n.filesDir, 'samples');
		copySampleAudio(samples);
		const bland = path.join(n8n.filesDir, 'bland-batch');
		copySampleAudio(bland, ['alex-intro.wav', 'maria-intro.wav', 'sam-pitch.mp3']);
		fs.writeFileSync(path.join(bland, 'too-long.wav'), makeWav({ seconds: 61 }));

		await n8n.importCredentials(sandboxCredentials(sandbox));
		const s = (file: string) => path.join(samples, file);
		const workflows = {
			buenaCombined: workflow(
				'Buena: three recordings, one voice',
				[
					manualTrigger(),
					readFiles('Read Alex', s('alex-*.{wav,mp3}')),
					createVoiceClone('Create Voice Clone', 'buena', {
						name: 'Alex (all recordings)',
						description: 'e2e: combined',
						combineItems: true,
						settings: { stability: 0.4, clarity: 0.8, useSpeakerBoost: false },
					}),
					waitForTraining('Wait for Training', 'buena'),
				],
				[
					['Start', 'Read Alex'],
					['Read Alex', 'Create Voice Clone'],
					['Create Voice Clone', 'Wait for Training'],
				],
			),
			buenaRejected: workflow(
				'Buena: a text file among the recordings',
				[
					manualTrigger(),
					readFiles('Read Files', s('{alex-intro.wav,broken-recording.wav}')),
					createVoiceClone(
						'Create Voice Clone',
						'buena',
						{ name: 'Alex with a broken file', combineItems: true },
						{ onError: 'continueErrorOutput' },
					),
					waitForTraining('Wait for Training', 'buena'),
					noOp('Rejected'),
				],
				[
					['Start', 'Read Files'],
					['Read Files', 'Create Voice Clone'],
					['Create Voice Clone', 'Wait for Training', 0],
					['Create Voice Clone', 'Rejected', 1],
				],
			),
			blandBatch: workflow(
				'Bland: one voice per file',
				[
					manualTrigger(),
					readFiles('Read Files', `${bland}/*`),
					createVoiceClone(
						'Create Voice Clone',
						'bland',
						{ name: "={{ $json.fileName.replace(/\\.[^.]+$/, '') }}", description: '=From {{ $json.fileName }}', gender: 'female', engine: 'v2' },
						{ onError: 'continueErrorOutput' },
					),
					waitForTraining('Wait for Training', 'bland'),
					noOp('Rejected'),
				],
				[
					['Start', 'Read Files'],
					['Read Files', 'Create Voice Clone'],
					['Create Voice Clone', 'Wait for Training', 0],
					['Create Voice Clone', 'Rejected', 1],
				],
			),
			trainingFailsContinue: workflow(
				'Buena: training fails, continue (regular output)',
				[
					manualTrigger(),
					readFiles('Read File', s('maria-intro.wav')),
					createVoiceClone('Create Voice Clone', 'buena', { name: 'Maria [fail-training]' }),
					waitForTraining('Wait for Training', 'buena', {}, { onError: 'continueRegularOutput' }),
					noOp('After Wait'),
				],
				[
					['Start', 'Read File'],
					['Read File', 'Create Voice Clone'],
					['Create Voice Clone', 'Wait for Training'],
					['Wait for Training', 'After Wait'],
				],
			),
			trainingFailsStop: workflow(
				'Buena: training fails, stop the workflow',
				[
					manualTrigger(),
					readFiles('Read File', s('maria-intro.wav')),
					createVoiceClone('Create Voice Clone', 'buena', { name: 'Maria [fail-training]' }),
					waitForTraining('Wait for Training', 'buena'),
					noOp('After Wait'),
				],
				[
					['Start', 'Read File'],
					['Read File', 'Create Voice Clone'],
					['Create Voice Clone', 'Wait for Training'],
					['Wait for Training', 'After Wait'],
				],
			),
		};
		const imported = await n8n.importWorkflows(Object.values(workflows));
		Object.keys(workflows).forEach((key, index) => (ids[key] = imported[index].id));
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
	});

	beforeEach(() => sandbox.reset());

	test(
		'Buena: three recordings from disk become one voice that is ready after training',
		async () => {
			const run = await n8n.execute(ids.buenaCombined);

			const [created] = nodeJson(run, 'Create Voice Clone');
			expect(created).toMatchObject({ provider: 'buena', name: 'Alex (all recordings)', status: 'processing' });
			expect((created.samples as Array<{ fileName: string }>).map((sample) => sample.fileName).sort()).toEqual([
				'alex-closing.wav',
				'alex-followup.mp3',
				'alex-intro.wav',
			]);
			const waited = nodeJson(run, 'Wait for Training');
			expect(waited).toEqual([expect.objectContaining({ voiceId: created.voiceId, status: 'ready', trainingProgress: 100 })]);

			const uploads = cloneUploads(sandbox.log());
			expect(uploads).toHaveLength(1);
			expect(uploads[0].files.map((file) => [file.field, file.fileName]).sort()).toEqual([
				['files', 'alex-closing.wav'],
				['files', 'alex-followup.mp3'],
				['files', 'alex-intro.wav'],
			]);
			expect(fieldValue(uploads[0], 'name')).toBe('Alex (all recordings)');
			expect(JSON.parse(fieldValue(uploads[0], 'settings') ?? '{}')).toEqual({ stability: 0.4, clarity: 0.8, use_speaker_boost: false });
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'Buena: a text file named .wav takes the error output and nothing is uploaded',
		async () => {
			const run = await n8n.execute(ids.buenaRejected);

			expect(nodeItems(run, 'Create Voice Clone', 0)).toEqual([]);
			const rejected = nodeJson(run, 'Rejected');
			expect(rejected).toHaveLength(1);
			expect(rejected[0].error).toMatchObject({ message: expect.stringMatching(/nothing was sent.*broken-recording\.wav.*not audio/), httpCode: null, code: null });
			expect(run.data.resultData.runData['Wait for Training']).toBeUndefined();
			expect(cloneUploads(sandbox.log())).toEqual([]);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'Bland: one voice per file; a taken name and a 61 s sample take the error output without uploading',
		async () => {
			sandbox.seedVoice('bland', { name: 'Maria-Intro' }); // names are unique ignoring case
			const run = await n8n.execute(ids.blandBatch);

			const created = nodeJson(run, 'Create Voice Clone');
			expect(created.map((item) => item.name).sort()).toEqual(['alex-intro', 'sam-pitch']);
			for (const item of created) expect(item).toMatchObject({ provider: 'bland', status: 'ready', voiceId: expect.any(String) });
			expect(nodeJson(run, 'Wait for Training')).toEqual(
				created.map((item) => expect.objectContaining({ voiceId: item.voiceId, status: 'ready' })),
			);

			const rejected = nodeJson(run, 'Rejected');
			expect(rejected.map((item) => item.fileName).sort()).toEqual(['maria-intro.wav', 'too-long.wav']);
			const errorOf = (file: string) => String((rejected.find((item) => item.fileName === file)?.error as { message?: string } | undefined)?.message);
			expect(errorOf('maria-intro.wav')).toMatch(/already taken/);
			expect(errorOf('too-long.wav')).toMatch(/61 s long; Bland AI accepts samples of 1 to 60 seconds/);

			const log = sandbox.log();
			const uploads = cloneUploads(log);
			expect(uploads.map((entry) => fieldValue(entry, 'name')).sort()).toEqual(['alex-intro', 'sam-pitch']);
			for (const upload of uploads) {
				expect(upload.files).toHaveLength(1);
				expect(upload.files[0].field).toBe('audio_samples');
				expect(fieldValue(upload, 'gender')).toBe('female');
				expect(fieldValue(upload, 'isBTTS_V2')).toBe('true');
			}
			// One look at the account's voices for the whole batch found the taken name before any
			// upload (no name check per item); the long sample never left n8n.
			expect(log.slice(0, log.indexOf(uploads[0])).map((entry) => `${entry.method} ${entry.path}`)).toEqual(['GET /bland/v1/voices']);
			expect(log.filter((entry) => entry.path.endsWith('/check_name_availability'))).toEqual([]);
			expect(log.some((entry) => entry.files.some((file) => file.fileName === 'too-long.wav'))).toBe(false);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'continue (regular output): a failed training reaches the next node as an item with the error',
		async () => {
			const run = await n8n.execute(ids.trainingFailsContinue);

			const [created] = nodeJson(run, 'Create Voice Clone');
			const after = nodeJson(run, 'After Wait');
			expect(after).toEqual([
				expect.objectContaining({
					voiceId: created.voiceId,
					status: 'failed',
					error: {
						message: expect.stringMatching(/^Training of voice ".+" failed at Buena AI: Audio quality too low/),
						description: expect.stringMatching(/Create the clone again/),
						httpCode: null,
						code: null,
					},
				}),
			]);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'stop on error (the default): a failed training fails the execution with the node error',
		async () => {
			const result = await n8n.executeRaw(ids.trainingFailsStop);

			expect(result.ok).toBe(false);
			expect(result.run?.data.resultData.lastNodeExecuted).toBe('Wait for Training');
			expect(String(result.run?.data.resultData.error?.message)).toMatch(/^Training of voice ".+" failed at Buena AI/);
			expect(result.run?.data.resultData.runData['After Wait']).toBeUndefined();
		},
		EXECUTION_TIMEOUT,
	);

	describe('credential test through n8n (POST /rest/credentials/test) against the sandbox', () => {
		let session: CredentialTestSession;

		beforeAll(async () => {
			session = await CredentialTestSession.start(n8n);
		}, EXECUTION_TIMEOUT);

		afterAll(async () => {
			await session?.stop();
		});

		test.each([
			['buenaApi', () => sandbox.keys.buena, () => sandbox.buenaBaseUrl],
			['blandApi', () => sandbox.keys.bland, () => sandbox.blandBaseUrl],
		])(
			'%s: the demo key passes, a wrong key fails',
			async (type, key, baseUrl) => {
				const good = await session.test({ type, data: { apiKey: key(), baseUrl: baseUrl() } });
				expect(good).toMatchObject({ status: 'OK' });
				const bad = await session.test({ type, data: { apiKey: 'wrong-key', baseUrl: baseUrl() } });
				expect(bad.status).toBe('Error');
				// Both answers came from the sandbox (n8n may ask again after a 401).
				const statuses = sandbox.log().filter((entry) => entry.authPresent).map((entry) => entry.status);
				expect(statuses[0]).toBe(200);
				expect(statuses.slice(1).length).toBeGreaterThan(0);
				expect(statuses.slice(1).every((status) => status === 401)).toBe(true);
			},
			EXECUTION_TIMEOUT,
		);
	});
});
