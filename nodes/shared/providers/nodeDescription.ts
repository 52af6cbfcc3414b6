import type { IDisplayOptions, INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { PROVIDERS } from './index';
import { DEFAULT_PROVIDER_ID } from './selectedProvider';

export { providerNamesText } from './selectedProvider';

/** The provider choice and its credentials, the same on every node of a multi-provider package. */
export const providerProperty: INodeProperties = {
	displayName: 'Provider',
	name: 'provider',
	type: 'options',
	noDataExpression: true,
	options: PROVIDERS.map((provider) => ({ name: provider.displayName, value: provider.id })),
	default: DEFAULT_PROVIDER_ID,
};

export const providerCredentials: INodeCredentialDescription[] = PROVIDERS.map((provider) => ({
	name: provider.credentialType,
	required: true,
	displayOptions: { show: { provider: [provider.id] } },
}));

/** An expression naming the selected provider, for a node's subtitle. */
export const providerNameExpression = `${JSON.stringify(
	Object.fromEntries(PROVIDERS.map((provider) => [provider.id, provider.displayName])),
)}[$parameter["provider"]]`;

/**
 * The condition that shows a field only for some providers (`/provider` from inside a collection).
 * None when they are all of this package's providers: a single-service package has no Provider
 * parameter, and a condition on it would hide the field for good.
 */
/**
 * Fields only some providers have: shown for them alone where the package has other providers too,
 * without a condition where they are all of them, and left out where none of them has the field.
 */
export function forProviders(
	providerIds: readonly string[],
	properties: INodeProperties[],
	path: 'provider' | '/provider' = 'provider',
): INodeProperties[] {
	if (!providerIds.length) return [];
	const displayOptions = whenProvider(providerIds, path);
	return properties.map((property) => (displayOptions ? { ...property, displayOptions } : property));
}

export function whenProvider(
	providerIds: readonly string[],
	path: 'provider' | '/provider' = 'provider',
): IDisplayOptions | undefined {
	const all = PROVIDERS.every((provider) => providerIds.includes(provider.id));
	return all ? undefined : { show: { [path]: [...providerIds] } };
}
