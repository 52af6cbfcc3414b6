import type { NodeOperation } from '../node/operation';
import { longWaitNotice, waitForTrainingFields } from './properties';
import { waitForTraining } from './waitForTraining';

/** Wait for Training as an operation of a service's node. */
export const waitForTrainingOperation: NodeOperation = {
	name: 'Wait for Training',
	value: 'waitForTraining',
	action: 'Wait for a voice to finish training',
	description: 'Wait until a cloned voice has finished training and can be used',
	properties: [longWaitNotice, ...waitForTrainingFields],
	run: waitForTraining,
};
