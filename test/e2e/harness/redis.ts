/**
 * A throwaway Redis for n8n's queue mode (Bull's queue and n8n's pub/sub): Debian's
 * `redis-server` (scripts/ensure-system-deps.sh queue) on a free loopback port, in memory only.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { freePort } from './n8n';
import { killAtExit, killGroup } from './util';

export interface Redis {
	host: string;
	port: number;
	output(): string;
	/** SIGTERM, SIGKILL after 10 s. Idempotent. */
	stop(): Promise<void>;
}

export async function startRedis(opts: { log?: (line: string) => void; timeoutMs?: number } = {}): Promise<Redis> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-redis-'));
	const port = await freePort();
	const child = spawn(
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
		{ stdio: ['ignore', 'pipe', 'pipe'], detached: true },
	);
	if (child.pid) killAtExit.add(child.pid);
	let output = '';
	const append = (b: Buffer) => (output = (output + b.toString('utf8')).slice(-200_000));
	child.stdout.on('data', append);
	child.stderr.on('data', append);
	let failed: Error | undefined;
	child.once('error', (error) => (failed = error));
	const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
	let gone = false;
	void exited.then(() => (gone = true));
	let stopped: Promise<void> | undefined;
	const stop = () =>
		(stopped ??= (async () => {
			if (!gone) {
				killGroup(child.pid, 'SIGTERM');
				const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 10_000);
				await exited;
				clearTimeout(timer);
			}
			if (child.pid) killAtExit.delete(child.pid);
			fs.rmSync(dir, { recursive: true, force: true });
		})());

	const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
	while (!/Ready to accept connections/.test(output)) {
		if (failed || gone || Date.now() > deadline) {
			await stop();
			const why = failed ? `could not start (${failed.message}; run scripts/ensure-system-deps.sh queue)` : gone ? 'exited' : 'was not ready in time';
			throw new Error(`redis-server ${why}:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	opts.log?.(`redis: ready on 127.0.0.1:${port}`);
	return { host: '127.0.0.1', port, output: () => output, stop };
}
