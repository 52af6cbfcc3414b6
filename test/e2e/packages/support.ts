/**
 * Workflows for the single-service packages' nodes (n8n-nodes-buena-ai, n8n-nodes-bland-ai), as
 * the editor would save them, and their credentials pointing at the sandbox.
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import type { Sandbox } from '../../sandbox';
import type { CredentialInput, WorkflowInput } from '../harness/n8n';
import { REPO_ROOT } from '../harness/versions';
import type { TestNode } from '../support/workflows';

export const BUENA_PACKAGE = 'n8n-nodes-buena-ai';
export const BLAND_PACKAGE = 'n8n-nodes-bland-ai';

/** The packages' own credentials (never the root package's buenaApi/blandApi). */
export const PACKAGE_CREDENTIALS = {
	buena: { id: 'pkgBuenaAiCred01', name: 'Buena AI (package)', type: 'buenaAiApi' },
	bland: { id: 'pkgBlandAiCred01', name: 'Bland AI (package)', type: 'blandAiApi' },
} as const;

/** The packages' credentials with the sandbox's URLs and, unless given, its demo keys. */
export function packageCredentials(sandbox: Sandbox, keys: Partial<Record<'buena' | 'bland', string>> = {}): CredentialInput[] {
	return [
		{ ...PACKAGE_CREDENTIALS.buena, data: { apiKey: keys.buena ?? sandbox.keys.buena, baseUrl: sandbox.buenaBaseUrl } },
		{ ...PACKAGE_CREDENTIALS.bland, data: { apiKey: keys.bland ?? sandbox.keys.bland, baseUrl: sandbox.blandBaseUrl } },
	];
}

let column = 0;
function at(): [number, number] {
	column += 1;
	return [column * 220, 300];
}

function credentialOf(provider: 'buena' | 'bland') {
	const { id, name, type } = PACKAGE_CREDENTIALS[provider];
	return { [type]: { id, name } };
}

/** The Buena AI node: resource Voice Clone, the given operation. */
export function buenaAi(name: string, operation: string, parameters: Record<string, unknown>, extra: Partial<TestNode> = {}): TestNode {
	return {
		id: randomUUID(),
		name,
		type: `${BUENA_PACKAGE}.buenaAi`,
		typeVersion: 1,
		position: at(),
		parameters: { resource: 'voiceClone', operation, ...parameters },
		credentials: credentialOf('buena'),
		...extra,
	};
}

/** The Bland AI node: resource Voice, the given operation. */
export function blandAi(name: string, operation: string, parameters: Record<string, unknown>, extra: Partial<TestNode> = {}): TestNode {
	return {
		id: randomUUID(),
		name,
		type: `${BLAND_PACKAGE}.blandAi`,
		typeVersion: 1,
		position: at(),
		parameters: { resource: 'voice', operation, ...parameters },
		credentials: credentialOf('bland'),
		...extra,
	};
}

/** A voice picker set to "By ID". */
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** Read/Write Files from Disk, writing the item's `data` binary to `fileName`. */
export function writeFile(name: string, fileName: string): TestNode {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		position: at(),
		parameters: { operation: 'write', fileName, dataPropertyName: 'data', options: {} },
	};
}

/** An example workflow of a package (packages/<name>/examples/<file>), with its Settings node's values and node parameters patched. */
export function packageExample(
	packageName: string,
	file: string,
	patch: { settings?: Record<string, string>; parameters?: Record<string, Record<string, unknown>> } = {},
): WorkflowInput {
	const workflow = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'packages', packageName, 'examples', file), 'utf8')) as WorkflowInput;
	const nodes = workflow.nodes as Array<{ name: string; parameters: Record<string, unknown> }>;
	const node = (name: string) => {
		const found = nodes.find((candidate) => candidate.name === name);
		if (!found) throw new Error(`${file} has no node "${name}"`);
		return found;
	};
	for (const [name, value] of Object.entries(patch.settings ?? {})) {
		const assignments = (node('Settings').parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }).assignments;
		const assignment = assignments.find((candidate) => candidate.name === name);
		if (!assignment) throw new Error(`${file}: Settings has no "${name}"`);
		assignment.value = value;
	}
	for (const [name, parameters] of Object.entries(patch.parameters ?? {})) Object.assign(node(name).parameters, parameters);
	return workflow;
}

/** The credentials the example workflows of the packages name (their ids), pointing at the sandbox. */
export function exampleCredentials(sandbox: Sandbox): CredentialInput[] {
	return [
		{ id: 'buenaAiAccount01', name: 'Buena AI account', type: 'buenaAiApi', data: { apiKey: sandbox.keys.buena, baseUrl: sandbox.buenaBaseUrl } },
		{ id: 'blandAiAccount01', name: 'Bland AI account', type: 'blandAiApi', data: { apiKey: sandbox.keys.bland, baseUrl: sandbox.blandBaseUrl } },
	];
}
