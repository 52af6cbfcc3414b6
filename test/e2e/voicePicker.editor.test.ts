/**
 * The Voice Clone node and its voice picker in the real n8n editor (headless Chromium), for every
 * pinned n8n version: the node is found by name in the nodes panel with its icon, and the Voice
 * field's "From list" shows the voices of the sandbox account behind the node's credential, with
 * their status, searchable, through n8n's own list-search request.
 */
import { randomUUID } from 'crypto';
import * as path from 'path';

import type { Browser } from 'playwright-core';

import { startSandbox, type Sandbox } from '../sandbox';
import { launchChromium } from './browser/chromium';
import { EditorPage, screenshotOnFailure, shown, type BrowserProblem } from './browser/editor';
import { makeCommunityNpmOffline } from './browser/offlineNpm';
import { N8nRestClient } from './harness/credentialTest';
import { disposeAll, N8n, type N8nServer } from './harness/n8n';
import { fullMatrixDescribe } from './harness/matrix';
import { CACHE_ROOT, N8N_VERSIONS, PACKAGE_NAME } from './harness/versions';

const INSTALL_TIMEOUT = 25 * 60_000;
const STEP_TIMEOUT = 2 * 60_000;

let sandbox: Sandbox;

/**
 * What the 1.123 editor logs when it opens a saved workflow that never ran, whatever its nodes:
 * its AI assistant asks for session metadata the instance has no licence for (403, then its own
 * "Failed to fetch sessions metadata" line), and it asks for the workflow's last successful
 * execution (404). None of it is about our nodes.
 */
function savedWorkflowNoise(problem: BrowserProblem): boolean {
	if (problem.kind !== 'console') return false;
	const url = problem.url ?? '';
	return (
		(/status of 403/.test(problem.text) && /\/rest\/ai\/sessions\/metadata$/.test(url)) ||
		/^Failed to fetch sessions metadata: ResponseError: Plan lacks license for this feature/.test(problem.text) ||
		(/status of 404/.test(problem.text) && /\/rest\/workflows\/[^/]+\/executions\/last-successful$/.test(url))
	);
}

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 600_000 });
});

afterAll(async () => {
	await disposeAll();
	await sandbox?.close();
});

