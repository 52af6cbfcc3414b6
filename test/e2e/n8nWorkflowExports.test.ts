/**
 * Node code runs against the n8n-workflow of whichever n8n loads it, not the one in our
 * devDependencies: n8n 2.x dropped exports that 1.x had (e.g. sleepWithAbort). Every value our
 * nodes and credentials import from n8n-workflow must exist in each pinned n8n.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { installedN8n } from './harness/installN8n';
import { e2eVersions } from './harness/matrix';
import { REPO_ROOT } from './harness/versions';

function runtimeImports(): Map<string, string[]> {
	const used = new Map<string, string[]>();
	const sources = ['nodes', 'credentials'].flatMap((dir) =>
		readdirSync(path.join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
			.filter((file) => file.endsWith('.ts'))
			.map((file) => path.join(dir, file)),
	);
	for (const file of [...sources, 'index.ts']) {
		const source = readFileSync(path.join(REPO_ROOT, file), 'utf8');
		for (const match of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'n8n-workflow'/g)) {
			for (const part of match[1].split(',')) {
				const name = part.trim();
				if (!name || name.startsWith('type ')) continue;
				used.set(name, [...(used.get(name) ?? []), file]);
			}
		}
	}
	return used;
}

describe.each(e2eVersions())('n8n %s', (version) => {
	it('exports every n8n-workflow value our code imports', () => {
		const install = installedN8n(version);
		const workflowDir = path.join(install.dir, 'node_modules', 'n8n-workflow');
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const exported = require(workflowDir) as Record<string, unknown>;
		const used = runtimeImports();
		expect(used.size).toBeGreaterThan(3);
		const missing = [...used].filter(([name]) => exported[name] === undefined).map(([name, files]) => `${name} (${files.join(', ')})`);
		expect(missing).toEqual([]);
	});
});
