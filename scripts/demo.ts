/**
 * The demo: a real n8n with this package installed the way n8n installs community packages,
 * credentials pointing at the provider sandbox, and the example workflows run on the bundled
 * sample audio. No provider account or key needed; nothing leaves the machine. The single-service
 * package n8n-nodes-buena-ai is installed beside it and shown last (scripts/demo/buenaPackage.ts).
 *
 *   npm run demo                          # build, run the example workflows headless, print a summary
 *   npm run demo -- --ui                  # the n8n editor at http://localhost:5678 with everything set up
 *   npm run demo -- --n8n-version 1.123.81 --training-seconds 8 --port 5678
 *
 * See docs/examples.md.
 */
import * as path from 'path';

import { onStop } from '../test/helpers/onStop';
import { sandboxBuenaVoices } from '../test/helpers/sandboxCredentials';
import { startSandbox, type Sandbox } from '../test/sandbox';
import { N8nRestClient, TEST_OWNER } from '../test/e2e/harness/credentialTest';
import { installN8n } from '../test/e2e/harness/installN8n';
import { N8n, nodeJson, packedPackage, type ExecuteResult, type ExecutionRun, type N8nServer } from '../test/e2e/harness/n8n';
import { N8N_VERSIONS } from '../test/e2e/harness/versions';
import {
	copySampleAudio,
	exampleWorkflow,
	sandboxCredentials,
	startLinkedInStub,
	type LinkedInStub,
} from '../test/e2e/support/examples';
import { BUENA_PACKAGE, BUENA_PACKAGE_KEY, BuenaPackageDemo, packBuenaPackage } from './demo/buenaPackage';
import { importVoiceExamples, runVoiceExamples } from './demo/voiceExamples';
import { failureText, step, table } from './demo/output';

interface Options {
	ui: boolean;
	version: string;
	trainingSeconds: number;
	port: number;
}

function parseArgs(argv: string[]): Options {
	const options: Options = { ui: false, version: N8N_VERSIONS[N8N_VERSIONS.length - 1], trainingSeconds: 8, port: 5678 };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const value = () => {
			const v = argv[++i];
			if (v === undefined) throw new Error(`${arg} needs a value`);
			return v;
		};
		if (arg === '--ui') options.ui = true;
		else if (arg === '--n8n-version') options.version = value();
		else if (arg === '--training-seconds') options.trainingSeconds = Number(value());
		else if (arg === '--port') options.port = Number(value());
		else if (arg === '--help' || arg === '-h') {
			console.log('npm run demo [-- --ui] [--n8n-version X] [--training-seconds N] [--port P]   (see docs/examples.md)');
			process.exit(0);
		} else throw new Error(`Unknown argument ${arg} (try --help)`);
	}
	if (!(options.trainingSeconds > 0)) throw new Error('--training-seconds must be a positive number');
	return options;
}

const started = Date.now();
const elapsed = (since = started) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const isTty = process.stdout.isTTY === true;

/** One status line that rewrites itself on a terminal (and prints sparingly otherwise). */
function progressLine() {
	let last = '';
	let lastPrinted = 0;
	return {
		update(text: string) {
			if (text === last) return;
			last = text;
			if (isTty) process.stdout.write(`\r\x1b[2K  ${text}`);
			else if (Date.now() - lastPrinted > 2000) {
				console.log(`  ${text}`);
				lastPrinted = Date.now();
			}
		},
		done() {
			if (isTty && last) process.stdout.write('\n');
			last = '';
		},
	};
}

