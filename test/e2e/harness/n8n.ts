import { randomBytes } from 'crypto';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { installN8n, type N8nInstall } from './installN8n';
import {
	installPackageIntoUserFolder,
	n8nProcessPath,
	registerInstalledPackage,
	type InstalledPackage,
	type RegisteredPackage,
} from './installPackage';
import { packPackage, type PackedPackage } from './packPackage';
import { CommandError, cleanEnv, killAtExit, killGroup, runCommand, type RunResult } from './util';
import { PACKAGE_NAME, TEST_ENCRYPTION_KEY } from './versions';

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
	mode?: string;
	status?: string;
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
	/** Exit code 0 and no resultData.error. */
	ok: boolean;
	/** Parsed run (also for failed executions when n8n printed it). */
	run: ExecutionRun | undefined;
	exitCode: number | null;
	/** The signal that ended n8n, when it did not exit by itself. */
	signal: NodeJS.Signals | null;
	stdout: string;
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

export interface N8nServer {
	/** http://127.0.0.1:<port> */
	baseUrl: string;
	port: number;
	/** Output so far (stdout and stderr interleaved). */
	output(): string;
	/** SIGTERM, then SIGKILL after 10 s; resolves when the process is gone. Idempotent. */
	stop(): Promise<void>;
}

export function generateId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	const bytes = randomBytes(16);
	let id = '';
	for (const b of bytes) id += alphabet[b % alphabet.length];
	return id;
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
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
 * A headless n8n of a pinned version with its own user folder, SQLite database and our package
 * installed as a community package. Each CLI call is a separate n8n process (~3–6 s).
 */
export class N8n {
	readonly version: string;
	readonly install: N8nInstall;
	readonly userFolder: string;
	/** Folder inside the user folder that file nodes may read and write by default. */
	readonly filesDir: string;
	readonly installedPackage: InstalledPackage | undefined;
	/** installed_packages/installed_nodes rows, once written (after the database exists). */
	registeredPackage: RegisteredPackage | undefined;
	private readonly options: N8nOptions;
	private readonly ownsUserFolder: boolean;
	private readonly servers = new Set<N8nServer>();
	private disposed = false;

	private constructor(init: {
		options: N8nOptions;
		install: N8nInstall;
		userFolder: string;
		ownsUserFolder: boolean;
		installedPackage: InstalledPackage | undefined;
	}) {
		this.options = init.options;
		this.version = init.options.version;
		this.install = init.install;
		this.userFolder = init.userFolder;
		this.ownsUserFolder = init.ownsUserFolder;
		this.filesDir = path.join(init.userFolder, 'files');
		this.installedPackage = init.installedPackage;
		live.add(this);
	}

