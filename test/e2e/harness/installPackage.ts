import * as fs from 'fs';
import * as path from 'path';

import type { N8nInstall } from './installN8n';
import { cleanEnv, runChecked } from './util';

/** n8n's default community-package registry (N8N_COMMUNITY_PACKAGES_REGISTRY). */
export const DEFAULT_COMMUNITY_REGISTRY = 'https://registry.npmjs.org';

/** The arguments n8n's CommunityPackagesService passes to `npm install` (1.123 and 2.x). */
export const N8N_NPM_INSTALL_ARGS = [
	'--audit=false',
	'--fund=false',
	'--bin-links=false',
	'--install-strategy=shallow',
	'--ignore-scripts=true',
	'--package-lock=false',
];

export interface InstalledPackage {
	name: string;
	version: string;
	/** <userFolder>/.n8n/nodes/node_modules/<name> */
	packageDir: string;
	/** <userFolder>/.n8n/nodes — n8n's nodesDownloadDir. */
	nodesDir: string;
}

/** n8n's folder for community packages: InstanceSettings.nodesDownloadDir. */
export function nodesDownloadDir(userFolder: string): string {
	return path.join(userFolder, '.n8n', 'nodes');
}

/** Environment n8n's own process would hand to npm: Node 24 first on PATH. */
export function n8nProcessPath(install: N8nInstall): string {
	return `${install.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`;
}

/**
 * Installs a packed community package into an n8n user folder the way n8n's
 * CommunityPackagesService.downloadPackage does (read in n8n 1.123.x and 2.41.x):
 *   1. ensure <nodes>/package.json = {name: 'installed-nodes', private: true, dependencies: {}};
 *   2. the tarball sits in <nodes>/ (n8n gets it with `npm pack name@version` there) and is
 *      unpacked with `tar -xzf <tgz> -C <nodes>/node_modules/<name> --strip-components=1`;
 *   3. devDependencies, peerDependencies and optionalDependencies are dropped from its package.json;
 *   4. `npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow
 *      --ignore-scripts=true --package-lock=false --registry=<registry>` runs in the package folder;
 *   5. <nodes>/package.json gets dependencies[name] = version; the tarball is removed.
 * At start n8n loads every <nodes>/node_modules/n8n-nodes-* folder (the community-packages
 * module's loadDir); `n8n-workflow` then resolves to n8n's own copy through NODE_PATH.
 * The installed_packages/installed_nodes rows n8n writes next are added by
 * registerInstalledPackage() once the database exists.
 */
export async function installPackageIntoUserFolder(args: {
	install: N8nInstall;
	userFolder: string;
	tarball: string;
	registry?: string;
}): Promise<InstalledPackage> {
	const { install, userFolder, tarball } = args;
	const registry = args.registry ?? process.env.N8N_COMMUNITY_PACKAGES_REGISTRY ?? DEFAULT_COMMUNITY_REGISTRY;
	const nodesDir = nodesDownloadDir(userFolder);
	fs.mkdirSync(nodesDir, { recursive: true });
	const nodesPackageJson = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(nodesPackageJson)) {
		fs.writeFileSync(
			nodesPackageJson,
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
			'utf-8',
		);
	}

	const localTarball = path.join(nodesDir, path.basename(tarball));
	fs.copyFileSync(tarball, localTarball);
	try {
		// Read the name first to know the target folder (n8n knows it from the request).
		const listed = await runChecked('tar', ['-xzOf', localTarball, 'package/package.json'], { cwd: nodesDir });
		const { name } = JSON.parse(listed.stdout) as { name: string };
		const packageDir = path.join(nodesDir, 'node_modules', name);
		fs.rmSync(packageDir, { recursive: true, force: true });
		fs.mkdirSync(packageDir, { recursive: true });
		await runChecked('tar', ['-xzf', localTarball, '-C', packageDir, '--strip-components=1'], { cwd: nodesDir });

		const packageJsonPath = path.join(packageDir, 'package.json');
		const {
			devDependencies: _dev,
			peerDependencies: _peer,
			optionalDependencies: _optional,
			...packageJson
		} = JSON.parse(fs.readFileSync(packageJsonPath, 'utf-8')) as Record<string, unknown> & { version: string };
		fs.writeFileSync(packageJsonPath, JSON.stringify(packageJson, null, 2), 'utf-8');

		await runChecked('npm', ['install', ...N8N_NPM_INSTALL_ARGS, `--registry=${registry}`], {
			cwd: packageDir,
			env: cleanEnv({ PATH: n8nProcessPath(install) }),
			timeoutMs: 5 * 60_000,
		});

		const nodes = JSON.parse(fs.readFileSync(nodesPackageJson, 'utf-8')) as {
			dependencies?: Record<string, string>;
		};
		nodes.dependencies = { ...(nodes.dependencies ?? {}), [name]: packageJson.version };
		fs.writeFileSync(nodesPackageJson, JSON.stringify(nodes, null, 2), 'utf-8');
		return { name, version: packageJson.version, packageDir, nodesDir };
	} finally {
		fs.rmSync(localTarball, { force: true });
	}
}

