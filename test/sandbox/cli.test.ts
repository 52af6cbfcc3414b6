/**
 * `npm run sandbox` as a user runs it: through npm, stopped by stopping npm. And its message when
 * the port is taken.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'test/sandbox/cli.ts');

jest.setTimeout(60_000);

const started: ChildProcess[] = [];
afterEach(() => {
	// Each npm was started in a process group of its own: end whatever a failed test left.
	for (const child of started.splice(0)) {
		try {
			process.kill(-child.pid!, 'SIGKILL');
		} catch {
			// already gone
		}
	}
});

/** Alive and not a zombie (this machine's init does not always reap adopted processes). */
function running(pid: number): boolean {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
	} catch {
		return false;
	}
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<number> {
	const since = Date.now();
	while (!(await check())) {
		if (Date.now() - since > ms) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
	return Date.now() - since;
}

async function answers(url: string): Promise<boolean> {
	try {
		await fetch(`${url}/__sandbox/info`, { signal: AbortSignal.timeout(1000) });
		return true;
	} catch {
		return false;
	}
}

/** `npm run sandbox -- --port 0`; resolves once it listens, with npm, the sandbox's pid and its URL. */
async function npmRunSandbox() {
	const npm = spawn('npm', ['run', '--silent', 'sandbox', '--', '--port', '0'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	started.push(npm);
	let out = '';
	npm.stdout!.on('data', (d: Buffer) => (out += d.toString()));
	npm.stderr!.on('data', (d: Buffer) => (out += d.toString()));
	const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
	await waitFor('the sandbox listens', () => /listening on (http:\/\/\S+)/.test(out), 30_000);
	const url = /listening on (http:\/\/\S+)/.exec(out)![1];
	// npm's script runs `exec node …`: the sandbox is npm's own child.
	const children = fs.readFileSync(`/proc/${npm.pid}/task/${npm.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
	expect(children).toHaveLength(1);
	const [sandboxPid] = children;
	expect(fs.readFileSync(`/proc/${sandboxPid}/cmdline`, 'utf8')).toContain('test/sandbox/cli.ts');
	expect(await answers(url)).toBe(true);
	return { npm, sandboxPid, url, output: () => out, exited };
}

describe('npm run sandbox stops with npm', () => {
	it.each(['SIGTERM', 'SIGHUP', 'SIGKILL'] as const)('when npm alone gets %s', async (signal) => {
		const { npm, sandboxPid, url, output } = await npmRunSandbox();
		process.kill(npm.pid!, signal);
		await waitFor('the sandbox process has exited', () => !running(sandboxPid));
		expect(await answers(url)).toBe(false);
		// SIGTERM is forwarded by npm; on SIGHUP and SIGKILL npm dies and the sandbox notices.
		expect(output()).toMatch(signal === 'SIGTERM' ? /SIGTERM: stopping the sandbox/ : /the parent process \(\d+\) exited: stopping the sandbox/);
	});

	it('on Ctrl-C in a terminal (SIGINT to npm and the sandbox, and npm forwards it again): once, cleanly', async () => {
		const { npm, sandboxPid, url, output, exited } = await npmRunSandbox();
		process.kill(-npm.pid!, 'SIGINT');
		await waitFor('the sandbox process has exited', () => !running(sandboxPid));
		expect(await answers(url)).toBe(false);
		expect(await exited).toBe(0); // npm reports the sandbox's own exit code: it closed, not killed
		expect(output().match(/stopping the sandbox/g)).toEqual(['stopping the sandbox']);
	});
});

describe('npm run sandbox on a port in use', () => {
	let blocker: net.Server;
	beforeAll(async () => {
		blocker = net.createServer();
		await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
	});
	afterAll(async () => await new Promise((resolve) => blocker.close(resolve)));

	it('says the port is taken and suggests --port', () => {
		const port = (blocker.address() as net.AddressInfo).port;
		const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--port', String(port)], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
		expect(r.status).toBe(1);
		expect(r.stdout).not.toContain('listening');
		expect(r.stderr).toBe(
			`sandbox: port ${port} on 127.0.0.1 is already in use (another sandbox, or n8n?).\n` +
				`Start it on another port: npm run sandbox -- --port ${port + 1}   (--port 0: any free port)\n`,
		);
	});
});
