import * as fs from 'fs';
import * as path from 'path';

import { runChecked } from '../../test/e2e/harness/util';

interface PackageJson {
	main?: string;
	devDependencies?: Record<string, string>;
	n8n?: { nodes?: string[]; credentials?: string[] };
}

function readPackageJson(dir: string): PackageJson {
	return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

function listFiles(dir: string, sub = ''): string[] {
	return fs.readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap((e) => {
		const rel = path.join(sub, e.name);
		if (e.isDirectory()) return listFiles(dir, rel);
		return e.isFile() ? [rel] : [];
	});
}

/** Unpacks an `npm pack` tarball into dest (created), dropping its `package/` folder, as n8n's scanner does. */
export async function unpackTarball(tarball: string, dest: string): Promise<void> {
	fs.mkdirSync(dest, { recursive: true });
	await runChecked('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1']);
}

/**
 * Copies an unpacked package to dest with the devDependencies taken out of its package.json: the
 * package as n8n installs it. The scanner lets node code import any devDependency, as if the build
 * had bundled it; this package bundles nothing, so such an import would fail in n8n.
 */
export function asInstalled(unpacked: string, dest: string): void {
	fs.cpSync(unpacked, dest, { recursive: true });
	const file = path.join(dest, 'package.json');
	const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as PackageJson;
	delete pkg.devDependencies;
	fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
}

export interface ContentsReport {
	files: number;
	/** `main` and every node and credential in package.json's `n8n` field. */
	entryPoints: number;
	sourceMaps: number;
	problems: string[];
}

/**
 * Checks an unpacked package: it holds `main` and every node and credential its package.json lists
 * (an unbuilt `npm pack` ships package.json, README and LICENSE only), and every source map in it
 * can be read without the repository: each source it names is inlined (`sourcesContent`) or a file
 * of the package, and each `sourceMappingURL` comment points at a map that is there.
 */
export function checkPackageContents(dir: string): ContentsReport {
	const pkg = readPackageJson(dir);
	const files = listFiles(dir).sort();
	const have = new Set(files);
	const problems: string[] = [];

	const entryPoints = [pkg.main, ...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])].filter(
		(f): f is string => typeof f === 'string',
	);
	if (!pkg.n8n?.nodes?.length) problems.push('package.json lists no nodes under "n8n"');
	for (const entry of entryPoints) {
		if (!have.has(path.normalize(entry))) problems.push(`${entry} is listed in package.json but not in the package (not built?)`);
	}

	const maps = files.filter((f) => f.endsWith('.map'));
	for (const map of maps) problems.push(...mapProblems(dir, map, have));
	for (const js of files.filter((f) => f.endsWith('.js'))) {
		const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(fs.readFileSync(path.join(dir, js), 'utf8'))?.[1];
		if (!url || url.startsWith('data:')) continue;
		const target = path.join(path.dirname(js), decodeURIComponent(url));
		if (!have.has(target)) problems.push(`${js} points at ${url}, which is not in the package`);
	}
	return { files: files.length, entryPoints: entryPoints.length, sourceMaps: maps.length, problems };
}

function mapProblems(dir: string, map: string, have: Set<string>): string[] {
	let parsed: { sources?: unknown; sourcesContent?: unknown; sourceRoot?: unknown };
	try {
		parsed = JSON.parse(fs.readFileSync(path.join(dir, map), 'utf8')) as typeof parsed;
	} catch (e) {
		return [`${map} is not valid JSON: ${(e as Error).message}`];
	}
	const sources = Array.isArray(parsed.sources) ? (parsed.sources as unknown[]) : [];
	const contents = Array.isArray(parsed.sourcesContent) ? (parsed.sourcesContent as unknown[]) : [];
	const root = typeof parsed.sourceRoot === 'string' ? parsed.sourceRoot : '';
	const problems: string[] = [];
	sources.forEach((source, i) => {
		if (typeof contents[i] === 'string') return;
		const file = path.normalize(path.join(path.dirname(map), root, String(source)));
		if (!have.has(file)) problems.push(`${map} names ${String(source)}, which is neither inlined nor in the package`);
	});
	return problems;
}