/** Runs `n8n execute` while a progress line follows the Buena trainings in the sandbox. */
async function executeWithProgress(n8n: N8n, sandbox: Sandbox, workflowId: string, label: string): Promise<ExecuteResult> {
	const line = progressLine();
	const since = Date.now();
	let finished = false;
	const execution = n8n.executeRaw(workflowId).finally(() => (finished = true));
	while (!finished) {
		const clones = await sandboxBuenaVoices(sandbox, { signal: AbortSignal.timeout(2000) }).catch(() => []);
		const uploads = sandbox.log().filter((e) => e.method === 'POST' && e.path.endsWith('/voice-clones') && e.status === 201).length;
		if (!clones.length) {
			line.update(`${label}: starting n8n, reading recordings… ${uploads ? `${uploads} uploaded ` : ''}(${elapsed(since)})`);
		} else {
			const ready = clones.filter((c) => c.status === 'ready').length;
			const average = Math.round(clones.reduce((sum, c) => sum + (c.training_progress ?? 0), 0) / clones.length);
			line.update(`${label}: training ${clones.length} Buena voice${clones.length > 1 ? 's' : ''} — ${ready} ready, ${average}% on average (${elapsed(since)})`);
		}
		await Promise.race([execution, new Promise((r) => setTimeout(r, 500))]);
	}
	line.done();
	return await execution;
}

interface Sample {
	fileName: string;
	durationSeconds: number;
}

function samplesText(samples: unknown): string {
	return ((samples as Sample[] | undefined) ?? []).map((s) => `${s.fileName} (${s.durationSeconds.toFixed(1)} s)`).join(', ');
}

function summariseOutreach(result: ExecuteResult, linkedIn: LinkedInStub, took: string): void {
	console.log(`\nLinkedIn voice outreach (Buena AI) — ${result.ok ? 'succeeded' : 'FAILED'} in ${took}`);
	const run = result.run as ExecutionRun | undefined;
	const ran = (node: string) => !!run?.data.resultData.runData[node];
	if (run && ran('Wait for Training')) {
		const rows = [['provider', 'voice', 'voice id', 'status', 'waited', 'samples']];
		for (const v of nodeJson(run, 'Wait for Training')) {
			rows.push(['buena', String(v.name), String(v.voiceId), String(v.status), `${v.waitedSeconds} s`, samplesText(v.samples)]);
		}
		console.log(table(rows));
	} else if (run && ran('Create Voice Clone')) {
		const rows = [['provider', 'voice', 'voice id', 'status', 'samples']];
		for (const v of nodeJson(run, 'Create Voice Clone')) rows.push(['buena', String(v.name), String(v.voiceId), String(v.status), samplesText(v.samples)]);
		console.log(table(rows));
	}
	if (linkedIn.calls.length) {
		console.log(`  LinkedIn voice messages scheduled (local stub of POST /linkedin/scheduleLinkedInAction):`);
		for (const call of linkedIn.calls) {
			const voiceId = (call.body.voiceSettings as { voiceId?: string } | undefined)?.voiceId;
			console.log(`    ${String(call.body.leadId)} → ${String(call.body.profileUrl)} with voice ${voiceId}`);
		}
	}
	if (!result.ok) console.log(`  Error: ${failureText(result)}`);
}

