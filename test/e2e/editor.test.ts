/**
 * Our nodes in the real n8n editor, in headless Chromium, as a user meets them: for every pinned
 * n8n version, a server with our packed package installed the n8n way, the owner logged in, a
 * new workflow; each node is found in the nodes panel by name, added, and its parameters and
 * credential selector are checked for both providers. Icons must load, and the editor must log
 * no console or page errors.
 *
 * Screenshots go to .cache/screenshots/<version>/ on every run; with
 * N8N_E2E_UPDATE_SCREENSHOTS=1 the newest version's set also replaces docs/screenshots/.
 * N8N_E2E_EDITOR_TARBALL=<path to .tgz> runs against that package instead of this checkout.
 */
import * as http from 'http';
import * as path from 'path';

import type { Browser } from 'playwright-core';

import { launchChromium } from './browser/chromium';
import { EditorPage, screenshotOnFailure, notShown, shown, type RenderedIcon } from './browser/editor';
import { makeCommunityNpmOffline } from './browser/offlineNpm';
import { N8nRestClient } from './harness/credentialTest';
import { disposeAll, majorOf, N8n, type N8nServer } from './harness/n8n';
import { fullMatrixDescribe } from './harness/matrix';
import { CACHE_ROOT, N8N_VERSIONS, PACKAGE_NAME, REPO_ROOT } from './harness/versions';

const INSTALL_TIMEOUT = 25 * 60_000; // n8n installs on demand when `npm run n8n:install` did not run
const STEP_TIMEOUT = 2 * 60_000;

const NEWEST = N8N_VERSIONS[N8N_VERSIONS.length - 1];
const DOCS_SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');

/** Server settings for the editor on a closed network: no calls home that would log errors. */
const EDITOR_ENV: Record<string, string> = {
	// 1.x fetches https://api.n8n.io/api/banners from the browser and logs an error when it fails.
	N8N_DYNAMIC_BANNERS_ENABLED: 'false',
};

interface NodeUnderTest {
	name: string;
	displayName: string;
	/** File names of its light and dark icons. */
	icons: string[];
}

const CREATE: NodeUnderTest = { name: 'createVoiceClone', displayName: 'Create Voice Clone', icons: ['voiceClone.svg', 'voiceClone.dark.svg'] };
const WAIT: NodeUnderTest = { name: 'waitForTraining', displayName: 'Wait for Training', icons: ['waitForTraining.svg', 'waitForTraining.dark.svg'] };
const TRIGGER: NodeUnderTest = {
	name: 'voiceCloneTrigger',
	displayName: 'Voice Clone Trigger',
	icons: ['voiceCloneTrigger.svg', 'voiceCloneTrigger.dark.svg'],
};

/** Provider option → credential type display name, and the fields only that provider shows. */
/**
 * The credential stored before the editor opens. Only Buena's: when a node is added, n8n picks
 * a stored credential of *any* of its providers and switches the node's provider to match, so
 * a Bland credential would make the default provider depend on n8n's choice.
 */
const STORED_BUENA = 'Buena e2e';

const PROVIDERS = {
	buena: { option: 'Buena AI', credential: 'Buena AI API', fields: ['Voice Settings'], named: /Buena/ },
	bland: { option: 'Bland AI', credential: 'Bland AI API', fields: ['Gender', 'Engine'], named: /Bland/ },
} as const;
type Provider = keyof typeof PROVIDERS;
const otherThan = (p: Provider): Provider => (p === 'buena' ? 'bland' : 'buena');

interface FakeProviders {
	url: string;
	close: () => Promise<void>;
}

/** Both providers' APIs as far as a credential test needs them: 200 with an empty list. */
async function startFakeProviders(): Promise<FakeProviders> {
	const server = http.createServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ data: [], voices: [] }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function expectLoaded(icons: RenderedIcon[], expectedFile: string): void {
	expect(icons.length).toBeGreaterThan(0);
	for (const icon of icons) {
		expect(icon).toMatchObject({ complete: true });
		expect(icon.naturalWidth).toBeGreaterThan(0);
		expect(icon.naturalHeight).toBeGreaterThan(0);
	}
	expect(icons.map((i) => path.basename(new URL(i.src).pathname))).toContain(expectedFile);
}