	/** Installs n8n if needed, creates a user folder and installs the package the n8n way. */
	static async create(options: N8nOptions): Promise<N8n> {
		const install = await installN8n(options.version, options.log);
		const ownsUserFolder = !options.userFolder;
		const userFolder =
			options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${options.version}-`));
		fs.mkdirSync(path.join(userFolder, 'files'), { recursive: true });
		let installedPackage: InstalledPackage | undefined;
		try {
			if (options.package !== false) {
				const tarball =
					typeof options.package === 'string'
						? options.package
						: (options.package ?? (await packedPackage(options.log))).tarball;
				installedPackage = await installPackageIntoUserFolder({ install, userFolder, tarball });
			}
		} catch (error) {
			if (ownsUserFolder) fs.rmSync(userFolder, { recursive: true, force: true });
			throw error;
		}
		return new N8n({
			options,
			install,
			userFolder,
			ownsUserFolder,
			installedPackage,
		});
	}

	/** Node type name n8n gives one of our nodes, e.g. `n8n-nodes-voice-clone.createVoiceClone`. */
	nodeType(nodeName: string): string {
		return `${this.installedPackage?.name ?? PACKAGE_NAME}.${nodeName}`;
	}

	/** The environment every n8n process of this instance gets. */
	env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		const fileDirs = this.options.fileAccessDirs ?? [this.filesDir];
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
		// Each n8n process starts its own task broker: a port of its own lets calls overlap.
		const brokerPort = String(await freePort());
		const result = await runCommand(this.install.nodeBin, [this.install.n8nBin, ...args], {
			cwd: this.userFolder,
			env: this.env({ N8N_RUNNERS_BROKER_PORT: brokerPort, ...(opts.env ?? {}) }),
			timeoutMs: opts.timeoutMs ?? 180_000,
		});
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
	 * Imports credentials with `n8n import:credentials --input=<file>`: `data` is given as a
	 * plain object, which n8n encrypts with N8N_ENCRYPTION_KEY on import (1.123 and 2.x).
	 * Returns the credentials with their ids (generated when missing).
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

	/** Imports workflows with `n8n import:workflow --input=<file>`; returns them with ids. */
	async importWorkflows(workflows: WorkflowInput[]): Promise<Array<WorkflowInput & { id: string }>> {
		const withIds = workflows.map((w) => ({
			active: false,
			settings: { executionOrder: 'v1' },
			...w,
			id: w.id ?? generateId(),
		}));
		const file = this.writeTemp('workflows', withIds);
		await this.runChecked(['import:workflow', `--input=${file}`]);
		return withIds;
	}

	/** Imports one workflow and returns its id. */
	async importWorkflow(workflow: WorkflowInput): Promise<string> {
		const [w] = await this.importWorkflows([workflow]);
		return w.id;
	}

	/**
	 * `n8n execute --id=<id> --rawOutput` without throwing: the parsed run (n8n prints it on
	 * success, and logs it at info level on failure when logLevel is info or debug).
	 */
	async executeRaw(workflowId: string, opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<ExecuteResult> {
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
	 * `n8n execute --id=<id> --rawOutput` → the parsed run. Throws N8nExecutionError (with n8n's
	 * stderr, stdout and the run's error) when n8n fails or the workflow ends in an error.
	 */
	async execute(workflowId: string, opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<ExecutionRun> {
		const result = await this.executeRaw(workflowId, opts);
		if (!result.ok || !result.run) {
			const runError = result.run?.data?.resultData?.error;
			throw new N8nExecutionError(
				`n8n ${this.version} execute --id=${workflowId} failed (exit ${result.exitCode ?? result.signal})` +
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
	 * Starts `n8n start` on 127.0.0.1:<port> (a free port by default) and resolves once
	 * GET /healthz/readiness and GET /rest/settings answer 200. The server is stopped by dispose() at the latest.
	 */
	async startServer(opts: { port?: number; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<N8nServer> {
		this.assertAlive();
		const port = opts.port ?? (await freePort());
		const env = this.env({
			N8N_PORT: String(port),
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			...(opts.env ?? {}),
		});
		const child: ChildProcess = spawn(this.install.nodeBin, [this.install.n8nBin, 'start'], {
			cwd: this.userFolder,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		if (child.pid) killAtExit.add(child.pid);
		let output = '';
		const append = (b: Buffer) => {
			output += b.toString('utf8');
			if (output.length > 2_000_000) output = output.slice(-1_000_000);
		};
		child.stdout?.on('data', append);
		child.stderr?.on('data', append);
		const exited = new Promise<void>((resolve) => {
			if (child.exitCode !== null || child.signalCode !== null) resolve();
			else child.once('exit', () => resolve());
		});
		let stopped = false;
		const baseUrl = `http://127.0.0.1:${port}`;
		const server: N8nServer = {
			baseUrl,
			port,
			output: () => output,
			stop: async () => {
				if (!stopped) {
					stopped = true;
					killGroup(child.pid, 'SIGTERM');
					const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 10_000);
					await exited;
					clearTimeout(timer);
					killGroup(child.pid, 'SIGKILL'); // the task runner child, if it outlived n8n
					if (child.pid) killAtExit.delete(child.pid);
				}
				await exited;
				this.servers.delete(server);
			},
		};
		this.servers.add(server);

		const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
		let exitedEarly = false;
		void exited.then(() => (exitedEarly = true));
		for (;;) {
			if (exitedEarly) {
				await server.stop();
				throw new Error(`n8n ${this.version} start exited before it was ready (exit ${child.exitCode ?? child.signalCode})\n${tailOf(output)}`);
			}
			try {
				// Readiness turns green before the REST controllers are mounted: also wait for
				// the public settings endpoint the editor loads first.
				const ready = await fetch(`${baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
				const settings = ready.ok
					? await fetch(`${baseUrl}/rest/settings`, { signal: AbortSignal.timeout(5000) })
					: undefined;
				if (settings?.ok) break;
			} catch {
				// not listening yet
			}
			if (Date.now() > deadline) {
				await server.stop();
				throw new Error(`n8n ${this.version} start was not ready within ${opts.timeoutMs ?? 120_000} ms\n${tailOf(output)}`);
			}
			await new Promise((r) => setTimeout(r, 250));
		}
		await this.registerPackageOnce();
		return server;
	}

	/** Stops every server of this instance and removes its user folder (unless kept). Idempotent. */
	async dispose(): Promise<void> {
		if (this.disposed) return;
		this.disposed = true;
		await Promise.all([...this.servers].map((s) => s.stop()));
		live.delete(this);
		const keep = this.options.keepUserFolder || process.env.N8N_HARNESS_KEEP === '1';
		if (this.ownsUserFolder && !keep) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}

	private registering: Promise<void> | undefined;
	/** n8n writes installed_packages rows after an install; the database exists only after a first command. */
	private async registerPackageOnce(): Promise<void> {
		if (!this.installedPackage || this.registeredPackage) return;
		if (!fs.existsSync(path.join(this.userFolder, '.n8n', 'database.sqlite'))) return;
		this.registering ??= registerInstalledPackage({
			install: this.install,
			userFolder: this.userFolder,
			packageName: this.installedPackage.name,
		}).then((r) => {
			this.registeredPackage = r;
		});
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
