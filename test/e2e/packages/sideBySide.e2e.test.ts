/**
 * n8n-nodes-voice-clone, n8n-nodes-buena-ai and n8n-nodes-bland-ai installed together in one real
 * n8n (every pinned version), each the way n8n installs community packages: all their node types
 * and all four credential types load, and in one workflow each node works with its own credential,
 * which here belongs to its own sandbox account, so a node that took another package's credential
 * would list the wrong voices.
 */
import { randomUUID } from 'crypto';

import { startSandbox, type Sandbox } from '../../sandbox';
import { packSingleServicePackage } from '../../packages/support/packageFolder';
import { N8nRestClient } from '../harness/credentialTest';
import { disposeAll, N8n, nodeJson, packedPackage, type CredentialInput } from '../harness/n8n';
import { e2eVersions } from '../harness/matrix';
import { EXAMPLE_CREDENTIALS, sandboxCredentials } from '../support/examples';
import { EXECUTION_TIMEOUT, manualTrigger, SETUP_TIMEOUT, workflow, type TestNode } from '../support/workflows';
import { BLAND_PACKAGE, blandAi, BUENA_PACKAGE, buenaAi, packageCredentials } from './support';

/** The packages' credentials use accounts of their own, apart from the root package's demo accounts. */
const PACKAGE_KEYS = { buena: 'bna_single_service_package', bland: 'sk-bland-single-service-package' };

const ROOT_NODES = ['createVoiceClone', 'waitForTraining', 'voiceClone', 'voiceCloneTrigger'].map((name) => `n8n-nodes-voice-clone.${name}`);
const PACKAGE_NODES = [`${BUENA_PACKAGE}.buenaAi`, `${BUENA_PACKAGE}.buenaAiTrigger`, `${BLAND_PACKAGE}.blandAi`];
const CREDENTIAL_TYPES = ['buenaApi', 'blandApi', 'buenaAiApi', 'blandAiApi'];

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 1500 });
	sandbox.addKey('buena', PACKAGE_KEYS.buena);
	sandbox.addKey('bland', PACKAGE_KEYS.bland);
});

afterAll(async () => {
	await disposeAll();
	await sandbox?.close();
});

function rootVoiceClone(name: string, provider: 'buena' | 'bland'): TestNode {
	const { id, name: credentialName, type } = EXAMPLE_CREDENTIALS[provider];
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-voice-clone.voiceClone',
		typeVersion: 1,
		position: [provider === 'buena' ? 220 : 440, 100],
		parameters: { provider, operation: 'getAll', returnAll: true, filters: {} },
		credentials: { [type]: { id, name: credentialName } },
		executeOnce: true,
	} as TestNode;
}

describe.each(e2eVersions())('n8n %s with the three packages installed side by side', (version) => {
	let n8n: N8n;
	let workflowId: string;
	let credentials: CredentialInput[];

	beforeAll(async () => {
		// All three in one setup: the shared n8n of a jest run is keyed by what it installs, so a package
		// added to an instance's user folder afterwards would land in every other file's n8n too.
		const packages = [(await packedPackage()).tarball];
		for (const name of [BUENA_PACKAGE, BLAND_PACKAGE]) packages.push((await packSingleServicePackage(name)).tarball);
		n8n = await N8n.create({ version, packages });
		credentials = [...sandboxCredentials(sandbox), ...packageCredentials(sandbox, PACKAGE_KEYS)];
		await n8n.importCredentials(credentials);
		workflowId = await n8n.importWorkflow(
			workflow(
				'Every package lists its account with its own credential',
				[
					manualTrigger(),
					rootVoiceClone('Voice Clone (Buena)', 'buena'),
					rootVoiceClone('Voice Clone (Bland)', 'bland'),
					buenaAi('Buena AI', 'getAll', { returnAll: true, filters: {} }, { executeOnce: true } as Partial<TestNode>),
					blandAi('Bland AI', 'getAll', { returnAll: true, filters: {} }, { executeOnce: true } as Partial<TestNode>),
				],
				[
					['Start', 'Voice Clone (Buena)'],
					['Start', 'Voice Clone (Bland)'],
					['Start', 'Buena AI'],
					['Start', 'Bland AI'],
				],
			),
		);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
	});

	test(
		"each package's nodes run with its own credential and see only that credential's account",
		async () => {
			sandbox.reset();
			const voices = {
				rootBuena: sandbox.seedVoice('buena', { name: 'Root package Buena voice' }),
				packageBuena: sandbox.seedVoice('buena', { name: 'Buena package voice', key: PACKAGE_KEYS.buena }),
				rootBland: sandbox.seedVoice('bland', { name: 'Root package Bland voice' }),
				packageBland: sandbox.seedVoice('bland', { name: 'Bland package voice', key: PACKAGE_KEYS.bland }),
			};

			const run = await n8n.execute(workflowId);

			const listed = (node: string) => nodeJson(run, node).map((voice) => [voice.provider, voice.voiceId]);
			expect(listed('Voice Clone (Buena)')).toEqual([['buena', voices.rootBuena]]);
			expect(listed('Voice Clone (Bland)')).toEqual([['bland', voices.rootBland]]);
			expect(listed('Buena AI')).toEqual([['buena', voices.packageBuena]]);
			expect(listed('Bland AI')).toEqual([['bland', voices.packageBland]]);
		},
		EXECUTION_TIMEOUT,
	);

	test(
		"n8n's REST API lists every node type of the three packages and each credential type once; every credential passes its test",
		async () => {
			const server = await n8n.startServer();
			try {
				const client = new N8nRestClient(server.baseUrl);
				await client.setupOwnerAndLogin();
				const nodeTypes = (await client.request<Array<{ name: string }>>('GET', '/types/nodes.json')).map((node) => node.name);
				expect(nodeTypes).toEqual(expect.arrayContaining([...ROOT_NODES, ...PACKAGE_NODES]));
				const credentialTypes = (await client.credentialTypes()).map((credential) => credential.name);
				expect(CREDENTIAL_TYPES.map((type) => [type, credentialTypes.filter((name) => name === type).length])).toEqual(
					CREDENTIAL_TYPES.map((type) => [type, 1]),
				);

				for (const credential of credentials) {
					const stored = await client.createCredential({ name: `${credential.name} (REST)`, type: credential.type, data: credential.data });
					const result = await client.testCredential({ id: stored.id, name: stored.name, type: credential.type, data: credential.data });
					expect([credential.type, result.status]).toEqual([credential.type, 'OK']);
				}
			} finally {
				await server.stop();
			}
		},
		EXECUTION_TIMEOUT,
	);
});
