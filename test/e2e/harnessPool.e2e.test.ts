/**
 * The harness's shared n8n (harness/pool.ts, harness/manualRun.ts) in a real n8n: instances of one
 * setup share a user folder and a server but not their files, a workflow runs on that server as a
 * manual run, another environment gets a second server on the same database, and an instance that
 * activates a workflow takes its folder out of the pool before any shared server could run it.
 */
import * as fs from 'fs';
import * as path from 'path';

import { e2eVersions } from './harness/matrix';
import { disposeAll, N8n, nodeJson, type WorkflowInput } from './harness/n8n';
import { processAlive } from './harness/server';
import { SETUP_TIMEOUT } from './support/workflows';

const TEST_TIMEOUT = 4 * 60_000;

function codeWorkflow(name: string): WorkflowInput {
	return {
		name,
		nodes: [
			{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'code',
				name: 'Code',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: { jsCode: `return [{ json: { workflow: ${JSON.stringify(name)} } }];` },
			},
		],
		connections: { Start: { main: [[{ node: 'Code', type: 'main', index: 0 }]] } },
	};
}

afterAll(async () => {
	await disposeAll();
});

describe.each(e2eVersions())('n8n %s shared by the test files of a jest run', (version) => {
	let first: N8n;

	beforeAll(async () => {
		first = await N8n.create({ version });
	}, SETUP_TIMEOUT);

	test(
		'two instances of one setup share the user folder and the server, not their files folders',
		async () => {
			const second = await N8n.create({ version });
			expect(first.shared && second.shared).toBe(true);
			expect(second.userFolder).toBe(first.userFolder);
			expect(second.filesDir).not.toBe(first.filesDir);
			expect(path.dirname(second.filesDir)).toBe(path.dirname(first.filesDir));

			const id = await first.importWorkflow(codeWorkflow('shared'));
			const [a, b] = [await first.executionServer(), await second.executionServer()];
			expect(b.server.pid).toBe(a.server.pid);
			// What one instance imported, the other runs: one database, and a manual run as the editor makes.
			const run = await second.execute(id);
			expect(run.mode).toBe('manual');
			expect(nodeJson(run, 'Code')).toEqual([{ workflow: 'shared' }]);

			await second.dispose();
			expect(fs.existsSync(second.filesDir)).toBe(false);
			expect(processAlive(a.server.pid)).toBe(true);
			expect(nodeJson(await first.execute(id), 'Code')).toEqual([{ workflow: 'shared' }]);
		},
		TEST_TIMEOUT,
	);

	test(
		'execute with another environment runs on a second server of the same folder and database',
		async () => {
			const id = await first.importWorkflow(codeWorkflow('two servers'));
			const byDefault = await first.executionServer();
			const database = await first.executionServer({ N8N_DEFAULT_BINARY_DATA_MODE: 'database' });
			expect(database.server.pid).not.toBe(byDefault.server.pid);
			const run = await first.execute(id, { env: { N8N_DEFAULT_BINARY_DATA_MODE: 'database' } });
			expect(nodeJson(run, 'Code')).toEqual([{ workflow: 'two servers' }]);
			// The default mode's value is no other environment: it goes to the first server.
			expect((await first.executionServer({ N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' })).server.pid).toBe(byDefault.server.pid);
		},
		TEST_TIMEOUT,
	);

	test(
		'activating a workflow takes the folder out of the pool: its shared servers stop, later instances get a new folder',
		async () => {
			const activating = await N8n.create({ version });
			const shared = await activating.executionServer();
			const id = await activating.importWorkflow({
				...codeWorkflow('activated'),
				nodes: [
					{
						id: 'schedule',
						name: 'Schedule',
						type: 'n8n-nodes-base.scheduleTrigger',
						typeVersion: 1.2,
						position: [0, 0],
						parameters: { rule: { interval: [{ field: 'hours', hoursInterval: 1 }] } },
					},
				],
				connections: {},
			});
			await activating.runChecked(
				Number(version.split('.')[0]) >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true'],
			);
			expect(activating.shared).toBe(false);
			expect(processAlive(shared.server.pid)).toBe(false);

			const later = await N8n.create({ version });
			expect(later.shared).toBe(true);
			expect(later.userFolder).not.toBe(activating.userFolder);
			await later.dispose();

			const folder = activating.userFolder;
			await activating.dispose();
			expect(fs.existsSync(folder)).toBe(false);
		},
		TEST_TIMEOUT,
	);
});
