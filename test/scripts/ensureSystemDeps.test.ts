/**
 * scripts/ensure-system-deps.sh decides what to install and what to tell the user from what is on
 * PATH, whether it runs as root, and whether apt-get exists. These tests run the real script with
 * a PATH of our own: `id` says who we are, and an apt-get stand-in records its calls and "installs"
 * a package by putting its programs on that PATH. (The real apt-get path is exercised by `npm test`
 * on a machine without the packages; see the README.)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SCRIPT = path.resolve(__dirname, '../../scripts/ensure-system-deps.sh');

interface Machine {
	bin: string;
	chromium: string;
	/** Stands for /usr/lib/postgresql: Debian's PostgreSQL puts initdb in <major>/bin there, off PATH. */
	pgLib: string;
	aptLog: string;
}

let root: string;

beforeEach(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'sysdeps-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function executable(file: string, body: string): void {
	fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

/** A machine with only `have` installed, running as `uid`, with or without apt-get. */
function machine(opts: { have: string[]; uid: number; apt: 'ok' | 'fails' | 'absent' }): Machine {
	const bin = path.join(root, 'bin');
	fs.mkdirSync(bin);
	const chromium = path.join(root, 'chromium');
	const pgLib = path.join(root, 'postgresql');
	const aptLog = path.join(root, 'apt.log');
	// The few programs the script itself uses.
	for (const tool of ['mktemp', 'tail', 'rm']) fs.symlinkSync(execPath(tool), path.join(bin, tool));
	executable(path.join(bin, 'id'), `echo ${opts.uid}`);
	for (const tool of opts.have) {
		if (tool === 'chromium') executable(chromium, 'exit 0');
		else if (tool === 'postgresql') {
			fs.mkdirSync(path.join(pgLib, '15', 'bin'), { recursive: true });
			executable(path.join(pgLib, '15', 'bin', 'initdb'), 'exit 0');
		} else executable(path.join(bin, tool), 'exit 0');
	}
	if (opts.apt !== 'absent') {
		// Records "DEBIAN_FRONTEND args…"; `install` puts each package's programs in place.
		executable(
			path.join(bin, 'apt-get'),
			[
				`echo "$DEBIAN_FRONTEND $*" >> ${aptLog}`,
				opts.apt === 'fails' ? 'case "$*" in *install*) echo "E: Unable to locate package" >&2; exit 100;; esac' : '',
				'case "$*" in *install*) for p in "$@"; do case "$p" in',
				`  ffmpeg) printf '#!/bin/sh\\n' > ${bin}/ffmpeg; printf '#!/bin/sh\\n' > ${bin}/ffprobe; /bin/chmod +x ${bin}/ffmpeg ${bin}/ffprobe;;`,
				`  chromium) printf '#!/bin/sh\\n' > ${chromium}; /bin/chmod +x ${chromium};;`,
				`  curl|sox|espeak-ng|python3|make|g++|redis-server) printf '#!/bin/sh\\n' > ${bin}/$p; /bin/chmod +x ${bin}/$p;;`,
				`  postgresql) /bin/mkdir -p ${pgLib}/15/bin; printf '#!/bin/sh\\n' > ${pgLib}/15/bin/initdb; /bin/chmod +x ${pgLib}/15/bin/initdb;;`,
				'esac; done;; esac',
			].join('\n'),
		);
	}
	return { bin, chromium, pgLib, aptLog };
}

function execPath(tool: string): string {
	for (const dir of ['/usr/bin', '/bin']) if (fs.existsSync(path.join(dir, tool))) return path.join(dir, tool);
	throw new Error(`${tool} not found`);
}

function run(m: Machine, ...groups: string[]) {
	const r = spawnSync('/bin/bash', [SCRIPT, ...groups], {
		env: { PATH: m.bin, CHROMIUM_PATH: m.chromium, PG_LIB_DIR: m.pgLib },
		encoding: 'utf8',
		timeout: 20_000,
	});
	return { status: r.status, out: r.stdout + r.stderr, apt: fs.existsSync(m.aptLog) ? fs.readFileSync(m.aptLog, 'utf8').trim().split('\n') : [] };
}

it('says nothing and installs nothing when every program is there', () => {
	const m = machine({ have: ['ffmpeg', 'ffprobe', 'chromium', 'curl', 'sox', 'espeak-ng', 'redis-server', 'postgresql'], uid: 0, apt: 'ok' });
	expect(run(m)).toEqual({ status: 0, out: '', apt: [] });
	expect(run(m, 'test', 'bench', 'fixtures', 'queue')).toEqual({ status: 0, out: '', apt: [] });
});

it('as root, runs apt-get update once, then installs only the missing packages non-interactively', () => {
	const m = machine({ have: ['ffmpeg', 'sox'], uid: 0, apt: 'ok' }); // ffprobe and Chromium missing
	const first = run(m, 'test', 'fixtures');
	expect(first.status).toBe(0);
	expect(first.apt).toEqual([
		'noninteractive -o DPkg::Lock::Timeout=600 update',
		'noninteractive -o DPkg::Lock::Timeout=600 install -y --no-install-recommends ffmpeg chromium espeak-ng',
	]);
	expect(first.out).toMatch(/missing: ffprobe chromium \(.*\) espeak-ng\. Installing with apt-get: ffmpeg chromium espeak-ng/);
	expect(first.out).toMatch(/installed ffmpeg chromium espeak-ng in \d+ s/);
	// Now everything is there: silent, and apt-get is not called again.
	expect(run(m, 'test', 'fixtures')).toEqual({ status: 0, out: '', apt: first.apt });
});

it('n8n: the compiler toolchain that building n8n\'s sqlite3 needs', () => {
	const m = machine({ have: ['make'], uid: 0, apt: 'ok' });
	const first = run(m, 'n8n');
	expect(first.status).toBe(0);
	expect(first.apt[1]).toBe('noninteractive -o DPkg::Lock::Timeout=600 install -y --no-install-recommends python3 g++');
	expect(run(m, 'n8n')).toEqual({ status: 0, out: '', apt: first.apt });
});

it('queue: Redis and PostgreSQL, whose initdb Debian keeps off PATH under /usr/lib/postgresql/<major>/bin', () => {
	const m = machine({ have: [], uid: 0, apt: 'ok' });
	const first = run(m, 'queue');
	expect(first.status).toBe(0);
	expect(first.apt).toEqual([
		'noninteractive -o DPkg::Lock::Timeout=600 update',
		'noninteractive -o DPkg::Lock::Timeout=600 install -y --no-install-recommends redis-server postgresql',
	]);
	expect(first.out).toMatch(/missing: redis-server initdb\. Installing with apt-get: redis-server postgresql/);
	// initdb is found in the versioned folder although it is not on PATH: nothing more to install.
	expect(fs.existsSync(path.join(m.bin, 'initdb'))).toBe(false);
	expect(run(m, 'queue')).toEqual({ status: 0, out: '', apt: first.apt });
});

it('queue: initdb on PATH counts as installed PostgreSQL too', () => {
	const m = machine({ have: ['redis-server', 'initdb'], uid: 0, apt: 'ok' });
	expect(run(m, 'queue')).toEqual({ status: 0, out: '', apt: [] });
});

it('queue, not as root: names postgresql as the package behind initdb', () => {
	const m = machine({ have: ['redis-server'], uid: 1000, apt: 'ok' });
	const r = run(m, 'queue');
	expect(r.status).toBe(1);
	expect(r.out).toContain('missing: initdb.');
	expect(r.out).toContain('    sudo apt-get update && sudo apt-get install -y --no-install-recommends postgresql\n');
});

it('as root, stops with the command when apt-get fails', () => {
	const m = machine({ have: [], uid: 0, apt: 'fails' });
	const r = run(m, 'bench');
	expect(r.status).toBe(1);
	expect(r.out).toContain('E: Unable to locate package');
	expect(r.out).toContain('The command was: apt-get update && apt-get install -y --no-install-recommends curl');
});

it('not as root, stops at once with the exact command to run', () => {
	const m = machine({ have: ['ffmpeg', 'ffprobe'], uid: 1000, apt: 'ok' });
	const r = run(m);
	expect(r.status).toBe(1);
	expect(r.apt).toEqual([]);
	expect(r.out).toContain(`missing: chromium (${m.chromium})`);
	expect(r.out).toContain('    sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium\n');
});

it('without apt-get, names the missing programs and their Debian packages', () => {
	const m = machine({ have: ['chromium'], uid: 0, apt: 'absent' });
	const r = run(m);
	expect(r.status).toBe(1);
	expect(r.out).toContain('missing: ffmpeg ffprobe.');
	expect(r.out).toContain('no apt-get');
	expect(r.out).toContain('(Debian packages: ffmpeg)');
});

it('refuses an unknown group', () => {
	const m = machine({ have: [], uid: 0, apt: 'ok' });
	const r = run(m, 'everything');
	expect(r.status).toBe(2);
	expect(r.apt).toEqual([]);
});
