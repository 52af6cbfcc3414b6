import * as fs from 'fs';

import { chromium, selectors, type Browser, type BrowserContext } from 'playwright-core';

/**
 * Debian's chromium (CI: `apt-get install chromium`); never a Playwright browser download.
 * CHROMIUM_PATH overrides it for machines that keep it elsewhere.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-gpu',
	'--no-first-run',
];

let testIdSet = false;

/** Launches headless Chromium; n8n marks its elements with `data-test-id`, so getByTestId uses that. */
export async function launchChromium(): Promise<Browser> {
	if (!fs.existsSync(CHROMIUM_PATH)) {
		throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
	}
	if (!testIdSet) {
		selectors.setTestIdAttribute('data-test-id');
		testIdSet = true;
	}
	return await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** True for http(s) URLs on the loopback interface. */
export function isLoopback(url: URL): boolean {
	return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}

/**
 * Keeps the browser on loopback: every request to another host is aborted (and recorded), so
 * n8n's own calls home (npm registry look-ups, banners) never leave the machine and the test
 * behaves the same with or without a network.
 */
export async function blockNonLoopback(context: BrowserContext, blocked: string[]): Promise<void> {
	await context.route(
		(url) => (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' || url.protocol === 'wss:') && !isLoopback(url),
		async (route) => {
			blocked.push(route.request().url());
			await route.abort('blockedbyclient');
		},
	);
}
