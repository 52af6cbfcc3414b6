/**
 * jest globalSetup: makes this run's pool of shared n8n setups (pool.ts) and a watchdog that
 * drains it should jest die before its globalTeardown. Nothing starts here: the first test file
 * that needs an n8n makes it, so a run without e2e files costs nothing.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { POOL_DIR_ENV, WATCHDOG_SCRIPT } from './pool';

export default function globalSetup(): void {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-pool-'));
	process.env[POOL_DIR_ENV] = dir;
	const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT, String(process.pid), dir], {
		detached: true,
		stdio: 'ignore',
	});
	watchdog.unref();
}
