/**
 * Voice Clone Trigger in a real n8n (each version of the run's matrix), the way it runs in production: the
 * workflow is activated with n8n's CLI and run by `n8n start`, which polls on its schedule (every
 * 2 s: see fastestPollTimes). Buena clones train in the sandbox;
 * the trigger must start the workflow exactly once per voice and event, never for what existed
 * before the activation, and not again after a restart. Every item the workflow gets goes to a
 * loopback sink, and the executions are read back through n8n's REST API.
 *
 * Training ends when the test says so (sandbox.markReady), between two polls, so each step is
 * decided by the polls n8n makes, not by timing.
 */
import { randomUUID } from 'crypto';

import { startSandbox, type Sandbox } from '../sandbox';
import type { N8nRestClient } from './harness/credentialTest';
import { disposeAll, N8n, type N8nServer } from './harness/n8n';
import { e2eVersions } from './harness/matrix';
import {
	activateWorkflow,
	buenaListPolls,
	executionsOf,
	fastestPollTimes,
	sinkNode,
	startSink,
	startWithOwner,
	waitUntil,
	type Sink,
} from './support/activeWorkflow';
import { EXAMPLE_CREDENTIALS, sandboxCredentials } from './support/examples';
import { SETUP_TIMEOUT } from './support/workflows';

/** Long enough that no voice finishes training by itself during the test. */
const TRAINING_MS = 30 * 60_000;

let sandbox: Sandbox;
let sink: Sink;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: TRAINING_MS });
	sink = await startSink();
});

afterAll(async () => {
	await disposeAll();
	await sink?.close();
	await sandbox?.close();
});

const polls = () => buenaListPolls(sandbox);

async function until(what: string, check: () => boolean, timeoutMs: number, server?: N8nServer): Promise<void> {
	if (!(await waitUntil(check, timeoutMs))) {
		throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n--- n8n output ---\n${server?.output().slice(-6000) ?? ''}`);
	}
}

/** The workflow's executions once `count` of them have finished (or what there is after 30 s). */
async function finishedExecutions(client: N8nRestClient, workflowId: string, count: number) {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const executions = await executionsOf(client, workflowId);
		const finished = executions.filter((execution) => !['new', 'running', 'waiting'].includes(execution.status));
		if (finished.length >= count || Date.now() > deadline) return executions;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

function triggerWorkflow(version: string) {
	const { id, name, type } = EXAMPLE_CREDENTIALS.buena;
	return {
		name: `Voice Clone Trigger e2e ${randomUUID().slice(0, 8)}`,
		nodes: [
			{
				id: randomUUID(),
				name: 'Voice Clone Trigger',
				type: 'n8n-nodes-voice-clone.voiceCloneTrigger',
				typeVersion: 1,
				position: [0, 300],
				parameters: {
					pollTimes: fastestPollTimes(version, 2),
					provider: 'buena',
					events: ['created', 'ready', 'failed'],
					options: {},
				},
				credentials: { [type]: { id, name } },
			},
			sinkNode('Sink', sink, [220, 300]),
		],
		connections: { 'Voice Clone Trigger': { main: [[{ node: 'Sink', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

const fired = () => sink.calls.map((call) => `${String(call.body.event)}:${String(call.body.name)}`);

describe.each(e2eVersions())('n8n %s: Voice Clone Trigger in an active workflow', (version) => {
	/** Longest wait for the next scheduled poll (every 2 s, slower under load). */
	const pollWait = 20_000;
	let n8n: N8n;

	beforeAll(async () => {
		n8n = await N8n.create({ version });
		await n8n.importCredentials(sandboxCredentials(sandbox));
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
	});

	test(
		'each voice starts the workflow once per event as it trains; voices from before the activation never do, and a restart replays nothing',
		async () => {
			sandbox.reset();
			sink.calls.length = 0;
			sandbox.seedVoice('buena', { name: 'Ready Before' });
			const trainingBefore = sandbox.seedVoice('buena', { name: 'Training Before', status: 'processing' });
			const workflowId = await n8n.importWorkflow(triggerWorkflow(version));
			await activateWorkflow(n8n, workflowId);
			let { server, client } = await startWithOwner(n8n);

			// Activation polls at once: it notes the two voices and starts nothing.
			await until('the activation poll', () => polls() >= 1, 60_000, server);

			// A new voice: `created` at the next poll.
			const fresh = sandbox.seedVoice('buena', { name: 'Fresh Voice', status: 'processing' });
			let seen = polls();
			await until('a poll after the new voice', () => polls() > seen, pollWait, server);
			await sink.waitFor(1, 20_000);
			expect(fired()).toEqual(['created:Fresh Voice']);
			expect(sink.calls[0].body).toMatchObject({ provider: 'buena', voiceId: fresh, status: 'processing' });

			// Both trainings end: `ready` for each at the next poll (one execution, two items).
			sandbox.markReady(trainingBefore);
			sandbox.markReady(fresh);
			seen = polls();
			await until('a poll after the trainings ended', () => polls() > seen, pollWait, server);
			await sink.waitFor(3, 20_000);
			expect(fired()).toEqual(['created:Fresh Voice', 'ready:Training Before', 'ready:Fresh Voice']);
			expect(sink.calls[2].body).toMatchObject({ event: 'ready', voiceId: fresh, status: 'ready', trainingProgress: 100 });

			// The next poll finds nothing new.
			seen = polls();
			await until('one more poll', () => polls() > seen, pollWait, server);
			await new Promise((resolve) => setTimeout(resolve, 2_000));
			expect(sink.calls).toHaveLength(3);

			// n8n recorded two trigger executions, both successful; each poll made one list request.
			const executions = await finishedExecutions(client, workflowId, 2);
			expect(executions.map((execution) => [execution.mode, execution.status])).toEqual([
				['trigger', 'success'],
				['trigger', 'success'],
			]);
			expect(sandbox.log().every((entry) => entry.method === 'GET' && entry.path === '/buena/api/v2/voice-clones')).toBe(true);

			// A restart loads what the trigger remembered from the database: its activation poll
			// (and the scheduled ones after it) replay nothing.
			await server.stop();
			seen = polls();
			({ server, client } = await startWithOwner(n8n));
			await until('the poll at start-up', () => polls() > seen, 60_000, server);
			await until('two more polls', () => polls() > seen + 2, pollWait, server);
			await new Promise((resolve) => setTimeout(resolve, 2_000));
			expect(fired()).toEqual(['created:Fresh Voice', 'ready:Training Before', 'ready:Fresh Voice']);
			await server.stop();
		},
		SETUP_TIMEOUT,
	);
});
