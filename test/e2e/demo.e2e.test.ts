/**
 * `npm run demo` as users run it: a whole headless run (exit code and the summary it prints, here
 * the part of n8n-nodes-buena-ai installed beside this package), the editor set up with both
 * packages, and the demo stopped the way users stop it: nothing it started may outlive it — not
 * the n8n editor server, not a running `n8n execute`, not the sandbox (which lives in the demo's
 * own process). Every process of one demo run carries a marker in its environment (n8n's
 * processes inherit it), so they can be told apart from other n8n processes on the machine.
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { N8nRestClient } from './harness/credentialTest';
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

function npmRunDemo(args: string[]): { npm: ChildProcess; id: string; output: () => string; exited: Promise<number | null> } {
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
	const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
	return { npm, id, output: () => out, exited };
}

async function answers(url: string): Promise<boolean> {
	try {
		await fetch(url, { signal: AbortSignal.timeout(2000) });
		return true;
	} catch {
		return false;
	}
}

const BUENA_PACKAGE = 'n8n-nodes-buena-ai';
const BUENA_WORKFLOWS = [
	'LinkedIn voice outreach (Buena AI)',
	'Nightly batch cloning (Buena AI)',
	'Hear a new Buena AI voice',
	'List the Buena AI voices',
].map((name) => `${name} — ${BUENA_PACKAGE}`);

/** The lines of `output` from the one matching `first` up to (not including) the next blank line. */
function section(output: string, first: RegExp): string[] {
	const lines = output.split('\n');
	const start = lines.findIndex((line) => first.test(line));
	if (start < 0) throw new Error(`no line matches ${String(first)} in:\n${output}`);
	const end = lines.findIndex((line, index) => index > start && line.trim() === '');
	return lines.slice(start, end < 0 ? undefined : end);
}

