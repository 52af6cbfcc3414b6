/**
 * A trigger-driven workflow running the way it does in production: imported, activated
 * ("published" in n8n 2.x) with n8n's CLI, then run by `n8n start`, which polls on the schedule.
 * Emitted items are sent by an HTTP Request node to a loopback sink, so a test sees every
 * execution the trigger started, as it happens; n8n's REST API lists the executions too.
 */
import { randomUUID } from 'crypto';
import * as http from 'http';
import { createRequire } from 'module';
import * as path from 'path';

import { N8nRestClient } from '../harness/credentialTest';
import type { Sandbox } from '../../sandbox';
import { majorOf, nodeItems, type ExecutionRun, type N8n, type N8nServer, type NodeItem } from '../harness/n8n';

/**
 * Activates a workflow before `n8n start` reads it: `publish:workflow` in 2.x (where "active"
 * means a published version), `update:workflow --active=true` in 1.x.
 */
export async function activateWorkflow(n8n: N8n, workflowId: string): Promise<void> {
	const args =
		majorOf(n8n.version) >= 2 ? ['publish:workflow', `--id=${workflowId}`] : ['update:workflow', `--id=${workflowId}`, '--active=true'];
	await n8n.runChecked(args);
}

export type PollTimes = { item: Array<{ mode: 'custom'; cronExpression: string }> };

/**
 * Polling every `seconds` seconds, as n8n's poll times (custom cron expressions). The editor's
 * shortest choice is every minute. n8n 1.x refuses a seconds field containing `*` but accepts a
 * list of seconds: one expression. n8n 2.x refuses any seconds field that is not a single number
 * (n8n-workflow's isSubMinuteCron) but registers every poll time it is given: one expression per
 * second to poll at, as a user would add several Poll Times in the editor.
 */
export function fastestPollTimes(version: string, seconds: number): PollTimes {
	const list: number[] = [];
	for (let s = 0; s < 60; s += seconds) list.push(s);
	if (majorOf(version) >= 2) {
		return { item: list.map((second) => ({ mode: 'custom' as const, cronExpression: `${second} * * * * *` })) };
	}
	return { item: [{ mode: 'custom', cronExpression: `${list.join(',')} * * * * *` }] };
}

export interface SinkCall {
	at: number;
	body: Record<string, unknown>;
}

export interface Sink {
	url: string;
	calls: SinkCall[];
	/** Resolves once `count` calls arrived; rejects after `timeoutMs`. */
	waitFor(count: number, timeoutMs: number): Promise<SinkCall[]>;
	close(): Promise<void>;
}

/** A loopback endpoint that records the JSON body of every POST. */
export async function startSink(): Promise<Sink> {
	const calls: SinkCall[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			let body: Record<string, unknown> = {};
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
			} catch {
				body = { unparsed: Buffer.concat(chunks).toString('utf8') };
			}
			calls.push({ at: Date.now(), body });
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}/sink`,
		calls,
		waitFor: async (count, timeoutMs) => {
			const deadline = Date.now() + timeoutMs;
			while (calls.length < count) {
				if (Date.now() > deadline) throw new Error(`the sink got ${calls.length} of ${count} calls within ${timeoutMs} ms`);
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			return calls.slice(0, count);
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** An HTTP Request node that POSTs each item's JSON to the sink. */
export function sinkNode(name: string, sink: Sink, position: [number, number]): Record<string, unknown> {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position,
		parameters: {
			method: 'POST',
			url: sink.url,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify($json) }}',
			options: {},
		},
	};
}

export interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
}

/** `n8n start` with an owner logged in, for reading executions through the REST API. */
export async function startWithOwner(n8n: N8n): Promise<{ server: N8nServer; client: N8nRestClient }> {
	const server = await n8n.startServer();
	const client = new N8nRestClient(server.baseUrl);
	await client.setupOwnerAndLogin();
	return { server, client };
}

/** The executions of a workflow, newest first (GET /rest/executions). */
export async function executionsOf(client: N8nRestClient, workflowId: string): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = await client.request<{ results: ExecutionSummary[] }>('GET', `/rest/executions?filter=${filter}&limit=50`);
	return list.results;
}

/**
 * One execution with its run data (GET /rest/executions/:id). n8n stores run data as `flatted`
 * text; it is parsed with the flatted package of the n8n under test.
 */
export async function executionRun(n8n: N8n, client: N8nRestClient, executionId: string): Promise<ExecutionRun & { status: string }> {
	const full = await client.request<{ status: string; data: string }>('GET', `/rest/executions/${executionId}`);
	const n8nRequire = createRequire(path.join(n8n.install.dir, 'node_modules', 'n8n', 'package.json'));
	const flatted = n8nRequire('flatted') as { parse(text: string): unknown };
	return { status: full.status, data: flatted.parse(full.data) as ExecutionRun['data'] };
}

/** The items `nodeName` output in each successful execution of a workflow so far. */
export async function successfulRunItems(n8n: N8n, client: N8nRestClient, workflowId: string, nodeName: string): Promise<NodeItem[]> {
	const items: NodeItem[] = [];
	for (const execution of await executionsOf(client, workflowId)) {
		if (execution.status !== 'success') continue;
		items.push(...nodeItems(await executionRun(n8n, client, execution.id), nodeName));
	}
	return items;
}

/** The trigger polls so far: the Buena voice-list requests the sandbox answered. */
export function buenaListPolls(sandbox: Sandbox): number {
	return sandbox.log().filter((entry) => entry.provider === 'buena' && entry.method === 'GET' && entry.path.endsWith('/voice-clones')).length;
}

/** Checks every `intervalMs` until `check()` holds (true) or `timeoutMs` have passed (false). */
export async function waitUntil(check: () => boolean, timeoutMs: number, intervalMs = 100): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) return false;
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	return true;
}
