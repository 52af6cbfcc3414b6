/**
 * The Voice Clone node inside a real n8n (every pinned version), installed as a community
 * package, run with `n8n execute` against the provider sandbox: every operation for both
 * providers, chained the way a workflow uses them (list → get → rename → speak → write the audio
 * to disk → delete), Buena's 409 for a voice in use on the error output, Bland's 404 under
 * continue-on-fail, speech stored in both binary data modes, Wait for Training reading a
 * resource-locator voice, and each operation's Timeout against a provider that never answers.
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { startSandbox, type Sandbox } from '../sandbox';
import { disposeAll, N8n, nodeItems, nodeJson, type ExecutionRun } from './harness/n8n';
import { binaryDataModes, e2eVersions } from './harness/matrix';
import { EXAMPLE_CREDENTIALS, sandboxCredentials } from './support/examples';
import { EXECUTION_TIMEOUT, manualTrigger, noOp, SETUP_TIMEOUT, workflow, type TestNode } from './support/workflows';

const PREVIEW_MP3 = fs.readFileSync(path.join(__dirname, '../sandbox/assets/preview.mp3'));

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 60_000 });
});

afterAll(async () => {
	await disposeAll();
	await sandbox?.close();
});

let column = 0;
function voiceNode(
	type: 'voiceClone' | 'waitForTraining',
	name: string,
	provider: 'buena' | 'bland',
	parameters: Record<string, unknown>,
	extra: Partial<TestNode> = {},
): TestNode {
	column += 1;
	const { id, name: credentialName, type: credentialType } = EXAMPLE_CREDENTIALS[provider];
	return {
		id: randomUUID(),
		name,
		type: `n8n-nodes-voice-clone.${type}`,
		typeVersion: 1,
		position: [column * 220, 300],
		parameters: { provider, ...parameters },
		credentials: { [credentialType]: { id, name: credentialName } },
		...extra,
	};
}

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const HUNG_VOICE = 'voice-that-never-answers';

/** How long n8n ran a node (its own measure, from the run data). */
function nodeTime(run: ExecutionRun, nodeName: string): number {
	const tasks = (run.data.resultData.runData as Record<string, Array<{ executionTime?: number }>>)[nodeName];
	return tasks?.[0]?.executionTime ?? NaN;
}

/** A Set node that reads a failed item's error the way a workflow does, through expressions. */
function readError(name: string): TestNode {
	column += 1;
	const field = (key: string, type: 'string' | 'number') => ({ id: randomUUID(), name: key, value: `={{ $json.error.${key} }}`, type });
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [column * 220, 300],
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: [
					{ id: randomUUID(), name: 'voiceId', value: '={{ $json.voiceId }}', type: 'string' },
					field('message', 'string'),
					field('description', 'string'),
					field('httpCode', 'number'),
					field('code', 'string'),
				],
			},
			includeOtherFields: false,
			options: {},
		},
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

