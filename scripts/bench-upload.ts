/**
 * Upload benchmark in a real n8n: memory and time of one Buena clone of 10 large WAV files, and a
 * 100-item batch under a tight rate limit — in every pinned n8n version, one after the other.
 *
 *   npm run bench:upload [-- --version 1.123.81|2|1,2 --reps 3 --sizes 5,49 --batch 100 --batch-reps 3
 *                            --no-batch --no-profile --out results.json]
 *
 * Set-up (see BENCHMARKS.md): the provider sandbox runs in a process of its own on loopback; for
 * each n8n version (default: every one pinned in test/e2e/harness/versions.ts; `--version` picks
 * by full version or major), one `n8n start`, filesystem binary mode, our packed package
 * installed the n8n way, is started and kept running for all of that version's runs; each run is
 * a production webhook call (the execution happens in the n8n main process). WAV files are
 * written to a temp folder; the Read/Write Files from Disk node reads them into binary data.
 * Tables are printed per version as each finishes, then a summary puts the versions side by side.
 *
 * Compared for each size (MiB per file, 10 files, one multipart POST /voice-clones):
 *  - "our node": Create Voice Clone, Combine Items Into One Voice (field `files` ×10);
 *  - "HTTP Request": n8n's HTTP Request node 4.2, multipart-form-data, ten formBinaryData
 *    parameters, all named `files`, after an Aggregate node that puts the ten binaries on one item;
 *  - "curl": `curl -F files=@… ×10` from the shell.
 * Memory: the process's VmHWM (peak, reset through /proc/<pid>/clear_refs before each run) minus
 * its idle VmRSS just before the run; VmRSS is also sampled every 20 ms to split the peak between
 * the part before the upload request reached the sandbox and the upload itself. curl has no idle
 * state: its absolute peak is shown. Time: from the sandbox receiving the upload request's headers
 * (request log `at`) to the node finishing (run data startTime + executionTime) — for curl, curl's
 * own time_total − time_pretransfer. Ratios to curl and to the HTTP Request node are taken per
 * repetition (same run, same minute), then the median. Before the HTTP Request node runs at all,
 * our node runs once per size in the fresh process ("fresh"): the HTTP Request node holds whole
 * files in memory and the pages it frees stay resident, which can hide a later peak.
 * Prints figures, asserts nothing; `--out` also writes every run as JSON.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { summariseProfile } from './bench/inspector';
import { startBenchN8n, webhookWorkflow, type BenchN8n } from './bench/n8nInstance';
import { idleRss, median, mib, peakRssBetween, readMemory, resetPeak, sampleMemory } from './bench/rss';
import { startSandboxProcess, type SandboxProcess } from './bench/sandboxProcess';
import { writeWav } from './bench/wav';
import { N8N_VERSIONS } from '../test/e2e/harness/versions';
import type { NodeRun } from '../test/e2e/harness/n8n';
import type { RequestLogEntry } from '../test/sandbox/types';

const MIB = 1024 * 1024;
const FILES = 10;
const BATCH_KEY = 'bna_bench_batch_key';
const BATCH_RATE = { limit: 10, windowMs: 1000 };
const HUGE_RATE = { limit: 1_000_000, windowMs: 3_600_000 };

function arg(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : undefined;
}
const REPS = Number(arg('reps') ?? 3);
const SIZES = (arg('sizes') ?? '5,49').split(',').map(Number);
const BATCH_ITEMS = Number(arg('batch') ?? 100);
const BATCH_REPS = Number(arg('batch-reps') ?? 3);
const NO_BATCH = process.argv.includes('--no-batch');

const log = (line: string) => process.stderr.write(`[bench:upload] ${line}\n`);
const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

type Tool = 'our node' | 'HTTP Request' | 'curl';

interface UploadRun {
	tool: Tool;
	sizeMiB: number;
	rep: number;
	ok: boolean;
	status: number;
	/** Sum of file bytes the sandbox read, and what was expected. */
	bytesRead: number;
	bytesExpected: number;
	fields: string;
	idleMiB: number;
	/** VmHWM − idle (curl: absolute VmHWM). */
	peakAboveIdleMiB: number;
	/** Sampled peak before the upload request arrived (read + inspection), above idle. */
	peakBeforeUploadMiB: number;
	/** Sampled peak while uploading, above idle. */
	peakDuringUploadMiB: number;
	uploadMs: number;
	/** Node executionTime (whole node, incl. the quota check and file inspection) — nodes only. */
	nodeMs: number;
	sandboxPeakAboveIdleMiB: number;
	note?: string;
}

