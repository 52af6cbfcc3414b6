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
	/** Build first (default true): `npm run pack` where package.json has it, else `npm run build`. */
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
 * Builds and packs the package the way its README says to: `npm run pack` (build, then `npm pack`)
 * when package.json has that script, else `npm run build` and `npm pack`. dist/ is removed first,
 * so a pack command that does not build makes a tarball without the nodes, which every user of
 * the tarball then fails on (`npm run scan` checks the n8n field's files are in it). Tarballs are
 * cached under .cache/pack/<hash>/ by the content of dist/ and package.json. Builds and packs are
 * serialized across processes with a lock file (the build wipes dist/).
 */
export async function packPackage(options: PackOptions = {}): Promise<PackedPackage> {
	const repoRoot = options.repoRoot ?? REPO_ROOT;
	const log = options.log ?? (() => {});
	return withLock(path.join(PACK_CACHE_DIR, 'build.lock'), async () => {
		const env = cleanEnv();
		const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
			name: string;
			version: string;
			scripts?: Record<string, string>;
		};
		const tmp = fs.mkdtempSync(path.join(PACK_CACHE_DIR, 'tmp-'));
		try {
			if (options.build !== false && pkg.scripts?.pack) {
				log('npm run pack (build, then npm pack)…');
				fs.rmSync(path.join(repoRoot, 'dist'), { recursive: true, force: true });
				await runChecked('npm', ['run', 'pack', '--', '--pack-destination', tmp], { cwd: repoRoot, env, timeoutMs: 10 * 60_000 });
			} else {
				if (options.build !== false) {
					log('npm run build…');
					await runChecked('npm', ['run', 'build'], { cwd: repoRoot, env, timeoutMs: 10 * 60_000 });
				}
				// --ignore-scripts: dist is built (above, or by the caller with build: false), so a
				// prepack hook must not build it a second time.
				await runChecked('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp], { cwd: repoRoot, env, timeoutMs: 5 * 60_000 });
			}
			const made = fs.readdirSync(tmp).filter((file) => file.endsWith('.tgz'));
			if (made.length !== 1) throw new Error(`npm pack in ${repoRoot} made ${made.length} tarballs in ${tmp}: ${made.join(', ')}`);
			const hash = contentHash(repoRoot);
			const dir = path.join(PACK_CACHE_DIR, hash);
			const done = path.join(dir, 'tarball.json');
			if (fs.existsSync(done)) {
				const cached = JSON.parse(fs.readFileSync(done, 'utf8')) as PackedPackage;
				if (fs.existsSync(cached.tarball)) return cached;
			}
			fs.rmSync(dir, { recursive: true, force: true });
			fs.mkdirSync(dir, { recursive: true });
			const tarball = path.join(dir, made[0]);
			fs.renameSync(path.join(tmp, made[0]), tarball);
			const packed: PackedPackage = { tarball, name: pkg.name, version: pkg.version, contentHash: hash };
			fs.writeFileSync(done, JSON.stringify(packed, null, 2) + '\n');
			log(`packed ${tarball}`);
			return packed;
		} finally {
			fs.rmSync(tmp, { recursive: true, force: true });
		}
	});
}
