import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { cleanEnv, runChecked, withLock } from './util';
import { PACK_CACHE_DIR, REPO_ROOT } from './versions';

export interface PackedPackage {
	/** Absolute path of the .tgz made by `npm pack`. */
	tarball: string;
	/** package.json name and version. */
	name: string;
	version: string;
	/** sha256 over package.json and every file under dist/ (the cache key). */
	contentHash: string;
}

export interface PackOptions {
	/** Run `npm run build` first (default true). */
	build?: boolean;
	/** Repository root (default: this repository). */
	repoRoot?: string;
	log?: (line: string) => void;
}

function listFiles(dir: string): string[] {
	const out: string[] = [];
	const walk = (d: string) => {
		for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
			const full = path.join(d, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.isFile() && !entry.name.endsWith('.tsbuildinfo')) out.push(full);
		}
	};
	if (fs.existsSync(dir)) walk(dir);
	return out.sort();
}

/** sha256 of package.json plus every file of dist/ (paths and contents). */
export function contentHash(repoRoot = REPO_ROOT): string {
	const hash = createHash('sha256');
	hash.update(fs.readFileSync(path.join(repoRoot, 'package.json')));
	for (const file of listFiles(path.join(repoRoot, 'dist'))) {
		hash.update(`\0${path.relative(repoRoot, file)}\0`);
		hash.update(fs.readFileSync(file));
	}
	return hash.digest('hex').slice(0, 24);
}

/**
 * Builds the package with its own build (`npm run build`) and packs it with `npm pack`,
 * the tarball users get from the registry. Tarballs are cached under .cache/pack/<hash>/ by the
 * content of dist/ and package.json, so an unchanged build is not packed again.
 * Builds and packs are serialized across processes with a lock file (the build wipes dist/).
 */
export async function packPackage(options: PackOptions = {}): Promise<PackedPackage> {
	const repoRoot = options.repoRoot ?? REPO_ROOT;
	const log = options.log ?? (() => {});
	return withLock(path.join(PACK_CACHE_DIR, 'build.lock'), async () => {
		const env = cleanEnv();
		if (options.build !== false) {
			log('npm run build…');
			await runChecked('npm', ['run', 'build'], { cwd: repoRoot, env, timeoutMs: 10 * 60_000 });
		}
		const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
			name: string;
			version: string;
		};
		const hash = contentHash(repoRoot);
		const dir = path.join(PACK_CACHE_DIR, hash);
		const done = path.join(dir, 'tarball.json');
		if (fs.existsSync(done)) {
			const cached = JSON.parse(fs.readFileSync(done, 'utf8')) as PackedPackage;
			if (fs.existsSync(cached.tarball)) return cached;
		}
		const tmp = fs.mkdtempSync(path.join(PACK_CACHE_DIR, 'tmp-'));
		try {
			// --ignore-scripts: dist is built (above, or by the caller with build: false), so the
			// package's prepack hook must not build it a second time under the hash just taken.
			const res = await runChecked('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {
				cwd: repoRoot,
				env,
				timeoutMs: 5 * 60_000,
			});
			const info = JSON.parse(res.stdout.slice(res.stdout.indexOf('['))) as Array<{ filename: string }>;
			const filename = path.basename(info[0].filename.replace(/^@/, '').replace(/\//, '-'));
			fs.rmSync(dir, { recursive: true, force: true });
			fs.mkdirSync(dir, { recursive: true });
			const tarball = path.join(dir, filename);
			fs.renameSync(path.join(tmp, filename), tarball);
			const packed: PackedPackage = { tarball, name: pkg.name, version: pkg.version, contentHash: hash };
			fs.writeFileSync(done, JSON.stringify(packed, null, 2) + '\n');
			log(`packed ${tarball}`);
			return packed;
		} finally {
			fs.rmSync(tmp, { recursive: true, force: true });
		}
	});
}
