/**
 * Small builders for the workflows the e2e tests import: the JSON the n8n editor would save,
 * written as code so a test shows its whole graph in a few lines.
 */
import { randomUUID } from 'crypto';

import type { RequestLogEntry } from '../../sandbox';
import type { WorkflowInput } from '../harness/n8n';
import { EXAMPLE_CREDENTIALS } from './examples';

/** Waiting for n8n to install (when `npm run n8n:install` did not run) and to migrate its database. */
export const SETUP_TIMEOUT = 25 * 60_000;
/** One `n8n execute` is a fresh process: ~5–15 s. */
export const EXECUTION_TIMEOUT = 3 * 60_000;

export interface TestNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
}

let column = 0;
function node(name: string, type: string, typeVersion: number, parameters: Record<string, unknown>, extra: Partial<TestNode> = {}): TestNode {
	column += 1;
	return { id: randomUUID(), name, type, typeVersion, position: [column * 220, 300], parameters, ...extra };
}

const credentialsFor = (provider: 'buena' | 'bland') => {
	const { id, name, type } = EXAMPLE_CREDENTIALS[provider];
	return { [type]: { id, name } };
};

export const manualTrigger = (name = 'Start') => node(name, 'n8n-nodes-base.manualTrigger', 1, {});

/** Read/Write Files from Disk, read operation (a path or a glob). */
export const readFiles = (name: string, fileSelector: string) =>
	node(name, 'n8n-nodes-base.readWriteFile', 1, { fileSelector, options: {} });

export const noOp = (name: string) => node(name, 'n8n-nodes-base.noOp', 1, {});

export function createVoiceClone(
	name: string,
	provider: 'buena' | 'bland',
	parameters: Record<string, unknown>,
	extra: Partial<TestNode> = {},
): TestNode {
	return node(name, 'n8n-nodes-voice-clone.createVoiceClone', 1, { provider, binaryProperties: 'data', options: {}, ...parameters }, {
		credentials: credentialsFor(provider),
		...extra,
	});
}

export function waitForTraining(
	name: string,
	provider: 'buena' | 'bland',
	parameters: Record<string, unknown> = {},
	extra: Partial<TestNode> = {},
): TestNode {
	return node(
		name,
		'n8n-nodes-voice-clone.waitForTraining',
		1,
		{ provider, voiceId: '={{ $json.voiceId }}', pollInterval: 0.5, timeout: 1, ...parameters },
		{ credentials: credentialsFor(provider), ...extra },
	);
}

type Edge = [from: string, to: string, output?: number];

/** A workflow from nodes and edges `[from, to, output = 0]`. */
export function workflow(name: string, nodes: TestNode[], edges: Edge[]): WorkflowInput {
	const connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }> = {};
	for (const [from, to, output = 0] of edges) {
		const main = (connections[from] ??= { main: [] }).main;
		while (main.length <= output) main.push([]);
		main[output].push({ node: to, type: 'main', index: 0 });
	}
	return { name, nodes: nodes as unknown as Array<Record<string, unknown>>, connections, settings: { executionOrder: 'v1' } };
}

/** Sandbox log entries that create a voice (Buena POST /voice-clones, Bland POST /v1/voices/clone). */
export function cloneUploads(log: RequestLogEntry[]): RequestLogEntry[] {
	return log.filter(
		(entry) =>
			entry.method === 'POST' &&
			(/\/buena\/api\/v2\/voice-clones$/.test(entry.path) || /\/bland\/v1\/voices\/clone$/.test(entry.path)),
	);
}

/** The value of a multipart/JSON field in a log entry. */
export function fieldValue(entry: RequestLogEntry, name: string): string | undefined {
	return entry.fields.find((field) => field.name === name)?.value;
}
