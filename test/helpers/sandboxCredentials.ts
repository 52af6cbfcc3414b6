import type { Sandbox } from '../sandbox';

/** Credential data for both providers, pointing at a running sandbox with its demo keys. */
export function sandboxCredentials(sandbox: Sandbox) {
	return {
		buenaApi: { apiKey: sandbox.keys.buena, baseUrl: sandbox.buenaBaseUrl },
		blandApi: { apiKey: sandbox.keys.bland, baseUrl: sandbox.blandBaseUrl },
	};
}

export interface SandboxBuenaVoice {
	voiceId: string;
	name: string;
	status?: string;
	training_progress?: number;
}

/** The sandbox's Buena voice list (first 100) as the demo key sees it; throws unless it answered 2xx. */
export async function sandboxBuenaVoices(sandbox: Sandbox, { signal }: { signal?: AbortSignal } = {}): Promise<SandboxBuenaVoice[]> {
	const response = await fetch(`${sandbox.buenaBaseUrl}/voice-clones?limit=100`, { headers: { 'x-api-key': sandbox.keys.buena }, signal });
	if (!response.ok) throw new Error(`the sandbox's Buena voice list answered ${response.status}`);
	return ((await response.json()) as { data?: SandboxBuenaVoice[] }).data ?? [];
}
