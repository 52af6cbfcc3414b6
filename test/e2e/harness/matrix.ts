/**
 * Which pinned n8n versions and settings an end-to-end run covers.
 *
 * - `npm test` runs the quick matrix: n8n 2.41.1 (the newest pinned version) only, filesystem
 *   binary data, n8n's default (separate) binary mode: the cases each package needs.
 * - `npm run test:full` (and .ci/run) sets N8N_E2E_MATRIX=full: every pinned version (1.123.81
 *   too), both binary data modes, 2.x's combined binary mode, the editor in Chromium, queue mode.
 *
 *   describe.each(e2eVersions())('n8n %s runs …', (version) => {
 *     test.each(binaryDataModes())('… (%s binary data)', async (mode) => { … });
 *   });
 *   fullMatrixDescribe().each(N8N_VERSIONS)('n8n %s editor …', (version) => { … }); // skipped by npm test
 */
import { N8N_VERSIONS, type N8nVersion } from './versions';

export type E2eMatrix = 'quick' | 'full';

function matrixFromEnv(): E2eMatrix {
	const value = process.env.N8N_E2E_MATRIX ?? 'quick';
	if (value !== 'quick' && value !== 'full') {
		throw new Error(`N8N_E2E_MATRIX must be "quick" (npm test) or "full" (npm run test:full), not "${value}"`);
	}
	return value;
}

/** The matrix of this run (N8N_E2E_MATRIX; `quick` when unset). */
export const E2E_MATRIX: E2eMatrix = matrixFromEnv();

/** The one version the quick matrix runs: the newest pinned one. */
export const QUICK_VERSION: N8nVersion = N8N_VERSIONS[N8N_VERSIONS.length - 1];

/** The n8n versions this run tests: 2.41.1 in `npm test`, every pinned version in the full matrix. */
export function e2eVersions(): N8nVersion[] {
	return E2E_MATRIX === 'full' ? [...N8N_VERSIONS] : [QUICK_VERSION];
}

/** Binary data modes this run tests: filesystem in `npm test`, filesystem and database in the full matrix. */
export function binaryDataModes(): Array<'filesystem' | 'database'> {
	return E2E_MATRIX === 'full' ? ['filesystem', 'database'] : ['filesystem'];
}

/** True in the full matrix (`npm run test:full`). */
export function inFullMatrix(): boolean {
	return E2E_MATRIX === 'full';
}

/**
 * `describe` in the full matrix, `describe.skip` in `npm test`: for suites that only the full
 * matrix runs (editor in Chromium, queue mode, 2.x combined binary mode…). Jest lists them as
 * skipped in `npm test`'s summary.
 */
export function fullMatrixDescribe(): jest.Describe {
	return inFullMatrix() ? describe : describe.skip;
}
