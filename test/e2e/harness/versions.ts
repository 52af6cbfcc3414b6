import * as path from 'path';

/**
 * The n8n versions the end-to-end tests run against: the last 1.x and the newest 2.x
 * that installs from the npm registry with the recipe in installN8n.ts.
 */
export const N8N_VERSIONS = ['1.123.81', '2.41.1'] as const;
export type N8nVersion = (typeof N8N_VERSIONS)[number];

/** The npm package `node` (ships a Node binary); n8n 2.x needs Node >= 24, 1.123 accepts it. */
export const NODE_VERSION = '24.21.0';

/**
 * Overrides that make n8n install from the npm registry alone:
 * - xlsx: n8n points at a CDN tarball that cannot be reached;
 * - linkedom: its newest version needs a package missing from the registry.
 */
export const NPM_OVERRIDES: Record<string, string> = {
	xlsx: '0.18.5',
	linkedom: '0.18.12',
};

/** Root of the node package (this repository). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Ignored cache folder for the n8n installs and packed tarballs. */
export const CACHE_ROOT = process.env.N8N_HARNESS_CACHE ?? path.join(REPO_ROOT, '.cache');

export const N8N_CACHE_DIR = path.join(CACHE_ROOT, 'n8n');
export const PACK_CACHE_DIR = path.join(CACHE_ROOT, 'pack');

/** The package name n8n uses as prefix of our node types. */
export const PACKAGE_NAME = 'n8n-nodes-voice-clone';

/** Fixed encryption key for every test instance (never a real secret). */
export const TEST_ENCRYPTION_KEY = 'n8n-nodes-voice-clone-e2e-test-key';
