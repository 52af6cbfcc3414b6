/**
 * Proves the e2e harness: for every pinned n8n version, a real n8n (headless CLI and server)
 * loads our packed package installed the way n8n installs community packages, runs workflows,
 * imports our credentials, and tests them through n8n's own REST credential-testing path.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';

import { CredentialTestSession } from './harness/credentialTest';
import { disposeAll, N8n, nodeItems, nodeJson, type WorkflowInput } from './harness/n8n';
import { binaryDataModes, e2eVersions } from './harness/matrix';

const INSTALL_TIMEOUT = 25 * 60_000; // n8n installs on demand when `npm run n8n:install` did not run
const TEST_TIMEOUT = 4 * 60_000;

const GOOD_KEY = 'bna_e2e_good_key';

interface Hit {
	method: string;
	url: string;
	host: string;
	authorization?: string;
	apiKey?: string;
}

/** A stand-in for both providers on 127.0.0.1 that only accepts GOOD_KEY. */
async function startFakeProviders(): Promise<{ url: string; hits: Hit[]; close: () => Promise<void> }> {
	const hits: Hit[] = [];
	const server = http.createServer((req, res) => {
		const hit: Hit = {
			method: req.method ?? '',
			url: req.url ?? '',
			host: String(req.headers.host ?? ''),
			authorization: req.headers.authorization,
			apiKey: req.headers['x-api-key'] as string | undefined,
		};
		hits.push(hit);
		const buenaOk =
			hit.method === 'GET' &&
			hit.url === '/voice-clones?limit=1' &&
			hit.authorization === `Bearer ${GOOD_KEY}` &&
			hit.apiKey === GOOD_KEY;
		const blandOk = hit.method === 'GET' && hit.url === '/v1/voices' && hit.authorization === GOOD_KEY;
		const ok = buenaOk || blandOk;
		res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
		res.end(JSON.stringify(ok ? { data: [], voices: [] } : { error: 'unauthorized' }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}`,
		hits,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

function workflow(name: string, nodes: Array<Record<string, unknown>>, connections: Record<string, unknown>): WorkflowInput {
	return { name, nodes, connections };
}

const manualTrigger = { id: 'trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
const startTo = (node: string) => ({ Start: { main: [[{ node, type: 'main', index: 0 }]] } });

afterAll(async () => {
	await disposeAll();
});

describe.each(e2eVersions())('n8n %s with our package installed the n8n way', (version) => {
	let n8n: N8n;
	let providers: Awaited<ReturnType<typeof startFakeProviders>>;

	beforeAll(async () => {
		providers = await startFakeProviders();
		n8n = await N8n.create({ version });
	}, INSTALL_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
		await providers?.close();
	});

	test('the package sits where n8n installs community packages, stripped the way n8n strips it', () => {
		const installed = n8n.installedPackage!;
		expect(installed.packageDir).toBe(path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-voice-clone'));
		const nodesJson = JSON.parse(fs.readFileSync(path.join(installed.nodesDir, 'package.json'), 'utf8'));
		expect(nodesJson).toEqual({
			name: 'installed-nodes',
			private: true,
			dependencies: { 'n8n-nodes-voice-clone': installed.version },
		});
		const pkg = JSON.parse(fs.readFileSync(path.join(installed.packageDir, 'package.json'), 'utf8'));
		expect(pkg.devDependencies).toBeUndefined();
		expect(pkg.peerDependencies).toBeUndefined();
		// No runtime dependency (n8n Cloud installs none): nothing lands beside the package, and
		// n8n-workflow resolves to n8n's own copy.
		expect(pkg.dependencies).toBeUndefined();
		const beside = path.join(installed.packageDir, 'node_modules');
		expect(fs.existsSync(beside) ? fs.readdirSync(beside).filter((name) => !name.startsWith('.')) : []).toEqual([]);
		expect(fs.existsSync(path.join(installed.packageDir, 'node_modules', 'n8n-workflow'))).toBe(false);
	});

	test(
		'headless n8n runs a Code node, knows our node types and refuses unknown ones',
		async () => {
			const ours = { id: 'ours', name: 'Ours', type: n8n.nodeType('createVoiceClone'), typeVersion: 1, position: [200, 200], parameters: {} };
			const code = {
				id: 'code',
				name: 'Code',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: { jsCode: 'return [{ json: { hello: "world", sum: 1 + 1 } }];' },
			};
			// Our node is in the workflow (not connected): n8n builds every node's type up front.
			const run = await n8n.importAndExecute(workflow('code', [manualTrigger, code, ours], startTo('Code')));
			expect(nodeJson(run, 'Code')).toEqual([{ hello: 'world', sum: 2 }]);

			const unknown = { ...ours, type: 'n8n-nodes-voice-clone.doesNotExist' };
			const bad = await n8n.executeRaw(await n8n.importWorkflow(workflow('unknown', [manualTrigger, code, unknown], startTo('Code'))));
			expect(bad.ok).toBe(false);
			expect(bad.stdout + bad.stderr).toMatch(/Unrecognized node type: n8n-nodes-voice-clone\.doesNotExist/);

			// The rows n8n writes for an installed package, from n8n-core's own loader.
			expect(n8n.registeredPackage?.nodes.map((n) => n.type)).toEqual(
				expect.arrayContaining(['n8n-nodes-voice-clone.createVoiceClone', 'n8n-nodes-voice-clone.waitForTraining']),
			);
		},
		TEST_TIMEOUT,
	);

	test(
		'our credentials import encrypted and export back decrypted',
		async () => {
			const imported = await n8n.importCredentials([
				{ name: 'Buena e2e', type: 'buenaApi', data: { apiKey: GOOD_KEY, baseUrl: providers.url } },
				{ name: 'Bland e2e', type: 'blandApi', data: { apiKey: GOOD_KEY, baseUrl: providers.url } },
			]);
			const db = fs.readFileSync(path.join(n8n.userFolder, '.n8n', 'database.sqlite'));
			expect(db.includes(Buffer.from(GOOD_KEY))).toBe(false); // stored encrypted
			const exported = await n8n.exportCredentials();
			for (const c of imported) {
				expect(exported).toContainEqual(expect.objectContaining({ id: c.id, type: c.type, data: c.data }));
			}
		},
		TEST_TIMEOUT,
	);

	test(
		'Read/Write Files from Disk reads the fixture folder into filesystem and database binary data, and nothing outside it',
		async () => {
			fs.writeFileSync(path.join(n8n.filesDir, 'hello.txt'), 'hello binary');
			const read = (file: string) => ({
				id: 'read',
				name: 'Read',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1,
				position: [200, 0],
				parameters: { operation: 'read', fileSelector: file, options: {} },
			});
			const id = await n8n.importWorkflow(workflow('read', [manualTrigger, read(path.join(n8n.filesDir, 'hello.txt'))], startTo('Read')));
			for (const mode of binaryDataModes()) {
				const run = await n8n.execute(id, { env: { N8N_DEFAULT_BINARY_DATA_MODE: mode } });
				const binary = nodeItems(run, 'Read')[0].binary?.data;
				expect(binary).toMatchObject({ fileName: 'hello.txt', mimeType: 'text/plain' });
				expect(String(binary?.id)).toMatch(mode === 'database' ? /^database:/ : /^filesystem(-v2)?:/);
			}
			const outside = await n8n.executeRaw(await n8n.importWorkflow(workflow('outside', [manualTrigger, read('/etc/hostname')], startTo('Read'))));
			expect(outside.ok).toBe(false);
			expect(outside.run?.data.resultData.error?.message).toMatch(/Access to the file is not allowed/);
		},
		TEST_TIMEOUT,
	);

	describe('credential test through n8n REST (POST /rest/credentials/test)', () => {
		let session: CredentialTestSession;
		let trap: Awaited<ReturnType<typeof startFakeProviders>>;

		beforeAll(async () => {
			// Any proxied request (were n8n to try http://example.invalid) would land here.
			trap = await startFakeProviders();
			session = await CredentialTestSession.start(n8n, {
				env: { HTTP_PROXY: trap.url, http_proxy: trap.url, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
			});
		}, TEST_TIMEOUT);

		afterAll(async () => {
			await session?.stop();
			await trap?.close();
		});

		test('our credential types are loaded', async () => {
			const types = await session.client.credentialTypes();
			expect(types.map((t) => t.name)).toEqual(expect.arrayContaining(['buenaApi', 'blandApi']));
		});

		test(
			'the right key passes, with both auth headers on GET /voice-clones?limit=1',
			async () => {
				const before = providers.hits.length;
				const result = await session.test({ type: 'buenaApi', data: { apiKey: GOOD_KEY, baseUrl: providers.url } });
				expect(result).toMatchObject({ status: 'OK' });
				expect(providers.hits.slice(before)).toContainEqual(
					expect.objectContaining({ url: '/voice-clones?limit=1', authorization: `Bearer ${GOOD_KEY}`, apiKey: GOOD_KEY }),
				);
			},
			TEST_TIMEOUT,
		);

		test(
			'a wrong key is reported as a failure',
			async () => {
				const result = await session.test({ type: 'buenaApi', data: { apiKey: 'bna_wrong', baseUrl: providers.url } });
				expect(result.status).toBe('Error');
			},
			TEST_TIMEOUT,
		);

		test(
			'Bland: right key passes, wrong key fails',
			async () => {
				expect(await session.test({ type: 'blandApi', data: { apiKey: GOOD_KEY, baseUrl: providers.url } })).toMatchObject({ status: 'OK' });
				expect((await session.test({ type: 'blandApi', data: { apiKey: 'wrong', baseUrl: providers.url } })).status).toBe('Error');
			},
			TEST_TIMEOUT,
		);

		test.each(['buenaApi', 'blandApi'])(
			'%s: plain http to a non-loopback host is refused before any connection',
			async (type) => {
				const providerHits = providers.hits.length;
				const result = await session.test({ type, data: { apiKey: GOOD_KEY, baseUrl: 'http://example.invalid' } });
				expect(result.status).toBe('Error');
				expect(result.message).toMatch(/plain http to a remote host/);
				expect(result.message).not.toMatch(/ENOTFOUND|EAI_AGAIN|getaddrinfo|ECONNREFUSED/);
				expect(trap.hits).toEqual([]);
				expect(providers.hits.length).toBe(providerHits);
			},
			TEST_TIMEOUT,
		);
	});
});