function summariseBatch(result: ExecuteResult, took: string): void {
	console.log(`\nNightly batch voice cloning (Bland AI) — ${result.ok ? 'succeeded' : 'FAILED'} in ${took}`);
	const run = result.run;
	if (run?.data.resultData.runData['Cloned Voices']) {
		const [report] = nodeJson(run, 'Cloned Voices');
		const rows = [['provider', 'voice', 'voice id', 'status', 'samples']];
		for (const v of report.voices as Array<Record<string, unknown>>) {
			rows.push(['bland', String(v.name), String(v.voiceId), String(v.status), ((v.samples as string[]) ?? []).join(', ')]);
		}
		console.log(table(rows));
	}
	if (run?.data.resultData.runData['Failed Recordings']) {
		const [failed] = nodeJson(run, 'Failed Recordings');
		console.log(`  Refused before upload (error output → Failed Recordings), ${String(failed.failed)} file(s):`);
		for (const f of failed.failures as Array<{ file: string; error: string }>) {
			console.log(`    ${f.file}: ${f.error.replace(/^The voice clone ".*?" was not created, nothing was sent: /, '')}`);
		}
	}
	if (!result.ok) console.log(`  Error: ${failureText(result)}`);
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const cleanups: Array<() => Promise<void>> = [];
	let cleaning: Promise<void> | undefined;
	const cleanup = () =>
		(cleaning ??= (async () => {
			for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
		})());
	// Ctrl-C, SIGTERM, SIGHUP, or npm gone: stop n8n (servers, and running `n8n execute`s, killed
	// at exit by the harness) and the sandbox.
	onStop((reason) => {
		console.log(`\n${reason}: stopping n8n and the sandbox…`);
		setTimeout(() => process.exit(1), 30_000).unref();
		void cleanup().then(() => process.exit(options.ui ? 0 : 130));
	});

	try {
		console.log(`Voice clone demo — n8n ${options.version}, provider sandbox on 127.0.0.1 (no real provider is contacted)\n`);
		step('Building and packing the package (npm run build, npm pack)…');
		const buenaPacked = packBuenaPackage();
		buenaPacked.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
		const packed = await packedPackage();
		step(`Building and packing ${BUENA_PACKAGE} from its folder alone, as its own repository does (n8n-node build, npm pack)…`);
		const buenaTarball = await buenaPacked;
		step(`Making sure n8n ${options.version} is installed (first time: several minutes)…`);
		await installN8n(options.version, (line) => console.log(`  ${line}`));

		const sandbox = await startSandbox({ trainingMs: options.trainingSeconds * 1000 });
		cleanups.push(() => sandbox.close());
		const linkedIn = await startLinkedInStub(sandbox.keys.buena);
		cleanups.push(() => linkedIn.close());
		step(`Sandbox at ${sandbox.url} (Buena training takes ${options.trainingSeconds} s here, 2–5 min for real)`);

		step('Installing the package into a fresh n8n user folder, the way n8n installs community packages…');
		const n8n = await N8n.create({ version: options.version, package: packed });
		cleanups.push(() => n8n.dispose());
		const samplesDir = path.join(n8n.filesDir, 'voice-samples');
		const files = copySampleAudio(samplesDir);
		step(`Installing ${BUENA_PACKAGE} (nodes Buena AI and Buena AI Trigger) beside it, the same way…`);
		const buena = new BuenaPackageDemo(n8n, sandbox);
		await buena.install(buenaTarball);

		step('Importing the sandbox credentials and the example workflows…');
		await n8n.importCredentials([...sandboxCredentials(sandbox), buena.credential()]);
		await buena.register();
		const buenaLinkedIn = options.ui ? await startLinkedInStub(BUENA_PACKAGE_KEY) : undefined;
		if (buenaLinkedIn) cleanups.push(() => buenaLinkedIn.close());
		const [outreach, batch, ...buenaWorkflows] = await n8n.importWorkflows([
			exampleWorkflow('linkedin-outreach', {
				settings: { samplesDir, buenaApiUrl: linkedIn.baseUrl },
				parameters: { 'Wait for Training': { pollInterval: 1 } },
			}),
			exampleWorkflow('scheduled-batch-cloning', { settings: { samplesDir } }),
			...(buenaLinkedIn ? buena.editorWorkflows(buenaLinkedIn, samplesDir) : buena.runWorkflows()),
		]);
		if (!options.ui) buena.setRunWorkflowIds(buenaWorkflows.map((workflow) => workflow.id));

		if (options.ui) {
			await importVoiceExamples(n8n, linkedIn, samplesDir);
			await runUi(n8n, options, cleanup, { samplesDir, files, buenaSamplesDir: buena.samplesDir });
			return;
		}

		step(`Running both example workflows with n8n execute on ${files.length} sample files…`);
		const batchStarted = Date.now();
		let batchTook = '';
		const batchRun = n8n.executeRaw(batch.id).finally(() => (batchTook = elapsed(batchStarted)));
		const outreachStarted = Date.now();
		const outreachResult = await executeWithProgress(n8n, sandbox, outreach.id, 'linkedin-outreach');
		const outreachTook = elapsed(outreachStarted);
		const batchResult = await batchRun;

		summariseOutreach(outreachResult, linkedIn, outreachTook);
		summariseBatch(batchResult, batchTook);

		console.log('');
		step('The Voice Clone node and the Voice Clone Trigger: three more example workflows, on a fresh sandbox account…');
		const voiceExamplesOk = await runVoiceExamples(n8n, sandbox, linkedIn, samplesDir, buena.companion());
		const buenaOk = await buena.finish();
		const ok = outreachResult.ok && batchResult.ok && voiceExamplesOk && buenaOk;
		console.log(`\n${ok ? 'Done' : 'Finished with errors'} in ${elapsed()}. Open the same setup in the editor: npm run demo -- --ui`);
		await cleanup();
		process.exitCode = ok ? 0 : 1;
	} catch (error) {
		console.error(`\nDemo failed: ${error instanceof Error ? error.message : String(error)}`);
		await cleanup();
		process.exitCode = 1;
	}
}

