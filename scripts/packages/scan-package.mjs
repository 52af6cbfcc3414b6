// n8n's verification scan of a package before it is published:
//
//   cd <folder where @n8n/scan-community-package is installed>
//   node scan-package.mjs <package folder> <tarball made by npm pack>
//
// The scanner's own command (`npx @n8n/scan-community-package <name>`) works on a published
// version only: it downloads the tarball and the source its provenance names. This runs the same
// `analyzePackage` calls on what is about to be published: the source (package.json and
// {nodes,credentials}/**) and the tarball (its .js files and package.json), with inline eslint
// configuration ignored, as n8n does. It also checks that the tarball holds every node and
// credential package.json names. Exits 1 on any finding.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [packageDir, tarball] = process.argv.slice(2).map((arg) => resolve(arg));
if (!packageDir || !tarball) {
	console.error('usage: node scan-package.mjs <package folder> <tarball>');
	process.exit(2);
}

// The scanner is installed in the working directory, apart from the package's own tools.
const here = createRequire(join(process.cwd(), 'package.json'));
const scannerEntry = here.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
const scannerVersion = JSON.parse(readFileSync(here.resolve('@n8n/scan-community-package/package.json'), 'utf8')).version;

// The scanner pins TypeScript 7, which its parser (@typescript-eslint/typescript-estree) cannot
// load; installed beside typescript 5, the parser loads that one. Say so instead of crashing.
const parserEntry = createRequire(scannerEntry).resolve('@typescript-eslint/parser');
const estreeEntry = createRequire(parserEntry).resolve('@typescript-eslint/typescript-estree');
const typescript = JSON.parse(readFileSync(createRequire(estreeEntry).resolve('typescript/package.json'), 'utf8')).version;
if (Number(typescript.split('.')[0]) >= 6) {
	console.error(`The scanner's parser loads TypeScript ${typescript}; it needs 5.x: install typescript@5 beside the scanner.`);
	process.exit(2);
}

const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(scannerEntry);
const unpacked = mkdtempSync(join(tmpdir(), 'n8n-scan-'));
let failed = false;
try {
	execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
	console.log(`n8n's scanner ${scannerVersion} (TypeScript ${typescript})`);
	for (const [target, dir, patterns] of [
		['source', packageDir, SOURCE_FILE_PATTERNS],
		['tarball', unpacked, ['**/*.js', 'package.json']],
	]) {
		const result = await analyzePackage(dir, patterns);
		console.log(`${target}: ${result.passed ? 'passed' : `FAILED: ${result.message}`}`);
		if (result.details) console.log(result.details);
		if (!result.passed) failed = true;
	}
	const pkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
	const entryPoints = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
	const missing = entryPoints.filter((file) => !existsSync(join(unpacked, file)));
	console.log(
		missing.length || entryPoints.length === 0
			? `tarball contents: FAILED: ${entryPoints.length ? `missing ${missing.join(', ')}` : 'no nodes listed'} (not built?)`
			: `tarball contents: passed (${entryPoints.length} nodes and credentials)`,
	);
	if (missing.length || entryPoints.length === 0) failed = true;
} finally {
	rmSync(unpacked, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
