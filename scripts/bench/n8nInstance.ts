/**
 * One real n8n (`n8n start`, a pinned version, filesystem binary mode) with our packed package installed
 * the n8n way, kept running for every measurement. Workflows start with a Webhook node (response
 * when the last node finishes), so a run is one HTTP call and happens inside the n8n main process
 * (regular execution mode; no Code node, so the task runner child plays no part).
 */
import { randomUUID } from 'crypto';
import { createRequire } from 'module';
import * as path from 'path';

import { N8nRestClient } from '../../test/e2e/harness/credentialTest';
import { freePort, N8n, type ExecutionRun, type N8nServer, type WorkflowInput } from '../../test/e2e/harness/n8n';
import { activateWorkflow } from '../../test/e2e/support/activeWorkflow';
import { Inspector } from './inspector';

export interface BenchN8n {
	n8n: N8n;
	server: N8nServer;
	/** Pid of the n8n main process (the one that runs executions). */
	pid: number;
	client: N8nRestClient;
	/** Workflow id by webhook path. */
	workflowIds: Map<string, string>;
	/** POSTs to a production webhook; resolves when the workflow has finished. */
	trigger(webhookPath: string, body: unknown, timeoutMs?: number): Promise<{ status: number; body: unknown; sentAt: number; answeredAt: number }>;
	/** The newest execution of a workflow, with its run data. */
	lastExecution(workflowId: string): Promise<{ id: string; status: string; run: ExecutionRun['data'] }>;
	deleteExecutions(ids: string[]): Promise<void>;
	/** A full garbage collection in the n8n process (through its inspector). */
	gc(): Promise<void>;
	/** The inspector session (CPU profiles). */
	inspector: Inspector;
	dispose(): Promise<void>;
}

export interface WebhookWorkflow extends WorkflowInput {
	webhookPath: string;
}

/** Webhook (POST, answers when the last node ends) → the given nodes, connected in a chain. */
export function webhookWorkflow(name: string, webhookPath: string, nodes: Array<Record<string, unknown>>): WebhookWorkflow {
	const hook = {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
	};
	const all: Array<Record<string, unknown>> = [hook, ...nodes.map((n, i) => ({ id: randomUUID(), position: [220 * (i + 1), 0], ...n }))];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[String(all[i].name)] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name, nodes: all, connections, webhookPath };
}

/** The pid of the `n8n start` process: the child of the harness's detached spawn listening on the port. */
function pidListeningOn(port: number): number {
	const fs = require('fs') as typeof import('fs');
	const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
	const inodes = new Set<string>();
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
			const cols = line.trim().split(/\s+/);
			if (cols[1]?.endsWith(hex) && cols[3] === '0A') inodes.add(cols[9]);
		}
	}
	for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
		try {
			for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
				const link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
				const m = /^socket:\[(\d+)\]$/.exec(link);
				if (m && inodes.has(m[1])) return Number(pid);
			}
		} catch {
			// not ours to read, or gone
		}
	}
	throw new Error(`no process listens on port ${port}`);
}

export async function startBenchN8n(opts: {
	version: string;
	fileAccessDirs: string[];
	credentials: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>;
	workflows: WebhookWorkflow[];
	log: (line: string) => void;
}): Promise<BenchN8n> {
	const n8n = await N8n.create({
		version: opts.version,
		binaryDataMode: 'filesystem',
		fileAccessDirs: opts.fileAccessDirs,
		logLevel: 'warn',
		log: opts.log,
	});
	try {
		opts.log('importing credentials and workflows (n8n CLI)…');
		await n8n.importCredentials(opts.credentials);
		const withIds = await n8n.importWorkflows(opts.workflows.map(({ webhookPath: _p, ...w }) => w));
		const workflowIds = new Map<string, string>();
		for (const [i, w] of withIds.entries()) {
			workflowIds.set(opts.workflows[i].webhookPath, w.id);
			// Production webhooks are registered for published (active) workflows at start-up.
			await activateWorkflow(n8n, w.id);
		}
		opts.log('starting n8n…');
		// The inspector listens (nobody attached costs nothing) so the bench can collect garbage
		// before each run and take CPU profiles. The task runner child gets its own env without NODE_OPTIONS.
		const inspectPort = await freePort();
		const server = await n8n.startServer({
			// Keep executions (for their run data) and never prune during the bench.
			env: {
				EXECUTIONS_DATA_PRUNE: 'false',
				NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}`,
			},
		});
		const client = new N8nRestClient(server.baseUrl);
		await client.setupOwnerAndLogin();
		const pid = pidListeningOn(server.port);
		if (pidListeningOn(inspectPort) !== pid) throw new Error('the inspector port is not the n8n main process');
		const n8nPackageJson = path.join(n8n.install.dir, 'node_modules', 'n8n', 'package.json');
		const inspector = await Inspector.connect(inspectPort, n8nPackageJson);
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const flatted = createRequire(n8nPackageJson)('flatted') as {
			parse(text: string): unknown;
		};
		return {
			n8n,
			server,
			pid,
			client,
			workflowIds,
			trigger: async (webhookPath, body, timeoutMs = 600_000) => {
				const sentAt = Date.now();
				const res = await fetch(`${server.baseUrl}/webhook/${webhookPath}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
					signal: AbortSignal.timeout(timeoutMs),
				});
				const text = await res.text();
				const answeredAt = Date.now();
				let parsed: unknown = text;
				try {
					parsed = JSON.parse(text);
				} catch {
					// not JSON
				}
				return { status: res.status, body: parsed, sentAt, answeredAt };
			},
			lastExecution: async (workflowId) => {
				const filter = encodeURIComponent(JSON.stringify({ workflowId }));
				const list = await client.request<{ results: Array<{ id: string; status: string }> }>(
					'GET',
					`/rest/executions?filter=${filter}&limit=1`,
				);
				const newest = list.results[0];
				if (!newest) throw new Error(`no execution of workflow ${workflowId}`);
				const full = await client.request<{ id: string; status: string; data: string }>('GET', `/rest/executions/${newest.id}`);
				const data = flatted.parse(full.data) as ExecutionRun['data'];
				return { id: full.id, status: full.status, run: data };
			},
			deleteExecutions: async (ids) => {
				if (ids.length) await client.request('POST', '/rest/executions/delete', { ids });
			},
			gc: async () => await inspector.collectGarbage(),
			inspector,
			dispose: async () => {
				inspector.close();
				await n8n.dispose();
			},
		};
	} catch (error) {
		await n8n.dispose();
		throw error;
	}
}