/**
 * "<package>: <node display names>" for each package, from the node types the running n8n loaded
 * (GET /types/nodes.json), leaving out the AI tool variants n8n derives from `usableAsTool` nodes
 * (`<name>Tool`); throws when a package has none loaded.
 */
async function loadedPackages(client: N8nRestClient, names: string[]): Promise<string[]> {
	const types = await client.request<Array<{ name: string; displayName: string }>>('GET', '/types/nodes.json');
	const typeNames = new Set(types.map((type) => type.name));
	const derivedTool = (type: string) => type.endsWith('Tool') && typeNames.has(type.slice(0, -'Tool'.length));
	return names.map((name) => {
		const own = types.filter((type) => type.name.startsWith(`${name}.`) && !derivedTool(type.name));
		const nodes = [...new Set(own.map((type) => type.displayName))];
		if (!nodes.length) throw new Error(`n8n loaded no node of ${name}`);
		return `${name}: ${nodes.join(', ')}`;
	});
}

async function runUi(
	n8n: N8n,
	options: Options,
	cleanup: () => Promise<void>,
	info: { samplesDir: string; files: string[]; buenaSamplesDir: string },
): Promise<void> {
	step(`Starting the n8n editor on port ${options.port}…`);
	let server: N8nServer;
	try {
		server = await n8n.startServer({
			port: options.port,
			env: { N8N_EDITOR_BASE_URL: `http://localhost:${options.port}/`, WEBHOOK_URL: `http://localhost:${options.port}/` },
		});
	} catch (error) {
		throw new Error(
			`n8n did not start on port ${options.port} (is something else using it? try --port 5679)\n${error instanceof Error ? error.message : String(error)}`,
		);
	}
	const client = new N8nRestClient(server.baseUrl);
	await client.setupOwnerAndLogin();
	const packages = await loadedPackages(client, [n8n.installedPackage?.name ?? 'n8n-nodes-voice-clone', BUENA_PACKAGE]);
	console.log(`
n8n ${options.version} is running with the voice clone nodes installed as a community package.

  Editor:    http://localhost:${options.port}
  Login:     ${TEST_OWNER.email} / ${TEST_OWNER.password}   (a local demo owner; the data is deleted on exit)
  Packages:  ${packages.join('\n             ')}
  Workflows: "LinkedIn voice outreach (Buena AI)", "Nightly batch voice cloning (Bland AI)",
             "Free a Buena AI slot before a batch", "Hear a new voice before it goes out (Buena AI)" and
             "LinkedIn voice outreach, part 1: clone" / "part 2: send when the voice is ready"
             (the trigger workflows check every minute once you activate them)
             ${BUENA_PACKAGE}: ${BuenaPackageDemo.editorWorkflowNames().map((name) => `"${name}"`).join(',\n               ')}
  Audio:     ${info.samplesDir} (${info.files.join(', ')})
             ${info.buenaSamplesDir} (the ${BUENA_PACKAGE} batch's)
  Credentials "Buena AI account" and "Bland AI account" point at the sandbox with its demo keys;
  "Buena AI account (${BUENA_PACKAGE})" (type Buena AI API of ${BUENA_PACKAGE}) at the same sandbox, with a key of its own.

Open a workflow and click "Execute workflow". Ctrl-C stops n8n and the sandbox.`);
	await new Promise<void>(() => {
		// Runs until SIGINT/SIGTERM; the signal handler cleans up and exits.
	});
	await cleanup();
}

void main();
