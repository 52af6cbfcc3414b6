/**
 * What n8n's start-up sets up before any node context can run in-process: a logger and
 * InstanceSettings on a temp folder, in n8n-core's own @n8n/di container (see n8nRunner.ts for
 * why its copy), with the background timers that n8n-core's services start made unable to keep
 * jest from exiting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { InstanceSettings } from 'n8n-core';

interface DiContainer {
	get<T>(type: abstract new (...args: never[]) => T): T;
	set<T>(type: abstract new (...args: never[]) => T, instance: T): void;
}
interface SilentLogger {
	error(message: string): void;
	warn(message: string): void;
	info(message: string): void;
	debug(message: string): void;
	scoped(scopes: unknown): SilentLogger;
}

const coreRequire = createRequire(require.resolve('n8n-core'));
const { Container } = coreRequire('@n8n/di') as { Container: DiContainer };
const { Logger } = coreRequire('@n8n/backend-common') as { Logger: abstract new (...args: never[]) => SilentLogger };

const silentLogger: SilentLogger = {
	error: () => undefined,
	warn: () => undefined,
	info: () => undefined,
	debug: () => undefined,
	scoped: () => silentLogger,
};

/**
 * Services whose constructors start an interval: every context gets the SSH tunnel helpers
 * (SSHClientsManager, a 60 s cleanup) and a poll context the scheduling helpers
 * (ScheduledTaskManager, a logging interval). Unref'd, not stopped: they still work meanwhile.
 */
const TIMER_SERVICES: Array<[module: string, service: string, timer: string]> = [
	['./execution-engine/ssh-clients-manager', 'SSHClientsManager', 'cleanupTimer'],
	['./execution-engine/scheduled-task-manager', 'ScheduledTaskManager', 'logInterval'],
];

let instanceDir: string | undefined;

/** Sets the instance up once per test file; removed after the file's tests. */
export function ensureCoreInstance(name: string): void {
	if (instanceDir) return;
	instanceDir = mkdtempSync(path.join(tmpdir(), `n8n-${name}-`));
	Container.set(Logger, silentLogger);
	Container.set(
		InstanceSettings,
		new InstanceSettings(
			{
				n8nFolder: path.join(instanceDir, '.n8n'),
				userHome: instanceDir,
				encryptionKey: `n8n-${name}-test-encryption-key`,
				enforceSettingsFilePermissions: false,
			} as unknown as ConstructorParameters<typeof InstanceSettings>[0],
			silentLogger as unknown as ConstructorParameters<typeof InstanceSettings>[1],
		),
	);
	for (const [modulePath, serviceName, timerName] of TIMER_SERVICES) {
		const service = (coreRequire(modulePath) as Record<string, abstract new (...args: never[]) => unknown>)[serviceName];
		const timer = (Container.get(service) as Record<string, NodeJS.Timeout | undefined>)[timerName];
		timer?.unref();
	}
}

if (typeof afterAll === 'function') {
	afterAll(() => {
		if (instanceDir) rmSync(instanceDir, { recursive: true, force: true });
		instanceDir = undefined;
	});
}
