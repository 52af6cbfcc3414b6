/**
 * The demo's second part: the example workflows built on the Voice Clone node and the Voice Clone
 * Trigger (see docs/examples.md).
 *
 *  1. linkedin-outreach-send and hear-it-first are activated and `n8n start` runs them; then
 *     linkedin-outreach-clone runs with `n8n execute`, clones one Buena voice per lead and ends.
 *     When the sandbox finishes each training, the triggers start the other two workflows: a
 *     LinkedIn voice message per lead, and a spoken MP3 preview per voice.
 *  2. free-buena-slot runs on an account that the demo fills up (two older voices, one failed).
 *
 * A TriggerCompanion (the Buena package's part, buenaPackage.ts) can take part in step 1: its trigger
 * workflows are activated with these and run in the same `n8n start`, so it adds no wait for a poll.
 */
import type { N8nRestClient } from '../../test/e2e/harness/credentialTest';
import { nodeJson, type N8n, type N8nServer } from '../../test/e2e/harness/n8n';
import type { Sandbox } from '../../test/sandbox';
import { buenaListPolls, startWithOwner, successfulRunItems, waitUntil } from '../../test/e2e/support/activeWorkflow';
import { exampleWorkflow, importTriggeredOutreach, type LinkedInStub } from '../../test/e2e/support/examples';
import { secondsSince, step } from './output';

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Another package's trigger workflows, run in the same `n8n start` as the Voice Clone Trigger examples. */
export interface TriggerCompanion {
	/** Imports and activates its trigger workflows (polling every 2 s); returns how many triggers that is. */
	activate(): Promise<number>;
	/** n8n runs and every trigger has noted the account as it was: starts its own executions (not awaited). */
	begin(): void;
	/** Whether its triggers have reported everything it waits for (it may read n8n's executions). */
	settled(client: N8nRestClient): Promise<boolean>;
}

interface Preview {
	voice: string;
	fileName: string;
	mimeType: string;
	bytes: number;
}

/** The MP3 previews hear-it-first made so far, from its successful executions. */
async function previewsOf(n8n: N8n, client: N8nRestClient, workflowId: string): Promise<Preview[]> {
	return (await successfulRunItems(n8n, client, workflowId, 'Message With Preview')).map((item) => ({
		voice: String(item.json.subject ?? '').replace(/^New voice ready: /, ''),
		fileName: String(item.binary?.data?.fileName ?? '?'),
		mimeType: String(item.binary?.data?.mimeType ?? '?'),
		bytes: Number(item.json.bytes ?? 0),
	}));
}

/** Part 1: triggers instead of a long wait. Returns whether every lead got its message and preview. */
async function runTriggeredOutreach(
	n8n: N8n,
	sandbox: Sandbox,
	linkedIn: LinkedInStub,
	samplesDir: string,
	companion: TriggerCompanion | undefined,
): Promise<boolean> {
	const { clone, hear } = await importTriggeredOutreach(n8n, { samplesDir, linkedInUrl: linkedIn.baseUrl });
	const companionTriggers = companion ? await companion.activate() : 0;
	step('Activated "LinkedIn voice outreach, part 2" and "Hear a new voice before it goes out"; starting n8n (the triggers check every 2 s)…');
	let server: N8nServer | undefined;
	try {
		const started = await startWithOwner(n8n);
		server = started.server;
		// Every trigger's activation poll.
		await waitUntil(() => buenaListPolls(sandbox) >= 2 + companionTriggers, 60_000, 200);
		companion?.begin();

		step('Running "LinkedIn voice outreach, part 1: clone" with n8n execute: it uploads and ends, nothing waits…');
		const since = Date.now();
		const cloned = await n8n.executeRaw(clone.id);
		if (!cloned.ok || !cloned.run) {
			console.log(`  FAILED: ${String(cloned.run?.data.resultData.error?.message ?? cloned.stderr.trim().split('\n').slice(-3).join(' '))}`);
			return false;
		}
		const voices = nodeJson(cloned.run, 'Create Voice Clone');
		console.log(`  ${voices.length} voices training: ${voices.map((voice) => voice.name).join(', ')} (${secondsSince(since)})`);

		let previews: Preview[] = [];
		const deadline = Date.now() + 120_000;
		let lastLine = '';
		while (Date.now() < deadline) {
			previews = await previewsOf(n8n, started.client, hear.id);
			const line = `  waiting for the triggers: ${linkedIn.calls.length} of ${voices.length} messages sent, ${previews.length} of ${voices.length} previews (${secondsSince(since)})`;
			if (line.replace(/\(.*\)$/, '') !== lastLine) console.log(line);
			lastLine = line.replace(/\(.*\)$/, '');
			const companionSettled = companion ? await companion.settled(started.client) : true;
			if (linkedIn.calls.length >= voices.length && previews.length >= voices.length && companionSettled) break;
			await sleep(1_000);
		}
		console.log(`\nLinkedIn voice outreach driven by the Voice Clone Trigger (Buena AI) — ${secondsSince(since)}`);
		console.log('  LinkedIn voice messages scheduled, one execution per poll that found ready voices:');
		for (const call of linkedIn.calls) {
			const voiceId = (call.body.voiceSettings as { voiceId?: string } | undefined)?.voiceId;
			console.log(`    ${String(call.body.leadId)} → ${String(call.body.profileUrl)} with voice ${voiceId}`);
		}
		console.log('  Previews (hear-it-first: Voice Clone → Speak, the MP3 on the message item):');
		for (const preview of previews) console.log(`    ${preview.voice}: ${preview.fileName}, ${preview.mimeType}, ${preview.bytes} bytes`);
		return linkedIn.calls.length === voices.length && previews.length === voices.length;
	} finally {
		await server?.stop();
	}
}

