/**
 * `npm run demo` stopped the way users stop it: nothing it started may outlive it — not the
 * n8n editor server, not a running `n8n execute`, not the sandbox (which lives in the demo's
 * own process). Every process of one demo run carries a marker in its environment (n8n's
 * processes inherit it), so they can be told apart from other n8n processes on the machine.
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { fullMatrixDescribe } from './harness/matrix';
import { freePort } from './harness/n8n';
import { SETUP_TIMEOUT } from './support/workflows';

const ROOT = path.resolve(__dirname, '../..');
const MARKER = 'VOICE_CLONE_DEMO_TEST';

interface Proc {
	pid: number;
	cmdline: string;
}

/** Live (not zombie) processes whose environment has MARKER=id. */
function processesOf(id: string): Proc[] {
	const found: Proc[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			if (!fs.readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`${MARKER}=${id}`)) continue;
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
			found.push({ pid: Number(entry), cmdline: fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim() });
		} catch {
			// gone meanwhile, or not ours to read
		}
	}
	return found;
}

async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms: number): Promise<T> {
	const since = Date.now();
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() - since > ms) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

const runs: string[] = [];
afterEach(() => {
	for (const id of runs.splice(0)) {
		for (const p of processesOf(id)) {
			try {
				process.kill(p.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
	}
});

function npmRunDemo(args: string[]): { npm: ChildProcess; id: string; output: () => string } {
	const id = randomUUID();
	runs.push(id);
	const npm = spawn('npm', ['run', 'demo', '--', ...args], {
		cwd: ROOT,
		env: { ...process.env, [MARKER]: id },
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	npm.stdout!.on('data', (d: Buffer) => (out += d.toString()));
	npm.stderr!.on('data', (d: Buffer) => (out += d.toString()));
	return { npm, id, output: () => out };
}

async function answers(url: string): Promise<boolean> {
	try {
		await fetch(url, { signal: AbortSignal.timeout(2000) });
		return true;
	} catch {
		return false;
	}
}

// The full matrix only (npm run test:full): it is about the demo script, not a package's nodes.
fullMatrixDescribe()('npm run demo, stopped', () => {
	test(
		'npm run demo -- --ui: SIGTERM to npm stops the n8n editor and everything else',
		async () => {
			const port = await freePort();
			const { npm, id, output } = npmRunDemo(['--ui', '--port', String(port)]);
			await waitFor('the editor is up', () => /Editor: +http:\/\/localhost:\d+/.test(output()), SETUP_TIMEOUT);
			expect(await answers(`http://127.0.0.1:${port}/healthz`)).toBe(true);
			expect(processesOf(id).some((p) => / start$/.test(p.cmdline))).toBe(true); // the n8n server

			process.kill(npm.pid!, 'SIGTERM');
			await waitFor('no process of the demo is left', () => processesOf(id).length === 0, 60_000);
			expect(await answers(`http://127.0.0.1:${port}/healthz`)).toBe(false);
			expect(output()).toContain('SIGTERM: stopping n8n and the sandbox');
		},
		SETUP_TIMEOUT,
	);

	test(
		'npm run demo: SIGHUP to npm (which forwards nothing) during the run stops the running n8n execute',
		async () => {
			const { npm, id, output } = npmRunDemo(['--training-seconds', '60']);
			const execute = await waitFor(
				'n8n execute runs',
				() => processesOf(id).find((p) => / execute --id=/.test(p.cmdline)),
				SETUP_TIMEOUT,
			);
			expect(output()).toContain('Running both example workflows');

			process.kill(npm.pid!, 'SIGHUP');
			await waitFor('no process of the demo is left', () => processesOf(id).length === 0, 60_000);
			expect(processesOf(id).map((p) => p.pid)).not.toContain(execute.pid);
			expect(output()).toMatch(/the parent process \(\d+\) exited: stopping n8n and the sandbox/);
		},
		SETUP_TIMEOUT,
	);
});
