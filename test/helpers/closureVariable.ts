/**
 * Reads a variable a function closes over (a module's private state, e.g. a registry `Map`),
 * through V8's inspector, the way a debugger shows it: the module under test is neither changed
 * nor patched, and no global is monkey-patched to watch it.
 */
import { Session } from 'node:inspector';

interface RemoteObject {
	type: string;
	value?: unknown;
	objectId?: string;
}
interface PropertyDescriptor {
	name: string;
	value?: RemoteObject;
}
interface Properties {
	result: PropertyDescriptor[];
	internalProperties?: PropertyDescriptor[];
}

/** An in-process inspector session answers synchronously. */
function post<T>(session: Session, method: string, params: object): T {
	let answer: { error: Error | null; result?: T } | undefined;
	session.post(method, params, (error, result) => {
		answer = { error, result: result as T };
	});
	if (!answer) throw new Error(`The inspector did not answer ${method} synchronously`);
	if (answer.error) throw answer.error;
	return answer.result as T;
}

export function closureVariable(fn: (...args: never[]) => unknown, name: string): unknown {
	const global = globalThis as Record<string, unknown>;
	const marker = `__closureVariable_${process.pid}_${Date.now()}`;
	const session = new Session();
	session.connect();
	const contexts: number[] = [];
	session.on('Runtime.executionContextCreated', (message) => contexts.push(message.params.context.id));
	global[marker] = fn;
	try {
		post(session, 'Runtime.enable', {});
		// Jest runs tests in a VM context of their own: find the one that sees `fn`.
		const fnObject = contexts
			.map((contextId) => post<{ result: RemoteObject }>(session, 'Runtime.evaluate', { expression: `globalThis.${marker}`, contextId }).result)
			.find((remote) => remote.type === 'function' && remote.objectId);
		if (!fnObject?.objectId) throw new Error('The inspector cannot see the function');
		const scopes = post<Properties>(session, 'Runtime.getProperties', { objectId: fnObject.objectId, ownProperties: true })
			.internalProperties?.find((property) => property.name === '[[Scopes]]')?.value?.objectId;
		if (!scopes) throw new Error('The function has no scopes the inspector shows');
		for (const scope of post<Properties>(session, 'Runtime.getProperties', { objectId: scopes, ownProperties: true }).result) {
			if (!scope.value?.objectId) continue;
			const variables = post<Properties>(session, 'Runtime.getProperties', { objectId: scope.value.objectId, ownProperties: true });
			const found = variables.result.find((variable) => variable.name === name)?.value;
			if (!found) continue;
			if (!found.objectId) return found.value;
			// Hand the object itself to the test: the inspector stores it where the test can take it.
			post(session, 'Runtime.callFunctionOn', {
				objectId: found.objectId,
				functionDeclaration: `function () { globalThis.${marker} = this; }`,
			});
			return global[marker];
		}
		throw new Error(`The function closes over no variable "${name}"`);
	} finally {
		delete global[marker];
		session.disconnect();
	}
}
