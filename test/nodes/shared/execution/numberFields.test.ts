/**
 * A number option is described twice: the editor field (a literal, so n8n's lint checks it) and
 * the NumberParameter that readNumberParameter enforces. They must agree, or the editor offers
 * values the node refuses.
 */
import type { INodeProperties } from 'n8n-workflow';

import { CreateVoiceClone } from '../../../../nodes/CreateVoiceClone/CreateVoiceClone.node';
import { CONCURRENCY, MAX_RETRIES, UPLOAD_TIMEOUT } from '../../../../nodes/shared/create/settings';
import type { NumberParameter } from '../../../../nodes/shared/execution/numberParameter';
import { CLONE_LIMIT } from '../../../../nodes/shared/providers/buena';
import { LIMIT } from '../../../../nodes/shared/voiceOperations/getAll.operation';
import { OPERATION_TIMEOUT } from '../../../../nodes/shared/voiceOperations/settings';
import { POLL_INTERVAL, TIMEOUT_MINUTES } from '../../../../nodes/shared/waitForTraining/settings';
import { VoiceClone } from '../../../../nodes/VoiceClone/VoiceClone.node';
import { WaitForTraining } from '../../../../nodes/WaitForTraining/WaitForTraining.node';

/** The field at `path` ("options.timeout"): top-level properties, then collection options. */
function fieldAt(properties: INodeProperties[], path: string): INodeProperties {
	const [head, ...rest] = path.split('.');
	const matches = properties.filter((property) => property.name === head);
	if (!rest.length) {
		expect(matches).toHaveLength(1);
		return matches[0];
	}
	const options = matches.flatMap((collection) => (collection.options ?? []) as INodeProperties[]);
	return fieldAt(options, rest.join('.'));
}

const createProperties = new CreateVoiceClone().description.properties;
const waitProperties = new WaitForTraining().description.properties;
/** The Voice Clone fields the editor shows for one operation. */
const voiceCloneProperties = (operation: string) =>
	new VoiceClone().description.properties.filter((property) => property.displayOptions?.show?.operation?.includes(operation));

it.each<[string, INodeProperties[], NumberParameter]>([
	['Concurrency', createProperties, CONCURRENCY],
	['Max Retries', createProperties, MAX_RETRIES],
	['Upload Timeout', createProperties, UPLOAD_TIMEOUT],
	['Account Voice Clone Limit', createProperties, CLONE_LIMIT],
	['Poll Interval', waitProperties, POLL_INTERVAL],
	['Timeout', waitProperties, TIMEOUT_MINUTES],
	['Voice Clone Get Many: Limit', voiceCloneProperties('getAll'), LIMIT],
	...['get', 'getAll', 'update', 'delete', 'speak'].map(
		(operation): [string, INodeProperties[], NumberParameter] => [`Voice Clone ${operation}: Timeout`, voiceCloneProperties(operation), OPERATION_TIMEOUT],
	),
])('%s: the editor field offers what the node accepts', (_label, properties, parameter) => {
	const field = fieldAt(properties, parameter.path);
	expect(field).toMatchObject({ type: 'number', displayName: parameter.displayName, default: parameter.default });
	expect(field.typeOptions?.minValue).toBe(parameter.min);
	expect(field.typeOptions?.maxValue).toBe(Number.isFinite(parameter.max) ? parameter.max : undefined);
	if (parameter.integer) expect(field.typeOptions?.numberPrecision).toBe(0);
});