function makeFiles(root: string): Record<string, string> {
	const dirs: Record<string, string> = {};
	for (const size of SIZES) {
		const dir = path.join(root, `s${size}`);
		fs.mkdirSync(dir);
		for (let i = 0; i < FILES; i++) writeWav(path.join(dir, `sample-${String(i).padStart(2, '0')}.wav`), size * MIB);
		dirs[`s${size}`] = dir;
	}
	const batch = path.join(root, 'batch');
	fs.mkdirSync(batch);
	// 2 s of 16-bit mono 44.1 kHz each.
	for (let i = 0; i < BATCH_ITEMS; i++) writeWav(path.join(batch, `b-${String(i).padStart(3, '0')}.wav`), 44 + 2 * 44_100 * 2);
	dirs.batch = batch;
	return dirs;
}

function workflows(sandbox: SandboxProcess, credentialId: string, batchCredentialId: string, nodeType: string) {
	const read = {
		name: 'Read Files',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		parameters: { operation: 'read', fileSelector: '={{ $json.body.glob }}', options: {} },
	};
	const clone = (name: string, parameters: Record<string, unknown>, credId: string, extra: Record<string, unknown> = {}) => ({
		name,
		type: nodeType,
		typeVersion: 1,
		parameters: { provider: 'buena', binaryProperties: 'data', cloneLimit: 1000, options: {}, ...parameters },
		credentials: { buenaApi: { id: credId, name: credId } },
		...extra,
	});
	const http = {
		name: 'HTTP Request',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `${sandbox.buenaBaseUrl}/voice-clones`,
			sendHeaders: true,
			headerParameters: {
				parameters: [
					{ name: 'Authorization', value: `Bearer ${sandbox.buenaKey}` },
					{ name: 'x-api-key', value: sandbox.buenaKey },
				],
			},
			sendBody: true,
			contentType: 'multipart-form-data',
			bodyParameters: {
				parameters: [
					{ parameterType: 'formData', name: 'name', value: 'Bench HTTP Request' },
					...Array.from({ length: FILES }, (_, i) => ({
						parameterType: 'formBinaryData',
						name: 'files',
						inputDataFieldName: i === 0 ? 'data' : `data_${i}`,
					})),
				],
			},
			options: { response: { response: { neverError: true } }, timeout: 600_000 },
		},
	};
	const aggregate = {
		name: 'Aggregate',
		type: 'n8n-nodes-base.aggregate',
		typeVersion: 1,
		parameters: { aggregate: 'aggregateAllItemData', destinationFieldName: 'items', options: { includeBinaries: true } },
	};
	return [
		webhookWorkflow('bench: our node', 'bench-node', [
			read,
			clone('Create Voice Clone', { name: 'Bench our node', combineItems: true, options: { timeout: 600 } }, credentialId),
		]),
		webhookWorkflow('bench: HTTP Request', 'bench-http', [read, aggregate, http]),
		webhookWorkflow('bench: batch', 'bench-batch', [
			read,
			clone(
				'Create Voice Clone',
				{ name: '={{ "Batch " + $itemIndex }}', combineItems: false },
				batchCredentialId,
				{ onError: 'continueRegularOutput' },
			),
		]),
	];
}

function uploadEntry(entries: RequestLogEntry[]): RequestLogEntry | undefined {
	return entries.find((e) => e.method === 'POST' && e.path.endsWith('/voice-clones'));
}

function describeFields(entry: RequestLogEntry | undefined): string {
	if (!entry) return 'no upload request';
	const counts = new Map<string, number>();
	for (const f of entry.files) counts.set(f.field, (counts.get(f.field) ?? 0) + 1);
	const files = [...counts].map(([field, n]) => (n > 1 ? `${field}×${n}` : field)).join(', ');
	return `${entry.fields.map((f) => f.name).join(', ')} + files: ${files}`;
}

