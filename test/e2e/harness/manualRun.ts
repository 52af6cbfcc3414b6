/**
 * A saved workflow executed by a running n8n the way the editor's "Execute workflow" button does
 * it: POST /rest/workflows/:id/run from the workflow's Manual Trigger (1.123 wants the workflow in
 * the body, 2.x reads it from its database), then the execution as n8n stored it
 * (GET /rest/executions/:id), parsed with the n8n's own `flatted`. The run data has the shape
 * `n8n execute --rawOutput` prints; n8n records the execution with mode `manual` instead of `cli`.
 *
 * About 0.3 s per run on a running server, where `n8n execute` starts a fresh n8n (3–15 s).
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';

import { N8nRestError, type N8nRestClient } from './credentialTest';
import type { N8nInstall } from './installN8n';
import type { ExecuteResult, ExecutionRun } from './n8n';
import type { N8nServer } from './server';

/** Execution statuses n8n gives a run that has ended. */
const ENDED = new Set(['success', 'error', 'crashed', 'canceled']);

interface StoredWorkflow {
	id: string;
	nodes: Array<{ name: string; type: string; disabled?: boolean }>;
	[key: string]: unknown;
}

interface StoredExecution {
	id: string;
	finished: boolean;
	mode: string;
	status: string;
	startedAt?: string;
	stoppedAt?: string;
	data: string;
}

const flattedOf = new Map<string, { parse(text: string): unknown }>();
function flatted(install: N8nInstall): { parse(text: string): unknown } {
	let parser = flattedOf.get(install.dir);
	if (!parser) {
		const n8nRequire = createRequire(path.join(install.dir, 'node_modules', 'n8n', 'package.json'));
		parser = n8nRequire('flatted') as { parse(text: string): unknown };
		flattedOf.set(install.dir, parser);
	}
	return parser;
}

/**
 * The node a manual run starts from: the workflow's Manual Trigger, as `n8n execute` picks it.
 * Undefined when it has none (then only `n8n execute` runs it the way these tests expect).
 */
export function manualTriggerOf(workflow: Pick<StoredWorkflow, 'nodes'>): string | undefined {
	return workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger' && !node.disabled)?.name;
}

function logSize(server: N8nServer): number {
	try {
		return fs.statSync(server.logFile).size;
	} catch {
		return 0;
	}
}

function logSince(server: N8nServer, offset: number): string {
	try {
		const buffer = fs.readFileSync(server.logFile);
		return buffer.subarray(Math.min(offset, buffer.length)).toString('utf8');
	} catch {
		return '';
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the saved workflow `workflowId` on `server` and waits for the execution to end (at most
 * timeoutMs; then it is stopped through the API and this throws). Returns undefined, sending
 * nothing, when the workflow has no Manual Trigger. `stdout` holds what the server logged meanwhile.
 */
export async function runManually(args: {
	label: string;
	install: N8nInstall;
	server: N8nServer;
	client: N8nRestClient;
	workflowId: string;
	timeoutMs: number;
}): Promise<ExecuteResult | undefined> {
	const { client, server, workflowId } = args;
	const workflow = await client.request<StoredWorkflow>('GET', `/rest/workflows/${workflowId}`);
	const trigger = manualTriggerOf(workflow);
	if (!trigger) return undefined;

	const logOffset = logSize(server);
	const refused = (error: unknown): ExecuteResult => ({
		ok: false,
		run: undefined,
		exitCode: 1,
		signal: null,
		stdout: logSince(server, logOffset),
		stderr: error instanceof Error ? error.message : String(error),
	});

	let started: { executionId?: string; waitingForWebhook?: boolean };
	try {
		started = await client.request('POST', `/rest/workflows/${workflowId}/run`, {
			workflowData: workflow,
			triggerToStartFrom: { name: trigger },
		});
	} catch (error) {
		if (error instanceof N8nRestError) return refused(error);
		throw error;
	}
	if (!started.executionId) {
		return refused(new Error(`${args.label} did not start workflow ${workflowId}: ${JSON.stringify(started)}`));
	}

	const deadline = Date.now() + args.timeoutMs;
	let pause = 25;
	for (;;) {
		const stored = await client.request<StoredExecution>('GET', `/rest/executions/${started.executionId}`);
		if (ENDED.has(stored.status)) {
			const run: ExecutionRun = {
				finished: stored.finished,
				mode: stored.mode,
				status: stored.status,
				startedAt: stored.startedAt,
				stoppedAt: stored.stoppedAt,
				data: flatted(args.install).parse(stored.data) as ExecutionRun['data'],
			};
			const ok = stored.status === 'success' && !run.data?.resultData?.error;
			return { ok, run, exitCode: ok ? 0 : 1, signal: null, stdout: logSince(server, logOffset), stderr: '' };
		}
		if (Date.now() > deadline) {
			await client.request('POST', `/rest/executions/${started.executionId}/stop`).catch(() => undefined);
			throw new Error(
				`${args.label}: execution ${started.executionId} of workflow ${workflowId} still ${stored.status} after ${args.timeoutMs} ms (stopped)\n` +
					`--- n8n output ---\n${logSince(server, logOffset).slice(-8000)}`,
			);
		}
		await sleep(pause);
		pause = Math.min(pause * 2, 250);
	}
}
