/**
 * Workflows for the single-service packages' nodes (n8n-nodes-buena-ai, n8n-nodes-bland-ai), as
 * the editor would save them, and their credentials pointing at the sandbox.
 */
import { randomUUID } from 'crypto';

import type { Sandbox } from '../../sandbox';
import type { CredentialInput } from '../harness/n8n';
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
