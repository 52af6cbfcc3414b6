/**
 * The single-service package folders hold generated copies of the shared code: they must equal
 * what `npm run generate:packages` writes, carry its header, and be the only copies (every other
 * file of a package is written for that package alone). Editing a copy by hand, deleting one or
 * leaving a stray file under nodes/shared is found.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { comparePackages, expectedFiles, generatedFilesOnDisk, isGenerated, writePackages } from '../../scripts/packages/generate';
import { packageFolder, PACKAGES } from '../../scripts/packages/specs';
import { runCommand } from '../e2e/harness/util';
import { REPO_ROOT } from '../e2e/harness/versions';

/** The files of a package that are written by hand for it: its node classes and repository files. */
const HAND_WRITTEN = [
	/^package(-lock)?\.json$/,
	/^(README|CHANGELOG)\.md$/,
	/^LICENSE$/,
	/^\.gitignore$/,
	/^\.npmrc$/,
	/^eslint\.config\.mjs$/,
	/^tsconfig\.json$/,
	/^nodes\/(\w+)\/\1\.node\.(ts|json)$/,
	/^examples\/[\w-]+\.json$/,
];

function packageFiles(dir: string, sub = ''): string[] {
	return fs.readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap((entry) => {
		const rel = path.posix.join(sub, entry.name);
		if (entry.isDirectory()) return ['node_modules', 'dist'].includes(entry.name) ? [] : packageFiles(dir, rel);
		return [rel];
	});
}

