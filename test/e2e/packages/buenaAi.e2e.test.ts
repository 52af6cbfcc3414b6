/**
 * n8n-nodes-buena-ai, packed from its folder alone and installed the way n8n installs community
 * packages, in a real n8n of every pinned version, against the provider sandbox: every operation of
 * the Buena AI node in one workflow (three recordings → one voice → trained → listed → got →
 * renamed → spoken to disk → deleted) in both binary storage modes, a file that is not audio on the
 * error output with nothing sent, 2.x's combined binary mode, the Buena AI Trigger in an active
 * workflow, and the credential test, all with the package's own credential type.
 */
import * as fs from 'fs';
import * as path from 'path';

import { startSandbox, type Sandbox } from '../../sandbox';
import { packSingleServicePackage } from '../../packages/support/packageFolder';
import { disposeAll, majorOf, N8n, nodeItems, nodeJson, type WorkflowInput } from '../harness/n8n';
import { binaryDataModes, e2eVersions } from '../harness/matrix';
import { activateWorkflow, buenaListPolls, fastestPollTimes, sinkNode, startSink, startWithOwner, waitUntil, type Sink } from '../support/activeWorkflow';
import { copySampleAudio, startLinkedInStub, type LinkedInStub } from '../support/examples';
import { cloneUploads, EXECUTION_TIMEOUT, fieldValue, manualTrigger, noOp, readFiles, SETUP_TIMEOUT, workflow } from '../support/workflows';
import { BUENA_PACKAGE, buenaAi, byId, exampleCredentials, packageCredentials, PACKAGE_CREDENTIALS, packageExample, writeFile } from './support';

const PREVIEW_MP3 = fs.readFileSync(path.join(__dirname, '../../sandbox/assets/preview.mp3'));

let sandbox: Sandbox;
let sink: Sink;
let linkedIn: LinkedInStub;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 1500 });
	sink = await startSink();
	linkedIn = await startLinkedInStub(sandbox.keys.buena);
});

afterAll(async () => {
	await disposeAll();
	await linkedIn?.close();
	await sink?.close();
	await sandbox?.close();
});

const combined = (input: WorkflowInput): WorkflowInput => ({ ...input, settings: { ...input.settings, binaryMode: 'combined' } });

