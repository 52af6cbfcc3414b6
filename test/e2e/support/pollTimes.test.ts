/**
 * fastestPollTimes() against each n8n's own reading of Poll Times: every expression passes the
 * check n8n makes before it registers a poll (1.x: no `*` in the seconds field; 2.x:
 * n8n-workflow's isSubMinuteCron), and together they fire every `seconds` seconds.
 */
import * as path from 'path';

import { installedN8n } from '../harness/installN8n';
import { e2eVersions } from '../harness/matrix';
import { majorOf } from '../harness/n8n';
import { fastestPollTimes } from './activeWorkflow';

interface N8nWorkflowCron {
	toCronExpression(item: { mode: string; cronExpression?: string }): string;
	isSubMinuteCron?: (expression: string) => boolean;
}

/** The seconds of the minute a cron expression `S[,S…] * * * * *` fires at. */
function secondsOf(expression: string): number[] {
	const [seconds, ...rest] = expression.trim().split(/\s+/);
	expect(rest).toEqual(['*', '*', '*', '*', '*']);
	return seconds.split(',').map(Number);
}

describe.each(e2eVersions())('n8n %s', (version) => {
	const n8nWorkflow = (): N8nWorkflowCron =>
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		require(path.join(installedN8n(version).dir, 'node_modules', 'n8n-workflow')) as N8nWorkflowCron;

	test.each([2, 5, 10])('polls every %i s with expressions n8n accepts', (seconds) => {
		const { toCronExpression, isSubMinuteCron } = n8nWorkflow();
		const expressions = fastestPollTimes(version, seconds).item.map((item) => toCronExpression(item));
		for (const expression of expressions) {
			// The checks of activatePollTrigger (2.x, n8n-core active-workflow-triggers.js) and of
			// 1.x's active-workflows.js, which refuse a poll that could come more than once a minute.
			if (majorOf(version) >= 2) expect(isSubMinuteCron?.(expression)).toBe(false);
			else expect(expression.split(' ')[0]).not.toContain('*');
		}
		const fired = expressions.flatMap(secondsOf).sort((a, b) => a - b);
		expect(fired).toEqual(Array.from({ length: Math.ceil(60 / seconds) }, (_, i) => i * seconds));
	});
});