describe.each(e2eVersions())('n8n %s runs the Voice Clone node', (version) => {
	let n8n: N8n;
	const ids: Record<string, string> = {};
	let spoken: string;

	beforeAll(async () => {
		n8n = await N8n.create({ version });
		spoken = path.join(n8n.filesDir, 'spoken');
		fs.mkdirSync(spoken, { recursive: true });
		await n8n.importCredentials(sandboxCredentials(sandbox));
		const workflows = {
			buena: workflow(
				'Buena: list, check, rename, hear, delete',
				[
					manualTrigger(),
					voiceNode('voiceClone', 'List', 'buena', { operation: 'getAll', returnAll: true, filters: { nameContains: 'e2e' } }),
					voiceNode('waitForTraining', 'Check', 'buena', { voiceId: byId('={{ $json.voiceId }}'), checkOnce: true }),
					voiceNode('voiceClone', 'Get', 'buena', { operation: 'get', voiceId: byId('={{ $json.voiceId }}') }),
					voiceNode('voiceClone', 'Rename', 'buena', {
						operation: 'update',
						voiceId: byId('={{ $json.voiceId }}'),
						updateFields: { name: '={{ $json.name }} (renamed)', description: 'renamed in n8n' },
					}),
					voiceNode('voiceClone', 'Speak', 'buena', {
						operation: 'speak',
						voiceId: byId('={{ $json.voiceId }}'),
						text: '=Hello, this is {{ $json.name }}.',
						binaryPropertyName: 'data',
					}),
					writeFile('Write Audio', `=${spoken}/{{ $json.voiceId }}-{{ $json.fileName }}`),
					voiceNode('voiceClone', 'Delete', 'buena', { operation: 'delete', voiceId: byId('={{ $json.voiceId }}') }, { onError: 'continueErrorOutput' }),
					noOp('In Use'),
				],
				[
					['Start', 'List'],
					['List', 'Check'],
					['Check', 'Get'],
					['Get', 'Rename'],
					['Rename', 'Speak'],
					['Speak', 'Write Audio'],
					['Write Audio', 'Delete'],
					['Delete', 'In Use', 1],
				],
			),
			buenaInUse: workflow(
				'Buena: a voice in use, deleted with continue (regular output) and with the error output',
				[
					manualTrigger(),
					voiceNode('voiceClone', 'List', 'buena', { operation: 'getAll', returnAll: true, filters: { nameContains: 'e2e In Use' } }),
					voiceNode('voiceClone', 'Delete (continue)', 'buena', { operation: 'delete', voiceId: byId('={{ $json.voiceId }}') }, { onError: 'continueRegularOutput' }),
					readError('Read Error'),
					voiceNode('voiceClone', 'Delete (error output)', 'buena', { operation: 'delete', voiceId: byId('={{ $json.voiceId }}') }, { onError: 'continueErrorOutput' }),
					readError('Read Routed Error'),
				],
				[
					['Start', 'List'],
					['List', 'Delete (continue)'],
					['Delete (continue)', 'Read Error'],
					['List', 'Delete (error output)'],
					['Delete (error output)', 'Read Routed Error', 1],
				],
			),
			bland: workflow(
				'Bland: list, rename, hear, delete, then get a deleted voice',
				[
					manualTrigger(),
					voiceNode('voiceClone', 'List', 'bland', { operation: 'getAll', returnAll: false, limit: 5 }),
					voiceNode('voiceClone', 'Rename', 'bland', {
						operation: 'update',
						voiceId: { __rl: true, mode: 'list', value: '={{ $json.voiceId }}' },
						updateFields: { name: '=New {{ $json.name }}' },
					}),
					voiceNode('voiceClone', 'Speak', 'bland', { operation: 'speak', voiceId: byId('={{ $json.voiceId }}'), text: 'Hi there' }),
					writeFile('Write Audio', `=${spoken}/{{ $json.voiceId }}-{{ $json.fileName }}`),
					voiceNode('voiceClone', 'Delete', 'bland', { operation: 'delete', voiceId: byId('={{ $json.voiceId }}') }),
					voiceNode('voiceClone', 'Get Deleted', 'bland', { operation: 'get', voiceId: byId('={{ $json.voiceId }}') }, { onError: 'continueRegularOutput' }),
				],
				[
					['Start', 'List'],
					['List', 'Rename'],
					['Rename', 'Speak'],
					['Speak', 'Write Audio'],
					['Write Audio', 'Delete'],
					['Delete', 'Get Deleted'],
				],
			),
			neverAnswers: workflow(
				'A provider that never answers: each operation ends at its Timeout',
				[
					manualTrigger(),
					voiceNode('voiceClone', 'Get (Buena)', 'buena', { operation: 'get', voiceId: byId(HUNG_VOICE), options: { timeout: 3 } }, { onError: 'continueRegularOutput' }),
					voiceNode('voiceClone', 'Speak (Bland)', 'bland', { operation: 'speak', voiceId: byId(HUNG_VOICE), text: 'Hi there', options: { timeout: 3 } }, { onError: 'continueErrorOutput' }),
					noOp('Speak Failed'),
				],
				[
					['Start', 'Get (Buena)'],
					['Get (Buena)', 'Speak (Bland)'],
					['Speak (Bland)', 'Speak Failed', 1],
				],
			),
		};
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
		'Buena (%s binary data): every operation, and the voice in use goes to the error output with its campaigns',
		async (mode) => {
			const free = sandbox.seedVoice('buena', { name: 'e2e Free', description: 'one' });
			const busy = sandbox.seedVoice('buena', { name: 'e2e Busy', activeCampaigns: ['Spring promo', 'Summer sale', 'Autumn leads'] });
			const other = sandbox.seedVoice('buena', { name: 'Someone else' });

			const run = await n8n.execute(ids.buena, { env: { N8N_DEFAULT_BINARY_DATA_MODE: mode } });

			expect(nodeJson(run, 'List')).toEqual([
				expect.objectContaining({ provider: 'buena', voiceId: free, name: 'e2e Free', description: 'one', status: 'ready', trainingProgress: 100 }),
				expect.objectContaining({ provider: 'buena', voiceId: busy, name: 'e2e Busy', status: 'ready' }),
			]);
			expect(nodeJson(run, 'Check').map((item) => [item.voiceId, item.status])).toEqual([
				[free, 'ready'],
				[busy, 'ready'],
			]);
			expect(nodeJson(run, 'Get').map((item) => item.name)).toEqual(['e2e Free', 'e2e Busy']);
			expect(nodeJson(run, 'Rename')).toEqual([
				expect.objectContaining({ voiceId: free, name: 'e2e Free (renamed)', description: 'renamed in n8n' }),
				expect.objectContaining({ voiceId: busy, name: 'e2e Busy (renamed)', description: 'renamed in n8n' }),
			]);

			const speech = nodeItems(run, 'Speak');
			expect(speech.map((item) => item.json)).toEqual([free, busy].map((voiceId) => expect.objectContaining({ voiceId, fileName: 'preview.mp3', mimeType: 'audio/mpeg', bytes: PREVIEW_MP3.length })));
			for (const item of speech) {
				expect(item.binary?.data).toMatchObject({ fileName: 'preview.mp3', mimeType: 'audio/mpeg' });
				expect(String(item.binary?.data?.id)).toMatch(mode === 'database' ? /^database:/ : /^filesystem(-v2)?:/);
			}
			for (const voiceId of [free, busy]) {
				expect(fs.readFileSync(path.join(spoken, `${voiceId}-preview.mp3`)).equals(PREVIEW_MP3)).toBe(true);
			}

			expect(nodeJson(run, 'Delete', 0)).toEqual([{ provider: 'buena', voiceId: free, deleted: true }]);
			const inUse = nodeJson(run, 'In Use');
			expect(inUse).toHaveLength(1);
			// n8n merged the input item into the error output's item: the voiceId it came with.
			expect(inUse[0]).toMatchObject({
				voiceId: busy,
				error: {
					message: 'Buena AI: Voice clone is used by active campaigns and cannot be deleted [VOICE_CLONE_IN_USE]',
					description:
						'Used by 3 active campaigns: Spring promo, Summer sale, Autumn leads\n' +
						'Pause or end those campaigns, or move them to another voice, then delete this voice again.',
					httpCode: 409,
					code: 'VOICE_CLONE_IN_USE',
				},
			});

			const left = sandbox.log().filter((entry) => entry.method === 'DELETE').map((entry) => [entry.path.split('/').pop(), entry.status]);
			expect(left).toEqual([
				[free, 200],
				[busy, 409],
			]);
			expect(sandbox.log().some((entry) => entry.path.endsWith(other))).toBe(false);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'Buena: the next node reads the campaigns, 409, VOICE_CLONE_IN_USE and the voiceId through $json.error, under continue and on the error output',
		async () => {
			const busy = sandbox.seedVoice('buena', { name: 'e2e In Use', activeCampaigns: ['Spring promo', 'Summer sale'] });

			const run = await n8n.execute(ids.buenaInUse);

			const error = {
				message: 'Buena AI: Voice clone is used by active campaigns and cannot be deleted [VOICE_CLONE_IN_USE]',
				description:
					'Used by 2 active campaigns: Spring promo, Summer sale\n' +
					'Pause or end those campaigns, or move them to another voice, then delete this voice again.',
				httpCode: 409,
				code: 'VOICE_CLONE_IN_USE',
			};
			const [listed] = nodeJson(run, 'List');
			expect(listed).toMatchObject({ voiceId: busy, name: 'e2e In Use' });
			// Continue (regular output): the input item, and the error where the next node reads it.
			expect(nodeJson(run, 'Delete (continue)')).toEqual([{ ...listed, error }]);
			// The error output: only the error from the node; n8n merged the input item in.
			expect(nodeJson(run, 'Delete (error output)', 0)).toEqual([]);
			expect(nodeJson(run, 'Delete (error output)', 1)).toEqual([{ ...listed, error }]);
			const read = { voiceId: busy, ...error };
			expect(nodeJson(run, 'Read Error')).toEqual([read]);
			expect(nodeJson(run, 'Read Routed Error')).toEqual([read]);

			const deletes = sandbox.log().filter((entry) => entry.method === 'DELETE');
			expect(deletes.map((entry) => entry.status)).toEqual([409, 409]);
			const ran = JSON.stringify(run.data.resultData.runData);
			expect(ran).not.toContain(sandbox.keys.buena);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'Bland: every operation; a voice that is gone is a 404 item under continue-on-fail',
		async () => {
			const support = sandbox.seedVoice('bland', { name: 'Support' });

			const run = await n8n.execute(ids.bland);

			expect(nodeJson(run, 'List')).toEqual([expect.objectContaining({ provider: 'bland', voiceId: support, name: 'Support', status: 'ready' })]);
			expect(nodeJson(run, 'Rename')).toEqual([expect.objectContaining({ voiceId: support, name: 'New Support' })]);
			const [speech] = nodeItems(run, 'Speak');
			expect(speech.json).toMatchObject({ voiceId: support, fileName: 'speech.wav', mimeType: 'audio/wav' });
			const wav = fs.readFileSync(path.join(spoken, `${support}-speech.wav`));
			expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
			expect(wav.length).toBe(speech.json.bytes);
			expect(nodeJson(run, 'Delete')).toEqual([{ provider: 'bland', voiceId: support, deleted: true }]);
			expect(nodeJson(run, 'Get Deleted')).toEqual([
				expect.objectContaining({ voiceId: support, error: expect.objectContaining({ message: `Bland AI has no voice "${support}" (voice not found)`, httpCode: null }) }),
			]);
			expect(sandbox.log().map((entry) => `${entry.method} ${entry.path.replace('/bland', '')}`)).toEqual([
				'GET /v1/voices',
				`GET /v1/voices/${support}`,
				'POST /v1/voices/check_name_availability',
				`PATCH /v1/voices/${support}/rename`,
				`GET /v1/voices/${support}`,
				'POST /v1/speak',
				`DELETE /v1/voices/${support}`,
				`GET /v1/voices/${support}`,
			]);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'a provider that accepts the request and never answers: Get and Speak each fail their item within their 3 s Timeout (+5 s), naming the operation, the voice and the limit; Speak says it may have been charged',
		async () => {
			sandbox.injectFault({ mode: 'hang', provider: 'buena', count: 100 });
			sandbox.injectFault({ mode: 'hang', provider: 'bland', count: 100 });

			const run = await n8n.execute(ids.neverAnswers);

			expect(nodeJson(run, 'Get (Buena)')).toEqual([
				{
					error: expect.objectContaining({
						message: `Get voice "${HUNG_VOICE}" did not finish within its 3 s timeout: Buena AI did not answer`,
						description: expect.stringContaining('Timeout (under Options) limits each item to 3 s'),
					}),
				},
			]);
			expect(nodeJson(run, 'Speak (Bland)', 0)).toEqual([]);
			expect(nodeJson(run, 'Speak Failed')).toEqual([
				expect.objectContaining({
					error: expect.objectContaining({
						message: `Speak with voice "${HUNG_VOICE}" did not finish within its 3 s timeout: Bland AI did not answer. It may have been processed and charged, so it was not sent again (it is not charged twice)`,
					}),
				}),
			]);
			for (const node of ['Get (Buena)', 'Speak (Bland)']) expect(nodeTime(run, node)).toBeLessThan(3_000 + 5_000);
			// One request each: the billed Speak is not sent again, and Get's timeout covers its retries.
			expect(sandbox.log().map((entry) => [entry.method, entry.fault])).toEqual([
				['GET', 'hang'],
				['POST', 'hang'],
			]);
		},
		EXECUTION_TIMEOUT,
	);
});
