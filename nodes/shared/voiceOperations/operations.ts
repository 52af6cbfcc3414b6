import type { NodeOperation } from '../node/operation';
import { deleteVoice } from './delete.operation';
import { get } from './get.operation';
import { getAll } from './getAll.operation';
import { eachItem } from './router';
import { speak } from './speak.operation';
import { update } from './update.operation';

/** The operations on the account's voices, one input item at a time. */
export const VOICE_OPERATIONS = {
	deleteVoice: eachItem(deleteVoice),
	get: eachItem(get),
	getAll: eachItem(getAll),
	speak: eachItem(speak),
	update: eachItem(update),
} satisfies Record<string, NodeOperation>;
