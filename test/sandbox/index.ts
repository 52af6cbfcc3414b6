/**
 * Provider sandbox: a real HTTP server on loopback that behaves like the Buena AI v2 and Bland AI
 * voice APIs as documented. See README.md in this folder.
 */
import { runServer } from './server';
import type { Sandbox, SandboxOptions } from './types';

export type { FaultSpec, Provider, RequestLogEntry, Sandbox, SandboxOptions, SeedVoice } from './types';
export { DEMO_KEYS, FAIL_TRAINING_MARKER, FAIL_TRAINING_MESSAGE } from './state';
export type { ResponseShapes, ShapesPatch } from './shapes';

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const { sandbox } = await runServer(options);
	return sandbox;
}
