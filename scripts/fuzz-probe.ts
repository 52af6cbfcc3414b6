/**
 * Long fuzz run of the audio probe: mutated valid fixtures and random bytes must give either
 * AudioInfo or AudioProbeError, each case within a time bound.
 *
 *   npm run fuzz:probe -- [--cases 100000] [--seed 1] [--max-ms 1000]
 *
 * The cases run in a worker thread; the main thread is a watchdog that kills the worker and reports
 * the case if it stops making progress (a hang cannot hide behind a busy event loop).
 * Exits non-zero on any other exception, a case over --max-ms, or a hang.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { AudioProbeError, probeAudio } from '../nodes/shared/audio';
import { chunked, mutate, prng } from '../test/audio/helpers';

interface Options {
	cases: number;
	seed: number;
	maxMs: number;
}

type Message =
	| { type: 'progress'; done: number; current: number }
	| { type: 'failure'; index: number; error: string; hex: string }
	| { type: 'done'; outcomes: Record<string, number>; slowest: { index: number; ms: number; size: number; outcome: string }; over: number[] };

function parseArgs(argv: string[]): Options {
	const get = (name: string, fallback: number) => {
		const i = argv.indexOf(`--${name}`);
		return i >= 0 ? Number(argv[i + 1]) : fallback;
	};
	return { cases: get('cases', 100_000), seed: get('seed', 1), maxMs: get('max-ms', 1000) };
}

async function runCases(options: Options): Promise<void> {
	const dir = join(__dirname, '..', 'test', 'fixtures', 'audio', 'valid');
	const seeds = readdirSync(dir).sort().map((f) => new Uint8Array(readFileSync(join(dir, f))));
	const rnd = prng(options.seed);
	const outcomes: Record<string, number> = {};
	let slowest = { index: -1, ms: 0, size: 0, outcome: '' };
	const over: number[] = [];
	for (let i = 0; i < options.cases; i++) {
		if (i % 500 === 0) parentPort!.postMessage({ type: 'progress', done: i, current: i } satisfies Message);
		let input: Uint8Array = seeds[Math.floor(rnd() * seeds.length)];
		const rounds = 1 + Math.floor(rnd() * 3);
		for (let r = 0; r < rounds; r++) input = mutate(input, rnd);
		const streamed = rnd() < 0.2;
		const chunk = 1 + Math.floor(rnd() * 8192);
		const withTotal = rnd() < 0.5;
		const started = performance.now();
		let outcome: string;
		try {
			const info = await probeAudio(streamed ? chunked(input, chunk) : input, streamed && withTotal ? { totalBytes: input.length } : {});
			if (!Number.isFinite(info.durationSeconds) || !(info.sampleRate > 0) || !(info.channels > 0)) {
				throw new Error(`implausible AudioInfo ${JSON.stringify(info)}`);
			}
			outcome = 'valid';
		} catch (error) {
			const raw = !(error instanceof AudioProbeError) || error.message.startsWith('The audio could not be parsed');
			if (raw) {
				parentPort!.postMessage({
					type: 'failure',
					index: i,
					error: error instanceof Error ? `${error.name}: ${error.message}\n${String((error as { cause?: Error }).cause?.stack ?? error.stack)}` : String(error),
					hex: Buffer.from(input.subarray(0, 96)).toString('hex'),
				} satisfies Message);
				return;
			}
			outcome = error.code;
		}
		const ms = performance.now() - started;
		if (ms > slowest.ms) slowest = { index: i, ms, size: input.length, outcome };
		if (ms > options.maxMs) over.push(i);
		outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
	}
	parentPort!.postMessage({ type: 'done', outcomes, slowest, over } satisfies Message);
}

function main(): void {
	const options = parseArgs(process.argv.slice(2));
	console.log(`fuzzing the audio probe: ${options.cases} cases, seed ${options.seed}, max ${options.maxMs} ms per case`);
	const started = Date.now();
	const worker = new Worker(__filename, { workerData: options, execArgv: ['--require', 'tsx/cjs'] });
	let last = { done: 0, at: Date.now() };
	let finished = false;
	const watchdog = setInterval(() => {
		if (Date.now() - last.at > Math.max(10_000, options.maxMs * 10)) {
			console.error(`HANG: no progress for ${Math.round((Date.now() - last.at) / 1000)} s after case ${last.done}`);
			process.exitCode = 1;
			void worker.terminate();
			clearInterval(watchdog);
		}
	}, 1000);
	worker.on('message', (m: Message) => {
		if (m.type === 'progress') {
			last = { done: m.done, at: Date.now() };
			if (m.done % 20_000 === 0 && m.done > 0) console.log(`  ${m.done} cases...`);
		} else if (m.type === 'failure') {
			finished = true;
			console.error(`FAIL at case ${m.index} (seed ${options.seed}): ${m.error}\ninput starts: ${m.hex}`);
			process.exitCode = 1;
		} else {
			finished = true;
			const total = Object.values(m.outcomes).reduce((a, b) => a + b, 0);
			console.log(`\n${total} cases in ${((Date.now() - started) / 1000).toFixed(1)} s`);
			for (const [k, v] of Object.entries(m.outcomes).sort((a, b) => b[1] - a[1])) {
				console.log(`  ${k.padEnd(20)} ${String(v).padStart(7)}  ${((100 * v) / total).toFixed(1)} %`);
			}
			console.log(`slowest: case ${m.slowest.index}, ${m.slowest.ms.toFixed(1)} ms, ${m.slowest.size} bytes, ${m.slowest.outcome}`);
			if (m.over.length) {
				console.error(`FAIL: ${m.over.length} case(s) over ${options.maxMs} ms: ${m.over.slice(0, 10).join(', ')}`);
				process.exitCode = 1;
			} else {
				console.log('OK: only AudioInfo or AudioProbeError, every case within the time bound');
			}
		}
	});
	worker.on('error', (e) => {
		console.error('worker crashed:', e);
		process.exitCode = 1;
	});
	worker.on('exit', () => {
		clearInterval(watchdog);
		if (!finished && !process.exitCode) {
			console.error('worker exited without finishing');
			process.exitCode = 1;
		}
	});
}

if (isMainThread) main();
else void runCases(workerData as Options);
