import type { Sandbox } from '../sandbox';

/** Credential data for both providers, pointing at a running sandbox with its demo keys. */
export function sandboxCredentials(sandbox: Sandbox) {
	return {
		buenaApi: { apiKey: sandbox.keys.buena, baseUrl: sandbox.buenaBaseUrl },
		blandApi: { apiKey: sandbox.keys.bland, baseUrl: sandbox.blandBaseUrl },
	};
}
