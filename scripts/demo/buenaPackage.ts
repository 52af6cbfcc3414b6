/**
 * The demo's Buena package part: n8n-nodes-buena-ai (nodes Buena AI and Buena AI Trigger), packed
 * from its folder alone and installed beside n8n-nodes-voice-clone in the same n8n, with its own
 * credential on a sandbox account of its own (so the Voice Clone Trigger examples, which use the
 * demo's first account, never see its voices, nor its trigger theirs).
 *
 * Headless, it adds no `n8n start` of its own: its trigger workflow "Hear a new Buena AI voice" is
 * activated with the Voice Clone Trigger examples (voiceExamples.ts, TriggerCompanion), and the
 * package's example "Nightly batch cloning (Buena AI)" runs with `n8n execute` beside their clone
 * workflow. The Buena AI Trigger reports each voice ready and Buena AI → Speak says a line in it.
 * After n8n stops, Buena AI → Get Many lists the account, and the part prints its summary.
 */
import * as path from 'path';

import type { N8nRestClient } from '../../test/e2e/harness/credentialTest';
import { installPackageIntoUserFolder, registerInstalledPackage } from '../../test/e2e/harness/installPackage';
import { nodeItems, nodeJson, type CredentialInput, type ExecuteResult, type ExecutionRun, type N8n, type WorkflowInput } from '../../test/e2e/harness/n8n';
import type { PackedPackage } from '../../test/e2e/harness/packPackage';
import { BUENA_PACKAGE, buenaAi, byId, packageExample } from '../../test/e2e/packages/support';
import { packSingleServicePackage } from '../../test/packages/support/packageFolder';
import type { Sandbox } from '../../test/sandbox';
import { activateWorkflow, executionRun, executionsOf, fastestPollTimes, type PollTimes } from '../../test/e2e/support/activeWorkflow';
import { copySampleAudio, type LinkedInStub } from '../../test/e2e/support/examples';
import { manualTrigger, workflow, type TestNode } from '../../test/e2e/support/workflows';
import type { TriggerCompanion } from './voiceExamples';
import { failureText, seconds, step, table } from './output';

export { BUENA_PACKAGE };

/** The package's credential has a sandbox account of its own: a second demo key. */
export const BUENA_PACKAGE_KEY = 'bna_sandbox_buena_package_demo_key';

/**
 * The credential the package's example workflows name (by id), under a name of its own: both
 * packages' credential types are called "Buena AI API" in the editor.
 */
const CREDENTIAL = { id: 'buenaAiAccount01', name: `Buena AI account (${BUENA_PACKAGE})`, type: 'buenaAiApi' } as const;
const credentials = { [CREDENTIAL.type]: { id: CREDENTIAL.id, name: CREDENTIAL.name } };

/** Workflow names carry the package's name: one of its examples has the same name as one of the root package's. */
const named = (name: string) => `${name} — ${BUENA_PACKAGE}`;

const BATCH_SAMPLES = ['maria-intro.wav', 'sam-pitch.mp3', 'broken-recording.wav'];
const WORKFLOW_NAMES = {
	batch: named('Nightly batch cloning (Buena AI)'),
	outreach: named('LinkedIn voice outreach (Buena AI)'),
	hear: named('Hear a new Buena AI voice'),
	list: named('List the Buena AI voices'),
};

/** An error as the example's Code nodes pass it on: n8n's error object (`{ message, description, … }`) or its text. */
function errorMessage(error: unknown): string {
	if (error && typeof error === 'object' && 'message' in error) return String(error.message);
	return String(error);
}

/** Points the nodes' Buena AI credential at the demo's credential name (the id stays the example's). */
function withDemoCredential(input: WorkflowInput, name: string): WorkflowInput {
	for (const node of input.nodes as Array<{ credentials?: Record<string, { id: string; name: string }> }>) {
		if (node.credentials?.[CREDENTIAL.type]) node.credentials[CREDENTIAL.type] = { id: CREDENTIAL.id, name: CREDENTIAL.name };
	}
	return { ...input, name };
}