async function measure(
	n8n: BenchN8n,
	sandbox: SandboxProcess,
	tool: Tool,
	sizeMiB: number,
	rep: number,
	dir: string,
): Promise<UploadRun> {
	await sandbox.control('POST', 'reset');
	await sleep(300);
	const sandboxIdle = await idleRss(sandbox.pid, 300);
	resetPeak(sandbox.pid);
	const sandboxSampler = sampleMemory(sandbox.pid);
	const expected = FILES * sizeMiB * MIB;
	let run: UploadRun;
	if (tool === 'curl') {
		run = await measureCurl(sandbox, sizeMiB, rep, dir);
	} else {
		const webhook = tool === 'our node' ? 'bench-node' : 'bench-http';
		const nodeName = tool === 'our node' ? 'Create Voice Clone' : 'HTTP Request';
		// A full GC first: idle is then a collected heap, not the garbage of the previous run.
		await n8n.gc();
		await sleep(300);
		const idle = await idleRss(n8n.pid);
		if (!resetPeak(n8n.pid)) throw new Error('cannot reset VmHWM of n8n (needs /proc/<pid>/clear_refs)');
		const sampler = sampleMemory(n8n.pid);
		const res = await n8n.trigger(webhook, { glob: path.join(dir, '*.wav') });
		const readings = sampler.stop();
		const hwm = readMemory(n8n.pid)!.hwmKiB;
		const entries = await sandbox.log();
		const entry = uploadEntry(entries);
		const exec = await n8n.lastExecution(n8n.workflowIds.get(webhook)!);
		const nodeRun = exec.run.resultData.runData[nodeName]?.[0] as NodeRun | undefined;
		const nodeEnd = (nodeRun?.startTime ?? NaN) + (nodeRun?.executionTime ?? NaN);
		const uploadStart = entry?.at ?? NaN;
		await n8n.deleteExecutions([exec.id]);
		run = {
			tool,
			sizeMiB,
			rep,
			ok: res.status === 200 && !!entry && entry.status > 0 && entry.status < 300,
			status: entry?.status ?? 0,
			bytesRead: entry?.files.reduce((s, f) => s + f.bytes, 0) ?? 0,
			bytesExpected: expected,
			fields: describeFields(entry),
			idleMiB: mib(idle),
			peakAboveIdleMiB: mib(hwm - idle),
			peakBeforeUploadMiB: mib(peakRssBetween(readings, 0, uploadStart) - idle),
			peakDuringUploadMiB: mib(peakRssBetween(readings, uploadStart, nodeEnd + 20) - idle),
			uploadMs: nodeEnd - uploadStart,
			nodeMs: nodeRun?.executionTime ?? NaN,
			sandboxPeakAboveIdleMiB: 0,
			note: res.status !== 200 ? `webhook ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}` : undefined,
		};
	}
	sandboxSampler.stop();
	run.sandboxPeakAboveIdleMiB = mib(readMemory(sandbox.pid)!.hwmKiB - sandboxIdle);
	return run;
}

async function measureCurl(sandbox: SandboxProcess, sizeMiB: number, rep: number, dir: string): Promise<UploadRun> {
	const files = fs.readdirSync(dir).filter((f) => f.endsWith('.wav')).sort();
	const args = [
		'-sS',
		'-o',
		'/dev/null',
		'-w',
		'%{time_pretransfer} %{time_total} %{size_upload} %{http_code}',
		'-H',
		`Authorization: Bearer ${sandbox.buenaKey}`,
		'-H',
		`x-api-key: ${sandbox.buenaKey}`,
		'-F',
		'name=Bench curl',
		...files.flatMap((f) => ['-F', `files=@${path.join(dir, f)};type=audio/wav`]),
		`${sandbox.buenaBaseUrl}/voice-clones`,
	];
	const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	let err = '';
	child.stdout.on('data', (b: Buffer) => (out += b.toString()));
	child.stderr.on('data', (b: Buffer) => (err += b.toString()));
	// curl is sampled from its first moments; its VmHWM is read on every sample until it exits.
	const readings = [] as Array<{ at: number; rssKiB: number; hwmKiB: number }>;
	const timer = setInterval(() => {
		const m = readMemory(child.pid!);
		if (m) readings.push(m);
	}, 20);
	const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
	clearInterval(timer);
	const [pretransfer, total, uploaded, http] = out.trim().split(' ').map(Number);
	const entry = uploadEntry(await sandbox.log());
	const hwm = Math.max(...readings.map((r) => r.hwmKiB));
	return {
		tool: 'curl',
		sizeMiB,
		rep,
		ok: code === 0 && http > 0 && http < 300,
		status: http,
		bytesRead: entry?.files.reduce((s, f) => s + f.bytes, 0) ?? 0,
		bytesExpected: FILES * sizeMiB * MIB,
		fields: describeFields(entry),
		idleMiB: NaN,
		peakAboveIdleMiB: mib(hwm),
		peakBeforeUploadMiB: NaN,
		peakDuringUploadMiB: NaN,
		uploadMs: (total - pretransfer) * 1000,
		nodeMs: NaN,
		sandboxPeakAboveIdleMiB: 0,
		note: code !== 0 ? `curl exit ${code}: ${err.trim()} (uploaded ${uploaded})` : undefined,
	};
}

