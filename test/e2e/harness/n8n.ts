import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { N8nRestClient, N8nRestError } from './credentialTest';
import { installedN8n, installN8n, type N8nInstall } from './installN8n';
import {
	installPackageIntoUserFolder,
	n8nProcessPath,
	registerInstalledPackage,
	type InstalledPackage,
	type RegisteredPackage,
} from './installPackage';
import { runManually } from './manualRun';
import { packPackage, type PackedPackage } from './packPackage';
import { forgetEntry, inJestTest, keyOf, liveServer, poolDir, readEntry, withEntryLock, writeEntry, type PoolEntry } from './pool';
import { processAlive, serverHandle, startN8nServer, type N8nServer, type ServerRecord } from './server';
import { CommandError, cleanEnv, runCommand, type RunResult } from './util';
import { PACKAGE_NAME, TEST_ENCRYPTION_KEY } from './versions';

export type { N8nServer } from './server';

/** Where n8n keeps binary data of executions. `default` = in memory (1.x name for it). */
export type BinaryDataMode = 'filesystem' | 'database' | 'default';

export interface N8nOptions {
	/** Pinned n8n version (see versions.ts); installed into the cache on demand. */
	version: string;
	/**
	 * The community package to install the n8n way: a packed package, a tarball path, or false for
	 * none. Default: this repository, built and packed once per process (packPackage()).
	 */
	package?: PackedPackage | string | false;
	/** Several community packages side by side, each installed the n8n way (instead of `package`). */
	packages?: Array<PackedPackage | string>;
	/** N8N_DEFAULT_BINARY_DATA_MODE. Default `filesystem`. */
	binaryDataMode?: BinaryDataMode;
	/**
	 * Folders Read/Write Files from Disk may touch (N8N_RESTRICT_FILE_ACCESS_TO).
	 * Default: the instance's own `files` folder (see N8n.filesDir).
	 */
	fileAccessDirs?: string[];
	/** 1.x only: run Code nodes in a task runner (default true, as 2.x always does). */
	taskRunners?: boolean;
	/** Extra environment for every n8n process (overrides the harness defaults). */
	env?: Record<string, string>;
	/** Use this user folder instead of a fresh temporary one. */
	userFolder?: string;
	/** Keep the user folder on dispose() (for debugging). Also: N8N_HARNESS_KEEP=1. */
	keepUserFolder?: boolean;
	/** N8N_LOG_LEVEL (default `info`); `execute` always runs at info, where it prints its result. */
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	/** Progress lines (install, pack). */
	log?: (line: string) => void;
	/**
	 * Share the user folder and servers with the other test files of this jest run (see pool.ts);
	 * the instance still gets a files folder of its own. Default: true when the run has a pool
	 * (jest.config.js) and neither `env` nor `userFolder` is given.
	 */
	shared?: boolean;
	/**
	 * How execute() runs a workflow. `server`: a manual run ("Execute workflow") through the REST
	 * API of a running `n8n start` of this user folder, ~0.3 s (one server per extra environment,
	 * started on first use); workflows without a Manual Trigger still go through `n8n execute`.
	 * `cli`: `n8n execute`, a fresh n8n process per run, 3–15 s. Default: `server` under jest,
	 * `cli` elsewhere (the demo shows `n8n execute`).
	 */
	execution?: 'server' | 'cli';
	/**
	 * Install the n8n version when it is missing (several minutes). Default: false under jest, where a
	 * missing version fails naming `npm run n8n:install`; true elsewhere (demo, benchmarks).
	 */
	installIfMissing?: boolean;
}

