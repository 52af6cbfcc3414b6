/**
 * `npm run scan` must fail when n8n's verification would. These tests run the real scanner
 * (@n8n/scan-community-package, through scripts/scan/analyze.mjs) on small packages written to a
 * temporary folder, each with something n8n rejects, and check the package checks the scanner
 * does not make (devDependencies imported at run time, missing entry points, dangling source maps).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { asInstalled, checkPackageContents } from '../../../scripts/scan/packageChecks';
import { analyzeFolder, errorCount, SOURCE_PATTERNS, TARBALL_PATTERNS } from '../../../scripts/scan/runScanner';

jest.setTimeout(180_000);

let root: string;
beforeEach(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-test-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Writes files (path → content; objects become JSON) under a new folder of root. */
function writePackage(name: string, files: Record<string, string | object>): string {
	const dir = path.join(root, name);
	for (const [file, content] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		fs.writeFileSync(
			path.join(dir, file),
			typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n',
		);
	}
	return dir;
}

/** A package.json that passes every package.json rule of the scanner. */
function packageJson(extra: object = {}): object {
	return {
		name: 'n8n-nodes-scan-fixture',
		version: '1.0.0',
		description: 'A package made to test the scan.',
		keywords: ['n8n-community-node-package'],
		license: 'MIT',
		homepage: 'https://example.com',
		author: { name: 'Fixture', email: 'fixture@example.com' },
		repository: { type: 'git', url: 'git+https://github.com/example/n8n-nodes-scan-fixture.git' },
		main: 'dist/index.js',
		files: ['dist'],
		n8n: { n8nNodesApiVersion: 1, nodes: ['dist/nodes/Example/Example.node.js'] },
		peerDependencies: { 'n8n-workflow': '*' },
		...extra,
	};
}

const where = (findings: Array<{ file: string; line: number; ruleId: string | null }>) =>
	findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`).sort();

test('the source scan reports a forbidden import, a timer and a dependencies field, disable comments notwithstanding', async () => {
	const dir = writePackage('source', {
		'package.json': packageJson({ dependencies: { 'form-data': '^4.0.0' } }),
		'nodes/Example/helpers.ts': [
			'/* eslint-disable */',
			"import { Readable } from 'stream';",
			'',
			'export function later(fn: () => void): Readable {',
			'\tsetTimeout(fn, 10); // eslint-disable-line',
			'\treturn Readable.from([]);',
			'}',
			'',
		].join('\n'),
		// Not a source pattern: never linted.
		'test/helper.ts': "import * as fs from 'fs';\nexport const f = fs;\n",
	});

	const result = await analyzeFolder(dir, SOURCE_PATTERNS);

	expect(result.passed).toBe(false);
	expect(result.files).toBe(2);
	expect(result.typescript).toMatch(/^5\./);
	expect(where(result.findings)).toEqual([
		'nodes/Example/helpers.ts:2 @n8n/community-nodes/no-restricted-imports',
		'nodes/Example/helpers.ts:5 @n8n/community-nodes/no-restricted-globals',
		`package.json:${packageJsonLine(dir, '"dependencies"')} @n8n/community-nodes/no-runtime-dependencies`,
	]);
	expect(errorCount(result)).toBe(3);
	expect(result.findings[0].message).toContain("Import of 'stream' is not allowed");
});

test('a clean package passes with no findings', async () => {
	const dir = writePackage('clean', {
		'package.json': packageJson(),
		'nodes/Example/helpers.ts': "import { sleep } from 'n8n-workflow';\n\nexport const pause = async () => await sleep(10);\n",
	});

	const result = await analyzeFolder(dir, SOURCE_PATTERNS);

	expect(result).toMatchObject({ passed: true, files: 2, findings: [] });
	expect(errorCount(result)).toBe(0);
});

test('a devDependency required at run time passes the scanner but not the tarball as n8n installs it', async () => {
	const tarball = writePackage('tarball', {
		'package.json': packageJson({ devDependencies: { 'form-data': '^4.0.0' } }),
		'dist/nodes/Example/upload.js': '"use strict";\nconst FormData = require("form-data");\nexports.body = () => new FormData();\n',
	});
	const installed = path.join(root, 'installed');
	asInstalled(tarball, installed);

	const asPublished = await analyzeFolder(tarball, TARBALL_PATTERNS);
	const asRun = await analyzeFolder(installed, TARBALL_PATTERNS);

	expect(asPublished).toMatchObject({ passed: true, findings: [] });
	expect(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'))).not.toHaveProperty('devDependencies');
	expect(asRun.passed).toBe(false);
	expect(where(asRun.findings)).toEqual(['dist/nodes/Example/upload.js:2 @n8n/community-nodes/no-restricted-imports']);
	expect(asRun.findings[0].message).toContain("Require of 'form-data' is not allowed");
});

test('an empty folder is reported as having no files, not as clean', async () => {
	const dir = writePackage('empty', { 'README.md': '# nothing\n' });
	const result = await analyzeFolder(dir, TARBALL_PATTERNS);
	expect(result).toMatchObject({ passed: true, files: 0, findings: [] });
	expect(errorCount(result)).toBe(1);
});

describe('checkPackageContents', () => {
	test('an unbuilt package (package.json, README, LICENSE) lacks main and its nodes', () => {
		const dir = writePackage('unbuilt', { 'package.json': packageJson(), 'README.md': '#\n', LICENSE: 'MIT\n' });
		const report = checkPackageContents(dir);
		expect(report.files).toBe(3);
		expect(report.problems).toEqual([
			'dist/index.js is listed in package.json but not in the package (not built?)',
			'dist/nodes/Example/Example.node.js is listed in package.json but not in the package (not built?)',
		]);
	});

	test('source maps must inline their sources or find them in the package', () => {
		const map = (sources: string[], sourcesContent?: string[]) =>
			JSON.stringify({ version: 3, file: 'x.js', sourceRoot: '', sources, sourcesContent, names: [], mappings: '' });
		const dir = writePackage('maps', {
			'package.json': packageJson(),
			'dist/index.js': 'exports.a = 1;\n//# sourceMappingURL=index.js.map',
			'dist/index.js.map': map(['../index.ts'], ['export const a = 1;\n']),
			'dist/nodes/Example/Example.node.js': 'exports.b = 1;\n//# sourceMappingURL=Example.node.js.map',
			'dist/nodes/Example/Example.node.js.map': map(['../../../nodes/Example/Example.node.ts']),
			'dist/nodes/Example/shipped.js': 'exports.c = 1;\n//# sourceMappingURL=shipped.js.map',
			'dist/nodes/Example/shipped.js.map': map(['shipped.ts']),
			'dist/nodes/Example/shipped.ts': 'export const c = 1;\n',
			'dist/nodes/Example/lost.js': 'exports.d = 1;\n//# sourceMappingURL=lost.js.map',
		});

		const report = checkPackageContents(dir);

		expect(report.sourceMaps).toBe(3);
		expect(report.problems).toEqual([
			'dist/nodes/Example/Example.node.js.map names ../../../nodes/Example/Example.node.ts, which is neither inlined nor in the package',
			'dist/nodes/Example/lost.js points at lost.js.map, which is not in the package',
		]);
	});
});

function packageJsonLine(dir: string, text: string): number {
	return fs.readFileSync(path.join(dir, 'package.json'), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
}