interface BatchRun {
	rep: number;
	items: number;
	created: number;
	failedRateLimited: number;
	failedOther: number;
	requests: number;
	answered429: number;
	nodeMs: number;
	spanMs: number;
	/** Bursts of requests (gaps > 300 ms split them) and the median time between burst starts. */
	bursts: number;
	burstIntervalMs: number;
	/** Median ms past the whole second at which a burst started (≈0 when waits end on a whole-second Reset). */
	burstStartMsIntoSecond: number;
	firstError?: string;
}

async function measureBatch(n8n: BenchN8n, sandbox: SandboxProcess, dir: string, rep: number): Promise<BatchRun> {
	await sandbox.control('POST', 'reset');
	await sleep(1200); // let the pacer's last window (1 s) run out before the next batch
	const res = await n8n.trigger('bench-batch', { glob: path.join(dir, '*.wav') });
	const entries = (await sandbox.log()).filter((e) => e.provider === 'buena');
	const exec = await n8n.lastExecution(n8n.workflowIds.get('bench-batch')!);
	const nodeRun = exec.run.resultData.runData['Create Voice Clone']?.[0] as NodeRun | undefined;
	const items = nodeRun?.data?.main?.[0] ?? [];
	await n8n.deleteExecutions([exec.id]);
	const errors = items.map((i) => i.json.error).filter((e) => e !== undefined);
	const starts: number[] = [];
	for (let i = 0; i < entries.length; i++) {
		if (i === 0 || entries[i].at - entries[i - 1].at > 300) starts.push(entries[i].at);
	}
	const isRate = (e: unknown) => /rate.?limit|429|too many/i.test(JSON.stringify(e));
	if (res.status !== 200) log(`batch webhook answered ${res.status}: ${JSON.stringify(res.body).slice(0, 400)}`);
	return {
		rep,
		items: items.length,
		created: items.filter((i) => typeof i.json.voiceId === 'string').length,
		failedRateLimited: errors.filter(isRate).length,
		failedOther: errors.filter((e) => !isRate(e)).length,
		requests: entries.length,
		answered429: entries.filter((e) => e.status === 429).length,
		nodeMs: nodeRun?.executionTime ?? NaN,
		spanMs: entries.length ? entries[entries.length - 1].at - entries[0].at : NaN,
		bursts: starts.length,
		burstIntervalMs: median(starts.slice(1).map((s, i) => s - starts[i])),
		burstStartMsIntoSecond: median(starts.map((s) => s % 1000)),
		firstError: errors.length ? JSON.stringify(errors[0]).slice(0, 300) : undefined,
	};
}

