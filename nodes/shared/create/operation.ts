import type { NodeOperation } from '../node/operation';
import { createVoiceClones } from './createVoiceClones';
import { createVoiceCloneProperties } from './properties';

/** Create Voice Clone as an operation of a service's node. */
export const createOperation: NodeOperation = {
	name: 'Create',
	value: 'create',
	action: 'Create a voice clone',
	description: 'Clone a voice from audio samples in binary data',
	properties: createVoiceCloneProperties,
	run: createVoiceClones,
};
