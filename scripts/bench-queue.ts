/**
 * Queue-mode benchmark in a real n8n 2.41.1: two executions of 50 Buena items each (one voice per
 * item) at the same time against ONE rate-limited sandbox account — on one worker, then on two.
 *
 *   npm run bench:queue [-- --workers 1,2 --reps 2 --items 50 --executions 2 --rate 20/10s --out results.json]
 *
 * Set-up (see BENCHMARKS.md, "bench:queue"): the sandbox runs in a process of its own on loopback;
 * Redis and PostgreSQL are throwaway servers on free loopback ports (test/e2e/harness/queueMode.ts);
 * one `n8n start` (queue mode, OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true, binary data in the
 * database) with our packed package installed the n8n way, and the same workflow as the e2e test
 * (test/e2e/support/queueBatch.ts): Webhook → Read/Write Files from Disk → Create Voice Clone
 * (Concurrency 2, continue on fail). Each run calls the webhook once per execution, all at once.
 * Workers share the main process's user folder; each has `--concurrency` = executions ÷ workers,
 * so every execution starts at once (one worker runs both; two workers one each).
 *
 * Printed per run and summarised per worker count: requests per voice (every Buena request the
 * sandbox logged, 429s included, over the voices the account has afterwards), 429 answers, the
 * most a window refused, items failed, and the wall time — first execution start to last
 * execution end, from n8n's execution records — as a ratio to what the uploads alone need at the
 * sandbox's rate (voices ÷ limit × window; goal ≤ 1.15×), and to the fixed-window minimum
 * ((⌈voices ÷ limit⌉ − 1) windows: a batch spanning few windows gets its first burst free, which
 * the first ratio does not count). Prints figures, asserts nothing.
 */
import * as fs from 'fs';
import * as os from 'os';

import { startSandboxProcess, type SandboxProcess } from './bench/sandboxProcess';
import { median } from './bench/rss';
import { startQueueBackends, type QueueBackends } from '../test/e2e/harness/queueMode';
import { accountVoices, runBatches, setUpQueueInstance, summarise, type BatchSummary, type QueueInstance } from '../test/e2e/support/queueBatch';

const VERSION = '2.41.1';

function arg(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : undefined;
}
const WORKER_COUNTS = (arg('workers') ?? '1,2').split(',').map(Number);
const REPS = Number(arg('reps') ?? 2);
const ITEMS = Number(arg('items') ?? 50);
const EXECUTIONS = Number(arg('executions') ?? 2);
const RATE = parseRate(arg('rate') ?? '60/30s');
const GOAL_REQUESTS_PER_VOICE = 1.1;
const GOAL_WALL_RATIO = 1.15;

function parseRate(text: string): { limit: number; windowMs: number } {
	const m = /^(\d+)\/(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text);
	if (!m) throw new Error(`--rate looks like 60/30s (requests per window), got ${text}`);
	return { limit: Number(m[1]), windowMs: Number(m[2]) * (m[3] === 'ms' ? 1 : m[3] === 'm' ? 60_000 : 1000) };
}

const log = (line: string) => process.stderr.write(`[bench:queue] ${line}\n`);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

interface QueueRun {
	workers: number;
	concurrency: number;
	rep: number;
	/** Which worker ran each execution, and whether all executions overlapped in time. */
	ranOn: string[];
	overlapped: boolean;
	summary: Omit<BatchSummary, 'audit'> & { windows: string };
	/** First to last Buena request at the sandbox. */
	requestSpanMs: number;
	/** Every Buena request of the run (ms from the first; an upload's voice name), for the JSON file. */
	timeline: Array<{ ms: number; method: string; status: number; name?: string }>;
}