describe.each(e2eVersions())(`n8n %s runs ${BUENA_PACKAGE}`, (version) => {
	let n8n: N8n;
	let samples: string;
	let spoken: string;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		n8n = await N8n.create({ version, package: await packSingleServicePackage(BUENA_PACKAGE) });
		samples = path.join(n8n.filesDir, 'samples');
		copySampleAudio(samples);
		const alex = path.join(n8n.filesDir, 'alex');
		copySampleAudio(alex, ['alex-intro.wav', 'alex-closing.wav', 'alex-followup.mp3']);
		spoken = path.join(n8n.filesDir, 'spoken');
		const batch = path.join(n8n.filesDir, 'batch');
		copySampleAudio(batch, ['alex-intro.wav', 'maria-intro.wav', 'broken-recording.wav']);
		await n8n.importCredentials([...packageCredentials(sandbox), ...exampleCredentials(sandbox)]);
		const fastWait = { 'Wait for Training': { pollInterval: 0.5, timeout: 1 } };

		const workflows: Record<string, WorkflowInput> = {
			linkedInExample: packageExample(BUENA_PACKAGE, 'linkedin-outreach.json', {
				settings: { samplesDir: samples, buenaApiUrl: linkedIn.baseUrl },
				parameters: fastWait,
			}),
			batchExample: packageExample(BUENA_PACKAGE, 'scheduled-batch.json', { settings: { samplesDir: batch }, parameters: fastWait }),
			everyOperation: workflow(
				'Buena AI: create, wait, list, get, update, speak, delete',
				[
					manualTrigger(),
					readFiles('Read Alex', `${samples}/alex-*.{wav,mp3}`),
					buenaAi('Create', 'create', {
						name: 'e2e Alex',
						description: 'from the package',
						binaryProperties: 'data',
						combineItems: true,
						settings: { stability: 0.4, clarity: 0.8, useSpeakerBoost: false },
						options: {},
					}),
					buenaAi('Wait', 'waitForTraining', { voiceId: byId('={{ $json.voiceId }}'), pollInterval: 0.5, timeout: 1 }),
					buenaAi('Get Many', 'getAll', { returnAll: true, filters: { nameContains: 'e2e' } }),
					buenaAi('Get', 'get', { voiceId: byId('={{ $json.voiceId }}') }),
					buenaAi('Update', 'update', {
						voiceId: byId('={{ $json.voiceId }}'),
						updateFields: { name: '={{ $json.name }} (renamed)', description: 'renamed in n8n' },
					}),
					buenaAi('Speak', 'speak', { voiceId: byId('={{ $json.voiceId }}'), text: '=Hello, this is {{ $json.name }}.', binaryPropertyName: 'data' }),
					writeFile('Write Audio', `=${spoken}/{{ $json.voiceId }}-{{ $json.fileName }}`),
					buenaAi('Delete', 'delete', { voiceId: byId('={{ $json.voiceId }}') }),
				],
				[
					['Start', 'Read Alex'],
					['Read Alex', 'Create'],
					['Create', 'Wait'],
					['Wait', 'Get Many'],
					['Get Many', 'Get'],
					['Get', 'Update'],
					['Update', 'Speak'],
					['Speak', 'Write Audio'],
					['Write Audio', 'Delete'],
				],
			),
			rejected: workflow(
				'Buena AI: a text file among the recordings',
				[
					manualTrigger(),
					readFiles('Read Files', `${samples}/{alex-intro.wav,broken-recording.wav}`),
					buenaAi('Create', 'create', { name: 'Alex with a broken file', binaryProperties: 'data', combineItems: true, options: {} }, { onError: 'continueErrorOutput' }),
					noOp('Created'),
					noOp('Rejected'),
				],
				[
					['Start', 'Read Files'],
					['Read Files', 'Create'],
					['Create', 'Created', 0],
					['Create', 'Rejected', 1],
				],
			),
		};
		if (majorOf(version) >= 2) {
			workflows.combinedMode = combined(
				workflow(
					'Buena AI, combined binary mode: one voice per recording',
					[
						manualTrigger(),
						readFiles('Read Files', `${alex}/*`),
						buenaAi('Create', 'create', {
							name: "={{ $json._files.data.fileName.replace(/\\.[^.]+$/, '') }}",
							binaryProperties: 'data',
							options: {},
						}),
						buenaAi('Wait', 'waitForTraining', { voiceId: byId('={{ $json.voiceId }}'), pollInterval: 0.5, timeout: 1 }),
					],
					[
						['Start', 'Read Files'],
						['Read Files', 'Create'],
						['Create', 'Wait'],
					],
				),
			);
		}
		const imported = await n8n.importWorkflows(Object.values(workflows));
		Object.keys(workflows).forEach((key, index) => (ids[key] = imported[index].id));
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
	});

	beforeEach(() => {
		sandbox.reset();
		linkedIn.calls.length = 0;
		fs.rmSync(spoken, { recursive: true, force: true });
		fs.mkdirSync(spoken, { recursive: true });
	});

	test.each(binaryDataModes())(
		'every operation of the Buena AI node in one workflow (%s binary data)',
		async (mode) => {
			const run = await n8n.execute(ids.everyOperation, { env: { N8N_DEFAULT_BINARY_DATA_MODE: mode } });

			const [created] = nodeJson(run, 'Create');
			expect(created).toMatchObject({ provider: 'buena', name: 'e2e Alex', status: 'processing', reused: false });
			expect((created.samples as Array<{ fileName: string }>).map((sample) => sample.fileName).sort()).toEqual([
				'alex-closing.wav',
				'alex-followup.mp3',
				'alex-intro.wav',
			]);
			const voiceId = created.voiceId as string;
			expect(nodeJson(run, 'Wait')).toEqual([expect.objectContaining({ voiceId, status: 'ready', trainingProgress: 100 })]);
			expect(nodeJson(run, 'Get Many')).toEqual([expect.objectContaining({ provider: 'buena', voiceId, name: 'e2e Alex', status: 'ready' })]);
			expect(nodeJson(run, 'Get')).toEqual([expect.objectContaining({ voiceId, name: 'e2e Alex', description: 'from the package' })]);
			expect(nodeJson(run, 'Update')).toEqual([expect.objectContaining({ voiceId, name: 'e2e Alex (renamed)', description: 'renamed in n8n' })]);
			const [speech] = nodeItems(run, 'Speak');
			expect(speech.json).toMatchObject({ voiceId, fileName: 'preview.mp3', mimeType: 'audio/mpeg', bytes: PREVIEW_MP3.length });
			expect(String(speech.binary?.data?.id)).toMatch(mode === 'database' ? /^database:/ : /^filesystem(-v2)?:/);
			expect(fs.readFileSync(path.join(spoken, `${voiceId}-preview.mp3`)).equals(PREVIEW_MP3)).toBe(true);
			expect(nodeJson(run, 'Delete')).toEqual([{ provider: 'buena', voiceId, deleted: true }]);

			const uploads = cloneUploads(sandbox.log());
			expect(uploads).toHaveLength(1);
			expect(uploads[0].files.map((file) => file.field)).toEqual(['files', 'files', 'files']);
			expect(JSON.parse(fieldValue(uploads[0], 'settings') ?? '{}')).toEqual({ stability: 0.4, clarity: 0.8, use_speaker_boost: false });
			// Every request went to Buena with the package credential's key.
			expect(sandbox.log().every((entry) => entry.provider === 'buena' && entry.authPresent)).toBe(true);
			expect(sandbox.log().filter((entry) => entry.method === 'DELETE').map((entry) => [entry.path.split('/').pop(), entry.status])).toEqual([[voiceId, 200]]);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'example linkedin-outreach.json: one trained voice per lead, then a LinkedIn voice message through the package credential',
		async () => {
			const run = await n8n.execute(ids.linkedInExample);

			const leads = nodeJson(run, 'Leads');
			const created = nodeJson(run, 'Create Voice Clone');
			expect(created.map((voice) => voice.name)).toEqual(leads.map((lead) => lead.voiceName));
			expect(nodeJson(run, 'Wait for Training')).toEqual(created.map((voice) => expect.objectContaining({ voiceId: voice.voiceId, status: 'ready' })));
			expect(linkedIn.calls.map((call) => [call.authorization, call.body.leadId, (call.body.voiceSettings as { voiceId?: string }).voiceId])).toEqual(
				leads.map((lead, index) => [`Bearer ${sandbox.keys.buena}`, lead.leadId, created[index].voiceId]),
			);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'example scheduled-batch.json: a voice per recording, the broken one in the report; run again, it uploads nothing',
		async () => {
			const first = await n8n.execute(ids.batchExample);
			const [report] = nodeJson(first, 'Cloned Voices');
			expect(report).toMatchObject({ provider: 'buena', ready: 2 });
			expect(nodeJson(first, 'Failed Recordings')).toEqual([expect.objectContaining({ failed: 1 })]);
			expect(cloneUploads(sandbox.log())).toHaveLength(2);

			sandbox.clearLog();
			const again = await n8n.execute(ids.batchExample);
			expect(nodeJson(again, 'Create Voice Clone').map((voice) => [voice.voiceId, voice.reused])).toEqual(
				nodeJson(first, 'Create Voice Clone').map((voice) => [voice.voiceId, true]),
			);
			expect(cloneUploads(sandbox.log())).toEqual([]);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'a text file named .wav takes the error output and nothing is uploaded',
		async () => {
			const run = await n8n.execute(ids.rejected);

			expect(run.data.resultData.runData.Created).toBeUndefined();
			const rejected = nodeJson(run, 'Rejected');
			expect(rejected).toHaveLength(1);
			expect(rejected[0].error).toMatchObject({ message: expect.stringMatching(/nothing was sent.*broken-recording\.wav.*not audio/), httpCode: null });
			expect(cloneUploads(sandbox.log())).toEqual([]);
		},
		EXECUTION_TIMEOUT,
	);

	(majorOf(version) >= 2 ? test : test.skip)(
		'combined binary mode: "data" is found in json._files, one voice per recording, all trained',
		async () => {
			const run = await n8n.execute(ids.combinedMode);

			expect(nodeItems(run, 'Read Files').map((item) => [Object.keys(item.binary ?? {}), Object.keys((item.json._files ?? {}) as object)])).toEqual([
				[[], ['data']],
				[[], ['data']],
				[[], ['data']],
			]);
			const created = nodeJson(run, 'Create');
			expect(created.map((item) => item.name).sort()).toEqual(['alex-closing', 'alex-followup', 'alex-intro']);
			expect(nodeJson(run, 'Wait')).toEqual(created.map((item) => expect.objectContaining({ voiceId: item.voiceId, status: 'ready' })));
			expect(cloneUploads(sandbox.log()).map((entry) => entry.status)).toEqual([201, 201, 201]);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'Buena AI Trigger in an active workflow: voices from before the activation start nothing; a new voice, a finished and a failed training do; the credential test passes the key and refuses a wrong one',
		async () => {
			sandbox.configure({ trainingMs: 30 * 60_000 });
			sink.calls.length = 0;
			sandbox.seedVoice('buena', { name: 'Ready Before' });
			const trainingBefore = sandbox.seedVoice('buena', { name: 'Training Before', status: 'processing' });
			const { id, name, type } = PACKAGE_CREDENTIALS.buena;
			const workflowId = await n8n.importWorkflow({
				name: 'Buena AI Trigger e2e',
				nodes: [
					{
						id: 'b7a1c3e0-0000-4000-8000-000000000001',
						name: 'Buena AI Trigger',
						type: `${BUENA_PACKAGE}.buenaAiTrigger`,
						typeVersion: 1,
						position: [0, 300],
						parameters: { pollTimes: fastestPollTimes(version, 2), events: ['created', 'ready', 'failed'], options: {} },
						credentials: { [type]: { id, name } },
					},
					sinkNode('Sink', sink, [220, 300]),
				],
				connections: { 'Buena AI Trigger': { main: [[{ node: 'Sink', type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
			});
			await activateWorkflow(n8n, workflowId);
			const { server, client } = await startWithOwner(n8n);
			try {
				const polls = () => buenaListPolls(sandbox);
				expect(await waitUntil(() => polls() >= 1, 60_000)).toBe(true);

				const fresh = sandbox.seedVoice('buena', { name: 'Fresh Voice', status: 'processing' });
				sandbox.seedVoice('buena', { name: 'Broken Voice', status: 'failed', errorMessage: 'Audio quality too low' });
				sandbox.markReady(trainingBefore);
				const seen = polls();
				expect(await waitUntil(() => polls() > seen, majorOf(version) >= 2 ? 80_000 : 20_000)).toBe(true);
				await sink.waitFor(4, 20_000);
				expect(sink.calls.map((call) => `${String(call.body.event)}:${String(call.body.name)}`).sort()).toEqual([
					'created:Broken Voice',
					'created:Fresh Voice',
					'failed:Broken Voice',
					'ready:Training Before',
				]);
				expect(sink.calls.find((call) => call.body.event === 'created')?.body).toMatchObject({ provider: 'buena', voiceId: fresh, status: 'processing' });

				const testKey = async (apiKey: string) => {
					const stored = await client.createCredential({ name: `Buena AI ${apiKey}`, type, data: { apiKey, baseUrl: sandbox.buenaBaseUrl } });
					return await client.testCredential({ id: stored.id, name: stored.name, type, data: { apiKey, baseUrl: sandbox.buenaBaseUrl } });
				};
				expect(await testKey(sandbox.keys.buena)).toMatchObject({ status: 'OK' });
				expect((await testKey('bna_wrong_key')).status).toBe('Error');
			} finally {
				await server.stop();
				sandbox.configure({ trainingMs: 1500 });
			}
		},
		SETUP_TIMEOUT,
	);
});