// The full matrix only (npm run test:full): the demo runs for minutes and is about the demo script,
// not a package's nodes (each package's e2e covers those in npm test).
fullMatrixDescribe()('npm run demo', () => {
	test(
		'npm run demo: the whole headless run exits 0, and n8n-nodes-buena-ai, installed beside this package, clones, its trigger reports each voice ready in the same n8n start, Speak and Get Many follow',
		async () => {
			const { output, exited } = npmRunDemo([]);
			const code = await exited;
			const out = output();
			expect([code, out.slice(-4000)]).toEqual([0, expect.stringMatching(/\nDone in \d+\.\d s\. Open the same setup in the editor/)]);

			// The parts that were there before still run and succeed.
			expect(out).toMatch(/^LinkedIn voice outreach \(Buena AI\) — succeeded in/m);
			expect(out).toMatch(/^Nightly batch voice cloning \(Bland AI\) — succeeded in/m);
			expect(out).toMatch(/waiting for the triggers: 3 of 3 messages sent, 3 of 3 previews/);
			expect(out).toMatch(/^Free a Buena AI slot before a batch — succeeded in/m);
			// One `n8n start` for the trigger workflows of both packages.
			expect(out.match(/starting n8n \(the triggers check/g)).toHaveLength(1);
			expect(out).toContain(`▸ Installing ${BUENA_PACKAGE} (nodes Buena AI and Buena AI Trigger) beside it, the same way…`);
			expect(out).toContain(`▸ ${BUENA_PACKAGE}: "Hear a new Buena AI voice" (Buena AI Trigger → Speak) is active in this n8n too;`);

			const part = section(out, new RegExp(`^${BUENA_PACKAGE}: the Buena AI node and the Buena AI Trigger, beside n8n-nodes-voice-clone — `));
			expect(part[0]).toMatch(/— succeeded in \d+\.\d s$/);
			const text = part.join('\n');
			expect(text).toMatch(/"Nightly batch cloning \(Buena AI\) — n8n-nodes-buena-ai": Buena AI → Create, then Buena AI → Wait for Training — succeeded in/);
			// The batch table: one ready voice per recording, named after the file and the date.
			const cloned = [...text.matchAll(/^ {4}((maria-intro|sam-pitch) \d{4}-\d\d-\d\d) +(\S+) +(\S+) +(\S+ \(\d+\.\d s\))$/gm)].map((m) => ({
				name: m[1],
				voiceId: m[3],
				status: m[4],
				sample: m[5],
			}));
			cloned.sort((a, b) => a.name.localeCompare(b.name));
			expect(cloned.map(({ name, status, sample }) => [name.split(' ')[0], status, sample.split(' ')[0]])).toEqual([
				['maria-intro', 'ready', 'maria-intro.wav'],
				['sam-pitch', 'ready', 'sam-pitch.mp3'],
			]);
			expect(new Set(cloned.map((voice) => voice.voiceId)).size).toBe(2);
			expect(text).toMatch(/Refused before upload \(error output → Failed Recordings\), 1 file\(s\):\n {4}broken-recording\.wav: .*not audio/);
			// The trigger reported each of those voices ready, and Speak said a line in each.
			expect(text).toMatch(/Buena AI Trigger \(Training Finished\) in "Hear a new Buena AI voice — n8n-nodes-buena-ai", active in the same n8n start: 2 voices reported in [12] executions?/);
			const reported = [...text.matchAll(/^ {4}\+\d+\.\d s after the batch started, event (\w+): (.+) \((\S+), status (\w+)\) → (.*)$/gm)].map((m) => ({
				event: m[1],
				name: m[2],
				voiceId: m[3],
				status: m[4],
				then: m[5],
			}));
			expect(reported.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
				cloned.map(({ name, voiceId }) => ({
					event: 'ready',
					name,
					voiceId,
					status: 'ready',
					then: expect.stringMatching(/^Buena AI → Speak: preview\.mp3, audio\/mpeg, [1-9]\d* bytes$/),
				})),
			);
			// Get Many lists the account: those two voices.
			expect(text).toMatch(/Buena AI → Get Many \("List the Buena AI voices — n8n-nodes-buena-ai", after n8n stopped\): 2 voices in the account/);
			const listed = [...text.matchAll(/^ {4}(.+?) +(\S+) +(ready|processing|failed)$/gm)].map((m) => [m[1], m[2], m[3]]);
			expect(listed.sort()).toEqual(cloned.map(({ name, voiceId }) => [name, voiceId, 'ready']));
		},
		SETUP_TIMEOUT,
	);

	test(
		'npm run demo -- --ui: both packages loaded, the Buena package credential and workflows imported; SIGTERM to npm stops the n8n editor and everything else',
		async () => {
			const port = await freePort();
			const { npm, id, output } = npmRunDemo(['--ui', '--port', String(port)]);
			await waitFor('the editor is up', () => /Editor: +http:\/\/localhost:\d+/.test(output()), SETUP_TIMEOUT);
			expect(await answers(`http://127.0.0.1:${port}/healthz`)).toBe(true);
			expect(processesOf(id).some((p) => / start$/.test(p.cmdline))).toBe(true); // the n8n server

			expect(output()).toMatch(/Packages: +n8n-nodes-voice-clone: Create Voice Clone, Wait for Training, Voice Clone, Voice Clone Trigger\n +n8n-nodes-buena-ai: Buena AI, Buena AI Trigger\n/);
			const client = new N8nRestClient(`http://127.0.0.1:${port}`);
			await client.setupOwnerAndLogin();
			const nodeTypes = (await client.request<Array<{ name: string }>>('GET', '/types/nodes.json')).map((type) => type.name);
			expect(nodeTypes).toEqual(expect.arrayContaining([`${BUENA_PACKAGE}.buenaAi`, `${BUENA_PACKAGE}.buenaAiTrigger`, 'n8n-nodes-voice-clone.voiceCloneTrigger']));
			const credentials = await client.request<Array<{ name: string; type: string }>>('GET', '/rest/credentials');
			expect(credentials.map((credential) => [credential.name, credential.type]).sort()).toEqual(
				[
					['Bland AI account', 'blandApi'],
					['Buena AI account', 'buenaApi'],
					[`Buena AI account (${BUENA_PACKAGE})`, 'buenaAiApi'],
				].sort(),
			);
			const workflows = await client.request<Array<{ name: string }>>('GET', '/rest/workflows');
			expect(workflows.map((workflow) => workflow.name)).toEqual(expect.arrayContaining(BUENA_WORKFLOWS));

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
