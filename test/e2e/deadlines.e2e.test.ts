/**
 * Issue 10, findings 1 and 2, in a real n8n (every pinned version), the package installed the n8n
 * way, against the sandbox: a rate pacer that knows the key is used up for a minute no longer holds
 * Wait for Training past its 3-second timeout, and a Max Retries that is text (NaN) no longer
 * retries a rate limit forever — it is refused before anything is sent.
 */
import * as path from 'path';

import { startSandbox, type Sandbox } from '../sandbox';
import { disposeAll, N8n, type ExecutionRun } from './harness/n8n';
import { e2eVersions } from './harness/matrix';
import { copySampleAudio, sandboxCredentials } from './support/examples';
import {
	createVoiceClone,
	EXECUTION_TIMEOUT,
	manualTrigger,
	readFiles,
	SETUP_TIMEOUT,
	waitForTraining,
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

/** How long n8n ran a node (its own measure, from the run data). */
function nodeTime(run: ExecutionRun | undefined, nodeName: string): number {
	const tasks = (run?.data.resultData.runData as Record<string, Array<{ executionTime?: number }>> | undefined)?.[nodeName];
	return tasks?.[0]?.executionTime ?? NaN;
}

describe.each(e2eVersions())('n8n %s: every wait inside the node\'s deadline', (version) => {
	let n8n: N8n;
	let sampleDir: string;

	beforeAll(async () => {
		n8n = await N8n.create({ version });
		sampleDir = path.join(n8n.filesDir, 'samples');
		copySampleAudio(sampleDir, ['alex-intro.wav']);
		await n8n.importCredentials(sandboxCredentials(sandbox));
	}, SETUP_TIMEOUT);

	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ rateLimit: { limit: 100_000, windowMs: 60_000 } });
	});

	test(
		'the key used up for a minute: Wait for Training with a 3 s timeout fails at once, naming the limit and when it resets',
		async () => {
			const voiceId = sandbox.seedVoice('buena', { name: 'Training', status: 'processing' });
			// Two checks use the key's two requests of the minute; the pacer learns it from their answers.
			sandbox.configure({ rateLimit: { limit: 2, windowMs: 60_000 } });
			const id = await n8n.importWorkflow(
				workflow(
					'Deadline: pacer',
					[
						manualTrigger(),
						waitForTraining('Check A', 'buena', { voiceId, checkOnce: true }),
						waitForTraining('Check B', 'buena', { voiceId: '={{ $json.voiceId }}', checkOnce: true }),
						waitForTraining('Wait 3 s', 'buena', { voiceId: '={{ $json.voiceId }}', timeout: 0.05 }),
					],
					[
						['Start', 'Check A'],
						['Check A', 'Check B'],
						['Check B', 'Wait 3 s'],
					],
				),
			);
			const result = await n8n.executeRaw(id, { timeoutMs: 120_000 });
			const error = result.run?.data.resultData.error;
			expect(result.run?.data.resultData.lastNodeExecuted).toBe('Wait 3 s');
			expect(String(error?.message)).toMatch(
				/^Buena AI: not sent, the key's limit of 2 requests per minute is used up until \S+Z \(in \d+ s\), later than this node may wait \(3 s left\)$/,
			);
			// Before: the pacer's wait ignored the timeout and the node ran ~60 s.
			expect(nodeTime(result.run, 'Wait 3 s')).toBeLessThan(3_000);
			expect(sandbox.log().map((entry) => entry.status)).toEqual([200, 200]);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'Max Retries from an expression that is text: refused before anything is sent, under a rate limit that never ends',
		async () => {
			sandbox.injectFault({ mode: 'rateLimit', headers: false, retryAfterSeconds: 0, count: 100_000, provider: 'buena' });
			const id = await n8n.importWorkflow(
				workflow(
					'NaN: max retries',
					[
						manualTrigger(),
						readFiles('Read', path.join(sampleDir, 'alex-intro.wav')),
						createVoiceClone('Create Voice Clone', 'buena', { name: 'NaN Retries', options: { maxRetries: '={{ "many" }}' } }),
					],
					[
						['Start', 'Read'],
						['Read', 'Create Voice Clone'],
					],
				),
			);
			const result = await n8n.executeRaw(id, { timeoutMs: 120_000 });
			const error = result.run?.data.resultData.error;
			// Before: NaN retries never ran out, and the upload was still being retried after 60 s.
			expect(String(error?.message)).toBe('Max Retries must be a whole number from 0 to 10 (got "many")');
			expect(nodeTime(result.run, 'Create Voice Clone')).toBeLessThan(5_000);
			expect(sandbox.log()).toEqual([]);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		'Wait for Training timeout from an expression that is text: refused before anything is sent',
		async () => {
			const voiceId = sandbox.seedVoice('buena', { name: 'Training', status: 'processing' });
			const id = await n8n.importWorkflow(
				workflow(
					'NaN: wait timeout',
					[manualTrigger(), waitForTraining('Wait for Training', 'buena', { voiceId, timeout: '={{ "soon" }}' })],
					[['Start', 'Wait for Training']],
				),
			);
			const result = await n8n.executeRaw(id, { timeoutMs: 120_000 });
			expect(String(result.run?.data.resultData.error?.message)).toBe(
				'Timeout (Minutes) must be a number from 0.01 to 10080 (got "soon")',
			);
			expect(sandbox.log()).toEqual([]);
		},
		EXECUTION_TIMEOUT,
	);
});
