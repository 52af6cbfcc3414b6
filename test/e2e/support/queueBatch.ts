/**
 * The queue-mode batch, shared by test/e2e/queueMode.e2e.test.ts and scripts/bench-queue.ts: n8n
 * in queue mode (harness/queueMode.ts) with a published workflow
 *
 *   Webhook (POST, answers at once) → Read/Write Files from Disk (the glob in the body)
 *     → Create Voice Clone (Buena, one voice per item, continue on fail)
 *
 * started by N webhook calls at once, each reading its own folder of small WAVs; then what the
 * executions output and what the sandbox saw, counted.
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import type { RequestLogEntry } from '../../sandbox';
import { auditRateLimit, retriesBeforeRetryAfter, type RateLimitAudit } from '../../sandbox/rateLimitAudit';
import { makeWav } from '../../helpers/wav';
import { N8nRestClient } from '../harness/credentialTest';
import { N8n, nodeItems, type N8nServer, type NodeItem } from '../harness/n8n';
import { queueModeEnv, startWorker, type N8nWorker, type QueueBackends } from '../harness/queueMode';
import { activateWorkflow, executionRun, executionsOf } from './activeWorkflow';
import { fieldValue } from './workflows';

export const QUEUE_WEBHOOK_PATH = 'queue-batch';
export const CLONE_NODE = 'Create Voice Clone';
const CREDENTIAL = { id: 'queueBuenaAccount', name: 'Buena AI (one account)', type: 'buenaApi' };

/** The node's own Concurrency option, left at its default: uploads one execution has in flight. */
export const NODE_CONCURRENCY = 2;

export interface QueueInstance {
	n8n: N8n;
	server: N8nServer;
	client: N8nRestClient;
	workflowId: string;
	/** One folder of `items` WAVs per execution, named `<batch>-<nn>.wav` (batch `q1`, `q2`, …). */
	batches: Array<{ name: string; dir: string }>;
	workers: N8nWorker[];
	startWorkers(count: number, concurrency: number): Promise<N8nWorker[]>;
	stopWorkers(): Promise<void>;
	dispose(): Promise<void>;
}

/**
 * Installs n8n with our package in a fresh user folder, pointed at the backends; writes the WAVs;
 * imports the credential (the sandbox's Buena account) and the workflow through n8n's CLI
 * (which also migrates PostgreSQL), publishes it, and starts the main process. Workers come next.
 */
export async function setUpQueueInstance(opts: {
	version: string;
	backends: QueueBackends;
	buena: { apiKey: string; baseUrl: string };
	executions: number;
	items: number;
	log?: (line: string) => void;
}): Promise<QueueInstance> {
	const n8n = await N8n.create({ version: opts.version, binaryDataMode: 'database', env: queueModeEnv(opts.backends), log: opts.log });
	const workers: N8nWorker[] = [];
	const stopWorkers = async () => {
		await Promise.all(workers.map((w) => w.stop()));
		workers.length = 0;
	};
	try {
		const batches = Array.from({ length: opts.executions }, (_, b) => {
			const name = `q${b + 1}`;
			const dir = path.join(n8n.filesDir, name);
			fs.mkdirSync(dir, { recursive: true });
			for (let i = 0; i < opts.items; i++) fs.writeFileSync(path.join(dir, `${name}-${String(i).padStart(2, '0')}.wav`), makeWav({ seconds: 1 }));
			return { name, dir };
		});
		opts.log?.('importing the credential and the workflow (n8n CLI; migrates PostgreSQL)…');
		await n8n.importCredentials([{ ...CREDENTIAL, data: opts.buena }]);
		const workflowId = await n8n.importWorkflow(batchWorkflow(n8n));
		await activateWorkflow(n8n, workflowId);
		opts.log?.('starting n8n (main)…');
		const server = await n8n.startServer();
		const client = new N8nRestClient(server.baseUrl);
		await client.setupOwnerAndLogin();
		return {
			n8n,
			server,
			client,
			workflowId,
			batches,
			workers,
			startWorkers: async (count, concurrency) => {
				opts.log?.(`starting ${count} worker(s), --concurrency=${concurrency}…`);
				const started = await Promise.all(
					Array.from({ length: count }, (_, i) => startWorker(n8n, { name: `worker ${workers.length + i + 1}`, concurrency })),
				);
				workers.push(...started);
				return started;
			},
			stopWorkers,
			dispose: async () => {
				await stopWorkers();
				await n8n.dispose();
			},
		};
	} catch (error) {
		await stopWorkers();
		await n8n.dispose();
		throw error;
	}
}

