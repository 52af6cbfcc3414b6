/**
 * The example workflows of examples/workflows/, imported as files into a real n8n (every pinned
 * version) and run headless on the sample recordings of examples/audio/ against the sandbox:
 * what `npm run demo` shows, checked. The LinkedIn step goes to a loopback stub (the sandbox has
 * no LinkedIn API); the outreach workflow also runs with the `database` binary data mode.
 */
import * as path from 'path';

import { startSandbox, type Sandbox } from '../sandbox';
import { disposeAll, N8n, nodeItems, nodeJson } from './harness/n8n';
import { binaryDataModes, e2eVersions } from './harness/matrix';
import { copySampleAudio, exampleWorkflow, sandboxCredentials, startLinkedInStub, type LinkedInStub } from './support/examples';
import { cloneUploads, EXECUTION_TIMEOUT, fieldValue, SETUP_TIMEOUT } from './support/workflows';

let sandbox: Sandbox;
let linkedIn: LinkedInStub;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 1500 });
	linkedIn = await startLinkedInStub(sandbox.keys.buena);
});

afterAll(async () => {
	await disposeAll();
	await linkedIn?.close();
	await sandbox?.close();
});

describe.each(e2eVersions())('n8n %s runs the example workflows', (version) => {
	let n8n: N8n;
	let outreachId: string;
	let batchId: string;

	beforeAll(async () => {
		n8n = await N8n.create({ version });
		const samplesDir = path.join(n8n.filesDir, 'voice-samples');
		copySampleAudio(samplesDir);
		await n8n.importCredentials(sandboxCredentials(sandbox));
		[outreachId, batchId] = (
			await n8n.importWorkflows([
				exampleWorkflow('linkedin-outreach', {
					settings: { samplesDir, buenaApiUrl: linkedIn.baseUrl },
					parameters: { 'Wait for Training': { pollInterval: 0.5, timeout: 1 } },
				}),
				exampleWorkflow('scheduled-batch-cloning', { settings: { samplesDir } }),
			])
		).map((w) => w.id);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
	});

	beforeEach(() => {
		sandbox.reset();
		linkedIn.calls.length = 0;
	});

	test.each(binaryDataModes())(
		'linkedin-outreach (%s binary data): one trained Buena voice per lead, then a LinkedIn voice message with it',
		async (mode) => {
			const run = await n8n.execute(outreachId, { env: { N8N_DEFAULT_BINARY_DATA_MODE: mode } });

			const read = nodeItems(run, 'Read Recording');
			expect(read.map((item) => item.binary?.data?.fileName)).toEqual(['alex-intro.wav', 'maria-intro.wav', 'sam-pitch.mp3']);
			for (const item of read) expect(String(item.binary?.data?.id)).toMatch(mode === 'database' ? /^database:/ : /^filesystem(-v2)?:/);

			const leads = nodeJson(run, 'Leads');
			const created = nodeJson(run, 'Create Voice Clone');
			expect(created.map((voice) => voice.name)).toEqual(leads.map((lead) => lead.voiceName));
			expect(nodeJson(run, 'Wait for Training')).toEqual(
				created.map((voice) => expect.objectContaining({ voiceId: voice.voiceId, status: 'ready', trainingProgress: 100 })),
			);

			// One upload per lead, each with that lead's recording and voice settings. Uploads run two
			// at a time, so they may reach the sandbox in either order; the outputs keep lead order.
			const uploads = cloneUploads(sandbox.log());
			const byName = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
			expect(uploads.map((entry) => [fieldValue(entry, 'name'), entry.files.map((file) => file.fileName)]).sort(byName)).toEqual(
				leads.map((lead) => [lead.voiceName, [path.basename(String(lead.recording))]]).sort(byName),
			);
			expect(uploads.every((entry) => fieldValue(entry, 'settings') === '{"stability":0.5,"clarity":0.75,"use_speaker_boost":true}')).toBe(true);

			// The HTTP Request node authenticated with the Buena credential and sent each lead its own voice.
			expect(linkedIn.calls).toEqual(
				leads.map((lead, index) => ({
					method: 'POST',
					path: '/buena/api/v2/linkedin/scheduleLinkedInAction',
					authorization: `Bearer ${sandbox.keys.buena}`,
					apiKey: sandbox.keys.buena,
					body: {
						actionType: 'sendVoiceMessage',
						leadId: lead.leadId,
						profileUrl: lead.profileUrl,
						message: lead.message,
						voiceSettings: { voiceId: created[index].voiceId },
					},
				})),
			);
			expect(nodeJson(run, 'Send LinkedIn Voice Message')).toEqual(
				created.map((voice) => expect.objectContaining({ success: true, data: expect.objectContaining({ voiceId: voice.voiceId }) })),
			);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'scheduled-batch-cloning: every good recording becomes a Bland voice, the broken ones are reported and never uploaded',
		async () => {
			const run = await n8n.execute(batchId);

			const [report] = nodeJson(run, 'Cloned Voices');
			const voices = report.voices as Array<{ name: string; status: string; voiceId: string; samples: string[] }>;
			expect(report.ready).toBe(5);
			expect(voices.map((voice) => voice.name.replace(/ \d{4}-\d{2}-\d{2}$/, ''))).toEqual([
				'alex-closing',
				'alex-followup',
				'alex-intro',
				'maria-intro',
				'sam-pitch',
			]);
			for (const voice of voices) expect(voice).toMatchObject({ status: 'ready', voiceId: expect.any(String) });
			expect(voices[0].samples).toEqual([expect.stringMatching(/^alex-closing\.wav \(5\.\d s\)$/)]);

			const [failed] = nodeJson(run, 'Failed Recordings');
			expect(failed.failed).toBe(2);
			expect(failed.failures).toEqual([
				{ file: 'broken-recording.wav', error: expect.stringMatching(/nothing was sent.*not audio/) },
				{ file: 'too-short.wav', error: expect.stringMatching(/0\.5 s long; Bland AI accepts samples of 1 to 60 seconds/) },
			]);

			const uploaded = cloneUploads(sandbox.log()).flatMap((entry) => entry.files.map((file) => file.fileName));
			expect(uploaded.sort()).toEqual(['alex-closing.wav', 'alex-followup.mp3', 'alex-intro.wav', 'maria-intro.wav', 'sam-pitch.mp3']);
		},
		EXECUTION_TIMEOUT,
	);
});
