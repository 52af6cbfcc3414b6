import type { NumberParameter } from '../execution/numberParameter';
import { MIN_POLL_INTERVAL_MS } from './pollSchedule';

export const POLL_INTERVAL: NumberParameter = {
	path: 'pollInterval',
	displayName: 'Poll Interval (Seconds)',
	default: 10,
	min: MIN_POLL_INTERVAL_MS / 1000,
	max: 3_600,
};

export const TIMEOUT_MINUTES: NumberParameter = {
	path: 'timeout',
	displayName: 'Timeout (Minutes)',
	default: 10,
	min: 0.01,
	max: 10_080,
};
