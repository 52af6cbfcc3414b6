import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import type { Browser, BrowserContext, ConsoleMessage, Locator, Page } from 'playwright-core';

import { TEST_OWNER } from '../harness/credentialTest';
import { CACHE_ROOT } from '../harness/versions';
import { blockNonLoopback, isLoopback } from './chromium';

/** Generous: the first paint of the editor compiles a lot of JavaScript on a cold CI machine. */
export const UI_TIMEOUT = 30_000;

/** A console error or uncaught page error seen in the editor. */
export interface BrowserProblem {
	kind: 'console' | 'pageerror';
	text: string;
	/** Resource or script URL the browser attributes it to, when known. */
	url?: string;
}

/** An <img> of ours (URL under /icons/<our package>/) as the browser rendered it. */
export interface RenderedIcon {
	src: string;
	complete: boolean;
	naturalWidth: number;
	naturalHeight: number;
}

/**
 * A logged-in n8n editor tab. Works with the 1.123 and 2.x editors: locators are data-test-id
 * attributes and visible text; where the two differ, both are tried (`or`).
 */
export class EditorPage {
	/** Console errors and page errors, minus the known noise (see isKnownNoise). */
	readonly problems: BrowserProblem[] = [];
	/** Everything dropped as known noise, kept for the failure message. */
	readonly ignored: BrowserProblem[] = [];
	/** Requests to non-loopback hosts the browser made (and we aborted). */
	readonly blocked: string[] = [];
	/** Responses for icons of our package: URL, status and content type. */
	readonly iconResponses: Array<{ url: string; status: number; contentType: string }> = [];

	private constructor(
		readonly context: BrowserContext,
		readonly page: Page,
		readonly baseUrl: string,
		readonly packageName: string,
		private readonly browserId: string,
	) {}

	/**
	 * Opens a browser context on `baseUrl`, logged in as the owner: the login goes through the
	 * context's request API (same cookie jar as the tab) with the `browser-id` header the editor
	 * will send, since n8n binds the auth cookie to it.
	 */
	static async open(browser: Browser, baseUrl: string, packageName: string, owner = TEST_OWNER): Promise<EditorPage> {
		const context = await browser.newContext({
			baseURL: baseUrl,
			viewport: { width: 1280, height: 800 },
			deviceScaleFactor: 1,
			colorScheme: 'light',
			locale: 'en-US',
			timezoneId: 'UTC',
		});
		try {
			const browserId = randomUUID();
			const editor = new EditorPage(context, await context.newPage(), baseUrl, packageName, browserId);
			await blockNonLoopback(context, editor.blocked);
			await context.addInitScript(`window.localStorage.setItem('n8n-browserId', ${JSON.stringify(browserId)});`);
			const login = await context.request.post('/rest/login', {
				headers: { 'browser-id': browserId },
				data: { emailOrLdapLoginId: owner.email, password: owner.password },
			});
			if (!login.ok()) throw new Error(`POST /rest/login → ${login.status()}: ${await login.text()}`);
			editor.listen();
			editor.page.setDefaultTimeout(UI_TIMEOUT);
			return editor;
		} catch (error) {
			await context.close();
			throw error;
		}
	}

	private listen(): void {
		this.page.on('console', (msg: ConsoleMessage) => {
			if (msg.type() !== 'error') return;
			this.record({ kind: 'console', text: msg.text(), url: msg.location().url || undefined });
		});
		this.page.on('pageerror', (error) => {
			this.record({ kind: 'pageerror', text: `${error.name}: ${error.message}\n${error.stack ?? ''}` });
		});
		this.page.on('response', (res) => {
			if (res.url().includes(`/icons/${this.packageName}/`)) {
				this.iconResponses.push({ url: res.url(), status: res.status(), contentType: res.headers()['content-type'] ?? '' });
			}
		});
	}

	private record(problem: BrowserProblem): void {
		(isKnownNoise(problem) ? this.ignored : this.problems).push(problem);
	}

	/** GET on the n8n server as the logged-in owner (same session as the tab). */
	async get(urlPath: string): Promise<{ status: number; contentType: string; body: Buffer }> {
		const res = await this.context.request.get(urlPath, { headers: { 'browser-id': this.browserId } });
		return { status: res.status(), contentType: res.headers()['content-type'] ?? '', body: await res.body() };
	}