/** A credential to import; `data` is the plain (decrypted) object, n8n encrypts it on import. */
export interface CredentialInput {
	id?: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** A workflow to import: the JSON the n8n editor exports (id optional: one is generated). */
export interface WorkflowInput {
	id?: string;
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	active?: boolean;
	[key: string]: unknown;
}

/** The JSON `n8n execute --rawOutput` prints: an IRun. */
export interface ExecutionRun {
	finished?: boolean;
	/** `cli` for `n8n execute`, `manual` for a run through the server (execution: 'server'). */
	mode?: string;
	status?: string;
	startedAt?: string;
	stoppedAt?: string;
	data: {
		resultData: {
			runData: Record<string, Array<NodeRun>>;
			lastNodeExecuted?: string;
			error?: Record<string, unknown> & { message?: string };
		};
	};
	[key: string]: unknown;
}

export interface NodeRun {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	error?: Record<string, unknown> & { message?: string; description?: string };
	data?: { main?: Array<Array<NodeItem> | null> };
	[key: string]: unknown;
}

export interface NodeItem {
	json: Record<string, unknown>;
	binary?: Record<string, Record<string, unknown>>;
	pairedItem?: unknown;
	error?: unknown;
}

export interface ExecuteResult {
	/** The run succeeded: exit code 0 (or status `success`) and no resultData.error. */
	ok: boolean;
	/** Parsed run (also for failed executions when n8n printed or stored it). */
	run: ExecutionRun | undefined;
	/** `n8n execute`'s exit code; for a run through the server 0 when ok, else 1. */
	exitCode: number | null;
	/** The signal that ended n8n, when it did not exit by itself. */
	signal: NodeJS.Signals | null;
	/** `n8n execute`'s output; for a run through the server what it logged meanwhile. */
	stdout: string;
	/** `n8n execute`'s errors; for a run through the server why it refused to start the run. */
	stderr: string;
}

/** Thrown by N8n.execute when n8n exits non-zero or the run has an error. */
export class N8nExecutionError extends Error {
	constructor(
		message: string,
		public readonly result: ExecuteResult,
	) {
		super(message);
		this.name = 'N8nExecutionError';
	}
}

export function generateId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	const bytes = randomBytes(16);
	let id = '';
	for (const b of bytes) id += alphabet[b % alphabet.length];
	return id;
}

