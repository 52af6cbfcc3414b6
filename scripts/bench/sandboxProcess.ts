/**
 * The provider sandbox in a process of its own (so its memory is not n8n's nor the bench's),
 * driven over its HTTP control API (/__sandbox/…, see test/sandbox/README.md).
 */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';

import type { RequestLogEntry } from '../../test/sandbox/types';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface SandboxProcess {
	pid: number;
	url: string;
	buenaBaseUrl: string;
	buenaKey: string;
	control<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
	log(): Promise<RequestLogEntry[]>;
	stop(): Promise<void>;
}

/** Starts `test/sandbox/cli.ts` under Node with tsx loaded in-process (one process, one pid). */
export async function startSandboxProcess(args: string[] = []): Promise<SandboxProcess> {
	const child: ChildProcess = spawn(
		process.execPath,
		['--import', 'tsx', path.join(REPO_ROOT, 'test', 'sandbox', 'cli.ts'), '--port', '0', ...args],
		{ cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let output = '';
	child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${output}`)), 30_000);
		child.stdout?.on('data', (b: Buffer) => {
			output += b.toString();
			const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
			if (m) {
				clearTimeout(timer);
				resolve(m[1]);
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`sandbox exited (${code}) before listening:\n${output}`));
		});
	});
	const control = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
		const res = await fetch(`${url}/__sandbox/${route}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`sandbox ${method} ${route} → ${res.status}: ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	};
	const info = await control<{ buenaBaseUrl: string; keys: { buena: string } }>('GET', 'info');
	return {
		pid: child.pid!,
		url,
		buenaBaseUrl: info.buenaBaseUrl,
		buenaKey: info.keys.buena,
		control,
		log: async () => await control<RequestLogEntry[]>('GET', 'log'),
		stop: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
			await exited;
			clearTimeout(timer);
		},
	};
}