	async close(): Promise<void> {
		await this.context.close();
	}

	/** Opens a new, empty workflow and waits for the canvas. */
	async newWorkflow(): Promise<void> {
		await this.page.goto('/workflow/new');
		await this.page.getByTestId('canvas-wrapper').waitFor();
		await this.page.getByTestId('node-creator-plus-button').waitFor();
	}

	/**
	 * Opens the nodes panel, types `query`, and returns the result item named `displayName`
	 * (waits for it to appear).
	 */
	async searchNodesPanel(query: string, displayName: string): Promise<Locator> {
		const search = this.page.getByTestId('node-creator-search-bar');
		if (!(await search.isVisible())) await this.page.getByTestId('node-creator-plus-button').click();
		await search.fill(query);
		const item = this.page
			.getByTestId('node-creator-node-item')
			.filter({ has: this.page.getByTestId('node-creator-item-name').getByText(displayName, { exact: true }) });
		try {
			await item.first().waitFor();
		} catch (error) {
			const shown = await this.page.getByTestId('node-creator-item-name').allTextContents();
			throw new Error(
				`"${displayName}" is not among the nodes panel results for "${query}" (shown: ${JSON.stringify(shown)}). ` +
					'Note: the nodes panel hides every node whose codex categories include "AI" unless its ' +
					'codex subcategories.AI include "Root Nodes" (n8n filterOutAiNodes).\n' +
					String(error),
			);
		}
		return item.first();
	}

	/**
	 * Opens the nodes panel, types `query` and clicks the result whose name is `name`, whatever
	 * kind of item n8n renders it as (a node, or a node merged with its trigger).
	 */
	async searchNodesPanelName(query: string, name: string): Promise<void> {
		const search = this.page.getByTestId('node-creator-search-bar');
		if (!(await search.isVisible())) await this.page.getByTestId('node-creator-plus-button').click();
		await search.fill(query);
		const item = this.page.getByTestId('node-creator-item-name').getByText(name, { exact: true }).first();
		await item.waitFor();
		await item.click();
	}

	/**
	 * Adds the node found with searchNodesPanel to the canvas and waits for its parameters panel.
	 * The 2.x editor first shows a community node's details with an "Add to workflow" button;
	 * the 1.x editor adds it at once.
	 */
	async addFromNodesPanel(item: Locator): Promise<void> {
		await item.click();
		const addButton = this.page.getByRole('button', { name: 'Add to workflow' });
		const parameters = this.page.getByTestId('node-parameters');
		await addButton.or(parameters).first().waitFor();
		if (await addButton.isVisible()) await addButton.click();
		await parameters.waitFor();
	}

	/** The parameters panel of the open node (NDV). */
	get parameters(): Locator {
		return this.page.getByTestId('node-parameters');
	}

	/** Types into a text parameter of the open node (by its parameter name). */
	async fillParameter(name: string, value: string): Promise<void> {
		const input = this.parameters.getByTestId(`parameter-input-${name}`).locator('input, textarea').first();
		await input.fill(value);
		await input.blur();
	}

	/** A parameter's label in the open node's parameters, by its visible text. */
	parameterLabel(label: string): Locator {
		return this.parameters.getByText(label, { exact: true });
	}

	/** Closes the node details view: the close button (2.x) or "Back to canvas" (1.x). */
	async closeNodeDetails(): Promise<void> {
		await this.page.getByTestId('ndv-close-button').or(this.page.getByTestId('back-to-canvas')).first().click();
		await this.parameters.waitFor({ state: 'detached' });
	}

	/**
	 * Opens the credential modal from the open node: the "Connect to …" button (2.x) or the
	 * credential select's "Create new credential" (1.x). Returns the dialog.
	 */
	async openNewCredential(): Promise<Locator> {
		const select = this.page.getByTestId('node-credentials-select');
		const connect = this.page.getByTestId('node-credentials-empty-state').getByRole('button');
		await select.or(connect).first().click();
		const dialog = this.credentialDialog;
		// The select's popper stays in the DOM, hidden, once opened: only count visible items.
		const createNew = this.page.getByTestId('node-credentials-select-item-new').filter({ visible: true }).first();
		await createNew.or(dialog).first().waitFor();
		if (await createNew.isVisible()) await createNew.click();
		await dialog.waitFor();
		return dialog;
	}

