/**
 * A single-service package folder the way its own repository has it: copied alone to a temporary
 * folder (no node_modules, no dist), with this repository's node_modules linked in as its
 * installed devDependencies, then built and packed with the package's own scripts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { packageFolder, PACKAGES, type PackageSpec } from '../../../scripts/packages/specs';
import type { PackedPackage } from '../../e2e/harness/packPackage';
import { cleanEnv, runChecked, runCommand, type RunResult } from '../../e2e/harness/util';
import { REPO_ROOT } from '../../e2e/harness/versions';

export interface PackageJson {
	name: string;
	version: string;
	dependencies?: Record<string, string>;
	devDependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	repository?: { type?: string; url?: string; directory?: string };
	n8n?: { strict?: boolean; n8nNodesApiVersion?: number; nodes?: string[]; credentials?: string[] };
	[key: string]: unknown;
}

export function specNamed(name: string): PackageSpec {
	const spec = PACKAGES.find((candidate) => candidate.name === name);
	if (!spec) throw new Error(`No package ${name} in scripts/packages/specs.ts`);
	return spec;
}

export function readPackageJson(dir: string): PackageJson {
	return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Copies the package folder alone into a new temporary folder and links this repository's node_modules in. */
export function copyPackageAlone(spec: PackageSpec): string {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), `${spec.name}-`));
	const dir = path.join(work, spec.name);
	fs.cpSync(path.join(REPO_ROOT, packageFolder(spec)), dir, {
		recursive: true,
		filter: (src) => !/[/\\](node_modules|dist)$/.test(src) && !src.endsWith('.tgz'),
	});
	fs.symlinkSync(fs.realpathSync(path.join(REPO_ROOT, 'node_modules')), path.join(dir, 'node_modules'), 'dir');
	return dir;
}

/** Runs a tool of the package's devDependencies (node_modules/.bin) in the package folder. */
export async function runTool(dir: string, tool: string, args: string[], timeoutMs = 5 * 60_000): Promise<RunResult> {
	const res = await runCommand(path.join(dir, 'node_modules', '.bin', tool), args, {
		cwd: dir,
		env: cleanEnv({ CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' }),
		timeoutMs,
	});
	return { ...res, stdout: withoutAnsi(res.stdout), stderr: withoutAnsi(res.stderr) };
}

export function withoutAnsi(text: string): string {
	// eslint-style colour codes and the spinner's cursor moves
	return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/** `npm pack` of the (built) folder into `destination`: the tarball's path. */
export async function packFolder(dir: string, destination: string): Promise<string> {
	fs.mkdirSync(destination, { recursive: true });
	const res = await runChecked('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: dir,
		env: cleanEnv(),
		timeoutMs: 5 * 60_000,
	});
	const [info] = JSON.parse(res.stdout.slice(res.stdout.indexOf('['))) as Array<{ filename: string }>;
	return path.join(destination, info.filename);
}

const packed = new Map<string, Promise<PackedPackage>>();

/**
 * The package copied alone, built with `n8n-node build` and packed: the tarball users would get
 * from the registry (once per process and package). The temporary copy is removed at exit.
 */
export function packSingleServicePackage(name: string): Promise<PackedPackage> {
	let promise = packed.get(name);
	if (!promise) {
		promise = (async () => {
			const dir = copyPackageAlone(specNamed(name));
			process.once('exit', () => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
			const build = await runTool(dir, 'n8n-node', ['build']);
			if (build.code !== 0) throw new Error(`n8n-node build failed in ${dir}:\n${build.stdout}\n${build.stderr}`);
			const tarball = await packFolder(dir, path.join(path.dirname(dir), 'pack'));
			const { version } = readPackageJson(dir);
			return { tarball, name, version, contentHash: path.basename(tarball) };
		})();
		packed.set(name, promise);
		promise.catch(() => packed.delete(name));
	}
	return promise;
}
