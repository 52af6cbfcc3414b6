import { WaitForTraining } from '../../../nodes/WaitForTraining/WaitForTraining.node';
import { sandboxCredentials } from '../../helpers/sandboxCredentials';
import { runNode, type RunNodeOptions, type RunnerInputItem } from '../../helpers/n8nRunner';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox';

/** A sandbox whose rate limit does not get in the way of 0.1 s polling (tests that want one set it). */
export async function startWaitSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	return await startSandbox({ trainingMs: 1_000, rateLimit: { limit: 100_000, windowMs: 60_000 }, ...options });
}

/** Fast defaults: 0.1 s between rounds, a 5 s (0.0833 min) timeout. */
export async function runWait(
	sandbox: Sandbox,
	parameters: RunNodeOptions['parameters'],
	input: RunnerInputItem[],
	extra: Partial<RunNodeOptions> = {},
) {
	return await runNode({
		nodeType: new WaitForTraining(),
		parameters: { provider: 'buena', pollInterval: 0.1, timeout: 5 / 60, ...parameters },
		credentials: sandboxCredentials(sandbox),
		input,
		...extra,
	});
}

export const itemsFor = (voiceIds: string[]): RunnerInputItem[] => voiceIds.map((voiceId) => ({ json: { voiceId } }));

/** The Buena list calls the sandbox answered (or failed), in order. */
export function listCalls(sandbox: Sandbox) {
	return sandbox
		.log()
		.filter((entry) => entry.provider === 'buena' && entry.method === 'GET' && entry.path.endsWith('/voice-clones'));
}

export function apiRequests(sandbox: Sandbox, provider: 'buena' | 'bland') {
	return sandbox.log().filter((entry) => entry.provider === provider);
}

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
