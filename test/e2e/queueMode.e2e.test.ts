/**
 * Issue 15, "Queue mode with two workers": n8n 2.41.1 in queue mode as n8n documents it — Redis
 * and PostgreSQL (throwaway servers this test starts and stops on free loopback ports), `n8n start`
 * and two `n8n worker` processes sharing one user folder with our package installed the n8n way,
 * OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true, binary data in the database. Two executions of 50
 * items each (one Buena voice per item) run at the same time, one on each worker, against ONE
 * sandbox account whose rate limit (60 requests per 30 s) is far below what two workers send
 * unpaced (they fill an open window at 75–110 requests a second, bench:queue measured). Counts are
 * asserted, never times (the wall-time ratio is bench:queue's job).
 *
 * Why each worker takes exactly one execution: `--concurrency=1` (n8n warns that it is low; it is
 * what makes the two jobs land on different workers rather than wherever Bull hands them). The test
 * checks it from the workers' own logs ("Worker started execution N") and from the executions'
 * times and the sandbox's log (they overlap, and their uploads interleave).
 *
 * "Every 429's Retry-After honoured", as the sandbox can check it. The sandbox cannot tell workers
 * (or executions) apart, but each upload carries its voice name, unique per item, and the sandbox
 * counts requests in fixed windows that its log replays exactly (test/sandbox/rateLimitAudit.ts).
 * Its Retry-After is the refusing window's rest, in whole seconds, at least 1. So:
 *  1. per item: after an upload is refused, the same item's next upload comes no earlier than the
 *     end of the window that refused it, and no earlier than 1 s later — what waiting out any
 *     Retry-After the sandbox can have sent implies;
 *  2. per window: it refuses at most as many requests as can be in flight at once
 *     (executions × the node's Concurrency): once a client has a 429 it sends nothing more until
 *     the Retry-After, so only requests already on their way can also be refused. A client that
 *     retried at once, or on its own backoff, would pile refusals into the window. This covers the
 *     account lists too, which carry nothing that names their item.
 *
 * Slow (installs nothing new, but starts PostgreSQL, Redis and three n8n processes; ~2–5 min):
 * runs in the full matrix only: `N8N_E2E_MATRIX=full npx jest --runInBand test/e2e/queueMode.e2e.test.ts`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { startSandbox, type RequestLogEntry, type Sandbox } from '../sandbox';
import { fullMatrixDescribe } from './harness/matrix';
import { disposeAll } from './harness/n8n';
import { startQueueBackends, type N8nWorker, type QueueBackends } from './harness/queueMode';
import { REPO_ROOT } from './harness/versions';
import {
	accountVoices,
	CLONE_NODE,
	NODE_CONCURRENCY,
	runBatches,
	setUpQueueInstance,
	summarise,
	type BatchExecution,
	type BatchSummary,
	type QueueInstance,
} from './support/queueBatch';
import { cloneUploads, fieldValue, SETUP_TIMEOUT } from './support/workflows';

const VERSION = '2.41.1';
const EXECUTIONS = 2;
const ITEMS = 50;
// Buena's documented 60 requests per window, in a window half as long (30 s instead of 60 s).
const RATE = { limit: 60, windowMs: 30_000 };
const SQLITE_WARNING = 'Scaling mode is not officially supported with sqlite';

let sandbox: Sandbox;
let backends: QueueBackends | undefined;
let instance: QueueInstance | undefined;
let workers: N8nWorker[] = [];

const log = (line: string) => process.stderr.write(`[queueMode] ${line}\n`);

// The full matrix only (npm run test:full, .ci/run): PostgreSQL, Redis and three n8n processes.
fullMatrixDescribe()('queue mode', () => {
	beforeAll(async () => {
		const deps = spawnSync(path.join(REPO_ROOT, 'scripts', 'ensure-system-deps.sh'), ['queue'], { encoding: 'utf8' });
		if (deps.status !== 0) throw new Error(`scripts/ensure-system-deps.sh queue failed:\n${deps.stdout}${deps.stderr}`);
		sandbox = await startSandbox({ trainingMs: 3_600_000, buenaMaxClones: 10_000, rateLimit: RATE });
		backends = await startQueueBackends(log);
		instance = await setUpQueueInstance({
			version: VERSION,
			backends,
			buena: { apiKey: sandbox.keys.buena, baseUrl: sandbox.buenaBaseUrl },
			executions: EXECUTIONS,
			items: ITEMS,
			log,
		});
		workers = await instance.startWorkers(2, 1);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await instance?.dispose();
		await disposeAll();
		await backends?.stop();
		await sandbox?.close();
	}, 120_000);

	describe(`n8n ${VERSION} in queue mode: two workers, one rate-limited account`, () => {
		let executions: BatchExecution[];
		let requestLog: RequestLogEntry[];
		let summary: BatchSummary;

		beforeAll(async () => {
			sandbox.reset();
			sandbox.configure({ rateLimit: RATE }); // fresh windows
			executions = await runBatches(instance!, 12 * 60_000);
			requestLog = sandbox.log();
			// Lift the limit to read the account's voices (those requests come after the log was taken).
			sandbox.configure({ rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
			const voices = await accountVoices({ apiKey: sandbox.keys.buena, baseUrl: sandbox.buenaBaseUrl });
			summary = summarise(executions, requestLog, voices, RATE);
			const { audit: _audit, ...figures } = summary;
			log(`figures: ${JSON.stringify(figures)}`);
			log(`windows (allowed/refused): ${summary.audit.windows.map((w) => `${w.allowed}/${w.refused}`).join(' ')}`);
			log(`executions: ${JSON.stringify(executions.map(({ items: _items, ...x }) => x))}`);
		}, 15 * 60_000);

		test('runs in queue mode on PostgreSQL: the main process and both workers', () => {
			expect(fs.existsSync(path.join(instance!.n8n.userFolder, '.n8n', 'database.sqlite'))).toBe(false);
			for (const output of [instance!.server.output(), ...workers.map((w) => w.output())]) {
				expect(output).not.toContain(SQLITE_WARNING);
			}
			expect(workers.map((w) => w.output())).toEqual([expect.stringContaining('n8n worker is now ready'), expect.stringContaining('n8n worker is now ready')]);
		});

		test('the two executions ran at the same time, one on each worker', () => {
			expect(executions.map((x) => x.status)).toEqual(['success', 'success']);
			expect(executions.map((x) => x.batch).sort()).toEqual(['q1', 'q2']);
			expect(executions.map((x) => x.worker).sort()).toEqual(['worker 1', 'worker 2']);
			const [a, b] = executions;
			expect(a.startedAt).toBeLessThan(b.stoppedAt);
			expect(b.startedAt).toBeLessThan(a.stoppedAt);
			// And their uploads interleave at the sandbox: each batch uploads while the other still does.
			const uploads = cloneUploads(requestLog);
			const batchOf = (i: number) => String(fieldValue(uploads[i], 'name')).slice(0, 2);
			const spans = ['q1', 'q2'].map((q) => {
				const at = uploads.map((_, i) => i).filter((i) => batchOf(i) === q);
				return { first: at[0], last: at[at.length - 1] };
			});
			expect(spans[0].first).toBeLessThan(spans[1].last);
			expect(spans[1].first).toBeLessThan(spans[0].last);
		});

		test('nothing lost, nothing doubled: 100 voices, each in an output once, none failed by rate limiting', () => {
			expect(executions.map((x) => x.items.length)).toEqual([ITEMS, ITEMS]);
			expect(summary.failedByRateLimit).toBe(0);
			expect(summary.errors).toEqual([]);
			expect(summary.voices).toBe(EXECUTIONS * ITEMS);
			expect(summary.duplicatesWithinExecutions).toBe(0);
			expect(summary.createdNotOutput).toBe(0);
			expect(summary.outputNotCreated).toBe(0);
			for (const execution of executions) {
				const names = execution.items.map((item) => item.json.name).sort();
				expect(names).toEqual(Array.from({ length: ITEMS }, (_, i) => `${execution.batch}-${String(i).padStart(2, '0')}`));
			}
		});

		test('the rate limit bound the batch, and every 429\'s Retry-After was honoured', () => {
			// The sandbox's answers are exactly what its windows say (no quota 429s, nothing unanswered).
			expect(summary.audit.unexplained).toEqual([]);
			// The limit really held the batch back: a window was filled to it, and the batch went on in the next.
			expect(summary.audit.windows.filter((w) => w.allowed === RATE.limit).length).toBeGreaterThanOrEqual(1);
			expect(summary.audit.windows.length).toBeGreaterThanOrEqual(2);
			expect(summary.retriedBeforeRetryAfter).toBe(0);
			expect(summary.mostRefusedInAWindow).toBeLessThanOrEqual(EXECUTIONS * NODE_CONCURRENCY);
		});

		test(`${CLONE_NODE} spends the rate limit on uploads: at most 1.1 requests per voice`, () => {
			expect(summary.requestsPerVoice).toBeLessThanOrEqual(1.1);
		});
	});
});
