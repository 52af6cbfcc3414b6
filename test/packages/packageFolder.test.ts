/**
 * Each single-service package folder is a whole repository: copied alone to a temporary folder
 * (no node_modules, no dist) with its devDependencies installed (this repository's node_modules,
 * whose versions must be the ones it declares), it passes what n8n's verification asks for:
 * `n8n-node cloud-support` says eligible, `n8n-node lint` finds nothing, it builds, `npm pack`
 * holds every file its `n8n` field names, and n8n's scanner passes the source and the tarball.
 * Its built nodes ask for its own credential only and offer no provider choice.
 */
import * as fs from 'fs';
import * as path from 'path';

import { asInstalled, checkPackageContents, unpackTarball } from '../../scripts/scan/packageChecks';
import { analyzeFolder, SOURCE_PATTERNS, TARBALL_PATTERNS, type Finding } from '../../scripts/scan/runScanner';
import { PACKAGES } from '../../scripts/packages/specs';
import { runCommand, type RunResult } from '../e2e/harness/util';
import { REPO_ROOT } from '../e2e/harness/versions';
import { copyPackageAlone, packFolder, readPackageJson, runTool, withoutAnsi, type PackageJson } from './support/packageFolder';

jest.setTimeout(5 * 60_000);

interface BuiltDescriptions {
	nodes: Array<{ file: string; description: Record<string, unknown> }>;
	credentials: Array<{ file: string; name: string; className: string }>;
}

/** Loads the built nodes and credentials the `n8n` field names, in a plain Node.js process, as n8n would. */
async function builtDescriptions(dir: string, pkg: PackageJson): Promise<BuiltDescriptions> {
	const script = `
const path = require('path');
const load = (file) => { const exports = require(path.resolve(file)); return Object.values(exports).map((Class) => [Class.name, new Class()]); };
const nodes = ${JSON.stringify(pkg.n8n?.nodes ?? [])}.flatMap((file) => load(file).map(([, node]) => ({ file, description: node.description })));
const credentials = ${JSON.stringify(pkg.n8n?.credentials ?? [])}.flatMap((file) => load(file).map(([className, credential]) => ({ file, className, name: credential.name })));
process.stdout.write(JSON.stringify({ nodes, credentials }));
`;
	const res = await runCommand(process.execPath, ['-e', script], { cwd: dir, timeoutMs: 60_000 });
	if (res.code !== 0) throw new Error(`loading the built package failed:\n${res.stderr}`);
	return JSON.parse(res.stdout) as BuiltDescriptions;
}

/** Every parameter of a description, options of collections included, with its path. */
function allParameters(properties: unknown[], at = ''): Array<{ path: string; name: string }> {
	return properties.flatMap((property) => {
		const p = property as { name?: string; options?: unknown[]; values?: unknown[] };
		const here = `${at}${p.name ?? '?'}`;
		const nested = [...(Array.isArray(p.options) ? p.options : []), ...(Array.isArray(p.values) ? p.values : [])].filter(
			(child) => typeof child === 'object' && child !== null && 'displayName' in child,
		);
		return [{ path: here, name: p.name ?? '' }, ...allParameters(nested, `${here}.`)];
	});
}

const withoutAnsiResult = (res: RunResult): RunResult => ({ ...res, stdout: withoutAnsi(res.stdout), stderr: withoutAnsi(res.stderr) });

const shown = (findings: Finding[]) => findings.map((f) => `${f.file}:${f.line} ${f.severity} ${f.ruleId} ${f.message}`);

// Jest sets NODE_ENV=test, under which eslint-plugin-n8n-nodes-base treats every file as a node
// file (its own test mode): the scanner would then judge differently from n8n's verification.
const jestNodeEnv = process.env.NODE_ENV;
beforeAll(() => delete process.env.NODE_ENV);
afterAll(() => (process.env.NODE_ENV = jestNodeEnv));