async function measure(instance: QueueInstance, sandbox: SandboxProcess, workers: number, concurrency: number, rep: number): Promise<QueueRun> {
	// The processes' pacers forget a window once it has ended: start clear of the last run's.
	await new Promise((r) => setTimeout(r, RATE.windowMs + 1000));
	await sandbox.control('POST', 'reset'); // voices, log and windows
	await sandbox.control('POST', 'config', { rateLimit: RATE });
	const executions = await runBatches(instance, 30 * 60_000);
	const requestLog = await sandbox.log();
	await sandbox.control('POST', 'config', { rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
	const voices = await accountVoices({ apiKey: sandbox.buenaKey, baseUrl: sandbox.buenaBaseUrl });
	const { audit, ...figures } = summarise(executions, requestLog, voices, RATE);
	const buena = requestLog.filter((e) => e.provider === 'buena');
	const overlapped = executions.every((a) => executions.every((b) => a === b || (a.startedAt < b.stoppedAt && b.startedAt < a.stoppedAt)));
	return {
		workers,
		concurrency,
		rep,
		ranOn: executions.map((x) => `${x.batch}: ${x.worker ?? '?'} (${x.status})`),
		overlapped,
		summary: { ...figures, windows: audit.windows.map((w) => `${w.allowed}/${w.refused}`).join(' ') },
		requestSpanMs: buena.length ? buena[buena.length - 1].at - buena[0].at : NaN,
		timeline: buena.map((e) => ({ ms: e.at - buena[0].at, method: e.method, status: e.status, name: e.fields.find((f) => f.name === 'name')?.value })),
	};
}

function printRuns(runs: QueueRun[]): void {
	const out: string[] = [''];
	for (const r of runs.filter((x) => x.summary.errors.length)) {
		out.push(`${r.workers} worker(s) #${r.rep}, failed items' errors: ${r.summary.errors.join(' | ')}`);
	}
	out.push(
		"| workers × --concurrency | rep | executions ran on | overlapped | items out | voices | requests (uploads) | requests per voice | 429 answers | most refused in a window | most 429s to one item's upload | sent per s while a window was open | items failed (rate limit) | wall (s) | uploads alone need (s) | wall × uploads | fixed-window minimum (s) | first→last request (s) |",
	);
	out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
	for (const r of runs) {
		const s = r.summary;
		out.push(
			`| ${r.workers} × ${r.concurrency} | ${r.rep} | ${r.ranOn.join('; ')} | ${r.overlapped ? 'yes' : 'NO'} | ${s.items} | ${s.voices} | ${s.requests} (${s.uploads}) | ` +
				`${fmt(s.requestsPerVoice, 2)} | ${s.answered429} | ${s.mostRefusedInAWindow} | ${s.mostRefusalsOfOneUpload} | ${fmt(s.sendRateWhileOpen)} | ${s.failedItems} (${s.failedByRateLimit}) | ` +
				`${fmt(s.wallMs / 1000)} | ${fmt(s.uploadsNeedMs / 1000)} | ${fmt(s.wallRatio, 2)} | ${fmt(s.fixedWindowMinimumMs / 1000)} | ${fmt(r.requestSpanMs / 1000)} |`,
		);
	}
	process.stdout.write(out.join('\n') + '\n');
}

function printSummary(runs: QueueRun[], elapsedMs: number, loadAverage: number[]): void {
	const out: string[] = ['', `## Summary: one worker against two (medians of ${REPS} run(s))`, ''];
	out.push(
		`n8n ${VERSION} in queue mode, ${EXECUTIONS} executions × ${ITEMS} items at once, one account limited to ${RATE.limit} requests per ${RATE.windowMs / 1000} s; ` +
			`Node ${process.version} (bench), ${os.cpus().length} CPUs, load average (1/5/15 min, highest of start and end) ${loadAverage.map((l) => fmt(l, 2)).join(' / ')}`,
	);
	out.push('');
	out.push(
		`| workers | requests per voice (goal ≤ ${GOAL_REQUESTS_PER_VOICE}) | 429 answers | items failed | wall × uploads alone (goal ≤ ${GOAL_WALL_RATIO}) | wall × fixed-window minimum | wall (s) |`,
	);
	out.push('|---|---|---|---|---|---|---|');
	for (const workers of WORKER_COUNTS) {
		const rs = runs.filter((r) => r.workers === workers);
		if (!rs.length) continue;
		const m = (f: (r: QueueRun) => number) => median(rs.map(f));
		const perVoice = m((r) => r.summary.requestsPerVoice);
		const ratio = m((r) => r.summary.wallRatio);
		out.push(
			`| ${workers} | ${fmt(perVoice, 2)} ${perVoice <= GOAL_REQUESTS_PER_VOICE ? '(met)' : '(**missed**)'} | ${rs.map((r) => r.summary.answered429).join(' / ')} | ` +
				`${rs.map((r) => r.summary.failedItems).join(' / ')} | ${fmt(ratio, 2)} ${ratio <= GOAL_WALL_RATIO ? '(met)' : '(**missed**)'} | ` +
				`${fmt(m((r) => r.summary.wallMs / r.summary.fixedWindowMinimumMs), 2)} | ${fmt(m((r) => r.summary.wallMs) / 1000)} |`,
		);
	}
	out.push('');
	out.push(`bench:queue took ${fmt(elapsedMs / 1000, 0)} s`);
	process.stdout.write(out.join('\n') + '\n');
}

async function main(): Promise<void> {
	const started = Date.now();
	const loadBefore = os.loadavg();
	const outFile = arg('out');
	let sandbox: SandboxProcess | undefined;
	let backends: QueueBackends | undefined;
	let instance: QueueInstance | undefined;
	const cleanup = async () => {
		await instance?.dispose().catch(() => {});
		await backends?.stop().catch(() => {});
		await sandbox?.stop().catch(() => {});
	};
	process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
	try {
		sandbox = await startSandboxProcess(['--training-seconds', '3600', '--rate-limit', `${RATE.limit}/${RATE.windowMs}ms`]);
		await sandbox.control('POST', 'config', { buenaMaxClones: 100_000 });
		log(`sandbox pid ${sandbox.pid} at ${sandbox.url}`);
		backends = await startQueueBackends(log);
		instance = await setUpQueueInstance({
			version: VERSION,
			backends,
			buena: { apiKey: sandbox.buenaKey, baseUrl: sandbox.buenaBaseUrl },
			executions: EXECUTIONS,
			items: ITEMS,
			log,
		});
		const runs: QueueRun[] = [];
		for (const workers of WORKER_COUNTS) {
			const concurrency = Math.ceil(EXECUTIONS / workers);
			await instance.startWorkers(workers, concurrency);
			try {
				for (let rep = 1; rep <= REPS; rep++) {
					const run = await measure(instance, sandbox, workers, concurrency, rep);
					runs.push(run);
					const { timeline: _timeline, ...shown } = run;
					log(`${workers} worker(s) #${rep}: ${JSON.stringify(shown)}`);
					if (outFile) fs.writeFileSync(outFile, JSON.stringify({ version: VERSION, rate: RATE, runs }, null, 1));
				}
			} finally {
				await instance.stopWorkers();
			}
		}
		printRuns(runs);
		const loadAfter = os.loadavg();
		printSummary(runs, Date.now() - started, loadBefore.map((l, i) => Math.max(l, loadAfter[i])));
	} finally {
		await cleanup();
	}
}

main().catch((error: Error) => {
	process.stderr.write(`bench:queue failed: ${error.stack ?? error.message}\n`);
	process.exit(1);
});