/** Buena AI Trigger (Training Finished) → Buena AI → Speak: a spoken line from each voice that becomes ready. */
function hearWorkflow(pollTimes: PollTimes | { item: Array<{ mode: 'everyMinute' }> }): WorkflowInput {
	const trigger: TestNode = {
		id: '7d4f3b2a-6c1e-4f0a-9b8d-2e5a1c3f4b01',
		name: 'Buena AI Trigger',
		type: `${BUENA_PACKAGE}.buenaAiTrigger`,
		typeVersion: 1,
		position: [0, 300],
		parameters: { pollTimes, events: ['ready'], options: {} },
		credentials,
	};
	const speak = buenaAi(
		'Speak a Preview',
		'speak',
		{ voiceId: byId('={{ $json.voiceId }}'), text: '=Hi, this is {{ $json.name }}. My training has just finished.', binaryPropertyName: 'data' },
		{ credentials, position: [220, 300] },
	);
	return workflow(WORKFLOW_NAMES.hear, [trigger, speak], [['Buena AI Trigger', 'Speak a Preview']]);
}

function listWorkflow(): WorkflowInput {
	return workflow(
		WORKFLOW_NAMES.list,
		[manualTrigger('Start'), buenaAi('Get Many', 'getAll', { returnAll: true, filters: {} }, { credentials })],
		[['Start', 'Get Many']],
	);
}

/** The package folder alone, built with `n8n-node build` and packed (what its own repository publishes). */
export function packBuenaPackage(): Promise<PackedPackage> {
	return packSingleServicePackage(BUENA_PACKAGE);
}

interface TriggerReport {
	executionId: string;
	/** ms after the batch started. */
	at: number;
	event: string;
	name: string;
	voiceId: string;
	status: string;
	spoken?: { fileName: string; mimeType: string; bytes: number };
	error?: string;
}

/**
 * n8n-nodes-buena-ai in the demo's n8n. Call in this order: `install` (before n8n first runs),
 * `setUp` (after the first n8n command), then either `importForEditor` (--ui) or, headless,
 * `importForRun`, `companion` (handed to runVoiceExamples) and `finish` (prints the summary).
 */
export class BuenaPackageDemo {
	readonly samplesDir: string;
	private batchId = '';
	private listId = '';
	private hearId = '';
	private batchStarted = 0;
	private batchTook = 0;
	private batch: Promise<ExecuteResult> | undefined;
	private batchResult: ExecuteResult | undefined;
	private reports: TriggerReport[] = [];

	constructor(
		private readonly n8n: N8n,
		private readonly sandbox: Sandbox,
	) {
		this.samplesDir = path.join(n8n.filesDir, 'buena-package-samples');
	}

	/** Installs the tarball into the user folder the way n8n installs community packages, and gives the package its account. */
	async install(packed: PackedPackage): Promise<void> {
		await installPackageIntoUserFolder({ install: this.n8n.install, userFolder: this.n8n.userFolder, tarball: packed.tarball });
		this.sandbox.addKey('buena', BUENA_PACKAGE_KEY);
		copySampleAudio(this.samplesDir, BATCH_SAMPLES);
	}

	/** The package's credential: the sandbox's Buena base URL and the package's demo key. */
	credential(): CredentialInput {
		return { ...CREDENTIAL, data: { apiKey: BUENA_PACKAGE_KEY, baseUrl: this.sandbox.buenaBaseUrl } };
	}

	/** The installed_packages rows n8n writes after an install (Settings → Community nodes lists it); needs n8n's database. */
	async register(): Promise<void> {
		await registerInstalledPackage({ install: this.n8n.install, userFolder: this.n8n.userFolder, packageName: BUENA_PACKAGE });
	}

	private batchWorkflow(): WorkflowInput {
		return withDemoCredential(
			packageExample(BUENA_PACKAGE, 'scheduled-batch.json', {
				settings: { samplesDir: this.samplesDir },
				parameters: { 'Wait for Training': { pollInterval: 1 } },
			}),
			WORKFLOW_NAMES.batch,
		);
	}

	/** Headless: the workflows `n8n execute` runs (the trigger workflow comes with the companion). */
	runWorkflows(): WorkflowInput[] {
		return [this.batchWorkflow(), listWorkflow()];
	}