function batchWorkflow(n8n: N8n) {
	const node = (name: string, type: string, typeVersion: number, x: number, parameters: Record<string, unknown>, extra = {}) => ({
		id: randomUUID(),
		name,
		type,
		typeVersion,
		position: [x, 300],
		parameters,
		...extra,
	});
	return {
		name: 'Queue mode: one voice per item',
		nodes: [
			node('Webhook', 'n8n-nodes-base.webhook', 2, 0, { httpMethod: 'POST', path: QUEUE_WEBHOOK_PATH, responseMode: 'onReceived', options: {} }, { webhookId: randomUUID() }),
			node('Read Files', 'n8n-nodes-base.readWriteFile', 1, 220, { operation: 'read', fileSelector: '={{ $json.body.glob }}', options: {} }),
			node(
				CLONE_NODE,
				n8n.nodeType('createVoiceClone'),
				1,
				440,
				{
					provider: 'buena',
					name: "={{ $json.fileName.replace('.wav', '') }}",
					binaryProperties: 'data',
					cloneLimit: 10_000,
					options: { concurrency: NODE_CONCURRENCY },
				},
				{ credentials: { buenaApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } }, onError: 'continueRegularOutput' },
			),
		],
		connections: {
			Webhook: { main: [[{ node: 'Read Files', type: 'main', index: 0 }]] },
			'Read Files': { main: [[{ node: CLONE_NODE, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

export interface BatchExecution {
	id: string;
	batch: string;
	status: string;
	startedAt: number;
	stoppedAt: number;
	/** The Create Voice Clone node's output items. */
	items: NodeItem[];
	/** The worker whose log says it started this execution (undefined: none did). */
	worker?: string;
}

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

/**
 * Calls the webhook once per batch, all at once, and waits until every execution they started
 * has finished; returns them with their output and the worker that ran each.
 */
export async function runBatches(instance: QueueInstance, timeoutMs: number): Promise<BatchExecution[]> {
	const { client, server, workflowId, batches } = instance;
	const before = new Set((await executionsOf(client, workflowId)).map((e) => e.id));
	const answers = await Promise.all(
		batches.map(async (batch) => {
			const res = await fetch(`${server.baseUrl}/webhook/${QUEUE_WEBHOOK_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ glob: `${batch.dir}/*.wav` }),
				signal: AbortSignal.timeout(60_000),
			});
			return `${res.status} ${await res.text()}`;
		}),
	);
	if (!answers.every((a) => a.startsWith('200'))) throw new Error(`the webhook answered: ${answers.join(' | ')}`);

	const deadline = Date.now() + timeoutMs;
	let mine: Array<{ id: string; status: string }> = [];
	for (;;) {
		mine = (await executionsOf(client, workflowId)).filter((e) => !before.has(e.id));
		if (mine.length >= batches.length && mine.every((e) => FINISHED.has(e.status))) break;
		if (Date.now() > deadline) {
			throw new Error(`executions not finished within ${timeoutMs} ms: ${JSON.stringify(mine)}`);
		}
		await new Promise((r) => setTimeout(r, 1000));
	}

	return await Promise.all(
		mine.map(async ({ id }) => {
			const full = await client.request<{ status: string; startedAt: string; stoppedAt: string }>('GET', `/rest/executions/${id}`);
			const run = await executionRun(instance.n8n, client, id);
			const items = run.data.resultData.runData[CLONE_NODE] ? nodeItems(run, CLONE_NODE) : [];
			const readItems = run.data.resultData.runData['Read Files'] ? nodeItems(run, 'Read Files') : [];
			const batch = batches.find((b) => String(readItems[0]?.json.fileName).startsWith(`${b.name}-`))?.name ?? '?';
			return {
				id,
				batch,
				status: full.status,
				startedAt: Date.parse(full.startedAt),
				stoppedAt: Date.parse(full.stoppedAt),
				items,
				worker: instance.workers.find((w) => w.startedExecutions().includes(id))?.name,
			};
		}),
	);
}

/** Every Buena voice of the account (all pages). Lift the sandbox's rate limit first. */
export async function accountVoices(buena: { apiKey: string; baseUrl: string }): Promise<Array<{ voiceId: string; name: string }>> {
	const voices: Array<{ voiceId: string; name: string }> = [];
	for (let offset = 0; ; offset += 100) {
		const res = await fetch(`${buena.baseUrl}/voice-clones?limit=100&offset=${offset}`, { headers: { 'x-api-key': buena.apiKey } });
		if (!res.ok) throw new Error(`the sandbox's voice list answered ${res.status}`);
		const page = ((await res.json()) as { data: Array<{ voiceId: string; name: string }> }).data;
		voices.push(...page);
		if (page.length < 100) return voices;
	}
}

export interface BatchSummary {
	executions: number;
	items: number;
	voices: number;
	/** Buena API requests the sandbox logged (429s included), and per voice created. */
	requests: number;
	uploads: number;
	requestsPerVoice: number;
	answered429: number;
	/** Output items with an error, and those whose error is about rate limiting. */
	failedItems: number;
	failedByRateLimit: number;
	/** The distinct errors of failed items (message, and description where there is one). */
	errors: string[];
	/** A voice id or a name output twice within one execution. */
	duplicatesWithinExecutions: number;
	/** Voices the account has that no execution output, and output voice ids the account lacks. */
	createdNotOutput: number;
	outputNotCreated: number;
	audit: RateLimitAudit;
	/**
	 * How fast the clients send when the limit does not hold them back: the median time a full
	 * window took to fill (its first to its last allowed request), as requests per second.
	 */
	sendRateWhileOpen: number;
	/** The most requests one window refused. */
	mostRefusedInAWindow: number;
	/** Uploads refused with a 429 whose item uploaded again (same voice name) before its Retry-After can have passed. */
	retriedBeforeRetryAfter: number;
	/** Refused uploads whose item tried again (later), for context. */
	refusedUploadsRetried: number;
	/** The most 429s one item's uploads got (by voice name): an item refused window after window. */
	mostRefusalsOfOneUpload: number;
	/** From the first execution's start to the last one's end. */
	wallMs: number;
	/** What the uploads alone need at the rate: uploads ÷ limit × window (issue 15's measure). */
	uploadsNeedMs: number;
	wallRatio: number;
	/**
	 * The least time fixed windows that start at the first request allow the uploads alone, from the
	 * first to the last: (⌈voices ÷ limit⌉ − 1) windows. Stricter than uploadsNeedMs when a batch
	 * spans few windows (its first window's burst is free), coarser when windows are small.
	 */
	fixedWindowMinimumMs: number;
}

export function summarise(
	executions: BatchExecution[],
	log: RequestLogEntry[],
	voices: Array<{ voiceId: string; name: string }>,
	rate: { limit: number; windowMs: number },
): BatchSummary {
	const buena = log.filter((e) => e.provider === 'buena');
	const isUpload = (e: RequestLogEntry) => e.method === 'POST' && /\/voice-clones$/.test(e.path);
	const uploads = buena.filter(isUpload).length;
	const errors = executions.flatMap((x) => x.items.map((i) => i.json.error).filter((e) => e !== undefined));
	const isRate = (e: unknown) => /rate.?limit|429|too many/i.test(JSON.stringify(e));
	let duplicates = 0;
	for (const x of executions) {
		const ids = x.items.map((i) => i.json.voiceId).filter((v): v is string => typeof v === 'string');
		const names = x.items.map((i) => i.json.name).filter((v): v is string => typeof v === 'string');
		duplicates += ids.length - new Set(ids).size + (names.length - new Set(names).size);
	}
	const output = new Set(executions.flatMap((x) => x.items.map((i) => i.json.voiceId).filter((v): v is string => typeof v === 'string')));
	const created = new Set(voices.map((v) => v.voiceId));
	const audit = auditRateLimit(buena, rate);
	// An upload names its item: the voice name, unique per item.
	const retries = retriesBeforeRetryAfter(buena, audit, (e) => (isUpload(e) ? fieldValue(e, 'name') : undefined));
	const wallMs = Math.max(...executions.map((x) => x.stoppedAt)) - Math.min(...executions.map((x) => x.startedAt));
	const uploadsNeedMs = (voices.length / rate.limit) * rate.windowMs;
	return {
		executions: executions.length,
		items: executions.reduce((n, x) => n + x.items.length, 0),
		voices: voices.length,
		requests: buena.length,
		uploads,
		requestsPerVoice: buena.length / voices.length,
		answered429: buena.filter((e) => e.status === 429).length,
		failedItems: errors.length,
		failedByRateLimit: errors.filter(isRate).length,
		errors: [...new Set(executions.flatMap((x) => x.items.filter((i) => i.json.error !== undefined).map((i) => describeError(i))))],
		duplicatesWithinExecutions: duplicates,
		createdNotOutput: [...created].filter((id) => !output.has(id)).length,
		outputNotCreated: [...output].filter((id) => !created.has(id)).length,
		audit,
		sendRateWhileOpen: medianOf(
			audit.windows.filter((w) => w.allowed === rate.limit && w.lastAllowedAt! > w.start).map((w) => ((rate.limit - 1) * 1000) / (w.lastAllowedAt! - w.start)),
		),
		mostRefusedInAWindow: Math.max(0, ...audit.windows.map((w) => w.refused)),
		retriedBeforeRetryAfter: retries.tooSoon.length,
		mostRefusalsOfOneUpload: Math.max(0, ...countBy(buena.filter((e) => isUpload(e) && e.status === 429), (e) => fieldValue(e, 'name')).values()),
		refusedUploadsRetried: retries.retried,
		wallMs,
		uploadsNeedMs,
		wallRatio: wallMs / uploadsNeedMs,
		fixedWindowMinimumMs: (Math.ceil(voices.length / rate.limit) - 1) * rate.windowMs,
	};
}

function medianOf(values: number[]): number {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function describeError(item: NodeItem): string {
	const { error, message, description } = item.json as { error?: unknown; message?: unknown; description?: unknown };
	const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
	return [text(error), message && message !== error ? text(message) : '', description ? text(description) : ''].filter(Boolean).join(' — ');
}

function countBy<T>(values: T[], key: (value: T) => string | undefined): Map<string | undefined, number> {
	const counts = new Map<string | undefined, number>();
	for (const value of values) counts.set(key(value), (counts.get(key(value)) ?? 0) + 1);
	return counts;
}