afterAll(async () => {
	await disposeAll();
});

// The full matrix only (npm run test:full): headless Chromium takes minutes per version.
fullMatrixDescribe().each(N8N_VERSIONS)('n8n %s editor in Chromium', (version) => {
	let n8n: N8n | undefined;
	let server: N8nServer | undefined;
	let browser: Browser | undefined;
	let editor: EditorPage;
	let providers: FakeProviders;
	/** Name of the Bland credential created in the editor. */
	let blandCredential = '';
	let started = Date.now();

	const shots = (name: string): string[] => {
		const files = [path.join(CACHE_ROOT, 'screenshots', version, `${name}.png`)];
		if (version === NEWEST && process.env.N8N_E2E_UPDATE_SCREENSHOTS === '1') files.push(path.join(DOCS_SCREENSHOTS, `${name}.png`));
		return files;
	};

	/** Runs a UI step; on failure keeps a screenshot of the page next to the others. */
	const ui = screenshotOnFailure(version, () => editor);

	beforeAll(async () => {
		started = Date.now();
		// A user folder of its own: the editor lists every stored credential, and which one n8n
		// picks for a new node decides the provider it shows first.
		n8n = await N8n.create({
			version,
			shared: false,
			...(process.env.N8N_E2E_EDITOR_TARBALL ? { package: process.env.N8N_E2E_EDITOR_TARBALL } : {}),
		});
		makeCommunityNpmOffline(n8n.userFolder);
		server = await n8n.startServer({ env: EDITOR_ENV });
		providers = await startFakeProviders();
		const client = new N8nRestClient(server.baseUrl);
		await client.setupOwnerAndLogin();
		await client.createCredential({ name: STORED_BUENA, type: 'buenaApi', data: { apiKey: 'e2e-buena', baseUrl: providers.url } });
		browser = await launchChromium();
		editor = await EditorPage.open(browser, server.baseUrl, n8n.installedPackage?.name ?? PACKAGE_NAME);
		await editor.newWorkflow();
	}, INSTALL_TIMEOUT);

	afterAll(async () => {
		// Each step on its own: a failure in one must not keep the others from running.
		await editor?.close().catch(() => undefined);
		await browser?.close().catch(() => undefined);
		await n8n?.dispose();
		await providers?.close();
		console.log(`[editor] n8n ${version}: ${Math.round((Date.now() - started) / 1000)} s including server start-up`);
	}, STEP_TIMEOUT);

	test('every icon of our nodes and credentials answers 200 with SVG, light and dark', async () => {
		const nodeTypes = JSON.parse((await editor.get('/types/nodes.json')).body.toString('utf8')) as Array<{
			name: string;
			iconUrl?: string | { light: string; dark: string };
		}>;
		const credentialTypes = JSON.parse((await editor.get('/types/credentials.json')).body.toString('utf8')) as Array<{
			name: string;
			iconUrl?: string | { light: string; dark: string };
		}>;
		const ours = [
			...nodeTypes.filter((t) => [CREATE, WAIT, TRIGGER].some((node) => t.name === `${PACKAGE_NAME}.${node.name}`)),
			...credentialTypes.filter((t) => t.name === 'buenaApi' || t.name === 'blandApi'),
		];
		expect(ours.map((t) => t.name).sort()).toEqual(
			['blandApi', 'buenaApi', ...[CREATE, WAIT, TRIGGER].map((node) => `${PACKAGE_NAME}.${node.name}`)].sort(),
		);
		for (const type of ours) {
			expect(typeof type.iconUrl).toBe('object'); // light and dark variants
			const urls = type.iconUrl as { light: string; dark: string };
			for (const url of [urls.light, urls.dark]) {
				const res = await editor.get(`/${url}`);
				expect({ type: type.name, url, status: res.status, contentType: res.contentType }).toEqual({
					type: type.name,
					url,
					status: 200,
					contentType: expect.stringMatching(/^image\/svg\+xml/),
				});
				expect(res.body.toString('utf8')).toMatch(/<svg[\s>]/);
			}
		}
	});

	/**
	 * Opens "Create new credential" and checks the modal is for `provider`'s credential type;
	 * closes it. 2.x only: the 1.x modal always starts on the first option (Buena AI) whatever
	 * the node's provider, so there the subtitle check on the canvas has to do.
	 */
	async function expectNewCredentialFor(provider: Provider): Promise<void> {
		if (majorOf(version) < 2) return;
		const dialog = await editor.openNewCredential();
		await shown(dialog.getByText(PROVIDERS[provider].credential, { exact: true }), `credential type "${PROVIDERS[provider].credential}" in the modal`);
		await notShown(dialog.getByText(PROVIDERS[otherThan(provider)].credential, { exact: true }), `credential type "${PROVIDERS[otherThan(provider)].credential}" in the modal`);
		await editor.closeCredentialDialog();
	}

	async function expectFieldsOf(provider: Provider): Promise<void> {
		for (const field of PROVIDERS[provider].fields) await shown(editor.parameterLabel(field), `field "${field}" for ${PROVIDERS[provider].option}`);
		for (const field of PROVIDERS[otherThan(provider)].fields) await notShown(editor.parameterLabel(field), `field "${field}" for ${PROVIDERS[provider].option}`);
	}

	/**
	 * Switches the open node to `provider` the way the editor offers it: "Create new credential",
	 * pick the provider under "Connect using", save the new credential (n8n names it
	 * "<provider> account", numbered when taken).
	 */
	async function switchProviderByNewCredential(from: Provider, to: Provider): Promise<void> {
		const dialog = await editor.openNewCredential();
		await shown(dialog.getByText(PROVIDERS[from].credential, { exact: true }), `credential type "${PROVIDERS[from].credential}" in the modal`);
		expectLoaded(await editor.ourIcons(dialog), `${from}.svg`);
		await editor.chooseConnectUsing(PROVIDERS[to].option);
		await shown(dialog.getByText(PROVIDERS[to].credential, { exact: true }), `credential type "${PROVIDERS[to].credential}" in the modal`);
		expectLoaded(await editor.ourIcons(dialog), `${to}.svg`);
		await editor.saveCredential({ apiKey: 'e2e-editor-key', baseUrl: providers.url });
	}

	test(
		'Create Voice Clone: found by name with its icon; Buena fields and credentials by default, Bland ones after switching',
		ui('create-voice-clone', async () => {
			const item = await editor.searchNodesPanel('Create Voice Clone', CREATE.displayName);
			expectLoaded(await editor.ourIcons(item), CREATE.icons[0]);
			await editor.addFromNodesPanel(item);

			await editor.fillParameter('name', 'Sales Voice');

			// Buena AI is the default provider, and the stored Buena credential is picked.
			await expectFieldsOf('buena');
			expect(await editor.selectedCredential()).toBe(STORED_BUENA);
			await editor.screenshot(editor.parameters, shots('create-voice-clone-buena'));

			// A user switches provider through the credential: a new one, "Connect using" Bland AI.
			await switchProviderByNewCredential('buena', 'bland');
			await expectFieldsOf('bland');
			// n8n names it "Bland AI account" (2.x) or keeps the first type's "Buena AI account" (1.x).
			blandCredential = await editor.selectedCredential();
			expect(blandCredential).toMatch(/^(Bland|Buena) AI account/);

			// The select offers both providers' credentials (n8n treats Provider as the node's
			// authentication choice): picking one switches the provider back and forth.
			const options = await editor.credentialOptions();
			expect(options.filter((o) => o.includes(STORED_BUENA))).toHaveLength(1);
			expect(options.filter((o) => o.includes(blandCredential))).toHaveLength(1);
			await editor.chooseCredential(STORED_BUENA);
			await expectFieldsOf('buena');
			await expectNewCredentialFor('buena');
			await editor.chooseCredential(blandCredential);
			await expectFieldsOf('bland');
			await editor.screenshot(editor.parameters, shots('create-voice-clone-bland'));
			await expectNewCredentialFor('bland');

			await editor.closeNodeDetails();
			await shown(editor.canvasNode(CREATE.displayName).getByText(PROVIDERS.bland.option, { exact: true }), 'the "Bland AI" subtitle of Create Voice Clone');
		}),
		STEP_TIMEOUT,
	);

	test(
		'Wait for Training: found by name with its icon; asks for the credential of the chosen provider',
		ui('wait-for-training', async () => {
			const item = await editor.searchNodesPanel('Wait for Training', WAIT.displayName);
			expectLoaded(await editor.ourIcons(item), WAIT.icons[0]);
			await editor.addFromNodesPanel(item);
			await shown(editor.parameterLabel('Voice ID'), 'field "Voice ID"');
			// Both kinds of credential exist now: the selected one decides the provider.
			await editor.chooseCredential(blandCredential);
			await expectNewCredentialFor('bland');
			await editor.chooseCredential(STORED_BUENA);
			await expectNewCredentialFor('buena');
			await editor.screenshot(editor.parameters, shots('wait-for-training'));

			await editor.closeNodeDetails();
		}),
		STEP_TIMEOUT,
	);

	test(
		'both nodes sit on the canvas with their icons loaded',
		ui('canvas', async () => {
			await editor.page.getByTestId('zoom-to-fit').click();
			await shown(editor.canvasNode(WAIT.displayName).getByText(PROVIDERS.buena.option, { exact: true }), 'the "Buena AI" subtitle of Wait for Training');
			for (const node of [CREATE, WAIT]) {
				const onCanvas = editor.canvasNode(node.displayName);
				await shown(onCanvas, `${node.displayName} on the canvas`);
				expect(await onCanvas.count()).toBe(1);
				expectLoaded(await editor.ourIcons(onCanvas), node.icons[0]);
			}
			await editor.screenshot(editor.page, shots('editor-canvas'));
			// Every icon request of ours the editor made succeeded with SVG.
			expect(editor.iconResponses.length).toBeGreaterThan(0);
			for (const res of editor.iconResponses) {
				expect(res).toEqual({ url: res.url, status: 200, contentType: expect.stringMatching(/^image\/svg\+xml/) });
			}
		}),
		STEP_TIMEOUT,
	);

	test(
		'Voice Clone Trigger: n8n lists it under "Voice Clone" as one trigger per event; the one picked is set, with Poll Times; the no-training notice only for Bland',
		// After the canvas screenshot (docs/screenshots/editor-canvas.png), which shows the two action nodes.
		ui('voice-clone-trigger', async () => {
			// n8n merges a trigger named "<node>Trigger" with the node "<node>": searching for the
			// trigger shows "Voice Clone", whose details list "On <event>" triggers built from Events.
			await editor.searchNodesPanelName('Voice Clone Trigger', 'Voice Clone');
			// With a trigger already on the canvas, n8n shows the actions first and folds the triggers.
			const folded = editor.page.getByText(/^Triggers \(\d+\)/).first();
			const firstTrigger = editor.page.getByText('On training finished', { exact: true }).first();
			await folded.or(firstTrigger).first().waitFor();
			if (!(await firstTrigger.isVisible())) await folded.click();
			const triggers = ['On voice created', 'On training failed', 'On training finished'];
			for (const name of triggers) await shown(editor.page.getByText(name, { exact: true }).first(), `the trigger "${name}" under Voice Clone`);
			await editor.addFromNodesPanel(editor.page.getByText('On training finished', { exact: true }).first());

			// n8n adds Poll Times to every polling node; Events holds the picked event.
			await shown(editor.parameterLabel('Poll Times'), 'field "Poll Times"');
			await shown(editor.parameterLabel('Events'), 'field "Events"');
			await shown(editor.parameters.getByText('Training Finished', { exact: true }), 'the picked event "Training Finished"');
			const notice = editor.parameters.getByText(/voices can be used as soon as they are created/);
			await editor.chooseCredential(STORED_BUENA);
			await notShown(notice, 'the no-training notice for Buena AI');
			await editor.chooseCredential(blandCredential);
			await shown(notice, 'the no-training notice for Bland AI');
			await editor.screenshot(editor.parameters, shots('voice-clone-trigger'));
			await editor.closeNodeDetails();
			expectLoaded(await editor.ourIcons(editor.canvasNode(TRIGGER.displayName)), TRIGGER.icons[0]);
		}),
		STEP_TIMEOUT,
	);

	test('the editor logged no console errors and no page errors', () => {
		expect(editor.problems).toEqual([]);
	});
});
