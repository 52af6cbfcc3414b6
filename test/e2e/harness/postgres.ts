/**
 * A throwaway PostgreSQL server for n8n's queue mode: a fresh cluster (initdb) in a temporary
 * folder, listening on a free loopback port, removed again by stop(). Uses Debian's `postgresql`
 * package (scripts/ensure-system-deps.sh queue). PostgreSQL refuses to run as root: as root, the
 * cluster belongs to and runs as the `postgres` user the package creates.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { freePort } from './n8n';
import { killAtExit, killGroup } from './util';

export interface Postgres {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
	/** The server's log so far. */
	output(): string;
	/** Fast shutdown (SIGINT), SIGKILL after 10 s; removes the cluster. Idempotent. */
	stop(): Promise<void>;
}

/** Where Debian keeps PostgreSQL's server programs (off PATH), or where PATH has initdb. */
export function postgresBinDir(): string {
	const libDir = process.env.PG_LIB_DIR ?? '/usr/lib/postgresql';
	const majors = fs.existsSync(libDir)
		? fs
				.readdirSync(libDir)
				.filter((major) => fs.existsSync(path.join(libDir, major, 'bin', 'initdb')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (majors.length) return path.join(libDir, majors[0], 'bin');
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (dir && fs.existsSync(path.join(dir, 'initdb'))) return path.dirname(fs.realpathSync(path.join(dir, 'initdb')));
	}
	throw new Error('PostgreSQL is not installed (no initdb): run scripts/ensure-system-deps.sh queue');
}

/** The unprivileged account the server runs as: `postgres` when we are root, else ourselves. */
function serverAccount(): { uid?: number; gid?: number } {
	if (process.getuid?.() !== 0) return {};
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith('postgres:'));
	if (!line) throw new Error('PostgreSQL refuses to run as root and there is no `postgres` user (Debian\'s postgresql package creates it)');
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(opts: { log?: (line: string) => void; timeoutMs?: number } = {}): Promise<Postgres> {
	const bin = postgresBinDir();
	const account = serverAccount();
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-postgres-'));
	const dataDir = path.join(root, 'data');
	const passwordFile = path.join(root, 'password');
	const user = 'n8n';
	const password = `pw-${Math.random().toString(36).slice(2)}`;
	fs.writeFileSync(passwordFile, password, { mode: 0o600 });
	if (account.uid !== undefined) {
		fs.chownSync(root, account.uid, account.gid!);
		fs.chownSync(passwordFile, account.uid, account.gid!);
	}
	const asServer = { ...account, cwd: root, env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } };
	const removeRoot = () => fs.rmSync(root, { recursive: true, force: true });

	let child: ChildProcess | undefined;
	try {
		opts.log?.('postgres: initdb…');
		// Password logins over TCP (as n8n connects), trust on the socket inside the cluster folder.
		await runAs(
			path.join(bin, 'initdb'),
			['--pgdata', dataDir, '--username', user, '--pwfile', passwordFile, '--auth-host=scram-sha-256', '--auth-local=trust', '--no-sync', '--encoding=UTF8'],
			asServer,
		);
		const port = await freePort();
		child = spawn(
			path.join(bin, 'postgres'),
			[
				'-D', dataDir,
				'-p', String(port),
				'-c', 'listen_addresses=127.0.0.1',
				'-c', `unix_socket_directories=${root}`,
				// A throwaway cluster: durability buys nothing here.
				'-c', 'fsync=off',
				'-c', 'synchronous_commit=off',
				'-c', 'full_page_writes=off',
			],
			{ ...asServer, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
		);
		if (child.pid) killAtExit.add(child.pid);
		let output = '';
		const append = (b: Buffer) => (output = (output + b.toString('utf8')).slice(-200_000));
		child.stdout?.on('data', append);
		child.stderr?.on('data', append);
		const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
		let gone = false;
		void exited.then(() => (gone = true));

		const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
		while (!/database system is ready to accept connections/.test(output)) {
			if (gone) throw new Error(`postgres exited before it was ready:\n${output}`);
			if (Date.now() > deadline) throw new Error(`postgres was not ready within ${opts.timeoutMs ?? 60_000} ms:\n${output}`);
			await new Promise((r) => setTimeout(r, 100));
		}
		const database = 'n8n';
		await runAs(path.join(bin, 'createdb'), ['--host', root, '--port', String(port), '--username', user, database], asServer);
		opts.log?.(`postgres: ready on 127.0.0.1:${port}`);

		const server = child;
		let stopped: Promise<void> | undefined;
		return {
			host: '127.0.0.1',
			port,
			database,
			user,
			password,
			output: () => output,
			stop: () =>
				(stopped ??= (async () => {
					killGroup(server.pid, 'SIGINT');
					const timer = setTimeout(() => killGroup(server.pid, 'SIGKILL'), 10_000);
					await exited;
					clearTimeout(timer);
					if (server.pid) killAtExit.delete(server.pid);
					removeRoot();
				})()),
		};
	} catch (error) {
		if (child?.pid) {
			killGroup(child.pid, 'SIGKILL');
			killAtExit.delete(child.pid);
		}
		removeRoot();
		throw error;
	}
}

/** Runs a program as the server's account; throws with its output when it exits non-zero. */
function runAs(cmd: string, args: string[], account: { uid?: number; gid?: number; env: NodeJS.ProcessEnv; cwd: string }): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { ...account, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (b: Buffer) => (output += b.toString('utf8')));
		child.stderr.on('data', (b: Buffer) => (output += b.toString('utf8')));
		child.once('error', reject);
		child.once('close', (code, signal) =>
			code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${code ?? signal}):\n${output}`)),
		);
	});
}
