import { runChecked, runCommand } from './util';

describe('runCommand', () => {
	test('gives the command no stdin pipe, so a command that exits at once cannot EPIPE the runner', async () => {
		const { stdout } = await runChecked('readlink', ['/proc/self/fd/0']);
		expect(stdout.trim()).toBe('/dev/null');
	});

	test('many commands that exit at once all resolve with their exit codes', async () => {
		const results = await Promise.all(Array.from({ length: 40 }, (_, i) => runCommand('sh', ['-c', `exit ${i % 3}`])));
		expect(results.map((r) => r.code)).toEqual(Array.from({ length: 40 }, (_, i) => i % 3));
	});
});