function bindAndRelease(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

/** Ports freePort() gave out lately, which nobody may have bound yet. */
const handedOut = new Map<number, number>();

/**
 * A free TCP port on 127.0.0.1 (bound and released), never one it gave out in the last two
 * minutes: the system may hand a released port out again at once, and n8n's port and its task
 * broker's were seen to get the same one.
 */
export async function freePort(): Promise<number> {
	for (let attempt = 0; ; attempt++) {
		const port = await bindAndRelease();
		const now = Date.now();
		for (const [given, at] of handedOut) if (now - at > 120_000) handedOut.delete(given);
		if (!handedOut.has(port) || attempt >= 50) {
			handedOut.set(port, now);
			return port;
		}
	}
}

let packedOnce: Promise<PackedPackage> | undefined;
/** This repository built and packed, once per process. */
export function packedPackage(log?: (line: string) => void): Promise<PackedPackage> {
	if (!packedOnce) {
		packedOnce = packPackage({ log });
		packedOnce.catch(() => (packedOnce = undefined));
	}
	return packedOnce;
}

/** Major version of an n8n version string. */
export function majorOf(version: string): number {
	return Number(version.split('.')[0]);
}

/** Every live instance, so a test run can clean up whatever a failing test left. */
const live = new Set<N8n>();

/** Disposes every instance still alive (use in afterAll as a safety net). */
export async function disposeAll(): Promise<void> {
	await Promise.all([...live].map((n) => n.dispose()));
}

/**
 * A headless n8n of a pinned version with a user folder, SQLite database and our package
 * installed as a community package. CLI commands (imports, activation) are n8n processes of
 * their own (~3–6 s); workflows run on a server (see N8nOptions.execution). Inside a jest run
 * the user folder and servers are shared with the other test files (see pool.ts).
 */
export class N8n {
	readonly version: string;
	readonly install: N8nInstall;
	readonly userFolder: string;
	/** Folder that file nodes may read and write by default; this instance's own. */
	readonly filesDir: string;
	/** The first of installedPackages. */
	readonly installedPackage: InstalledPackage | undefined;
	readonly installedPackages: InstalledPackage[];
	/** installed_packages/installed_nodes rows, once written (after the database exists), per package. */
	registeredPackages: RegisteredPackage[] | undefined;
	/** How execute() runs workflows (N8nOptions.execution). */
	readonly execution: 'server' | 'cli';
	private readonly options: N8nOptions;
	private ownsUserFolder: boolean;
	/** Where the shared setup is recorded, while this instance shares it (see leavePool()). */
	private pool: { dir: string; key: string } | undefined;
	/** Servers of this instance's own, with the key of the environment they run with. */
	private readonly servers = new Map<N8nServer, string>();
	private readonly executionServers = new Map<string, Promise<{ server: N8nServer; client: N8nRestClient }>>();
	private disposed = false;

	private constructor(init: {
		options: N8nOptions;
		install: N8nInstall;
		userFolder: string;
		filesDir: string;
		ownsUserFolder: boolean;
		installedPackages: InstalledPackage[];
		registeredPackages?: RegisteredPackage[];
		pool?: { dir: string; key: string };
	}) {
		this.options = init.options;
		this.version = init.options.version;
		this.install = init.install;
		this.userFolder = init.userFolder;
		this.ownsUserFolder = init.ownsUserFolder;
		this.filesDir = init.filesDir;
		this.installedPackages = init.installedPackages;
		this.installedPackage = init.installedPackages[0];
		this.registeredPackages = init.registeredPackages;
		this.pool = init.pool;
		this.execution = init.options.execution ?? (inJestTest() ? 'server' : 'cli');
		live.add(this);
	}

	/**
	 * A user folder with the package installed the n8n way: a fresh one, or inside a jest run the
	 * shared one for this version, package and settings (made by the first file that asks). n8n
	 * itself must be installed already under jest (N8nNotInstalledError names the command).
	 */
	static async create(options: N8nOptions): Promise<N8n> {
		const install = (options.installIfMissing ?? !inJestTest())
			? await installN8n(options.version, options.log)
			: installedN8n(options.version);
		const tarballs = await tarballsOf(options);
		const dir = poolDir();
		const shared = options.shared ?? (dir !== undefined && !options.env && !options.userFolder);
		if (shared) {
			if (!dir) throw new Error('N8n.create({ shared: true }) needs the jest run\'s pool (globalSetup in jest.config.js)');
			if (options.env || options.userFolder) throw new Error('A shared n8n takes no env or userFolder: pass shared: false');
			return await N8n.fromPool(dir, options, install, tarballs);
		}

		const ownsUserFolder = !options.userFolder;
		const userFolder =
			options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${options.version}-`));
		const filesDir = path.join(userFolder, 'files');
		fs.mkdirSync(filesDir, { recursive: true });
		try {
			const installedPackages: InstalledPackage[] = [];
			for (const tarball of tarballs) installedPackages.push(await installPackageIntoUserFolder({ install, userFolder, tarball }));
			return new N8n({ options, install, userFolder, filesDir, ownsUserFolder, installedPackages });
		} catch (error) {
			if (ownsUserFolder) fs.rmSync(userFolder, { recursive: true, force: true });
			throw error;
		}
	}

	private static async fromPool(dir: string, options: N8nOptions, install: N8nInstall, tarballs: string[]): Promise<N8n> {
		const key = keyOf({
			version: options.version,
			packages: tarballs.map(fileHash),
			binaryDataMode: options.binaryDataMode ?? null,
			fileAccessDirs: options.fileAccessDirs ?? null,
			taskRunners: options.taskRunners ?? null,
			logLevel: options.logLevel ?? null,
			// Parallel jest workers never share: their files would import credentials under the same ids.
			worker: process.env.JEST_WORKER_ID ?? null,
		});
		const entry = await withEntryLock(dir, key, async () => {
			const existing = readEntry(dir, key);
			if (existing?.ready && fs.existsSync(existing.userFolder)) return existing;
			// Not ready: its maker died half-way (the lock was taken over).
			if (existing) fs.rmSync(existing.userFolder, { recursive: true, force: true });
			const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${options.version}-shared-`));
			fs.mkdirSync(path.join(userFolder, 'files'), { recursive: true });
			// Recorded before the install, so that the teardown (or its watchdog) finds the folder.
			const created: PoolEntry = { key, version: options.version, userFolder, installedPackages: [], servers: {}, ready: false };
			writeEntry(dir, created);
			try {
				const started = Date.now();
				for (const tarball of tarballs) created.installedPackages.push(await installPackageIntoUserFolder({ install, userFolder, tarball }));
				timing(`n8n ${options.version} package install`, started);
				created.ready = true;
				writeEntry(dir, created);
				return created;
			} catch (error) {
				fs.rmSync(userFolder, { recursive: true, force: true });
				forgetEntry(dir, key);
				throw error;
			}
		});
		const filesDir = fs.mkdtempSync(path.join(entry.userFolder, 'files', 'instance-'));
		return new N8n({
			options,
			install,
			userFolder: entry.userFolder,
			filesDir,
			ownsUserFolder: false,
			installedPackages: entry.installedPackages,
			registeredPackages: entry.registeredPackages,
			pool: { dir, key },
		});
	}

	/** True when this instance shares its user folder and servers with other test files. */
	get shared(): boolean {
		return this.pool !== undefined;
	}

	/** The first package's installed_packages/installed_nodes rows, once written. */
	get registeredPackage(): RegisteredPackage | undefined {
		return this.registeredPackages?.[0];
	}

	/** Node type name n8n gives one of our nodes, e.g. `n8n-nodes-voice-clone.createVoiceClone`. */
	nodeType(nodeName: string): string {
		return `${this.installedPackage?.name ?? PACKAGE_NAME}.${nodeName}`;
	}

	/** The environment every n8n process of this instance gets. */
	env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		const fileDirs = this.options.fileAccessDirs ?? [path.join(this.userFolder, 'files')];
		const base: Record<string, string> = {
			PATH: n8nProcessPath(this.install),
			TZ: 'UTC',
			GENERIC_TIMEZONE: 'UTC',
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
			// Never phone home (the network is closed anyway; these keep start-up fast).
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
			N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_AI_ENABLED: 'false',
			N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
			N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			EXTERNAL_FRONTEND_HOOKS_URLS: '',
			// Community packages: on (the default), loaded from <user folder>/.n8n/nodes.
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			DB_TYPE: 'sqlite',
			DB_SQLITE_POOL_SIZE: '2',
			// Code nodes: 2.x always runs them in a task runner that n8n starts itself as a child
			// process (internal mode; N8N_RUNNERS_ENABLED is gone there). 1.x runs them the same
			// way once N8N_RUNNERS_ENABLED=true (without it: in-process, deprecated).
			...(majorOf(this.version) < 2 ? { N8N_RUNNERS_ENABLED: this.options.taskRunners === false ? 'false' : 'true' } : {}),
			N8N_RUNNERS_MODE: 'internal',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_NATIVE_PYTHON_RUNNER: 'false',
			// Binary data: `database` is what queue mode uses; both must be available.
			N8N_AVAILABLE_BINARY_DATA_MODES: 'filesystem,database',
			N8N_DEFAULT_BINARY_DATA_MODE: this.options.binaryDataMode ?? 'filesystem',
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
			N8N_RESTRICT_FILE_ACCESS_TO: fileDirs.join(';'),
			N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES: 'true',
			// Manual runs (execution: 'server') are read back from the executions n8n saves.
			EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
			N8N_LOG_LEVEL: this.options.logLevel ?? 'info',
			N8N_LOG_OUTPUT: 'console',
			N8N_SECURE_COOKIE: 'false',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_METRICS: 'false',
			N8N_PUSH_BACKEND: 'websocket',
			NO_COLOR: '1',
		};
		return cleanEnv({ ...base, ...(this.options.env ?? {}), ...extra });
	}

	/** Runs `n8n <args>` with this instance's environment; never throws on exit code. */
	async run(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunResult> {
		this.assertAlive();
		if (activates(args)) await this.markWorkflowsActivated();
		// Each n8n process starts its own task broker: a port of its own lets calls overlap.
		const brokerPort = String(await freePort());
		const started = Date.now();
		const result = await runCommand(this.install.nodeBin, [this.install.n8nBin, ...args], {
			cwd: this.userFolder,
			env: this.env({ N8N_RUNNERS_BROKER_PORT: brokerPort, ...(opts.env ?? {}) }),
			timeoutMs: opts.timeoutMs ?? 180_000,
		});
		timing(`n8n ${this.version} ${args[0]}`, started);
		await this.registerPackageOnce();
		return result;
	}

	/** Runs `n8n <args>` and throws with n8n's stderr and stdout when it exits non-zero. */
	async runChecked(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunResult> {
		const result = await this.run(args, opts);
		if (result.code !== 0) {
			throw new CommandError(
				`n8n ${this.version} ${args.join(' ')} exited ${result.code ?? result.signal}\n--- stderr ---\n${tailOf(result.stderr)}\n--- stdout ---\n${tailOf(result.stdout)}`,
				result,
			);
		}
		return result;
	}

	/**
	 * Call before activating a workflow other than with n8n's commands (run() notices
	 * `publish:workflow` and `update:workflow --active=true`, importWorkflows() an `active: true`).
	 * Every server on the user folder runs its active workflows' triggers (2.41 also picks up a
	 * publication within seconds), so a shared instance first leaves the pool: the shared servers
	 * stop, the folder becomes this instance's own (removed by dispose()), and its executions go
	 * to a server of its own, such as the one the test starts with startServer().
	 */
	async markWorkflowsActivated(): Promise<void> {
		await this.leavePool();
	}

	private async leavePool(): Promise<void> {
		const pool = this.pool;
		if (!pool) return;
		this.pool = undefined;
		this.ownsUserFolder = true;
		this.executionServers.clear();
		await withEntryLock(pool.dir, pool.key, async () => {
			const entry = readEntry(pool.dir, pool.key);
			if (!entry) return;
			await Promise.all(Object.values(entry.servers).map((record) => serverHandle(record).stop()));
			forgetEntry(pool.dir, pool.key);
		});
	}

	/**
	 * Imports credentials with `n8n import:credentials --input=<file>`: `data` is given as a
	 * plain object, which n8n encrypts with N8N_ENCRYPTION_KEY on import (1.123 and 2.x).
	 * Returns the credentials with their ids (generated when missing). In a shared user folder
	 * a credential with the same id replaces the one a previous test file imported.
	 */
	async importCredentials(credentials: CredentialInput[]): Promise<Array<CredentialInput & { id: string }>> {
		const withIds = credentials.map((c) => ({ ...c, id: c.id ?? generateId() }));
		const file = this.writeTemp('credentials', withIds);
		const res = await this.runChecked(['import:credentials', `--input=${file}`]);
		if (/error/i.test(res.stdout) && !/Successfully imported/i.test(res.stdout + res.stderr)) {
			throw new CommandError(`import:credentials reported an error:\n${res.stdout}\n${res.stderr}`, res);
		}
		return withIds;
	}

	/** Exports every credential, decrypted (`n8n export:credentials --all --decrypted`). */
	async exportCredentials(): Promise<Array<CredentialInput & { id: string }>> {
		const out = path.join(this.tmpDir(), `export-${generateId()}.json`);
		await this.runChecked(['export:credentials', '--all', '--decrypted', `--output=${out}`]);
		return JSON.parse(fs.readFileSync(out, 'utf8')) as Array<CredentialInput & { id: string }>;
	}

	/**
	 * Imports workflows, keeping their ids (generated when missing); returns them with ids.
	 * With `n8n import:workflow --input=<file>`, or, for n8n 2.x workflows that run on a server,
	 * through its REST API as the editor saves an imported file (POST /rest/workflows, which 2.x
	 * lets keep the id; 1.x drops it), saving an n8n process of 2.5–4.5 s each. A workflow whose
	 * id exists already is replaced, as the CLI does.
	 */
	async importWorkflows(workflows: WorkflowInput[]): Promise<Array<WorkflowInput & { id: string }>> {
		const withIds = workflows.map((w) => ({
			active: false,
			settings: { executionOrder: 'v1' },
			...w,
			id: w.id ?? generateId(),
		}));
		const activates = withIds.some((w) => w.active === true);
		if (activates) await this.markWorkflowsActivated();
		if (this.execution === 'server' && majorOf(this.version) >= 2 && !activates && (await this.createThroughServer(withIds))) {
			return withIds;
		}
		const file = this.writeTemp('workflows', withIds);
		await this.runChecked(['import:workflow', `--input=${file}`]);
		return withIds;
	}

	/** POST /rest/workflows for each workflow; false (to import with the CLI) when one exists already. */
	private async createThroughServer(workflows: Array<WorkflowInput & { id: string }>): Promise<boolean> {
		const { client } = await this.executionServer();
		const started = Date.now();
		for (const workflow of workflows) {
			try {
				await client.request('POST', '/rest/workflows', workflow);
			} catch (error) {
				if (error instanceof N8nRestError && error.status === 400 && /exists already/.test(error.message)) return false;
				throw error;
			}
		}
		timing(`n8n ${this.version} POST /rest/workflows ×${workflows.length}`, started);
		return true;
	}

	/** Imports one workflow and returns its id. */
	async importWorkflow(workflow: WorkflowInput): Promise<string> {
		const [w] = await this.importWorkflows([workflow]);
		return w.id;
	}

	/**
	 * Executes a saved workflow without throwing: the parsed run, also of a failed execution.
	 * `execution: 'server'` (under jest): a manual run on the server for `env` (a server per
	 * distinct env, e.g. N8N_DEFAULT_BINARY_DATA_MODE=database, started on first use).
	 * `execution: 'cli'`: `n8n execute --id=<id> --rawOutput` with `env` (n8n prints the run on
	 * success, and logs it at info level on failure).
	 */
	async executeRaw(workflowId: string, opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<ExecuteResult> {
		this.assertAlive();
		if (this.execution === 'server') {
			const { server, client } = await this.executionServer(opts.env);
			const started = Date.now();
			const result = await runManually({
				label: `n8n ${this.version}`,
				install: this.install,
				server,
				client,
				workflowId,
				timeoutMs: opts.timeoutMs ?? 180_000,
			});
			timing(`n8n ${this.version} manual run`, started);
			if (result) return result;
			// No Manual Trigger to start from: `n8n execute` picks the start node itself.
		}
		return await this.executeWithCli(workflowId, opts);
	}

	private async executeWithCli(workflowId: string, opts: { timeoutMs?: number; env?: Record<string, string> }): Promise<ExecuteResult> {
		const res = await this.run(['execute', `--id=${workflowId}`, '--rawOutput'], {
			timeoutMs: opts.timeoutMs ?? 180_000,
			// `execute` prints the run through the logger at info level; debug would prefix every
			// line with a timestamp, so info it is.
			env: { ...(opts.env ?? {}), N8N_LOG_LEVEL: 'info' },
		});
		const run = parseRun(res.stdout);
		const succeeded = run !== undefined && !run.data?.resultData?.error;
		// Seen once in a full suite on 2.41.1: the whole successful run printed, then the CLI process
		// ended by a signal while shutting down. The execution is what these tests judge; the
		// shutdown is n8n's own, so it is reported, not counted as a failed workflow.
		const killedAfterPrintingSuccess = res.code === null && succeeded && run.finished === true;
		if (killedAfterPrintingSuccess) {
			process.stderr.write(`[harness] n8n ${this.version} execute ended by ${res.signal} after printing a successful run\n`);
		}
		const ok = (res.code === 0 || killedAfterPrintingSuccess) && succeeded;
		return { ok, run, exitCode: res.code, signal: res.signal, stdout: res.stdout, stderr: res.stderr };
	}

	/**
	 * Executes a saved workflow → the parsed run (see executeRaw). Throws N8nExecutionError (with
	 * n8n's output and the run's error) when n8n fails or the workflow ends in an error.
	 */
	async execute(workflowId: string, opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<ExecutionRun> {
		const result = await this.executeRaw(workflowId, opts);
		if (!result.ok || !result.run) {
			const runError = result.run?.data?.resultData?.error;
			const how = result.run?.mode === 'manual' ? `manual run of workflow ${workflowId}` : `execute --id=${workflowId}`;
			const outcome = result.run?.mode === 'manual' ? `status ${String(result.run.status)}` : `exit ${result.exitCode ?? result.signal}`;
			throw new N8nExecutionError(
				`n8n ${this.version} ${how} failed (${outcome})` +
					(runError ? `: ${String(runError.message ?? JSON.stringify(runError))}` : '') +
					`\n--- stderr ---\n${tailOf(result.stderr)}\n--- stdout ---\n${tailOf(result.stdout)}`,
				result,
			);
		}
		return result.run;
	}

	/** Imports a workflow and executes it. */
	async importAndExecute(workflow: WorkflowInput, opts: { timeoutMs?: number } = {}): Promise<ExecutionRun> {
		return await this.execute(await this.importWorkflow(workflow), opts);
	}

	/**
	 * The running server workflows with `env` execute on, with the owner logged in. Shared
	 * instances use the jest run's server for their setup and env (started by the first file that
	 * needs it); others start one on first use, stopped by dispose().
	 */
	async executionServer(env: Record<string, string> = {}): Promise<{ server: N8nServer; client: N8nRestClient }> {
		this.assertAlive();
		const { extra, envKey } = this.extraEnv(env);
		const cached = this.executionServers.get(envKey);
		if (cached) {
			const session = await cached.catch(() => undefined);
			if (session && processAlive(session.server.pid)) return session;
			this.executionServers.delete(envKey);
		}
		const session = this.openExecutionServer(extra, envKey);
		this.executionServers.set(envKey, session);
		session.catch(() => this.executionServers.delete(envKey));
		return await session;
	}

	/** What `env` adds to this instance's environment, and a key for it (`default` for nothing). */
	private extraEnv(env: Record<string, string> = {}): { extra: Record<string, string>; envKey: string } {
		const base = this.env();
		const extra = Object.fromEntries(Object.entries(env).filter(([name, value]) => base[name] !== value));
		return { extra, envKey: Object.keys(extra).length > 0 ? keyOf(extra) : 'default' };
	}

	private async openExecutionServer(env: Record<string, string>, envKey: string): Promise<{ server: N8nServer; client: N8nRestClient }> {
		let server: N8nServer;
		const own = [...this.servers].find(([running, key]) => key === envKey && processAlive(running.pid))?.[0];
		if (own) {
			// A server the test started (e.g. the one running its active workflows) runs them too:
			// a second server on the same folder would start the same triggers again.
			server = own;
		} else if (this.pool) {
			const { dir, key } = this.pool;
			server = await withEntryLock(dir, key, async () => {
				const entry = readEntry(dir, key);
				if (!entry) throw new Error(`The shared n8n setup ${key} was retired`);
				const running = liveServer(entry, envKey);
				if (running) return serverHandle(running);
				try {
					return await this.spawnServer({
						env,
						logFile: path.join(dir, `${key}-${envKey}-${Date.now()}.log`),
						// Recorded at once, so that the teardown (or its watchdog) stops it even mid-start.
						onSpawned: (record) => writeEntry(dir, { ...entry, servers: { ...entry.servers, [envKey]: record } }),
					});
				} catch (error) {
					writeEntry(dir, entry);
					throw error;
				}
			});
		} else {
			server = await this.startServer({ env });
		}
		await this.registerPackageOnce();
		const client = new N8nRestClient(server.baseUrl);
		await client.setupOwnerAndLogin();
		return { server, client };
	}

	/**
	 * Starts a server of this instance's own: `n8n start` on 127.0.0.1:<port> (a free port by
	 * default) with `env`, ready once GET /healthz/readiness and GET /rest/settings answer 200.
	 * Stopped by dispose() at the latest. (execute() uses executionServer() instead.)
	 */
	async startServer(opts: { port?: number; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<N8nServer> {
		this.assertAlive();
		const server = await this.spawnServer({
			port: opts.port,
			timeoutMs: opts.timeoutMs,
			env: opts.env ?? {},
			logFile: path.join(this.tmpDir(), `server-${generateId()}.log`),
			onStopped: () => this.servers.delete(server),
		});
		this.servers.set(server, this.extraEnv(opts.env).envKey);
		await this.registerPackageOnce();
		return server;
	}

	private async spawnServer(opts: {
		port?: number;
		timeoutMs?: number;
		env: Record<string, string>;
		logFile: string;
		onSpawned?: (record: ServerRecord) => void;
		onStopped?: () => void;
	}): Promise<N8nServer> {
		const port = opts.port ?? (await freePort());
		let brokerPort = await freePort();
		while (brokerPort === port) brokerPort = await freePort();
		const started = Date.now();
		const server = await startN8nServer({
			label: `n8n ${this.version}`,
			install: this.install,
			userFolder: this.userFolder,
			env: this.env({
				N8N_PORT: String(port),
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
				WEBHOOK_URL: `http://127.0.0.1:${port}/`,
				...opts.env,
			}),
			port,
			logFile: opts.logFile,
			timeoutMs: opts.timeoutMs,
			onSpawned: opts.onSpawned,
			onStopped: opts.onStopped,
		});
		timing(`n8n ${this.version} start`, started);
		return server;
	}

	/**
	 * Stops this instance's own servers and removes its user folder (unless kept) — or, when
	 * shared, its files folder (and the whole setup, if it activated a workflow). Idempotent.
	 */
	async dispose(): Promise<void> {
		if (this.disposed) return;
		this.disposed = true;
		await Promise.all([...this.servers.keys()].map((s) => s.stop()));
		live.delete(this);
		const keep = this.options.keepUserFolder || process.env.N8N_HARNESS_KEEP === '1';
		if (this.pool) {
			if (!keep) fs.rmSync(this.filesDir, { recursive: true, force: true });
			return;
		}
		if (this.ownsUserFolder && !keep) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}

	private registering: Promise<void> | undefined;
	/** n8n writes installed_packages rows after an install; the database exists only after a first command. */
	private async registerPackageOnce(): Promise<void> {
		if (this.installedPackages.length === 0 || this.registeredPackages) return;
		if (!fs.existsSync(path.join(this.userFolder, '.n8n', 'database.sqlite'))) return;
		const registerAll = async () => {
			const registered: RegisteredPackage[] = [];
			for (const installed of this.installedPackages) {
				registered.push(await registerInstalledPackage({ install: this.install, userFolder: this.userFolder, packageName: installed.name }));
			}
			return registered;
		};
		this.registering ??= (async () => {
			if (!this.pool) {
				this.registeredPackages = await registerAll();
				return;
			}
			const { dir, key } = this.pool;
			await withEntryLock(dir, key, async () => {
				const entry = readEntry(dir, key);
				this.registeredPackages = entry?.registeredPackages ?? (await registerAll());
				if (entry && !entry.registeredPackages) writeEntry(dir, { ...entry, registeredPackages: this.registeredPackages });
			});
		})();
		await this.registering;
	}

	private tmpDir(): string {
		const dir = path.join(this.userFolder, 'harness');
		fs.mkdirSync(dir, { recursive: true });
		return dir;
	}

	private writeTemp(kind: string, data: unknown): string {
		const file = path.join(this.tmpDir(), `${kind}-${generateId()}.json`);
		fs.writeFileSync(file, JSON.stringify(data, null, 2));
		return file;
	}

	private assertAlive(): void {
		if (this.disposed) throw new Error('This n8n instance was disposed');
	}
}


/** With N8N_HARNESS_TIMING=1, how long each n8n command, server start and run took (on stderr). */
function timing(what: string, started: number): void {
	if (process.env.N8N_HARNESS_TIMING === '1') process.stderr.write(`[harness] ${what}: ${Date.now() - started} ms\n`);
}

/** n8n commands that make a workflow active (1.x update:workflow, 2.x publish:workflow). */
function activates(args: string[]): boolean {
	return args[0] === 'publish:workflow' || (args[0] === 'update:workflow' && args.includes('--active=true'));
}

/** The tarballs an instance installs (this repository packed, by default). */
async function tarballsOf(options: N8nOptions): Promise<string[]> {
	if (options.packages) return options.packages.map((p) => (typeof p === 'string' ? p : p.tarball));
	if (options.package === false) return [];
	if (typeof options.package === 'string') return [options.package];
	return [(options.package ?? (await packedPackage(options.log))).tarball];
}

function fileHash(file: string): string {
	return createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16);
}

function tailOf(text: string, max = 8000): string {
	return text.length > max ? `…${text.slice(-max)}` : text;
}

/**
 * Finds the run JSON in `n8n execute` output: the last top-level `{ … }` block (lines that are
 * exactly `{` and `}`) that parses and has `data.resultData`. Log lines around it are ignored.
 */
export function parseRun(stdout: string): ExecutionRun | undefined {
	const lines = stdout.split('\n');
	const ends: number[] = [];
	const starts: number[] = [];
	lines.forEach((line, i) => {
		if (line.trimEnd() === '{') starts.push(i);
		if (line.trimEnd() === '}') ends.push(i);
	});
	for (let s = starts.length - 1; s >= 0; s--) {
		for (let e = ends.length - 1; e >= 0 && ends[e] > starts[s]; e--) {
			try {
				const parsed = JSON.parse(lines.slice(starts[s], ends[e] + 1).join('\n')) as ExecutionRun;
				if (parsed && typeof parsed === 'object' && parsed.data?.resultData) return parsed;
			} catch {
				// not this block
			}
		}
	}
	return undefined;
}

/** JSON items a node produced on its output `outputIndex` in run `runIndex` (default: last run). */
export function nodeItems(run: ExecutionRun, nodeName: string, outputIndex = 0, runIndex?: number): NodeItem[] {
	const runs = run.data.resultData.runData[nodeName];
	if (!runs || runs.length === 0) {
		throw new Error(`Node "${nodeName}" did not run; ran: ${Object.keys(run.data.resultData.runData).join(', ')}`);
	}
	const nodeRun = runs[runIndex ?? runs.length - 1];
	return nodeRun.data?.main?.[outputIndex] ?? [];
}

/** The `json` of every item a node produced. */
export function nodeJson(run: ExecutionRun, nodeName: string, outputIndex = 0): Array<Record<string, unknown>> {
	return nodeItems(run, nodeName, outputIndex).map((i) => i.json);
}
