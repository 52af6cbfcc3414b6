/**
 * n8n user folders and servers shared by the test files of one jest run.
 *
 * Most e2e files need the same setup: a pinned n8n with a package installed the n8n way, and a
 * running `n8n start` to execute workflows on. Installing the package takes ~6 s, starting n8n
 * 10–15 s. So the first file that needs a setup makes it, and every later file of the run that
 * needs the same one (same version, packages and settings) reuses it: its user folder (each
 * N8n instance gets its own files folder there) and its servers, one per extra environment such
 * as N8N_DEFAULT_BINARY_DATA_MODE=database.
 *
 * jest's globalSetup (jestGlobalSetup.ts) creates the pool folder and names it in
 * N8N_E2E_POOL_DIR; each setup is a JSON record there, written under a lock file. globalTeardown
 * stops every server and removes the user folders; a watchdog process does the same if jest dies
 * first. Without N8N_E2E_POOL_DIR (scripts, the demo) nothing is shared.
 *
 * An instance that activates a workflow leaves the pool first (N8n.markWorkflowsActivated): every
 * server on a folder runs its active triggers, n8n 2.41 even those published while it runs.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import type { InstalledPackage, RegisteredPackage } from './installPackage';
import { processAlive, serverHandle, type ServerRecord } from './server';
import { withLock } from './util';

export const POOL_DIR_ENV = 'N8N_E2E_POOL_DIR';

/**
 * True inside a jest test file: jest hands every module it loads its `jest` object. Not true in
 * processes a test starts (such as `npm run demo`), which inherit JEST_WORKER_ID and the pool's
 * folder through their environment but are no test.
 */
export function inJestTest(): boolean {
	return typeof jest !== 'undefined';
}

/** The pool folder of this jest run, inside one of its test files. */
export function poolDir(): string | undefined {
	const dir = process.env[POOL_DIR_ENV];
	return inJestTest() && dir && fs.existsSync(dir) ? dir : undefined;
}

export interface PoolEntry {
	key: string;
	version: string;
	userFolder: string;
	installedPackages: InstalledPackage[];
	registeredPackages?: RegisteredPackage[];
	/** Running servers, by the key of the environment they were started with beyond the setup's. */
	servers: Record<string, ServerRecord>;
	/** False while its packages are being installed. */
	ready: boolean;
}

/** A short stable key for a JSON-able description. */
export function keyOf(value: unknown): string {
	const stable = (v: unknown): unknown =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, stable(x)]))
			: Array.isArray(v)
				? v.map(stable)
				: v;
	return createHash('sha256').update(JSON.stringify(stable(value) ?? null)).digest('hex').slice(0, 16);
}

function entryFile(dir: string, key: string): string {
	return path.join(dir, `${key}.json`);
}

export function readEntry(dir: string, key: string): PoolEntry | undefined {
	try {
		return JSON.parse(fs.readFileSync(entryFile(dir, key), 'utf8')) as PoolEntry;
	} catch {
		return undefined;
	}
}

export function writeEntry(dir: string, entry: PoolEntry): void {
	const file = entryFile(dir, entry.key);
	fs.writeFileSync(`${file}.tmp`, JSON.stringify(entry, null, 2));
	fs.renameSync(`${file}.tmp`, file);
}

/** Runs fn holding the setup's lock (other test files of the run wait). */
export async function withEntryLock<T>(dir: string, key: string, fn: () => Promise<T>): Promise<T> {
	return await withLock(path.join(dir, `${key}.lock`), fn);
}

/** The record of a server that is still running, or undefined. */
export function liveServer(entry: PoolEntry, envKey: string): ServerRecord | undefined {
	const record = entry.servers[envKey];
	return record && processAlive(record.pid) ? record : undefined;
}

const keepFolders = () => process.env.N8N_HARNESS_KEEP === '1';

/** Removes a setup from the pool; its folder and servers are left to whoever took it over. */
export function forgetEntry(dir: string, key: string): void {
	fs.rmSync(entryFile(dir, key), { force: true });
}

/** Stops a setup's servers, removes its user folder and forgets it. */
export async function retireEntry(dir: string, entry: PoolEntry): Promise<void> {
	await Promise.all(Object.values(entry.servers).map((record) => serverHandle(record).stop()));
	if (!keepFolders()) fs.rmSync(entry.userFolder, { recursive: true, force: true });
	forgetEntry(dir, entry.key);
}

/** Retires every setup of the pool and removes the pool folder (jest's globalTeardown). */
export async function drainPool(dir: string): Promise<void> {
	if (!fs.existsSync(dir)) return;
	const entries = fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.map((file) => readEntry(dir, file.slice(0, -'.json'.length)))
		.filter((entry): entry is PoolEntry => entry !== undefined);
	await Promise.all(entries.map((entry) => retireEntry(dir, entry)));
	fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A detached process that drains the pool if `parentPid` (jest) dies without its globalTeardown:
 * killed by a signal, or stopped with Ctrl-C. It ends by itself once the pool folder is gone.
 */
export const WATCHDOG_SCRIPT = `
const fs = require('fs');
const path = require('path');
const [parentPid, dir] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const kill = (pid, signal) => { try { process.kill(-pid, signal); } catch { try { process.kill(pid, signal); } catch {} } };
setInterval(() => {
	if (!fs.existsSync(dir)) process.exit(0);
	if (alive(Number(parentPid))) return;
	for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
		try {
			const entry = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
			for (const server of Object.values(entry.servers || {})) kill(server.pid, 'SIGKILL');
			if (process.env.N8N_HARNESS_KEEP !== '1') fs.rmSync(entry.userFolder, { recursive: true, force: true });
		} catch {}
	}
	fs.rmSync(dir, { recursive: true, force: true });
	process.exit(0);
}, 1000);
`;