	/** The credential modal: the dialog around n8n's credential-edit-dialog content. */
	get credentialDialog(): Locator {
		return this.page.getByRole('dialog').filter({ has: this.page.getByTestId('credential-edit-dialog') });
	}

	/**
	 * Picks how to connect in the open credential modal, which for our nodes is the provider:
	 * n8n takes a parameter whose every option selects a credential as the node's "main auth
	 * field", hides it from the parameters and offers it here instead — a "Connect using" radio
	 * (1.x) or a dropdown (2.x).
	 */
	async chooseConnectUsing(optionName: string): Promise<void> {
		const dialog = this.credentialDialog;
		const radio = dialog.getByTestId('node-auth-type-selector');
		const dropdown = dialog.getByTestId('credential-mode-dropdown-trigger');
		await radio.or(dropdown).first().waitFor();
		if (await radio.isVisible()) {
			await radio.getByText(optionName, { exact: true }).click();
		} else {
			await dropdown.click();
			await this.page.getByRole('menuitem', { name: optionName, exact: true }).click();
		}
	}

	/**
	 * Fills the open credential modal (fields by their parameter names), saves it, waits until
	 * n8n has stored it, and closes the modal if it stayed open.
	 */
	async saveCredential(values: Record<string, string>): Promise<void> {
		const dialog = this.credentialDialog;
		for (const [name, value] of Object.entries(values)) {
			const input = dialog.getByTestId(`parameter-input-${name}`).locator('input, textarea').first();
			await input.fill(value);
		}
		const save = dialog.getByTestId('credential-save-button');
		await save.click();
		// Stored: the modal closes (1.x from the NDV) or shows the saved state (2.x keeps it open).
		const saved = dialog.getByTestId('credentials-config-container-test-success').or(dialog.getByRole('button', { name: 'Saved' }));
		await saved.or(this.page.getByTestId('credential-edit-dialog')).first().waitFor();
		await Promise.race([dialog.waitFor({ state: 'hidden' }), saved.first().waitFor({ state: 'visible' })]);
		if (await dialog.isVisible()) await this.closeCredentialDialog();
	}

	/** Closes the credential modal with its close button (Escape would close the NDV too). */
	async closeCredentialDialog(): Promise<void> {
		const dialog = this.credentialDialog;
		await dialog.getByRole('button', { name: /close/i }).first().click();
		await dialog.waitFor({ state: 'hidden' });
	}

