import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Kill the process (SIGKILL on its group) after this many ms. Default: 15 minutes. */
	timeoutMs?: number;
}

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export class CommandError extends Error {
	constructor(
		message: string,
		public readonly result: RunResult,
	) {
		super(message);
		this.name = 'CommandError';
	}
}

function tail(text: string, max = 6000): string {
	return text.length > max ? `…${text.slice(-max)}` : text;
}

/**
 * Process groups we started (commands still running, n8n servers) that must not outlive this
 * process: killed when it exits, however it exits short of SIGKILL.
 */
export const killAtExit = new Set<number>();
process.once('exit', () => {
	for (const pid of killAtExit) killGroup(pid, 'SIGKILL');
});

/**
 * Runs a command without a shell; resolves with its output whatever the exit code. The command
 * runs in a process group of its own, killed if this process exits first (a stopped demo or test
 * run leaves no `n8n execute` or `npm install` behind).
 */
export function runCommand(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			// stdin is /dev/null: writing to a pipe of a command that already exited raised an
			// unhandled EPIPE that killed the whole run.
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		if (child.pid) killAtExit.add(child.pid);
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (b: Buffer) => out.push(b));
		child.stderr.on('data', (b: Buffer) => err.push(b));
		const timeoutMs = options.timeoutMs ?? 15 * 60_000;
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(child.pid, 'SIGKILL');
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (child.pid) killAtExit.delete(child.pid);
			const result: RunResult = {
				code,
				signal,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
			};
			if (timedOut) {
				reject(
					new CommandError(
						`${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms\n--- stderr ---\n${tail(result.stderr)}\n--- stdout ---\n${tail(result.stdout)}`,
						result,
					),
				);
				return;
			}
			resolve(result);
		});
	});
}

/** Runs a command and throws a CommandError with its output when it exits non-zero. */
export async function runChecked(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
	const result = await runCommand(cmd, args, options);
	if (result.code !== 0) {
		throw new CommandError(
			`${cmd} ${args.join(' ')} failed (exit ${result.code ?? result.signal}) in ${options.cwd ?? process.cwd()}\n--- stderr ---\n${tail(result.stderr)}\n--- stdout ---\n${tail(result.stdout)}`,
			result,
		);
	}
	return result;
}

/** Sends a signal to a whole process group we started detached; ignores groups that are gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (!pid) return;
	try {
		process.kill(-pid, signal);
	} catch {
		try {
			process.kill(pid, signal);
		} catch {
			// already gone
		}
	}
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs fn while holding an exclusive lock file (created with O_EXCL, holding our pid).
 * A lock whose owner process is gone is taken over, so a killed install does not block forever.
 */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, waitMs = 30 * 60_000): Promise<T> {
	fs.mkdirSync(path.dirname(lockPath), { recursive: true });
	const started = Date.now();
	for (;;) {
		try {
			const fd = fs.openSync(lockPath, 'wx');
			fs.writeSync(fd, String(process.pid));
			fs.closeSync(fd);
			break;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
			let owner = NaN;
			let ageMs = 0;
			try {
				owner = Number(fs.readFileSync(lockPath, 'utf8').trim());
				ageMs = Date.now() - fs.statSync(lockPath).mtimeMs;
			} catch {
				continue; // removed meanwhile: try again
			}
			const stale = Number.isInteger(owner) && owner > 0 ? !pidAlive(owner) : ageMs > 10_000;
			if (stale) {
				try {
					fs.unlinkSync(lockPath);
				} catch {
					// someone else took it over first
				}
				continue;
			}
			if (Date.now() - started > waitMs) {
				throw new Error(`Timed out after ${waitMs} ms waiting for lock ${lockPath} (held by pid ${owner})`);
			}
			await sleep(500);
		}
	}
	try {
		return await fn();
	} finally {
		try {
			if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockPath);
		} catch {
			// already removed
		}
	}
}

/** The caller's environment without npm_*, N8N_*, DB_*, NODE_ENV and JEST_* variables leaking in. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_/i.test(k) || k === 'INIT_CWD') continue;
		if (/^N8N_|^DB_/.test(k)) continue;
		// Jest sets NODE_ENV=test, under which n8n refuses to load nodes and exits silently.
		if (k === 'NODE_ENV' || /^JEST_/.test(k)) continue;
		env[k] = v;
	}
	return { ...env, ...extra };
}
