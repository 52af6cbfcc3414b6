/**
 * The example workflows (examples/workflows/*.json) and sample audio (examples/audio/) as the
 * demo and the e2e tests use them: credentials pointing at the sandbox under the ids the
 * workflows reference, the Settings node's values substituted, and small per-run patches.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';

import type { Sandbox } from '../../sandbox';
import type { CredentialInput, N8n, WorkflowInput } from '../harness/n8n';
import { REPO_ROOT } from '../harness/versions';
import { activateWorkflow, fastestPollTimes } from './activeWorkflow';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
export const SAMPLE_AUDIO_DIR = path.join(EXAMPLES_DIR, 'audio');
export const WORKFLOWS_DIR = path.join(EXAMPLES_DIR, 'workflows');

export const EXAMPLE_NAMES = [
	'linkedin-outreach',
	'scheduled-batch-cloning',
	'free-buena-slot',
	'hear-it-first',
	'linkedin-outreach-clone',
	'linkedin-outreach-send',
] as const;
export type ExampleName = (typeof EXAMPLE_NAMES)[number];

/** The credential references the example workflows carry (ids and names, never secrets). */
export const EXAMPLE_CREDENTIALS = {
	buena: { id: 'vcBuenaAccount01', name: 'Buena AI account', type: 'buenaApi' },
	bland: { id: 'vcBlandAccount01', name: 'Bland AI account', type: 'blandApi' },
} as const;

/** The two credentials of the examples, pointing at the sandbox with its demo keys. */
export function sandboxCredentials(sandbox: Pick<Sandbox, 'buenaBaseUrl' | 'blandBaseUrl' | 'keys'>): CredentialInput[] {
	return [
		{ ...EXAMPLE_CREDENTIALS.buena, data: { apiKey: sandbox.keys.buena, baseUrl: sandbox.buenaBaseUrl } },
		{ ...EXAMPLE_CREDENTIALS.bland, data: { apiKey: sandbox.keys.bland, baseUrl: sandbox.blandBaseUrl } },
	];
}

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: number[];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	disabled?: boolean;
	onError?: string;
	[key: string]: unknown;
}

export interface ExampleWorkflow extends WorkflowInput {
	nodes: WorkflowNode[];
}

export interface ExamplePatch {
	/** Values for the assignments of the node named "Settings" (by assignment name). */
	settings?: Record<string, string>;
	/** Parameters merged (shallowly) into nodes, by node name. */
	parameters?: Record<string, Record<string, unknown>>;
	/** Other node properties (onError, disabled, …) by node name. */
	node?: Record<string, Partial<WorkflowNode>>;
	/** Workflow name (so several variants can sit in one n8n). */
	name?: string;
	id?: string;
}

/** Reads an example workflow file as the editor exported it. */
export function readExampleWorkflow(name: ExampleName): ExampleWorkflow {
	return JSON.parse(fs.readFileSync(path.join(WORKFLOWS_DIR, `${name}.json`), 'utf8')) as ExampleWorkflow;
}

function findNode(workflow: ExampleWorkflow, name: string): WorkflowNode {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`Workflow "${workflow.name}" has no node "${name}" (has ${workflow.nodes.map((n) => n.name).join(', ')})`);
	return node;
}

/** A copy of an example workflow with the patch applied; unknown nodes/settings throw. */
export function exampleWorkflow(name: ExampleName, patch: ExamplePatch = {}): ExampleWorkflow {
	const workflow = readExampleWorkflow(name);
	if (patch.name) workflow.name = patch.name;
	if (patch.id) workflow.id = patch.id;
	if (patch.settings) {
		const settingsNode = findNode(workflow, 'Settings');
		const assignments = (settingsNode.parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }).assignments;
		for (const [key, value] of Object.entries(patch.settings)) {
			const assignment = assignments.find((a) => a.name === key);
			if (!assignment) throw new Error(`Settings of "${workflow.name}" has no field "${key}"`);
			assignment.value = value;
		}
	}
	for (const [nodeName, parameters] of Object.entries(patch.parameters ?? {})) {
		const node = findNode(workflow, nodeName);
		node.parameters = { ...node.parameters, ...parameters };
	}
	for (const [nodeName, props] of Object.entries(patch.node ?? {})) {
		Object.assign(findNode(workflow, nodeName), props);
	}
	return workflow;
}

