/**
 * `n8n start` as a child process: started on a port, ready when n8n's REST API answers, its output
 * in a log file (so a server can outlive the test file that started it, see pool.ts), stopped with
 * its whole process group (n8n's task runner included).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';

import type { N8nInstall } from './installN8n';
import { killAtExit, killGroup } from './util';

export interface N8nServer {
	/** http://127.0.0.1:<port> */
	baseUrl: string;
	port: number;
	/** Process id of `n8n start`, leader of its own process group. */
	pid: number;
	/** The file its stdout and stderr go to. */
	logFile: string;
	/** Output so far (stdout and stderr interleaved; the last megabyte at most). */
	output(): string;
	/** SIGTERM to its process group, then SIGKILL after 10 s; resolves when it is gone. Idempotent. */
	stop(): Promise<void>;
}

/** Where a running server is: enough to use and stop it from another test file. */
export interface ServerRecord {
	pid: number;
	port: number;
	logFile: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True while the process exists and is not a zombie. */
export function processAlive(pid: number): boolean {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
	} catch {
		try {
			process.kill(pid, 0);
			return true;
		} catch (e) {
			return (e as NodeJS.ErrnoException).code === 'EPERM';
		}
	}
}

function tailOfFile(file: string, max = 1_000_000): string {
	try {
		const size = fs.statSync(file).size;
		const fd = fs.openSync(file, 'r');
		try {
			const length = Math.min(size, max);
			const buffer = Buffer.alloc(length);
			fs.readSync(fd, buffer, 0, length, size - length);
			return buffer.toString('utf8');
		} finally {
			fs.closeSync(fd);
		}
	} catch {
		return '';
	}
}

/** The server behind a record (started by this or another test file of the run). */
export function serverHandle(record: ServerRecord, onStopped: () => void = () => {}): N8nServer {
	let stopping: Promise<void> | undefined;
	return {
		baseUrl: `http://127.0.0.1:${record.port}`,
		port: record.port,
		pid: record.pid,
		logFile: record.logFile,
		output: () => tailOfFile(record.logFile),
		stop: () =>
			(stopping ??= (async () => {
				killGroup(record.pid, 'SIGTERM');
				const deadline = Date.now() + 10_000;
				while (processAlive(record.pid) && Date.now() < deadline) await sleep(100);
				// SIGKILL also ends the task runner child, should it outlive n8n.
				killGroup(record.pid, 'SIGKILL');
				while (processAlive(record.pid)) await sleep(50);
				killAtExit.delete(record.pid);
				onStopped();
			})()),
	};
}

/** True when the server answers on its REST API as the editor needs it. */
export async function serverAnswers(baseUrl: string): Promise<boolean> {
	try {
		// Readiness turns green before the REST controllers are mounted: also ask for the public
		// settings the editor loads first.
		const ready = await fetch(`${baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
		if (!ready.ok) return false;
		const settings = await fetch(`${baseUrl}/rest/settings`, { signal: AbortSignal.timeout(5000) });
		return settings.ok;
	} catch {
		return false;
	}
}

/**
 * Starts `n8n start` with `env` (which must name N8N_PORT = port) and resolves once
 * GET /healthz/readiness and GET /rest/settings answer 200. Output goes to `logFile`.
 */
export async function startN8nServer(args: {
	label: string;
	install: N8nInstall;
	userFolder: string;
	env: NodeJS.ProcessEnv;
	port: number;
	logFile: string;
	timeoutMs?: number;
	/** Called as soon as the process exists (before it is ready), e.g. to record it for a cleanup. */
	onSpawned?: (record: ServerRecord) => void;
	onStopped?: () => void;
}): Promise<N8nServer> {
	const timeoutMs = args.timeoutMs ?? 120_000;
	const log = fs.openSync(args.logFile, 'a');
	let pid: number | undefined;
	try {
		const child = spawn(args.install.nodeBin, [args.install.n8nBin, 'start'], {
			cwd: args.userFolder,
			env: args.env,
			stdio: ['ignore', log, log],
			detached: true,
		});
		pid = child.pid;
		child.unref();
	} finally {
		fs.closeSync(log);
	}
	if (!pid) throw new Error(`${args.label}: n8n start did not spawn`);
	killAtExit.add(pid);
	const record: ServerRecord = { pid, port: args.port, logFile: args.logFile };
	args.onSpawned?.(record);
	const server = serverHandle(record, args.onStopped);

	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (!processAlive(pid)) {
			await server.stop();
			throw new Error(`${args.label} start exited before it was ready\n${tail(server.output())}`);
		}
		if (await serverAnswers(server.baseUrl)) return server;
		if (Date.now() > deadline) {
			await server.stop();
			throw new Error(`${args.label} start was not ready within ${timeoutMs} ms\n${tail(server.output())}`);
		}
		await sleep(250);
	}
}

function tail(text: string, max = 8000): string {
	return text.length > max ? `…${text.slice(-max)}` : text;
}
