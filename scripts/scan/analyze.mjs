// Runs n8n's own scanner (@n8n/scan-community-package, scanner/scanner.mjs) on a local folder:
//
//   node scripts/scan/analyze.mjs <folder> <glob>...
//
// prints one JSON line: { passed, message, details, findings, files, typescript }. `analyzePackage`
// is the function n8n's verification calls on the source checkout and on the unpacked tarball; it
// lints with inline eslint configuration and disable comments ignored. This file is ESM because
// the scanner is; the TypeScript side (scripts/scan/runScanner.ts) runs it as a child process.
import { createRequire } from 'module';
import * as path from 'path';

const [dir, ...patterns] = process.argv.slice(2);
if (!dir || patterns.length === 0) {
	console.error('usage: node scripts/scan/analyze.mjs <folder> <glob>...');
	process.exit(2);
}

// The scanner pins TypeScript 7, which @typescript-eslint/typescript-estree cannot load. In this
// project's tree its parser is hoisted and loads the root TypeScript 5; check that it still does,
// so a change of layout fails here with the reason instead of as a lint crash.
const require = createRequire(import.meta.url);
const scannerEntry = require.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
const parserEntry = createRequire(scannerEntry).resolve('@typescript-eslint/parser');
const estreeEntry = createRequire(parserEntry).resolve('@typescript-eslint/typescript-estree');
const typescriptJson = createRequire(estreeEntry).resolve('typescript/package.json');
const typescript = require(typescriptJson).version;
if (Number(typescript.split('.')[0]) >= 6) {
	console.error(
		`The scanner's parser loads TypeScript ${typescript} (${typescriptJson}); typescript-estree needs 5.x. ` +
			'Keep typescript 5.x as a root devDependency and reinstall with npm ci.',
	);
	process.exit(2);
}

const scannerRequire = createRequire(scannerEntry);
const glob = scannerRequire('fast-glob');
const { ESLint } = await import(scannerRequire.resolve('eslint'));
const { analyzePackage } = await import(scannerEntry);

// analyzePackage returns its findings only as text from eslint's 'stylish' formatter, which it
// loads when a file has an error. Keep the lint results that formatter is given, so each finding
// can be printed and counted as data; the lint itself is untouched.
let linted = null;
const loadFormatter = ESLint.prototype.loadFormatter;
ESLint.prototype.loadFormatter = async function (...args) {
	const formatter = await loadFormatter.apply(this, args);
	return {
		format(results, ...rest) {
			linted = results;
			return formatter.format(results, ...rest);
		},
	};
};

// The files analyzePackage will lint, found the way it finds them (for the summary line).
const files = glob.sync(patterns, { cwd: dir, ignore: ['node_modules/**', '**/package-lock.json'] }).length;

// analyzePackage reports internal failures with console.error; keep stdout for the result.
console.log = console.error;
const result = await analyzePackage(dir, patterns);
const findings = (linted ?? []).flatMap((file) =>
	file.messages.map((m) => ({
		file: path.relative(dir, file.filePath),
		line: m.line ?? 0,
		column: m.column ?? 0,
		severity: m.fatal || m.severity === 2 ? 'error' : 'warning',
		ruleId: m.ruleId ?? null,
		message: m.message,
	})),
);
process.stdout.write(
	JSON.stringify({
		passed: result.passed,
		message: result.message ?? null,
		details: result.details ?? null,
		findings: linted ? findings : null,
		files,
		typescript,
	}) + '\n',
);
