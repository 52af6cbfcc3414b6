/**
 * npm run generate:packages [-- --check]
 *
 * The single-service packages (packages/n8n-nodes-buena-ai, packages/n8n-nodes-bland-ai) are
 * each a whole repository, so each holds its own copy of the shared code. This writes those
 * copies from nodes/shared, credentials/ and the icons (see scripts/packages/specs.ts for what
 * each package takes). With --check it writes nothing: it lists every generated file that
 * differs, is missing or should not be there, and exits 1 if there is any. --out=DIR checks or
 * writes the package folders under DIR instead of this repository (DIR/packages/…).
 */
import { comparePackages, writePackages, type Difference } from './packages/generate';
import { REPO_ROOT } from '../test/e2e/harness/versions';

function lines(difference: Difference): string[] {
	return [
		...difference.differs.map((file) => `differs  ${file}`),
		...difference.missing.map((file) => `missing  ${file}`),
		...difference.extra.map((file) => `extra    ${file}`),
	];
}

function main(): number {
	const check = process.argv.includes('--check');
	const out = process.argv.find((arg) => arg.startsWith('--out='))?.slice('--out='.length) ?? REPO_ROOT;
	if (check) {
		const found = lines(comparePackages(REPO_ROOT, out));
		if (found.length === 0) {
			console.log('Generated package files are up to date.');
			return 0;
		}
		for (const line of found) console.log(line);
		console.log(`\n${found.length} generated files are out of date: run \`npm run generate:packages\` and commit the result.`);
		return 1;
	}
	const changed = lines(writePackages(REPO_ROOT, out));
	for (const line of changed) console.log(line.replace(/^differs /, 'updated ').replace(/^missing /, 'written ').replace(/^extra   /, 'removed '));
	console.log(changed.length ? `\n${changed.length} files changed.` : 'Generated package files were already up to date.');
	return 0;
}

process.exit(main());
