/**
 * For long-running commands started by npm (`npm run sandbox`, `npm run demo`): calls `stop` once
 * when the process is asked to stop, so it can shut down what it started.
 *
 * npm forwards only SIGINT and SIGTERM, and only to the process it spawned; on SIGHUP or SIGKILL
 * it dies and forwards nothing. Its scripts run under `sh -c`, which passes no signal on. So:
 * - the npm scripts start node with `exec` (the shell becomes node, npm's direct child) and with
 *   `node --import tsx`, not the `tsx` command (a second process in between that would outlive
 *   npm and hide npm's death);
 * - SIGINT, SIGTERM and SIGHUP all stop;
 * - a process whose parent has exited is adopted by another one, so a change of `process.ppid`
 *   means npm is gone: checked twice a second.
 *
 * A terminal's Ctrl-C reaches both npm and node, and npm forwards it again: a repeat within two
 * seconds is the same request. A later one (the user pressing again) exits at once.
 */
export function onStop(stop: (reason: string) => void, options: { pollMs?: number } = {}): void {
	let stoppedAt: number | undefined;
	const request = (reason: string) => {
		if (stoppedAt === undefined) {
			stoppedAt = Date.now();
			stop(reason);
		} else if (Date.now() - stoppedAt > 2000 && reason.startsWith('SIG')) {
			process.stderr.write(`${reason} again: exiting without waiting for the shutdown to finish\n`);
			process.exit(130);
		}
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => request(signal));

	const parent = process.ppid;
	if (parent <= 1) return; // already adopted (or the container's first process): nothing to watch
	const timer = setInterval(() => {
		if (process.ppid !== parent) {
			clearInterval(timer);
			request(`the parent process (${parent}) exited`);
		}
	}, options.pollMs ?? 500);
	timer.unref();
}
