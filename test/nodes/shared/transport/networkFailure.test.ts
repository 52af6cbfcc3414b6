import { createRequire } from 'node:module';
import path from 'node:path';

import { classifyNetworkFailure } from '../../../../nodes/shared/transport/networkFailure';
import { installedN8n } from '../../../e2e/harness/installN8n';
import { e2eVersions } from '../../../e2e/harness/matrix';
import { realAxiosFailure, type AxiosLike, type FailureKind } from '../../../helpers/realNetworkFailures';

interface N8nErrorModule {
	NodeApiError: new (node: object, error: object) => Error;
}

const REPO_DIR = path.resolve(__dirname, '..', '..', '..', '..');

const node = { id: '1', name: 'Wait for Training', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} };

/**
 * The axios and n8n-workflow of one n8n. n8n's request helper wraps every axios failure in
 * `new NodeApiError(node, error)`; what survives of the error's code differs between versions
 * (1.x drops the cause and rewords the message), so each is tested with its own classes.
 */
function n8nModules(from: string): { axios: AxiosLike; n8nWorkflow: N8nErrorModule } {
	const requireFromCore = createRequire(require.resolve('n8n-core', { paths: [from] }));
	return {
		axios: requireFromCore('axios') as AxiosLike,
		n8nWorkflow: requireFromCore('n8n-workflow') as N8nErrorModule,
	};
}

const expectations: Array<[FailureKind, string, string | undefined]> = [
	['timeout', 'timeout', 'ECONNABORTED'],
	['reset', 'reset', 'ECONNRESET'],
	['refused', 'network', 'ECONNREFUSED'],
	['cancelled', 'cancelled', 'ERR_CANCELED'],
];

function describeClassification(label: string, modulesFrom: () => string) {
	describe(`classifyNetworkFailure with the request helper of ${label}`, () => {
		let modules: ReturnType<typeof n8nModules>;
		beforeAll(() => {
			modules = n8nModules(modulesFrom());
		});

		it.each(expectations)('a real %s, as n8n throws it, is a %s (%s)', async (kind, reason, code) => {
			const axiosError = await realAxiosFailure(modules.axios, kind);
			const thrown = new modules.n8nWorkflow.NodeApiError(node, axiosError);
			expect(classifyNetworkFailure(thrown, false)).toMatchObject({ reason, code });
		});

		it('calls any failure after the execution was cancelled a cancellation', async () => {
			const thrown = new modules.n8nWorkflow.NodeApiError(node, await realAxiosFailure(modules.axios, 'reset'));
			expect(classifyNetworkFailure(thrown, true).reason).toBe('cancelled');
		});
	});
}

describeClassification('the devDependencies (n8n-core, n8n-workflow)', () => REPO_DIR);
// The n8n versions of this run (2.41.1 in npm test, every pinned one in the full matrix), which must
// be installed already: a missing one fails here naming `npm run n8n:install`.
for (const version of e2eVersions()) {
	describeClassification(`n8n ${version}`, () => path.join(installedN8n(version).dir, 'node_modules', 'n8n'));
}

describe('classifyNetworkFailure without a code', () => {
	it.each([
		['socket hang up', 'reset'],
		['timeout of 1000ms exceeded', 'timeout'],
		['getaddrinfo failed', 'network'],
	])('reads "%s" as a %s', (message, reason) => {
		expect(classifyNetworkFailure(new Error(message), false).reason).toBe(reason);
	});
});