export interface RegisteredPackage {
	/** False when the package has no nodes: n8n refuses such a package and writes no rows. */
	registered: boolean;
	nodes: Array<{ name: string; type: string; latestVersion: number }>;
}

/**
 * Writes the rows n8n's InstalledPackagesRepository.saveInstalledPackageWithNodes writes after a
 * UI/API install (installed_packages + installed_nodes), with the nodes found by n8n-core's own
 * PackageDirectoryLoader. Needs a migrated database (any n8n command has run once).
 * n8n loads the package at start without these rows; they make it appear under
 * Settings → Community nodes and in its "missing packages" check, as for a user install.
 */
export async function registerInstalledPackage(args: {
	install: N8nInstall;
	userFolder: string;
	packageName: string;
}): Promise<RegisteredPackage> {
	const { install, userFolder, packageName } = args;
	const packageDir = path.join(nodesDownloadDir(userFolder), 'node_modules', packageName);
	const dbFile = path.join(userFolder, '.n8n', 'database.sqlite');
	if (!fs.existsSync(dbFile)) throw new Error(`No n8n database yet at ${dbFile}: run an n8n command first`);
	const script = `
require('reflect-metadata');
const { PackageDirectoryLoader } = require('n8n-core');
const sqlite3 = require('sqlite3');
(async () => {
	const loader = new PackageDirectoryLoader(${JSON.stringify(packageDir)});
	await loader.loadAll();
	const { name, version, author } = loader.packageJson;
	const nodes = loader.loadedNodes.map((n) => ({
		name: loader.nodeTypes[n.name].type.description.displayName,
		type: name + '.' + n.name,
		latestVersion: n.version,
	}));
	if (nodes.length > 0) {
		const db = new sqlite3.Database(${JSON.stringify(dbFile)});
		const run = (sql, params) => new Promise((res, rej) => db.run(sql, params, (e) => (e ? rej(e) : res())));
		await run('PRAGMA busy_timeout = 10000', []);
		await run('BEGIN IMMEDIATE', []);
		await run('DELETE FROM installed_nodes WHERE package = ?', [name]);
		await run('DELETE FROM installed_packages WHERE packageName = ?', [name]);
		await run("INSERT INTO installed_packages (packageName, installedVersion, authorName, authorEmail, createdAt, updatedAt) VALUES (?, ?, ?, ?, STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW'), STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW'))", [name, version, (author && author.name) || null, (author && author.email) || null]);
		for (const n of nodes) await run('INSERT INTO installed_nodes (name, type, latestVersion, package) VALUES (?, ?, ?, ?)', [n.name, n.type, n.latestVersion, name]);
		await run('COMMIT', []);
		await new Promise((res) => db.close(res));
	}
	process.stdout.write(JSON.stringify({ registered: nodes.length > 0, nodes }));
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
`;
	const res = await runChecked(install.nodeBin, ['-e', script], {
		cwd: path.join(install.dir, 'node_modules', 'n8n'),
		env: cleanEnv({
			PATH: n8nProcessPath(install),
			// As LoadNodesAndCredentials.init does: packages resolve n8n-workflow to n8n's own copy.
			NODE_PATH: [path.join(install.dir, 'node_modules', 'n8n', 'node_modules'), path.join(install.dir, 'node_modules')].join(path.delimiter),
			N8N_USER_FOLDER: userFolder,
			N8N_LOG_LEVEL: 'error',
		}),
		timeoutMs: 120_000,
	});
	return JSON.parse(res.stdout.slice(res.stdout.indexOf('{"registered"'))) as RegisteredPackage;
}
