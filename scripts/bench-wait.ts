/**
 * Wait for Training benchmark: requests made and detection delay for 1, 10 and 50 clones.
 *
 *   npm run bench:wait [-- --interval 0.25 --training 4]
 *
 * Runs the real node in an in-process n8n execution against the sandbox over loopback.
 * Scenarios:
 *  - "training": Buena clones train with rising progress (the sandbox's state machine) and turn
 *    ready on their own, staggered over the first second; interval/training ratio as with Buena's
 *    2–5 minute trainings polled every 10 s. The backoff never kicks in (every round has news).
 *  - "stalled": the clones report no progress change at all until the bench marks them ready
 *    (markReady) — the case the backoff is for: fewer requests, later detection (≤ 4× interval).
 *  - "bland": Bland voices are usable at once: one round, no polling (one GET /v1/voices for
 *    several voices, one GET /v1/voices/{id} for a single one).
 * Detection delay: from the moment the sandbox made a clone ready (its updatedAt) to the round in
 * which the node saw it (checkedAt); "returned after" is from the last clone becoming ready to the
 * node returning its items. Prints figures, asserts nothing.
 */
import { runNode } from '../test/helpers/n8nRunner';
import { startSandbox, type Sandbox } from '../test/sandbox';

function arg(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	const value = index >= 0 ? Number(process.argv[index + 1]) : NaN;
	return Number.isFinite(value) && value > 0 ? value : fallback;
}

// tsx resolves 'WaitForTraining.node' to the codex WaitForTraining.node.json beside it, so the
// class is required by its full file name (jest and tsc resolve the plain name correctly).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { WaitForTraining } = require('../nodes/WaitForTraining/WaitForTraining.node.ts') as typeof import('../nodes/WaitForTraining/WaitForTraining.node');

const INTERVAL_S = arg('interval', 0.25);
const TRAINING_S = arg('training', 4);
const COUNTS = [1, 10, 50];
const STAGGER_MS = 1_000;
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

interface Row {
	scenario: string;
	clones: number;
	requests: number;
	rounds: number;
	detectMaxMs: number;
	detectMeanMs: number;
	returnedAfterMs: number;
	durationMs: number;
}

async function run(sandbox: Sandbox, scenario: 'training' | 'stalled' | 'bland', clones: number): Promise<Row> {
	sandbox.reset();
	const provider = scenario === 'bland' ? 'bland' : 'buena';
	sandbox.configure({ trainingMs: scenario === 'stalled' ? 3_600_000 : TRAINING_S * 1000 });
	const voiceIds: string[] = [];
	for (let index = 0; index < clones; index++) {
		const name = `Bench ${index}`;
		voiceIds.push(
			provider === 'bland' ? sandbox.seedVoice('bland', { name }) : sandbox.seedVoice('buena', { name, status: 'processing' }),
		);
		if (scenario === 'training' && clones > 1) await sleep(STAGGER_MS / (clones - 1));
	}
	const readyAt = new Map<string, number>();
	let markTimer: NodeJS.Timeout | undefined;
	if (scenario === 'stalled') {
		// Ready at a moment unrelated to the poll rhythm, after the backoff has reached its cap.
		markTimer = setTimeout(() => {
			for (const id of voiceIds) {
				sandbox.markReady(id);
				readyAt.set(id, Date.now());
			}
		}, TRAINING_S * 1000 + 137);
	}
	const started = Date.now();
	const result = await runNode({
		nodeType: new WaitForTraining(),
		parameters: { provider, voiceId: '={{ $json.voiceId }}', pollInterval: INTERVAL_S, timeout: 10 },
		credentials: {
			buenaApi: { apiKey: sandbox.keys.buena, baseUrl: sandbox.buenaBaseUrl },
			blandApi: { apiKey: sandbox.keys.bland, baseUrl: sandbox.blandBaseUrl },
		},
		input: voiceIds.map((voiceId) => ({ json: { voiceId } })),
	});
	const endedAt = Date.now();
	if (markTimer) clearTimeout(markTimer);
	if (result.error) throw result.error;

	const items = result.outputs[0];
	const delays = items.map((item) => {
		const voice = item.json.voice as { updatedAt?: string } | undefined;
		const id = item.json.voiceId as string;
		// Buena: the sandbox's updatedAt is the moment training ended (or markReady was called).
		// Bland: usable from creation, so from the start of the run.
		const trainedAt = provider === 'bland' ? started : Date.parse(voice?.updatedAt ?? '');
		const ready = Math.max(readyAt.get(id) ?? (Number.isNaN(trainedAt) ? started : trainedAt), started);
		readyAt.set(id, ready);
		return Date.parse(item.json.checkedAt as string) - ready;
	});
	const lastReady = Math.max(...readyAt.values());
	const requests = sandbox.log().filter((entry) => entry.provider === provider);
	const firstPages = requests.filter((entry) => provider === 'bland' || entry.query.offset === '0');
	return {
		scenario,
		clones,
		requests: requests.length,
		rounds: provider === 'bland' ? 1 : firstPages.length,
		detectMaxMs: Math.max(...delays),
		detectMeanMs: delays.reduce((sum, delay) => sum + delay, 0) / delays.length,
		returnedAfterMs: endedAt - lastReady,
		durationMs: result.durationMs,
	};
}

function table(rows: Row[]): string {
	const header = ['scenario', 'clones', 'requests', 'rounds', 'req/round', 'detect max', 'detect mean', 'returned after', 'run'];
	const lines = rows.map((row) => [
		row.scenario,
		String(row.clones),
		String(row.requests),
		String(row.rounds),
		(row.requests / row.rounds).toFixed(2),
		`${Math.round(row.detectMaxMs)} ms`,
		`${Math.round(row.detectMeanMs)} ms`,
		`${Math.round(row.returnedAfterMs)} ms`,
		`${(row.durationMs / 1000).toFixed(1)} s`,
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
	const format = (cells: string[]) =>
		cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
	return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(format)].join('\n');
}

async function main() {
	const sandbox = await startSandbox({ rateLimit: { limit: 100_000, windowMs: 60_000 } });
	const rows: Row[] = [];
	try {
		// Warm-up (module loading, n8n-core set-up, first sockets), not measured.
		await run(sandbox, 'bland', 1);
		for (const scenario of ['training', 'stalled', 'bland'] as const) {
			for (const clones of COUNTS) {
				process.stderr.write(`${scenario} × ${clones}…\n`);
				rows.push(await run(sandbox, scenario, clones));
			}
		}
	} finally {
		await sandbox.close();
	}
	const cap = Math.min(4 * INTERVAL_S, 60);
	console.log(`\nWait for Training: poll interval ${INTERVAL_S} s, Buena training ${TRAINING_S} s (backoff cap ${cap} s)\n`);
	console.log(table(rows));
	console.log(
		'\nGoal: 1 request per round at Buena whatever the number of clones; detection delay ≤ one poll interval while training progresses.',
	);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