	/** Ids of the imported `runWorkflows()`, in their order. */
	setRunWorkflowIds([batchId, listId]: string[]): void {
		this.batchId = batchId;
		this.listId = listId;
	}

	/** --ui: the package's two examples, the trigger workflow (every minute, not active) and Get Many. */
	editorWorkflows(linkedIn: LinkedInStub, outreachSamplesDir: string): WorkflowInput[] {
		return [
			withDemoCredential(
				packageExample(BUENA_PACKAGE, 'linkedin-outreach.json', { settings: { samplesDir: outreachSamplesDir, buenaApiUrl: linkedIn.baseUrl } }),
				WORKFLOW_NAMES.outreach,
			),
			this.batchWorkflow(),
			hearWorkflow({ item: [{ mode: 'everyMinute' }] }),
			listWorkflow(),
		];
	}

	/** The workflow names `editorWorkflows()` imports. */
	static editorWorkflowNames(): string[] {
		return [WORKFLOW_NAMES.outreach, WORKFLOW_NAMES.batch, WORKFLOW_NAMES.hear, WORKFLOW_NAMES.list];
	}

	/** Takes part in the Voice Clone Trigger examples' `n8n start`. */
	companion(): TriggerCompanion {
		return {
			activate: async () => {
				this.hearId = await this.n8n.importWorkflow(hearWorkflow(fastestPollTimes(this.n8n.version, 2)));
				await activateWorkflow(this.n8n, this.hearId);
				return 1;
			},
			begin: () => {
				step(
					`${BUENA_PACKAGE}: "Hear a new Buena AI voice" (Buena AI Trigger → Speak) is active in this n8n too; its example "Nightly batch cloning (Buena AI)" runs with n8n execute beside part 1 (summary at the end)…`,
				);
				this.batchStarted = Date.now();
				this.batch = this.n8n.executeRaw(this.batchId).then((result) => {
					this.batchTook = Date.now() - this.batchStarted;
					this.batchResult = result;
					return result;
				});
			},
			settled: async (client) => {
				if (!this.batchResult) return false;
				this.reports = await this.triggerReports(client);
				return this.readyVoiceIds().every((voiceId) => this.reports.some((report) => report.voiceId === voiceId));
			},
		};
	}

	/** The voices the batch saw trained. */
	private readyVoiceIds(): string[] {
		const run = this.batchResult?.run;
		if (!run?.data.resultData.runData['Wait for Training']) return [];
		return nodeJson(run, 'Wait for Training')
			.filter((voice) => voice.status === 'ready')
			.map((voice) => String(voice.voiceId));
	}

	/** What the Buena AI Trigger reported in the finished executions of the trigger workflow, and what Speak made of it. */
	private async triggerReports(client: N8nRestClient): Promise<TriggerReport[]> {
		const reports: TriggerReport[] = [];
		for (const execution of await executionsOf(client, this.hearId)) {
			if (!['success', 'error', 'crashed'].includes(execution.status)) continue;
			const run = await executionRun(this.n8n, client, execution.id);
			const triggerRun = run.data.resultData.runData['Buena AI Trigger']?.[0];
			const spoken = run.data.resultData.runData['Speak a Preview'] ? nodeItems(run, 'Speak a Preview') : [];
			const error = run.data.resultData.error?.message;
			for (const [index, item] of nodeItems(run, 'Buena AI Trigger').entries()) {
				const speech = spoken[index]?.json;
				reports.push({
					executionId: execution.id,
					at: (triggerRun?.startTime ?? 0) - this.batchStarted,
					event: String(item.json.event),
					name: String(item.json.name),
					voiceId: String(item.json.voiceId),
					status: String(item.json.status),
					spoken: speech && { fileName: String(speech.fileName), mimeType: String(speech.mimeType), bytes: Number(speech.bytes) },
					error: error === undefined ? undefined : String(error),
				});
			}
		}
		return reports.sort((a, b) => a.at - b.at || a.name.localeCompare(b.name));
	}

