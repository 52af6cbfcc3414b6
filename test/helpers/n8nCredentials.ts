/**
 * Credential plumbing for the in-process n8n runner (see n8nRunner.ts).
 *
 * n8n's own node tests (n8n-io/n8n packages/core/nodes-testing/credentials-helper.ts) replace the
 * CLI's CredentialsHelper with a small subclass of `ICredentialsHelper` that returns the test's
 * credential data and calls the credential type's `authenticate`. This is the same idea, written
 * against the n8n-workflow 1.120 abstract class, and a little closer to the CLI:
 *  - `getDecrypted` fills in the credential properties' defaults and resolves `={{ }}` expressions
 *    in credential values, like the CLI's `applyDefaultsAndOverwrites`;
 *  - `authenticate` calls a function-form `authenticate` as is and applies the generic form
 *    (`{ type: 'generic', properties: { headers, qs, body, auth } }`) with resolved expressions;
 *  - `preAuthentication` runs a credential's `preAuthentication` when its expirable hidden
 *    property is empty or the token expired (401), as the CLI does;
 *  - `getCredentials` returns real n8n-core `Credentials`, encrypted with the instance key.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Credentials } from 'n8n-core';
import {
	ApplicationError,
	ICredentialsHelper,
	NodeHelpers,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentialTypes,
	type ICredentialsExpressionResolveValues,
	type IExecuteData,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type IWorkflowExecuteAdditionalData,
	type NodeParameterValue,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

const PACKAGE_ROOT = path.resolve(__dirname, '../..');

/** Credential types known to the runner, by name (`buenaApi`, `blandApi`, …). */
export class RunnerCredentialTypes implements ICredentialTypes {
	private readonly types = new Map<string, ICredentialType>();

	constructor(types: Iterable<ICredentialType> = []) {
		for (const type of types) this.add(type);
	}

	add(type: ICredentialType): void {
		this.types.set(type.name, type);
	}

	recognizes(credentialType: string): boolean {
		return this.types.has(credentialType);
	}

	getByName(credentialType: string): ICredentialType {
		const type = this.types.get(credentialType);
		if (!type) {
			throw new ApplicationError(`Unknown credential type "${credentialType}" in the test runner`, {
				extra: { known: [...this.types.keys()] },
			});
		}
		return type;
	}

	getSupportedNodes(_type: string): string[] {
		return [];
	}

	getParentTypes(typeName: string): string[] {
		const direct = this.types.get(typeName)?.extends ?? [];
		return direct.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}
}

let packageCredentialTypes: ICredentialType[] | undefined;

/**
 * Instances of every credential the package declares in package.json `n8n.credentials`
 * (`dist/credentials/X.credentials.js` is loaded from its source `credentials/X.credentials.ts`),
 * so a credential added to the package is known to the runner without touching it.
 */
export function loadPackageCredentialTypes(): ICredentialType[] {
	if (packageCredentialTypes) return packageCredentialTypes;
	const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
		n8n?: { credentials?: string[] };
	};
	const types: ICredentialType[] = [];
	for (const distPath of pkg.n8n?.credentials ?? []) {
		const sourcePath = path.join(PACKAGE_ROOT, distPath.replace(/^dist\//, '').replace(/\.js$/, ''));
		const exported = require(sourcePath) as Record<string, unknown>;
		for (const value of Object.values(exported)) {
			if (typeof value !== 'function') continue;
			const instance = new (value as new () => unknown)() as Partial<ICredentialType>;
			if (typeof instance.name === 'string' && Array.isArray(instance.properties)) {
				types.push(instance as ICredentialType);
			}
		}
	}
	packageCredentialTypes = types;
	return types;
}

function isExpression(value: unknown): value is string {
	return typeof value === 'string' && value.startsWith('=');
}

/**
 * `ICredentialsHelper` for the runner: hands out the credential data configured for the test,
 * by credential type name, and authenticates requests with the credential type's own code.
 */
export class RunnerCredentialsHelper extends ICredentialsHelper {
	/** Every request option object the helper authenticated, after `authenticate` ran. */
	readonly authenticatedRequests: Array<{ type: string; options: IHttpRequestOptions }> = [];

	constructor(
		private readonly credentialTypes: RunnerCredentialTypes,
		private readonly credentialsByType: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const own = this.credentialTypes.getByName(type).properties;
		const inherited = this.getParentTypes(type).flatMap(
			(parent) => this.credentialTypes.getByName(parent).properties,
		);
		const names = new Set(own.map((p) => p.name));
		return [...own, ...inherited.filter((p) => !names.has(p.name))];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const credentialType = this.credentialTypes.getByName(typeName);
		let authenticated = requestOptions as IHttpRequestOptions;
		const { authenticate } = credentialType;
		if (typeof authenticate === 'function') {
			// The CLI's CredentialsHelper calls the function with the decrypted data and the options.
			authenticated = await authenticate(credentials, requestOptions as IHttpRequestOptions);
		} else if (authenticate?.type === 'generic') {
			const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
			target.headers ??= {};
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
					const resolvedKey = String(this.resolve(key, credentials, workflow, node));
					target[outerKey] ??= {};
					target[outerKey][resolvedKey] = this.resolve(value, credentials, workflow, node);
				}
			}
		}
		this.authenticatedRequests.push({ type: typeName, options: authenticated });
		return authenticated;
	}

	private resolve(
		value: unknown,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): unknown {
		if (!isExpression(value)) return value;
		return workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirable = credentialType.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (!expirable || typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && credentials[expirable.name] !== undefined && !credentialsExpired) {
			return undefined;
		}
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) {
			throw new ApplicationError('The property in the preAuthentication output is not the expirable one', {
				extra: { property: expirable.name },
			});
		}
		const updated = { ...credentials, ...output } as ICredentialDataDecryptedObject;
		this.credentialsByType[typeName] = updated;
		return updated;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		const credentials = new Credentials(nodeCredentials, type);
		credentials.setData(this.credentialsByType[type] ?? {});
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		_executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const configured = this.credentialsByType[type];
		if (configured === undefined) {
			throw new ApplicationError(
				`The test gave no credential data for "${type}" (pass credentials: { ${type}: {…} })`,
			);
		}
		const data = structuredClone(configured);
		if (raw) return data;

		// Defaults of the credential's properties, as the CLI does in applyDefaultsAndOverwrites.
		const withDefaults = (NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			data as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;
		// Keep values the properties don't describe (e.g. tokens set by preAuthentication).
		const merged = { ...data, ...withDefaults };

		if (!expressionResolveValues) return merged;
		const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
			expressionResolveValues;
		try {
			return workflow.expression.getParameterValue(
				merged as INodeParameters,
				runExecutionData,
				runIndex,
				itemIndex,
				node.name,
				connectionInputData,
				mode,
				{ $vars: additionalData.variables },
				undefined,
				false,
				merged as Record<string, NodeParameterValue>,
			) as ICredentialDataDecryptedObject;
		} catch (error) {
			(error as Error).message += ' [Error resolving credentials]';
			throw error;
		}
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.credentialsByType[type] = data;
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.credentialsByType[type] = { ...this.credentialsByType[type], ...data };
	}
}
