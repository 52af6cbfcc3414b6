/**
 * One jest run for every suite: unit, sandbox, in-process n8n-core, and end-to-end in real n8n.
 * Which end-to-end cases run is set by N8N_E2E_MATRIX (test/e2e/harness/matrix.ts): `npm test`
 * runs the quick matrix (n8n 2.41.1), `npm run test:full` the full one. The e2e test files share
 * n8n user folders and servers through the pool the globalSetup makes (test/e2e/harness/pool.ts).
 *
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		// Type checking is done once by `npm run typecheck`; jest only transpiles.
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: false }],
	},
	globalSetup: '<rootDir>/test/e2e/harness/jestGlobalSetup.ts',
	globalTeardown: '<rootDir>/test/e2e/harness/jestGlobalTeardown.ts',
	testTimeout: 60000,
};