	/** After n8n stopped: Buena AI → Get Many, then the part's summary. True when every step did what it should. */
	async finish(): Promise<boolean> {
		const batch = this.batch ? await this.batch : undefined;
		const list = await this.n8n.executeRaw(this.listId);
		const took = Date.now() - this.batchStarted;
		const voices = list.ok && list.run ? nodeJson(list.run, 'Get Many') : [];
		const ready = this.readyVoiceIds();
		const created = batch?.run?.data.resultData.runData['Create Voice Clone'] ? nodeJson(batch.run, 'Create Voice Clone') : [];
		const reported = (voiceId: string) => this.reports.find((report) => report.voiceId === voiceId && report.spoken && !report.error);
		const ok =
			!!batch?.ok &&
			created.length > 0 &&
			ready.length === created.length &&
			ready.every((voiceId) => reported(voiceId)) &&
			list.ok &&
			created.every((voice) => voices.some((listed) => listed.voiceId === voice.voiceId));

		console.log(`\n${BUENA_PACKAGE}: the Buena AI node and the Buena AI Trigger, beside ${this.n8n.installedPackage?.name ?? 'n8n-nodes-voice-clone'} — ${ok ? 'succeeded' : 'FAILED'} in ${seconds(took)}`);
		this.printBatch(batch);
		this.printTrigger(ready);
		console.log(`  Buena AI → Get Many ("${WORKFLOW_NAMES.list}", after n8n stopped): ${list.ok ? `${voices.length} voice${voices.length === 1 ? '' : 's'} in the account` : 'FAILED'}`);
		if (list.ok && voices.length) {
			console.log(table([['voice', 'voice id', 'status'], ...voices.map((voice) => [String(voice.name), String(voice.voiceId), String(voice.status)])]));
		}
		if (!list.ok) console.log(`    Error: ${failureText(list)}`);
		return ok;
	}

	private printBatch(batch: ExecuteResult | undefined): void {
		const title = `  "${WORKFLOW_NAMES.batch}": Buena AI → Create, then Buena AI → Wait for Training`;
		if (!batch) {
			console.log(`${title} — did not run`);
			return;
		}
		console.log(`${title} — ${batch.ok ? 'succeeded' : 'FAILED'} in ${seconds(this.batchTook)}`);
		const run = batch.run as ExecutionRun | undefined;
		if (run?.data.resultData.runData['Cloned Voices']) {
			const [report] = nodeJson(run, 'Cloned Voices');
			const rows = [['voice', 'voice id', 'status', 'samples']];
			for (const voice of report.voices as Array<Record<string, unknown>>) {
				rows.push([String(voice.name), String(voice.voiceId), String(voice.status), ((voice.samples as string[]) ?? []).join(', ')]);
			}
			console.log(table(rows));
		}
		if (run?.data.resultData.runData['Failed Recordings']) {
			const [failed] = nodeJson(run, 'Failed Recordings');
			console.log(`  Refused before upload (error output → Failed Recordings), ${String(failed.failed)} file(s):`);
			for (const failure of failed.failures as Array<{ file: string; error: unknown }>) {
				console.log(`    ${failure.file}: ${errorMessage(failure.error).replace(/^The voice clone ".*?" was not created, nothing was sent: /, '')}`);
			}
		}
		if (!batch.ok) console.log(`  Error: ${failureText(batch)}`);
	}

	private printTrigger(ready: string[]): void {
		const executions = new Set(this.reports.map((report) => report.executionId)).size;
		console.log(
			`  Buena AI Trigger (Training Finished) in "${WORKFLOW_NAMES.hear}", active in the same n8n start: ${this.reports.length} voice${this.reports.length === 1 ? '' : 's'} reported in ${executions} execution${executions === 1 ? '' : 's'}`,
		);
		for (const report of this.reports) {
			const spoken = report.spoken ? `Buena AI → Speak: ${report.spoken.fileName}, ${report.spoken.mimeType}, ${report.spoken.bytes} bytes` : `not spoken${report.error ? `: ${report.error}` : ''}`;
			console.log(`    +${seconds(report.at)} after the batch started, event ${report.event}: ${report.name} (${report.voiceId}, status ${report.status}) → ${spoken}`);
		}
		const missing = ready.filter((voiceId) => !this.reports.some((report) => report.voiceId === voiceId));
		if (missing.length) console.log(`    Not reported before the demo stopped waiting: ${missing.join(', ')}`);
	}
}
