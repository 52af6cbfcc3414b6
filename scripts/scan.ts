/**
 * npm run scan: n8n's verification scan (@n8n/scan-community-package), run locally.
 *
 * n8n verifies a community package by running `analyzePackage` twice: on the source checkout its npm
 * provenance points at (package.json and nodes/credentials sources) and on the published tarball
 * (its .js files and package.json), with inline eslint configuration ignored. This script does the
 * same on this working tree and on the tarball `npm pack` makes from it (built first, through the
 * e2e harness's packPackage, so builds never race). It adds what the scanner cannot see:
 * - the tarball as n8n installs it, without devDependencies (the scanner lets code import a
 *   devDependency as if it were bundled; nothing is bundled here, so that import fails in n8n);
 * - the tarball holds `main` and every node and credential package.json lists, and its source maps
 *   do not point at sources it lacks.
 * Prints each finding as file:line:column rule message, a summary line per target, and exits 1 on
 * any error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { packPackage } from '../test/e2e/harness/packPackage';
import { REPO_ROOT } from '../test/e2e/harness/versions';
import { asInstalled, checkPackageContents, unpackTarball } from './scan/packageChecks';
import {
	analyzeFolder,
	errorCount,
	SOURCE_PATTERNS,
	TARBALL_PATTERNS,
	type Finding,
	type ScanResult,
} from './scan/runScanner';

function formatFinding(f: Finding): string {
	return `  ${f.file}:${f.line}:${f.column}  ${f.severity}  ${f.ruleId ?? '(no rule)'}  ${f.message}`;
}

/** Prints a target's findings and summary line; returns its error count. */
function report(target: string, result: ScanResult): number {
	for (const f of result.findings) console.log(formatFinding(f));
	const errors = errorCount(result);
	if (errors > 0 && result.findings.length === 0) {
		console.log(`  ${result.message ?? 'the scanner failed'}`);
		if (result.details) console.log(result.details);
	}
	const warnings = result.findings.filter((f) => f.severity === 'warning').length;
	const verdict = result.files === 0 ? 'FAILED (no files to scan)' : errors > 0 ? 'FAILED' : 'passed';
	console.log(`${target}: ${result.files} files, ${errors} errors, ${warnings} warnings: ${verdict}`);
	return errors;
}

async function main(): Promise<number> {
	const scanner = JSON.parse(
		fs.readFileSync(require.resolve('@n8n/scan-community-package/package.json'), 'utf8'),
	) as { version: string };
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
	try {
		const packed = await packPackage({ log: (line) => console.log(line) });
		const unpacked = path.join(work, 'tarball');
		await unpackTarball(packed.tarball, unpacked);
		const installed = path.join(work, 'installed');
		asInstalled(unpacked, installed);

		const targets: Array<[string, string, string[]]> = [
			['source', REPO_ROOT, SOURCE_PATTERNS],
			['tarball', unpacked, TARBALL_PATTERNS],
			['tarball as n8n installs it (no devDependencies)', installed, TARBALL_PATTERNS],
		];
		let errors = 0;
		let first = true;
		for (const [target, dir, patterns] of targets) {
			const result = await analyzeFolder(dir, patterns);
			if (first) {
				console.log(`n8n's scanner: @n8n/scan-community-package ${scanner.version} (TypeScript ${result.typescript})`);
				first = false;
			}
			console.log(`\n${target} (${patterns.join(', ')})`);
			errors += report(target, result);
		}

		const contents = checkPackageContents(unpacked);
		console.log(`\ntarball contents (${path.basename(packed.tarball)})`);
		for (const problem of contents.problems) console.log(`  error  ${problem}`);
		console.log(
			`tarball contents: ${contents.files} files, ${contents.entryPoints} entry points from package.json, ` +
				`${contents.sourceMaps} source maps, ${contents.problems.length} errors: ${contents.problems.length ? 'FAILED' : 'passed'}`,
		);
		errors += contents.problems.length;

		console.log(errors === 0 ? '\nScan passed: 0 errors.' : `\nScan FAILED: ${errors} errors.`);
		return errors === 0 ? 0 : 1;
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
