/** How the demo prints: steps, durations, tables and why a workflow failed. */
import type { ExecuteResult } from '../../test/e2e/harness/n8n';

/** A step of the demo, as one line starting with ▸. */
export const step = (text: string) => console.log(`▸ ${text}`);

/** A duration in seconds with one decimal: "12.3 s". */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The time since `since` (a Date.now()), as seconds(). */
export const secondsSince = (since: number) => seconds(Date.now() - since);

/** Rows as aligned columns, indented by four spaces. */
export function table(rows: string[][]): string {
	const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
	return rows.map((row) => '    ' + row.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd()).join('\n');
}

/** Why a workflow run failed: the failing node and n8n's message, or the last lines n8n printed. */
export function failureText(result: ExecuteResult): string {
	const error = result.run?.data.resultData.error;
	const node = result.run?.data.resultData.lastNodeExecuted;
	if (error) return `${node ? `${node}: ` : ''}${String(error.message)}`;
	return (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
}