/**
 * The outreach driven by the trigger: imports "linkedin-outreach-clone" (run by hand) and
 * activates "linkedin-outreach-send" and "hear-it-first", whose triggers poll every 2 s.
 */
export async function importTriggeredOutreach(
	n8n: N8n,
	options: { samplesDir: string; linkedInUrl: string },
): Promise<{ clone: { id: string }; send: { id: string }; hear: { id: string } }> {
	const pollTimes = fastestPollTimes(n8n.version, 2);
	const [clone, send, hear] = await n8n.importWorkflows([
		exampleWorkflow('linkedin-outreach-clone', { settings: { samplesDir: options.samplesDir } }),
		exampleWorkflow('linkedin-outreach-send', {
			settings: { buenaApiUrl: options.linkedInUrl },
			parameters: { 'Voice Clone Trigger': { pollTimes } },
		}),
		exampleWorkflow('hear-it-first', { parameters: { 'Voice Clone Trigger': { pollTimes } } }),
	]);
	await activateWorkflow(n8n, send.id);
	await activateWorkflow(n8n, hear.id);
	return { clone, send, hear };
}

/** Copies the sample recordings into `dir` (created); returns the file names copied. */
export function copySampleAudio(dir: string, only?: string[]): string[] {
	fs.mkdirSync(dir, { recursive: true });
	const names = only ?? fs.readdirSync(SAMPLE_AUDIO_DIR).filter((f) => !f.startsWith('.'));
	for (const file of names) fs.copyFileSync(path.join(SAMPLE_AUDIO_DIR, file), path.join(dir, file));
	return names;
}

export interface LinkedInCall {
	method: string;
	path: string;
	authorization?: string;
	apiKey?: string;
	body: Record<string, unknown>;
}

export interface LinkedInStub {
	/** Use as the workflow's `buenaApiUrl` (same shape as a Buena base URL). */
	baseUrl: string;
	calls: LinkedInCall[];
	close(): Promise<void>;
}

/**
 * A loopback stand-in for Buena's LinkedIn action endpoint, which the provider sandbox does not
 * implement: `POST <baseUrl>/linkedin/scheduleLinkedInAction` answers like Buena's other
 * endpoints ({success, data, message}) and records the call; anything else is a 404.
 * Requests without a Buena auth header get a 401 in Buena's envelope.
 */
export async function startLinkedInStub(acceptKey: string): Promise<LinkedInStub> {
	const calls: LinkedInCall[] = [];
	let next = 1;
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			let body: Record<string, unknown> = {};
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
			} catch {
				// recorded as {}
			}
			const call: LinkedInCall = {
				method: req.method ?? '',
				path: (req.url ?? '').split('?')[0],
				authorization: req.headers.authorization,
				apiKey: req.headers['x-api-key'] as string | undefined,
				body,
			};
			calls.push(call);
			const send = (status: number, json: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(json));
			};
			if (call.method !== 'POST' || call.path !== '/buena/api/v2/linkedin/scheduleLinkedInAction') {
				send(404, { success: false, error: 'Not found', details: `${call.method} ${call.path}` });
				return;
			}
			if (call.authorization !== `Bearer ${acceptKey}` && call.apiKey !== acceptKey) {
				send(401, { error: true, code: 'UNAUTHORIZED', message: 'Invalid API key', version: '2.0' });
				return;
			}
			const voiceId = (body.voiceSettings as { voiceId?: unknown } | undefined)?.voiceId;
			if (body.actionType !== 'sendVoiceMessage' || typeof voiceId !== 'string' || !voiceId) {
				send(400, { error: true, code: 'VALIDATION_ERROR', message: 'actionType sendVoiceMessage and voiceSettings.voiceId are required', version: '2.0' });
				return;
			}
			send(201, {
				success: true,
				data: { actionId: `act_${String(next++).padStart(4, '0')}`, actionType: 'sendVoiceMessage', status: 'scheduled', voiceId },
				message: 'LinkedIn action scheduled (local stub)',
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		baseUrl: `http://127.0.0.1:${port}/buena/api/v2`,
		calls,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