describe.each(PACKAGES.map((spec) => [spec.name, spec] as const))('%s, copied alone', (name, spec) => {
	let dir: string;
	let pkg: PackageJson;
	let build: RunResult;
	let tarball: string;
	let unpacked: string;

	beforeAll(async () => {
		dir = copyPackageAlone(spec);
		pkg = readPackageJson(dir);
	});

	afterAll(() => {
		if (dir) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
	});

	test('package.json: strict, its own repository, MIT, no runtime dependency, n8n-workflow as peer, devDependencies as installed here', () => {
		expect(pkg.name).toBe(name);
		expect(pkg.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
		expect(pkg.repository).toEqual({ type: 'git', url: `git+https://github.com/n8n-nodes-voice-clone/${name}.git` });
		expect(pkg).toMatchObject({ license: 'MIT', files: ['dist'], peerDependencies: { 'n8n-workflow': '*' } });
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.dependencies).toBeUndefined();
		const installed = Object.keys(pkg.devDependencies ?? {}).map((dependency) => [
			dependency,
			(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', dependency, 'package.json'), 'utf8')) as { version: string }).version,
		]);
		expect(Object.entries(pkg.devDependencies ?? {})).toEqual(installed);
		expect(fs.readFileSync(path.join(dir, 'eslint.config.mjs'), 'utf8')).toBe("import { config } from '@n8n/node-cli/eslint';\n\nexport default config;\n");
		// package-lock.json belongs to this package.json (npm ci refuses a lock out of step with it).
		const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as {
			name: string;
			version: string;
			packages: Record<string, { name?: string; version?: string; devDependencies?: object; peerDependencies?: object; dependencies?: object }>;
		};
		const root = lock.packages[''];
		expect([lock.name, lock.version, root.devDependencies, root.peerDependencies, root.dependencies]).toEqual([
			pkg.name,
			pkg.version,
			pkg.devDependencies,
			pkg.peerDependencies,
			undefined,
		]);
		for (const [dependency, version] of Object.entries(pkg.devDependencies ?? {})) {
			expect([dependency, lock.packages[`node_modules/${dependency}`]?.version]).toEqual([dependency, version]);
		}
	});

	test('n8n-node cloud-support: eligible for n8n Cloud verification', async () => {
		const res = await runTool(dir, 'n8n-node', ['cloud-support']);
		expect(res.code).toBe(0);
		expect(res.stdout).toMatch(/Strict mode: enabled/);
		expect(res.stdout).toMatch(/ESLint config: using default config/);
		expect(res.stdout).toMatch(/Status: eligible for n8n Cloud verification/);
	});

	test('n8n-node lint: 0 errors, 0 warnings, on every file eslint looks at', async () => {
		const res = await runTool(dir, 'n8n-node', ['lint']);
		expect({ code: res.code, problems: /problem/.exec(res.stdout + res.stderr)?.input ?? '' }).toEqual({ code: 0, problems: '' });
		// The same lint, as JSON: it did look at the nodes, the credential and package.json.
		const json = await runTool(dir, 'eslint', ['.', '--format', 'json']);
		const results = JSON.parse(json.stdout) as Array<{ filePath: string; errorCount: number; warningCount: number }>;
		const linted = results.map((result) => path.relative(dir, result.filePath));
		expect(linted).toEqual(expect.arrayContaining(['package.json', ...(pkg.n8n?.nodes ?? []).map((file) => file.replace(/^dist\//, '').replace(/\.js$/, '.ts'))]));
		expect(results.filter((result) => result.errorCount + result.warningCount > 0)).toEqual([]);
	});

	test('n8n-node build compiles it, with its icons and codex files beside the nodes', async () => {
		build = await runTool(dir, 'n8n-node', ['build']);
		expect({ code: build.code, output: build.code === 0 ? '' : build.stdout + build.stderr }).toEqual({ code: 0, output: '' });
		for (const file of [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])]) expect(fs.existsSync(path.join(dir, file))).toBe(true);
		for (const node of pkg.n8n?.nodes ?? []) expect(fs.existsSync(path.join(dir, node.replace(/\.js$/, '.json')))).toBe(true);
		const icons = fs.readdirSync(path.join(dir, 'dist'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.svg'));
		expect(icons.length).toBeGreaterThanOrEqual(4);
	});

	test('npm pack: the tarball holds dist and every file the n8n field names, and nothing from outside dist but the package files', async () => {
		expect(build?.code).toBe(0);
		tarball = await packFolder(dir, path.join(path.dirname(dir), 'pack'));
		unpacked = path.join(path.dirname(dir), 'unpacked');
		await unpackTarball(tarball, unpacked);
		const contents = checkPackageContents(unpacked);
		expect(contents.problems).toEqual([]);
		expect(contents.entryPoints).toBe((pkg.n8n?.nodes?.length ?? 0) + (pkg.n8n?.credentials?.length ?? 0));
		const top = fs.readdirSync(unpacked).sort();
		expect(top).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'dist', 'package.json']));
		expect(top.filter((file) => !['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'package.json'].includes(file))).toEqual([]);
	});

	test("n8n's scanner passes the source, the tarball and the tarball as n8n installs it", async () => {
		expect(unpacked).toBeDefined();
		const installed = path.join(path.dirname(dir), 'installed');
		asInstalled(unpacked, installed);
		for (const [target, patterns] of [
			[dir, SOURCE_PATTERNS],
			[unpacked, TARBALL_PATTERNS],
			[installed, TARBALL_PATTERNS],
		] as const) {
			const result = await analyzeFolder(target, [...patterns]);
			expect({ target: path.basename(target), passed: result.passed, findings: shown(result.findings) }).toEqual({
				target: path.basename(target),
				passed: true,
				findings: [],
			});
			expect(result.files).toBeGreaterThan(3);
		}
	});

	test("the publish workflow's scan step passes the tarball, and fails a tarball without the built nodes", async () => {
		expect(tarball).toBeDefined();
		// Run as publish.yml runs it: from a folder where the scanner is installed (here: this repository).
		const script = path.join(dir, '.github', 'scripts', 'scan-package.mjs');
		const scan = withoutAnsiResult(await runCommand(process.execPath, [script, dir, tarball], { cwd: REPO_ROOT, timeoutMs: 5 * 60_000 }));
		expect({ code: scan.code, stdout: scan.stdout }).toEqual({
			code: 0,
			stdout: expect.stringMatching(/source: passed\ntarball: passed\ntarball contents: passed/),
		});

		const unbuilt = path.join(path.dirname(dir), 'unbuilt');
		fs.mkdirSync(path.join(unbuilt, 'package'), { recursive: true });
		fs.copyFileSync(path.join(dir, 'package.json'), path.join(unbuilt, 'package', 'package.json'));
		await runCommand('tar', ['-czf', path.join(unbuilt, 'unbuilt.tgz'), '-C', unbuilt, 'package']);
		const failing = await runCommand(process.execPath, [script, dir, path.join(unbuilt, 'unbuilt.tgz')], { cwd: REPO_ROOT, timeoutMs: 5 * 60_000 });
		expect(failing.code).toBe(1);
		expect(failing.stdout).toContain(`tarball contents: FAILED: missing ${pkg.n8n?.nodes?.[0]}`);
	});

	test('its built nodes ask only for its own credential and offer no provider choice', async () => {
		expect(build?.code).toBe(0);
		const built = await builtDescriptions(dir, pkg);
		expect(built.credentials).toEqual([
			{ file: pkg.n8n?.credentials?.[0], className: spec.credential.className, name: spec.credential.name },
		]);
		expect(built.nodes).toHaveLength(pkg.n8n?.nodes?.length ?? 0);
		for (const { description } of built.nodes) {
			expect(description.credentials).toEqual([{ name: spec.credential.name, required: true }]);
			const parameters = allParameters(description.properties as unknown[]);
			expect(parameters.filter((parameter) => /provider/i.test(parameter.name))).toEqual([]);
			expect(parameters.length).toBeGreaterThan(3);
			// A trigger never says usableAsTool; an action node does.
			expect(description.usableAsTool).toBe(description.polling === true ? undefined : true);
		}
	});
});