// The full matrix only (npm run test:full): headless Chromium takes minutes per version.
fullMatrixDescribe().each(N8N_VERSIONS)('n8n %s editor: Voice Clone and its voice picker', (version) => {
	let n8n: N8n | undefined;
	let server: N8nServer | undefined;
	let browser: Browser | undefined;
	let editor: EditorPage;
	let workflowId = '';
	const voices: Record<string, string> = {};

	/** Runs a UI step; on failure keeps a screenshot of the page next to the others. */
	const ui = screenshotOnFailure(version, () => editor);

	beforeAll(async () => {
		// A user folder of its own: the editor picks a new node's credential among every stored one.
		n8n = await N8n.create({ version, shared: false });
		makeCommunityNpmOffline(n8n.userFolder);
		server = await n8n.startServer({ env: { N8N_DYNAMIC_BANNERS_ENABLED: 'false' } });
		const client = new N8nRestClient(server.baseUrl);
		await client.setupOwnerAndLogin();
		const credential = await client.createCredential({
			name: 'Buena sandbox',
			type: 'buenaApi',
			data: { apiKey: sandbox.keys.buena, baseUrl: sandbox.buenaBaseUrl },
		});
		voices.lead = sandbox.seedVoice('buena', { name: 'Lead Voice' });
		voices.training = sandbox.seedVoice('buena', { name: 'Training Voice', status: 'processing' });
		const created = await client.request<{ id: string }>('POST', '/rest/workflows', {
			name: 'Voice picker',
			active: false,
			settings: { executionOrder: 'v1' },
			connections: {},
			nodes: [
				{
					id: randomUUID(),
					name: 'Voice Clone',
					type: `${PACKAGE_NAME}.voiceClone`,
					typeVersion: 1,
					position: [300, 300],
					parameters: { provider: 'buena', operation: 'get', voiceId: { __rl: true, mode: 'list', value: '' } },
					credentials: { buenaApi: { id: credential.id, name: credential.name } },
				},
			],
		});
		workflowId = created.id;
		browser = await launchChromium();
		editor = await EditorPage.open(browser, server.baseUrl, n8n.installedPackage?.name ?? PACKAGE_NAME);
	}, INSTALL_TIMEOUT);

	afterAll(async () => {
		await editor?.close().catch(() => undefined);
		await browser?.close().catch(() => undefined);
		await n8n?.dispose();
	}, STEP_TIMEOUT);

	test(
		'the nodes panel finds "Voice Clone" by name, with its icon',
		ui('voice-clone-panel', async () => {
			await editor.newWorkflow();
			await editor.page.getByTestId('node-creator-plus-button').click();
			await editor.page.getByTestId('node-creator-search-bar').fill('Voice Clone');
			// n8n shows a node with operations as one entry that opens its actions.
			const name = editor.page.getByTestId('node-creator-item-name').getByText('Voice Clone', { exact: true });
			await shown(name.first(), '"Voice Clone" in the nodes panel');
			const entry = name.first().locator('xpath=ancestor::*[.//img][1]');
			const icons = await editor.ourIcons(entry);
			expect(icons.map((icon) => path.basename(new URL(icon.src).pathname))).toContain('voiceClones.svg');
			for (const icon of icons) expect(icon.naturalWidth).toBeGreaterThan(0);
			// Opening it lists its five operations as actions (2.x shows them under "Actions (5)", next
			// to the Voice Clone Trigger's events, which n8n groups with it by name).
			await name.first().click();
			await shown(
				editor.page.getByText('Get a voice', { exact: true }).or(editor.page.getByText('Actions (5)', { exact: true })).first(),
				'the five Voice Clone actions',
			);
		}),
		STEP_TIMEOUT,
	);

	test(
		'"From list" shows the sandbox account\'s voices with their status, searchable',
		ui('voice-picker', async () => {
			sandbox.clearLog();
			await editor.page.goto(`/workflow/${workflowId}`);
			const node = editor.canvasNode('Voice Clone');
			await node.first().waitFor();
			await shown(node.getByText('Buena AI: Get', { exact: true }).first(), 'the subtitle "Buena AI: Get" (provider and operation)');
			await node.first().dblclick();
			await editor.parameters.waitFor();
			const locator = editor.parameters.getByTestId('resource-locator-voiceId');
			await locator.getByPlaceholder('Select a voice...').click();
			const listed = (text: string) => editor.page.getByText(text, { exact: true }).filter({ visible: true });
			await shown(listed('Lead Voice (ready)').first(), 'the ready sandbox voice in the list');
			const trainingVoice = editor.page.getByText(/^Training Voice \(processing \d+%\)$/).filter({ visible: true });
			await shown(trainingVoice.first(), 'the training sandbox voice in the list, with its progress');
			// n8n asked our listSearch, which listed the account with the credential's key.
			const lists = sandbox.log().filter((entry) => entry.method === 'GET' && entry.path.endsWith('/voice-clones'));
			expect(lists.length).toBeGreaterThanOrEqual(1);
			expect(lists.every((entry) => entry.status === 200 && entry.authPresent)).toBe(true);
			await editor.page.screenshot({ path: path.join(CACHE_ROOT, 'screenshots', version, 'voice-clone-picker.png') });

			await editor.page.keyboard.type('lead');
			await shown(listed('Lead Voice (ready)').first(), 'the searched voice');
			await trainingVoice.first().waitFor({ state: 'hidden' });
			await listed('Lead Voice (ready)').first().click();
			// The picked voice is what the field now holds.
			await shown(locator.locator('input[value*="Lead Voice"]').or(locator.getByText(/Lead Voice/)).first(), 'the picked voice in the field');
		}),
		STEP_TIMEOUT,
	);

	test('the editor logged no console errors and no page errors', () => {
		expect(editor.problems.filter((problem) => !savedWorkflowNoise(problem))).toEqual([]);
	});
});
