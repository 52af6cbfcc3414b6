import { config } from '@n8n/node-cli/eslint';

export default [
	...config,
	// packages/ holds whole repositories with their own lint (n8n-node lint there).
	// test/ and scripts/ run under Node.js and jest, not inside n8n: they may use process, fs and
	// timers. They are type-checked by `npm run typecheck`.
	{ ignores: ['test/**', 'scripts/**', 'packages/**', 'coverage/**', '.cache/**', 'jest.config.js', 'gulpfile.js'] },
];