	/** Opens the open node's credential select and returns its options' texts (then closes it again). */
	async credentialOptions(): Promise<string[]> {
		const select = this.page.getByTestId('node-credentials-select');
		await select.click();
		// The popper stays in the DOM, hidden, once opened: only visible items are this opening's.
		const items = this.page.locator('[data-test-id^="node-credentials-select-item"]').filter({ visible: true });
		const createNew = this.page.getByTestId('node-credentials-select-item-new').filter({ visible: true }).first();
		await createNew.waitFor();
		const texts = (await items.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
		await select.click();
		await createNew.waitFor({ state: 'detached' });
		return texts;
	}

	/** Picks a stored credential in the open node's credential select, by name. */
	async chooseCredential(name: string): Promise<void> {
		await this.page.getByTestId('node-credentials-select').click();
		await this.page
			.locator('[data-test-id^="node-credentials-select-item"]')
			.filter({ visible: true })
			.filter({ hasText: name })
			.first()
			.click();
		await this.page.getByTestId('node-credentials-select-item-new').filter({ visible: true }).first().waitFor({ state: 'detached' });
	}

	/** What the open node's credential select shows as selected (its input's value or text). */
	async selectedCredential(): Promise<string> {
		const select = this.page.getByTestId('node-credentials-select');
		const input = select.locator('input').first();
		if ((await input.count()) > 0) {
			const value = await input.inputValue();
			if (value) return value;
			const placeholder = await input.getAttribute('placeholder');
			if (placeholder) return placeholder;
		}
		return (await select.innerText()).trim();
	}

	/** Canvas node by its visible name. */
	canvasNode(name: string): Locator {
		return this.page.getByTestId('canvas-node').filter({ hasText: name });
	}

	/** Waits until every <img> of our package inside `scope` has finished loading, then reports them. */
	async ourIcons(scope: Locator): Promise<RenderedIcon[]> {
		const imgs = scope.locator(`img[src*="/icons/${this.packageName}/"]`);
		await imgs.first().waitFor();
		const readAll = () =>
			imgs.evaluateAll((els) =>
				els.map((el) => {
					const img = el as unknown as { src: string; complete: boolean; naturalWidth: number; naturalHeight: number };
					return { src: img.src, complete: img.complete, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight };
				}),
			);
		const deadline = Date.now() + UI_TIMEOUT;
		let icons = await readAll();
		while (icons.some((i) => !i.complete) && Date.now() < deadline) {
			await this.page.waitForTimeout(100);
			icons = await readAll();
		}
		return icons;
	}

	/** Saves a PNG of the page or an element to every given path. */
	async screenshot(target: Page | Locator, files: string[]): Promise<void> {
		const [first, ...rest] = files;
		fs.mkdirSync(path.dirname(first), { recursive: true });
		// No focused input: a focused select renders its placeholder over the icon.
		await this.page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
		await this.page.mouse.move(0, 0);
		await target.screenshot({ path: first, animations: 'disabled', caret: 'hide' });
		for (const file of rest) {
			fs.mkdirSync(path.dirname(file), { recursive: true });
			fs.copyFileSync(first, file);
		}
	}
}

/**
 * Makes `ui(name, fn)`: runs a UI step; on failure keeps a screenshot of the page (the editor
 * `editor()` returns at that moment) as .cache/screenshots/<version>/FAILED-<name>.png.
 */
export function screenshotOnFailure(version: string, editor: () => EditorPage | undefined) {
	return (name: string, fn: () => Promise<void>) => async () => {
		try {
			await fn();
		} catch (error) {
			await editor()
				?.page.screenshot({ path: path.join(CACHE_ROOT, 'screenshots', version, `FAILED-${name}.png`) })
				.catch(() => undefined);
			throw error;
		}
	};
}

/**
 * Console output that says nothing about our nodes. Each rule says why it is safe to drop.
 */
export function isKnownNoise(problem: BrowserProblem): boolean {
	// "Failed to load resource: net::ERR_BLOCKED_BY_CLIENT" for a non-loopback URL: a request
	// *we* aborted (blockNonLoopback) to keep the test on loopback. The editor makes these on its
	// own: 2.x and 1.x look our package up on registry.npmjs.org for the community node details.
	if (problem.kind === 'console' && /^Failed to load resource: net::ERR_BLOCKED_BY_CLIENT/.test(problem.text) && problem.url) {
		try {
			if (!isLoopback(new URL(problem.url))) return true;
		} catch {
			return false;
		}
	}
	// 404 for /schemas/<node type>/<version>.json: the 2.x editor asks for a static output-schema
	// preview of a parent node that has not run yet (shown in the next node's input panel).
	// n8n ships these for its own nodes only; for a community node without one the request
	// 404s and the panel just shows no preview. Optional metadata, not a fault in the node.
	if (
		problem.kind === 'console' &&
		/^Failed to load resource: the server responded with a status of 404/.test(problem.text) &&
		problem.url
	) {
		try {
			const url = new URL(problem.url);
			if (isLoopback(url) && /^\/schemas\/[^/]+\/[^/]+\.json$/.test(url.pathname)) return true;
		} catch {
			return false;
		}
	}
	return false;
}

/** Waits until `locator` (its first match) is visible; the error names `what`. */
export async function shown(locator: Locator, what: string): Promise<void> {
	try {
		await locator.first().waitFor({ state: 'visible' });
	} catch (error) {
		throw new Error(`Expected to see ${what}, but it did not appear: ${String(error)}`);
	}
}

/** Waits until nothing matching `locator` is visible; the error names `what`. */
export async function notShown(locator: Locator, what: string): Promise<void> {
	try {
		await locator.first().waitFor({ state: 'hidden' });
	} catch (error) {
		throw new Error(`Expected ${what} to be gone, but it is still shown: ${String(error)}`);
	}
}