describe('generated package files', () => {
	test('every package folder holds exactly what the generator writes', () => {
		expect(comparePackages(REPO_ROOT)).toEqual({ differs: [], missing: [], extra: [] });
	});

	test.each(PACKAGES.map((spec) => [spec.name, spec] as const))(
		'%s: every file is generated (with the header) or one of its own hand-written files',
		(_name, spec) => {
			const dir = path.join(REPO_ROOT, packageFolder(spec));
			const generated = new Set(generatedFilesOnDisk(dir));
			const expected = expectedFiles(REPO_ROOT, spec);
			expect([...generated].sort()).toEqual([...expected.keys()].sort());
			for (const rel of generated) expect([rel, isGenerated(fs.readFileSync(path.join(dir, rel), 'utf8'))]).toEqual([rel, true]);

			const others = packageFiles(dir).filter((rel) => !generated.has(rel));
			expect(others.filter((rel) => !HAND_WRITTEN.some((pattern) => pattern.test(rel)))).toEqual([]);
			// Hand-written node classes are thin: no shared code is copied into them by hand.
			const rootSources = new Set(
				fs.readdirSync(path.join(REPO_ROOT, 'nodes/shared'), { recursive: true, encoding: 'utf8' }).map((rel) => path.basename(rel)),
			);
			expect(others.filter((rel) => rootSources.has(path.basename(rel)))).toEqual([]);
		},
	);

	test.each(PACKAGES.map((spec) => [spec.name, spec] as const))(
		'%s: the credential is the root one with only the class and the type name changed',
		(_name, spec) => {
			const { source, sourceClass, sourceName, className, name } = spec.credential;
			const copy = fs.readFileSync(path.join(REPO_ROOT, packageFolder(spec), `credentials/${className}.credentials.ts`), 'utf8');
			const body = copy.slice(copy.indexOf('\n\n') + 2);
			expect(body).toContain(`export class ${className} implements ICredentialType`);
			expect(body).toContain(`name = '${name}';`);
			expect(body.replace(`class ${className} `, `class ${sourceClass} `).replace(`'${name}'`, `'${sourceName}'`)).toBe(
				fs.readFileSync(path.join(REPO_ROOT, source), 'utf8'),
			);
		},
	);

	test('each package registers only its own provider, under its own credential type, and leaves the others out', () => {
		for (const spec of PACKAGES) {
			const files = expectedFiles(REPO_ROOT, spec);
			const index = files.get('nodes/shared/providers/index.ts') ?? '';
			expect(index).toContain(`[{ ...${spec.provider}, credentialType: '${spec.credential.name}' }]`);
			const others = PACKAGES.filter((other) => other.provider !== spec.provider).map((other) => other.provider);
			for (const other of others) {
				expect([...files.keys()].filter((rel) => rel.startsWith(`nodes/shared/providers/${other}`))).toEqual([]);
			}
		}
		const bland = expectedFiles(REPO_ROOT, PACKAGES.find((spec) => spec.provider === 'bland')!);
		expect([...bland.keys()].filter((rel) => /^nodes\/shared\/(trigger|waitForTraining)\//.test(rel))).toEqual([]);
	});

	describe('a hand-edited, missing or stray copy', () => {
		let out: string;

		beforeAll(() => {
			out = fs.mkdtempSync(path.join(os.tmpdir(), 'generated-packages-'));
			for (const spec of PACKAGES) {
				fs.cpSync(path.join(REPO_ROOT, packageFolder(spec)), path.join(out, packageFolder(spec)), {
					recursive: true,
					filter: (src) => !/\/(node_modules|dist)$/.test(src),
				});
			}
		});

		afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

		test('is listed by the check (exit 1), and the generator puts everything back', async () => {
			const buena = packageFolder(PACKAGES[0]);
			const bland = packageFolder(PACKAGES[1]);
			const edited = `${buena}/nodes/shared/transport/retryDelay.ts`;
			fs.appendFileSync(path.join(out, edited), '\nexport const HAND_EDITED = true;\n');
			const deleted = `${bland}/nodes/shared/audio/probe.ts`;
			fs.rmSync(path.join(out, deleted));
			const stray = `${bland}/nodes/shared/notes.ts`;
			fs.writeFileSync(path.join(out, stray), 'export {};\n');
			const markedElsewhere = `${buena}/nodes/BuenaAi/helper.ts`;
			fs.writeFileSync(path.join(out, markedElsewhere), fs.readFileSync(path.join(out, `${buena}/nodes/shared/units.ts`)));
			const credential = `${bland}/credentials/BlandAiApi.credentials.ts`;
			fs.writeFileSync(path.join(out, credential), fs.readFileSync(path.join(out, credential), 'utf8').replace("'blandAiApi'", "'blandApi'"));

			const expected = { differs: [credential, edited].sort(), missing: [deleted], extra: [markedElsewhere, stray].sort() };
			const found = comparePackages(REPO_ROOT, out);
			expect({ differs: found.differs.sort(), missing: found.missing, extra: found.extra.sort() }).toEqual(expected);
			const cli = await runCommand(process.execPath, ['--import', 'tsx', 'scripts/generate-packages.ts', '--check', `--out=${out}`], {
				cwd: REPO_ROOT,
				timeoutMs: 60_000,
			});
			expect(cli.code).toBe(1);
			expect(cli.stdout.split('\n').filter((line) => /^(differs|missing|extra) /.test(line)).sort()).toEqual(
				[...expected.differs.map((f) => `differs  ${f}`), `missing  ${deleted}`, ...expected.extra.map((f) => `extra    ${f}`)].sort(),
			);

			writePackages(REPO_ROOT, out);
			expect(comparePackages(REPO_ROOT, out)).toEqual({ differs: [], missing: [], extra: [] });
			expect(fs.existsSync(path.join(out, stray))).toBe(false);
			// Hand-written files are never touched.
			expect(fs.readFileSync(path.join(out, `${buena}/nodes/BuenaAi/BuenaAi.node.ts`), 'utf8')).toBe(
				fs.readFileSync(path.join(REPO_ROOT, `${buena}/nodes/BuenaAi/BuenaAi.node.ts`), 'utf8'),
			);
		}, 90_000);
	});

	test(
		'`npm run generate:packages -- --check` passes on this repository',
		async () => {
			const res = await runCommand(process.execPath, ['--import', 'tsx', 'scripts/generate-packages.ts', '--check'], {
				cwd: REPO_ROOT,
				timeoutMs: 60_000,
			});
			expect({ code: res.code, stdout: res.stdout.trim() }).toEqual({ code: 0, stdout: 'Generated package files are up to date.' });
		},
		90_000,
	);
});
