import * as path from 'path';

import { cleanEnv, runCommand } from '../../test/e2e/harness/util';

/** The files n8n's verification lints in the source checkout (`SOURCE_FILE_PATTERNS` in scanner.mjs). */
export const SOURCE_PATTERNS = ['package.json', '{nodes,credentials}/**/*.{js,ts,json}'];
/** The files it lints in the unpacked tarball (`analyzePackageByName` in scanner.mjs 0.32.0). */
export const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

export interface Finding {
	/** Relative to the folder that was scanned. */
	file: string;
	line: number;
	column: number;
	severity: 'error' | 'warning';
	ruleId: string | null;
	message: string;
}

export interface ScanResult {
	/** The scanner's own verdict (`analyzePackage(...).passed`). */
	passed: boolean;
	/** Its message when it did not pass ("ESLint violations found", "Analysis failed: …"). */
	message: string | null;
	/** Every error and warning of the files that had an error (what the scanner shows). */
	findings: Finding[];
	/** How many files it linted. */
	files: number;
	/** The TypeScript version its parser loaded. */
	typescript: string;
	/** Its text report, kept for failures that come without findings. */
	details: string | null;
}

const ANALYZE = path.join(__dirname, 'analyze.mjs');

/**
 * Runs n8n's scanner, `analyzePackage(dir, patterns)` from @n8n/scan-community-package, on a
 * folder, in a child Node.js process (the scanner is an ES module). Inline eslint configuration and
 * disable comments are ignored, as in n8n's verification. Throws when the scanner cannot run.
 */
export async function analyzeFolder(dir: string, patterns: string[]): Promise<ScanResult> {
	// Without jest's NODE_ENV=test: under it eslint-plugin-n8n-nodes-base treats every file as a node file.
	const res = await runCommand(process.execPath, [ANALYZE, dir, ...patterns], { env: cleanEnv(), timeoutMs: 5 * 60_000 });
	const lastLine = res.stdout.trim().split('\n').pop() ?? '';
	if (res.code !== 0 || !lastLine.startsWith('{')) {
		throw new Error(`n8n's scanner did not run on ${dir} (exit ${res.code ?? res.signal}):\n${res.stderr.trim()}`);
	}
	const raw = JSON.parse(lastLine) as Omit<ScanResult, 'findings'> & { findings: Finding[] | null };
	return { ...raw, findings: raw.findings ?? [] };
}

/**
 * Errors of a scan: its findings of severity error; one for a failure that has none; one when no
 * file was scanned (the scanner passes an empty package: "No files found to analyze").
 */
export function errorCount(result: ScanResult): number {
	const errors = result.findings.filter((f) => f.severity === 'error').length;
	return (!result.passed || result.files === 0) && errors === 0 ? 1 : errors;
}
