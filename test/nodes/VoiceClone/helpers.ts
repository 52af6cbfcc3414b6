import { VoiceClone } from '../../../nodes/VoiceClone/VoiceClone.node';
import { runNode, type RunNodeOptions, type RunnerInputItem } from '../../helpers/n8nRunner';
import { sandboxCredentials } from '../../helpers/sandboxCredentials';
import { startSandbox, type Sandbox } from '../../sandbox';

/** A sandbox whose rate limit does not get in the way and whose Buena training takes 1 s. */
export async function startVoiceSandbox(): Promise<Sandbox> {
	return await startSandbox({ trainingMs: 60_000, rateLimit: { limit: 100_000, windowMs: 60_000 } });
}

/** A resource locator value, as the editor saves it. */
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
export const fromList = (value: string) => ({ __rl: true, mode: 'list', value });

export async function runVoiceClone(
	sandbox: Sandbox,
	parameters: RunNodeOptions['parameters'],
	input: RunnerInputItem[] = [{ json: {} }],
	extra: Partial<RunNodeOptions> = {},
) {
	return await runNode({
		nodeType: new VoiceClone(),
		parameters: { provider: 'buena', ...parameters },
		credentials: sandboxCredentials(sandbox),
		input,
		...extra,
	});
}

/** The requests the sandbox received for one provider, as "METHOD path" without the base path. */
export function calls(sandbox: Sandbox, provider: 'buena' | 'bland'): string[] {
	const prefix = provider === 'buena' ? '/buena/api/v2' : '/bland';
	return sandbox
		.log()
		.filter((entry) => entry.provider === provider)
		.map((entry) => `${entry.method} ${entry.path.slice(prefix.length)}`);
}