/** Part 2: fill the account, then free the slots a batch needs. */
async function runFreeSlot(n8n: N8n, sandbox: Sandbox): Promise<boolean> {
	sandbox.seedVoice('buena', { name: 'Old Campaign Voice' });
	sandbox.seedVoice('buena', { name: 'Noisy Recording', status: 'failed', errorMessage: 'background noise' });
	const id = await n8n.importWorkflow(exampleWorkflow('free-buena-slot'));
	step('Running "Free a Buena AI slot before a batch" on a full account (the demo added two voices, one failed)…');
	const since = Date.now();
	const result = await n8n.executeRaw(id);
	console.log(`\nFree a Buena AI slot before a batch — ${result.ok ? 'succeeded' : 'FAILED'} in ${secondsSince(since)}`);
	if (!result.ok || !result.run) {
		console.log(`  Error: ${String(result.run?.data.resultData.error?.message ?? result.stderr.trim().split('\n').slice(-3).join(' '))}`);
		return false;
	}
	if (!result.run.data.resultData.runData['Freed Slots']) {
		console.log('  Nothing to free: the account had room.');
		return true;
	}
	const [freed] = nodeJson(result.run, 'Freed Slots');
	for (const voice of freed.deleted as Array<Record<string, unknown>>) {
		console.log(`    deleted ${String(voice.name)} (${String(voice.voiceId)}): ${String(voice.reason)}`);
	}
	console.log(`  Voices: ${String(freed.voicesBefore)} → ${String(freed.voicesNow)} of ${String(freed.accountLimit)}`);
	return true;
}

/** Runs both parts on fresh sandbox accounts (reset() empties every key's); true when both did what they should. */
export async function runVoiceExamples(
	n8n: N8n,
	sandbox: Sandbox,
	linkedIn: LinkedInStub,
	samplesDir: string,
	companion?: TriggerCompanion,
): Promise<boolean> {
	sandbox.reset();
	linkedIn.calls.length = 0;
	const outreach = await runTriggeredOutreach(n8n, sandbox, linkedIn, samplesDir, companion);
	const freed = await runFreeSlot(n8n, sandbox);
	return outreach && freed;
}

/** The Voice Clone examples for the editor (--ui): imported, not activated. */
export async function importVoiceExamples(n8n: N8n, linkedIn: LinkedInStub, samplesDir: string): Promise<void> {
	await n8n.importWorkflows([
		exampleWorkflow('free-buena-slot'),
		exampleWorkflow('hear-it-first'),
		exampleWorkflow('linkedin-outreach-clone', { settings: { samplesDir } }),
		exampleWorkflow('linkedin-outreach-send', { settings: { buenaApiUrl: linkedIn.baseUrl } }),
	]);
}
