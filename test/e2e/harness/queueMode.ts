/**
 * n8n in queue mode, set up the way n8n documents it: Redis for the queue, PostgreSQL for the
 * database (n8n warns "Scaling mode is not officially supported with sqlite"), `n8n start` as the
 * main process and `n8n worker` processes running the executions. Every process shares the one
 * user folder of an `N8n` instance (so the community package installed there) and its
 * N8N_ENCRYPTION_KEY (versions.ts TEST_ENCRYPTION_KEY, set by N8n.env()).
 *
 *   const backends = await startQueueBackends();
 *   const n8n = await N8n.create({ version: '2.41.1', binaryDataMode: 'database', env: queueModeEnv(backends) });
 *   … import, publish, n8n.startServer() …
 *   const worker = await startWorker(n8n, { name: 'worker 1', concurrency: 1 });
 */
import { spawn } from 'child_process';

import { freePort, type N8n } from './n8n';
import { startPostgres, type Postgres } from './postgres';
import { startRedis, type Redis } from './redis';
import { killAtExit, killGroup } from './util';

export interface QueueBackends {
	redis: Redis;
	postgres: Postgres;
	/** Stops both and removes their data. */
	stop(): Promise<void>;
}

export async function startQueueBackends(log?: (line: string) => void): Promise<QueueBackends> {
	const [redis, postgres] = await Promise.allSettled([startRedis({ log }), startPostgres({ log })]);
	if (redis.status === 'rejected' || postgres.status === 'rejected') {
		if (redis.status === 'fulfilled') await redis.value.stop();
		if (postgres.status === 'fulfilled') await postgres.value.stop();
		throw redis.status === 'rejected' ? redis.reason : (postgres as PromiseRejectedResult).reason;
	}
	return {
		redis: redis.value,
		postgres: postgres.value,
		stop: async () => {
			await Promise.all([redis.value.stop(), postgres.value.stop()]);
		},
	};
}

/**
 * What every n8n process of a queue-mode instance needs (names read in @n8n/config 2.41.1:
 * executions.config, scaling-mode.config, database.config; OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS is
 * read from process.env by workflow-runner.js). Binary data in the database, so a worker reads the
 * files another process stored.
 */
export function queueModeEnv({ redis, postgres }: Pick<QueueBackends, 'redis' | 'postgres'>): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
	};
}

export interface N8nWorker {
	name: string;
	pid: number;
	/** Output so far (stdout and stderr interleaved). */
	output(): string;
	/** Ids of the executions this worker started, from its log ("Worker started execution 12 (job 3)"). */
	startedExecutions(): string[];
	/** SIGTERM (n8n finishes what it runs), SIGKILL after 30 s. Idempotent. */
	stop(): Promise<void>;
}

/**
 * Starts `n8n worker --concurrency=<n>` in the instance's user folder and resolves once it logs
 * "n8n worker is now ready". Each worker starts its own task broker: it gets a free port.
 */
export async function startWorker(
	n8n: N8n,
	opts: { name: string; concurrency: number; env?: Record<string, string>; timeoutMs?: number },
): Promise<N8nWorker> {
	const env = n8n.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...(opts.env ?? {}) });
	const child = spawn(n8n.install.nodeBin, [n8n.install.n8nBin, 'worker', `--concurrency=${opts.concurrency}`], {
		cwd: n8n.userFolder,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	if (child.pid) killAtExit.add(child.pid);
	let output = '';
	const append = (b: Buffer) => {
		output += b.toString('utf8');
		if (output.length > 4_000_000) output = output.slice(-2_000_000);
	};
	child.stdout.on('data', append);
	child.stderr.on('data', append);
	const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
	let gone = false;
	void exited.then(() => (gone = true));
	let stopped: Promise<void> | undefined;
	const worker: N8nWorker = {
		name: opts.name,
		pid: child.pid!,
		output: () => output,
		startedExecutions: () => [...output.matchAll(/Worker started execution (\d+) \(job/g)].map((m) => m[1]),
		stop: () =>
			(stopped ??= (async () => {
				if (!gone) {
					killGroup(child.pid, 'SIGTERM');
					const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 30_000);
					await exited;
					clearTimeout(timer);
				}
				killGroup(child.pid, 'SIGKILL'); // its task runner, if it outlived the worker
				if (child.pid) killAtExit.delete(child.pid);
			})()),
	};
	const timeoutMs = opts.timeoutMs ?? 180_000;
	const deadline = Date.now() + timeoutMs;
	while (!/n8n worker is now ready/.test(output)) {
		if (gone || Date.now() > deadline) {
			await worker.stop();
			throw new Error(`n8n ${n8n.version} worker "${opts.name}" ${gone ? 'exited before it was ready' : `was not ready within ${timeoutMs} ms`}:\n${output.slice(-8000)}`);
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	return worker;
}