function curlVersion(): Promise<string> {
	return new Promise((resolve) => {
		const c = spawn('curl', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
		let out = '';
		c.stdout.on('data', (b: Buffer) => (out += b.toString()));
		c.on('close', () => resolve(out.split('\n')[0].split(' ').slice(0, 2).join(' ')));
		c.on('error', () => resolve('curl missing'));
	});
}

/** Everything measured in one n8n version (one `n8n start`). */
interface VersionResult {
	version: string;
	n8nPid: number;
	/** Our node once per size in the fresh process, before the HTTP Request node has run at all. */
	freshRuns: UploadRun[];
	runs: UploadRun[];
	batchRuns: BatchRun[];
	profiles: string[];
	elapsedMs: number;
	loadAverage: number[];
}

async function benchVersion(
	version: string,
	sandbox: SandboxProcess,
	dirs: Record<string, string>,
	root: string,
	setN8n: (n8n: BenchN8n | undefined) => void,
): Promise<VersionResult> {
	const started = Date.now();
	const loadBefore = os.loadavg();
	await sandbox.control('POST', 'config', { buenaMaxClones: 1000, rateLimit: HUGE_RATE });
	const credentials = [
		{ id: 'benchBuenaCred01', name: 'benchBuenaCred01', type: 'buenaApi', data: { apiKey: sandbox.buenaKey, baseUrl: sandbox.buenaBaseUrl } },
		{ id: 'benchBuenaCred02', name: 'benchBuenaCred02', type: 'buenaApi', data: { apiKey: BATCH_KEY, baseUrl: sandbox.buenaBaseUrl } },
	];
	const nodeType = 'n8n-nodes-voice-clone.createVoiceClone';
	const n8n = await startBenchN8n({
		version,
		fileAccessDirs: [root],
		credentials,
		workflows: workflows(sandbox, credentials[0].id, credentials[1].id, nodeType),
		log,
	});
	setN8n(n8n);
	try {
		log(`n8n ${version} pid ${n8n.pid} at ${n8n.server.baseUrl}`);
		const sizes = [...SIZES].sort((a, b) => a - b);

		// Warm-up of our node only, then our node once per size while the process has never run the
		// HTTP Request node: that node holds whole files in memory, and the pages it frees stay
		// resident, so a later peak of ours can hide in them ("first run" figures).
		const w = await measure(n8n, sandbox, 'our node', sizes[0], 0, dirs[`s${sizes[0]}`]);
		log(`warm-up our node: ${w.ok ? 'ok' : `FAILED ${w.status} ${w.note ?? ''}`}`);
		await sleep(1000);
		const freshRuns: UploadRun[] = [];
		for (const size of sizes) {
			const r = await measure(n8n, sandbox, 'our node', size, 0, dirs[`s${size}`]);
			freshRuns.push(r);
			log(`${version} fresh ${size} MiB our node: ${r.ok ? 'ok' : 'NOT OK'} ${r.status}, peak +${fmt(r.peakAboveIdleMiB)} MiB, upload ${fmt(r.uploadMs, 0)} ms${r.note ? ` — ${r.note}` : ''}`);
			await sleep(1000);
		}
		const wh = await measure(n8n, sandbox, 'HTTP Request', sizes[0], 0, dirs[`s${sizes[0]}`]);
		log(`warm-up HTTP Request: ${wh.ok ? 'ok' : `FAILED ${wh.status} ${wh.note ?? ''}`}`);
		await sleep(2000);

		const runs: UploadRun[] = [];
		const tools: Tool[] = ['our node', 'HTTP Request', 'curl'];
		for (const size of SIZES) {
			for (let rep = 1; rep <= REPS; rep++) {
				// Rotate the order so no tool always runs first after a pause.
				const order = tools.map((_, i) => tools[(i + rep - 1) % tools.length]);
				for (const tool of order) {
					const r = await measure(n8n, sandbox, tool, size, rep, dirs[`s${size}`]);
					runs.push(r);
					log(
						`${version} ${size} MiB ${tool} #${rep}: ${r.ok ? 'ok' : 'NOT OK'} ${r.status}, read ${r.bytesRead}/${r.bytesExpected} B, ` +
							`peak +${fmt(r.peakAboveIdleMiB)} MiB, upload ${fmt(r.uploadMs, 0)} ms${r.note ? ` — ${r.note}` : ''}`,
					);
					await sleep(1000);
				}
			}
		}

		// Where the upload time goes: one extra (untimed) run per node at the largest size under the
		// CPU profiler of the n8n process.
		const profiles: string[] = [];
		if (!process.argv.includes('--no-profile')) {
			const size = Math.max(...SIZES);
			for (const tool of ['our node', 'HTTP Request'] as const) {
				await n8n.inspector.startProfile();
				const r = await measure(n8n, sandbox, tool, size, 0, dirs[`s${size}`]);
				const summary = summariseProfile(await n8n.inspector.stopProfile());
				const line = (e: [string, number]) => `${e[0]} ${fmt(e[1], 0)} ms`;
				profiles.push(
					`- ${tool}, ${size} MiB × ${FILES} (profiled run, upload ${fmt(r.uploadMs, 0)} ms, node ${fmt(r.nodeMs, 0)} ms; profile ${fmt(summary.totalMs, 0)} ms):`,
					`  - by package: ${summary.groups.slice(0, 8).map(line).join('; ')}`,
					`  - by function: ${summary.functions.slice(0, 10).map(line).join('; ')}`,
				);
				await sleep(1000);
			}
		}

		const batchRuns: BatchRun[] = [];
		if (!NO_BATCH) {
			await sandbox.control('POST', 'config', { rateLimit: BATCH_RATE });
			for (let rep = 1; rep <= BATCH_REPS; rep++) {
				const b = await measureBatch(n8n, sandbox, dirs.batch, rep);
				batchRuns.push(b);
				log(`${version} batch #${rep}: ${JSON.stringify(b)}`);
			}
		}
		const loadAfter = os.loadavg();
		return {
			version,
			n8nPid: n8n.pid,
			freshRuns,
			runs,
			batchRuns,
			profiles,
			elapsedMs: Date.now() - started,
			loadAverage: loadBefore.map((l, i) => Math.max(l, loadAfter[i])),
		};
	} finally {
		setN8n(undefined);
		await n8n.dispose().catch(() => {});
	}
}

/** `--version 1.123.81`, `--version 2` (major), `--version 1,2`; default every pinned version. */
function selectVersions(option: string | undefined): string[] {
	if (!option) return [...N8N_VERSIONS];
	return option.split(',').map((wanted) => {
		const found = N8N_VERSIONS.find((v) => v === wanted || v.startsWith(`${wanted}.`));
		if (!found) throw new Error(`--version ${wanted}: not a pinned n8n version (${N8N_VERSIONS.join(', ')})`);
		return found;
	});
}

async function main(): Promise<void> {
	const started = Date.now();
	const versions = selectVersions(arg('version'));
	const outFile = arg('out');
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-upload-'));
	let sandbox: SandboxProcess | undefined;
	let n8n: BenchN8n | undefined;
	const cleanup = async () => {
		await n8n?.dispose().catch(() => {});
		await sandbox?.stop().catch(() => {});
		fs.rmSync(root, { recursive: true, force: true });
	};
	process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
	try {
		log(`n8n versions: ${versions.join(', ')}; writing WAV files to ${root}…`);
		const dirs = makeFiles(root);
		sandbox = await startSandboxProcess(['--training-seconds', '3600', '--rate-limit', `${HUGE_RATE.limit}/${HUGE_RATE.windowMs}ms`]);
		await sandbox.control('POST', 'keys', { provider: 'buena', key: BATCH_KEY });
		log(`sandbox pid ${sandbox.pid} at ${sandbox.url}`);
		const curl = await curlVersion();
		const results: VersionResult[] = [];
		for (const version of versions) {
			const result = await benchVersion(version, sandbox, dirs, root, (n) => (n8n = n));
			results.push(result);
			// Each version's tables as soon as it is done (a later failure keeps them).
			printReport(result, curl);
			if (outFile) fs.writeFileSync(outFile, JSON.stringify({ curl, node: process.version, results }, null, 1));
		}
		printSummary(results, Date.now() - started);
	} finally {
		await cleanup();
	}
}

/** Per repetition: a tool's upload time over another tool's in the same repetition, then the median. */
function ratioTo(runs: UploadRun[], tool: Tool, other: Tool, size: number): number {
	const ratios = runs
		.filter((r) => r.sizeMiB === size && r.tool === tool)
		.map((r) => {
			const o = runs.find((x) => x.sizeMiB === size && x.tool === other && x.rep === r.rep);
			return o ? r.uploadMs / o.uploadMs : NaN;
		})
		.filter((n) => Number.isFinite(n));
	return median(ratios);
}

function printReport(result: VersionResult, curl: string): void {
	const { version, runs, freshRuns, batchRuns, profiles } = result;
	const out: string[] = [];
	out.push('');
	out.push(`## n8n ${version}`);
	out.push('');
	out.push(
		`n8n ${version} (filesystem binary mode, pid ${result.n8nPid}), ${curl}, Node ${process.version} (bench), ${os.cpus().length} CPUs, ` +
			`${fmt(os.totalmem() / 2 ** 30, 1)} GiB, load average (1/5/15 min, highest of start and end) ${result.loadAverage.map((l) => fmt(l, 2)).join(' / ')}`,
	);
	out.push('');
	out.push(`### n8n ${version} — memory and time: one clone of ${FILES} files (median of ${REPS} runs)`);
	out.push('');
	out.push(
		'| file size | tool | sent ok | sandbox read | peak RSS above idle (MiB) | before upload / during upload (MiB) | idle RSS (MiB) | upload time (ms) | × curl | × HTTP Request | node time (ms) | sandbox peak above idle (MiB) |',
	);
	out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
	for (const size of SIZES) {
		for (const tool of ['our node', 'HTTP Request', 'curl'] as Tool[]) {
			const rs = runs.filter((r) => r.sizeMiB === size && r.tool === tool);
			if (!rs.length) continue;
			const m = (f: (r: UploadRun) => number) => median(rs.map(f));
			const okCount = rs.filter((r) => r.ok).length;
			const statuses = [...new Set(rs.map((r) => r.status))].join('/');
			const allBytes = rs.every((r) => r.bytesRead === r.bytesExpected);
			out.push(
				`| ${size} MiB × ${FILES} | ${tool} | ${okCount}/${rs.length} (HTTP ${statuses}) | ${allBytes ? 'all bytes' : `${rs.map((r) => r.bytesRead).join('/')} of ${rs[0].bytesExpected}`} | ` +
					`${tool === 'curl' ? `${fmt(m((r) => r.peakAboveIdleMiB))} (absolute)` : fmt(m((r) => r.peakAboveIdleMiB))} | ` +
					`${tool === 'curl' ? '–' : `${fmt(m((r) => r.peakBeforeUploadMiB))} / ${fmt(m((r) => r.peakDuringUploadMiB))}`} | ` +
					`${fmt(m((r) => r.idleMiB), 0)} | ${fmt(m((r) => r.uploadMs), 0)} | ${fmt(ratioTo(runs, tool, 'curl', size), 2)} | ` +
					`${fmt(ratioTo(runs, tool, 'HTTP Request', size), 2)} | ${fmt(m((r) => r.nodeMs), 0)} | ${fmt(m((r) => r.sandboxPeakAboveIdleMiB))} |`,
			);
		}
	}
	out.push('');
	out.push('Our node in the fresh process (after its own warm-up, before the HTTP Request node ever ran):');
	out.push('');
	out.push('| file size | HTTP | sandbox read | peak RSS above idle (MiB) | before / during upload (MiB) | idle RSS (MiB) | upload time (ms) |');
	out.push('|---|---|---|---|---|---|---|');
	for (const r of freshRuns) {
		out.push(
			`| ${r.sizeMiB} MiB × ${FILES} | ${r.status} | ${r.bytesRead === r.bytesExpected ? 'all bytes' : `${r.bytesRead} of ${r.bytesExpected}`} | ${fmt(r.peakAboveIdleMiB)} | ` +
				`${fmt(r.peakBeforeUploadMiB)} / ${fmt(r.peakDuringUploadMiB)} | ${fmt(r.idleMiB, 0)} | ${fmt(r.uploadMs, 0)} |`,
		);
	}
	out.push('');
	out.push('Fields sent (sandbox request log):');
	for (const tool of ['our node', 'HTTP Request', 'curl'] as Tool[]) {
		const r = runs.find((x) => x.tool === tool);
		if (r) out.push(`- ${tool}: ${r.fields}`);
	}
	out.push('');
	out.push('Every run, in order:');
	out.push('');
	out.push('| size | tool | rep | HTTP | peak above idle | before / during upload | idle RSS | upload ms | node ms | sandbox peak |');
	out.push('|---|---|---|---|---|---|---|---|---|---|');
	for (const r of [...freshRuns, ...runs]) {
		out.push(
			`| ${r.sizeMiB} | ${r.tool} | ${r.rep || 'fresh'} | ${r.status} | ${fmt(r.peakAboveIdleMiB)} | ${fmt(r.peakBeforeUploadMiB)} / ${fmt(r.peakDuringUploadMiB)} | ` +
				`${fmt(r.idleMiB, 0)} | ${fmt(r.uploadMs, 0)} | ${fmt(r.nodeMs, 0)} | ${fmt(r.sandboxPeakAboveIdleMiB)} |`,
		);
	}
	const notes = [...freshRuns, ...runs].filter((r) => r.note);
	for (const r of notes) out.push(`- ${r.sizeMiB} MiB ${r.tool} #${r.rep}: ${r.note}`);
	if (profiles.length) {
		out.push('');
		out.push(`CPU self time in the n8n ${version} main process (inspector profile, 0.5 ms sampling):`);
		out.push(...profiles);
	}
	if (batchRuns.length) {
		out.push('');
		out.push(
			`### n8n ${version} — batch: ${BATCH_ITEMS} items, one clone each, concurrency 2, sandbox window ${BATCH_RATE.limit} per ${BATCH_RATE.windowMs} ms ` +
				`(2 requests per clone ⇒ ${2 * BATCH_ITEMS} requests ⇒ bound ${batchBoundMs() / 1000} s)`,
		);
		out.push('');
		out.push('| rep | items out | created | failed: rate limit | failed: other | requests | 429 answers | node time (s) | × bound | first→last request (s) | bursts | burst every (ms) | bursts start at ms into the second |');
		out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
		for (const b of batchRuns) {
			out.push(
				`| ${b.rep} | ${b.items} | ${b.created} | ${b.failedRateLimited} | ${b.failedOther} | ${b.requests} | ${b.answered429} | ${fmt(b.nodeMs / 1000, 2)} | ${fmt(b.nodeMs / batchBoundMs(), 2)} | ${fmt(b.spanMs / 1000, 2)} | ${b.bursts} | ${fmt(b.burstIntervalMs, 0)} | ${fmt(b.burstStartMsIntoSecond, 0)} |`,
			);
		}
		const firstError = batchRuns.find((b) => b.firstError)?.firstError;
		if (firstError) out.push(`\nFirst failed item: ${firstError}`);
	}
	out.push('');
	out.push(`n8n ${version} took ${fmt(result.elapsedMs / 1000, 0)} s`);
	process.stdout.write(out.join('\n') + '\n');
}

const batchBoundMs = () => ((2 * BATCH_ITEMS) / BATCH_RATE.limit) * BATCH_RATE.windowMs;

/** Memory goal: at most this much above idle for our node, whatever the file size. */
const GOAL_PEAK_MIB = 32;
/** "Flat": the largest size's peak at most this much above the smallest size's (the run-to-run spread). */
const FLAT_SPREAD_MIB = 8;

/** The n8n versions side by side: memory goal, flatness, time ratios to curl and to the HTTP Request node. */
function printSummary(results: VersionResult[], elapsedMs: number): void {
	const out: string[] = [];
	const sizes = [...SIZES].sort((a, b) => a - b);
	out.push('');
	out.push('## Summary: the n8n versions side by side');
	out.push('');
	out.push(
		`Our node (Create Voice Clone) against curl and n8n's HTTP Request node, the same ${FILES} files in the same run. ` +
			'Peak: median of the repetitions; "fresh": the one run before the HTTP Request node ever ran in that n8n. ' +
			'Ratios: upload time over that of the other tool in the same repetition, then the median.',
	);
	out.push('');
	out.push(
		'| file size | n8n | our node peak above idle (MiB): median / fresh / max | HTTP Request peak above idle (MiB): median / max | our node upload (ms) | our node × curl | our node × HTTP Request | HTTP Request × curl |',
	);
	out.push('|---|---|---|---|---|---|---|---|');
	for (const size of sizes) {
		for (const res of results) {
			const ours = res.runs.filter((r) => r.sizeMiB === size && r.tool === 'our node');
			const http = res.runs.filter((r) => r.sizeMiB === size && r.tool === 'HTTP Request');
			const fresh = res.freshRuns.find((r) => r.sizeMiB === size);
			out.push(
				`| ${size} MiB × ${FILES} | ${res.version} | ${fmt(median(ours.map((r) => r.peakAboveIdleMiB)))} / ${fmt(fresh?.peakAboveIdleMiB ?? NaN)} / ` +
					`${fmt(Math.max(...ours.map((r) => r.peakAboveIdleMiB), fresh?.peakAboveIdleMiB ?? -Infinity))} | ` +
					`${fmt(median(http.map((r) => r.peakAboveIdleMiB)))} / ${fmt(Math.max(...http.map((r) => r.peakAboveIdleMiB)))} | ` +
					`${fmt(median(ours.map((r) => r.uploadMs)), 0)} | ${fmt(ratioTo(res.runs, 'our node', 'curl', size), 2)} | ` +
					`${fmt(ratioTo(res.runs, 'our node', 'HTTP Request', size), 2)} | ${fmt(ratioTo(res.runs, 'HTTP Request', 'curl', size), 2)} |`,
			);
		}
	}
	out.push('');
	const small = sizes[0];
	const large = sizes[sizes.length - 1];
	for (const res of results) {
		const peaks = (size: number) => [
			...res.runs.filter((r) => r.sizeMiB === size && r.tool === 'our node').map((r) => r.peakAboveIdleMiB),
			...res.freshRuns.filter((r) => r.sizeMiB === size).map((r) => r.peakAboveIdleMiB),
		];
		const worst = Math.max(...peaks(large));
		const growth = median(peaks(large)) - median(peaks(small));
		const allOk = [...res.freshRuns, ...res.runs].every((r) => r.ok && r.bytesRead === r.bytesExpected);
		out.push(
			`- n8n ${res.version}: every upload ${allOk ? 'sent and read in full' : '**NOT all sent and read in full**'}; ` +
				`peak ≤ ${GOAL_PEAK_MIB} MiB at ${large} MiB × ${FILES}: **${worst <= GOAL_PEAK_MIB ? 'met' : 'MISSED'}** (worst run ${fmt(worst)} MiB); ` +
				(small !== large
					? `flat from ${small} to ${large} MiB × ${FILES} (median growth ≤ ${FLAT_SPREAD_MIB} MiB): **${growth <= FLAT_SPREAD_MIB ? 'met' : 'MISSED'}** (${growth >= 0 ? '+' : ''}${fmt(growth)} MiB)`
					: 'flatness needs two sizes'),
		);
		if (res.batchRuns.length) {
			const b = res.batchRuns;
			out.push(
				`  batch of ${BATCH_ITEMS}: node time median ${fmt(median(b.map((x) => x.nodeMs)) / 1000, 2)} s = ` +
					`${fmt(median(b.map((x) => x.nodeMs)) / batchBoundMs(), 2)} × bound; failed by rate limit ${b.map((x) => x.failedRateLimited).join('/')}, ` +
					`other failures ${b.map((x) => x.failedOther).join('/')}, 429 answers ${b.map((x) => x.answered429).join('/')}`,
			);
		}
	}
	out.push('');
	out.push(`bench:upload took ${fmt(elapsedMs / 1000, 0)} s`);
	process.stdout.write(out.join('\n') + '\n');
}

main().catch((error: Error) => {
	process.stderr.write(`bench:upload failed: ${error.stack ?? error.message}\n`);
	process.exit(1);
});
