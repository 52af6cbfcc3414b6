import { CreateVoiceClone } from '../../../nodes/CreateVoiceClone/CreateVoiceClone.node';
import { sandboxCredentials } from '../../helpers/sandboxCredentials';
import { runNode, type RunNodeOptions, type RunnerInputItem } from '../../helpers/n8nRunner';
import type { Sandbox } from '../../sandbox';

export async function runCreate(
	sandbox: Sandbox,
	parameters: RunNodeOptions['parameters'],
	input: RunnerInputItem[],
	extra: Partial<RunNodeOptions> = {},
) {
	return await runNode({
		nodeType: new CreateVoiceClone(),
		parameters: { options: { maxRetries: 3 }, ...parameters },
		credentials: sandboxCredentials(sandbox),
		input,
		...extra,
	});
}

/** Requests the sandbox received for one provider, control calls excluded. */
export function apiRequests(sandbox: Sandbox, provider: 'buena' | 'bland') {
	return sandbox.log().filter((entry) => entry.provider === provider);
}

export function createRequests(sandbox: Sandbox, provider: 'buena' | 'bland') {
	const path = provider === 'buena' ? '/voice-clones' : '/v1/voices/clone';
	return apiRequests(sandbox, provider).filter((entry) => entry.method === 'POST' && entry.path.endsWith(path));
}
