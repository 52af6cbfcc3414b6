import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { PROVIDERS } from './index';

/** The provider choice and its credentials, the same on every node of the package. */
export const providerProperty: INodeProperties = {
	displayName: 'Provider',
	name: 'provider',
	type: 'options',
	noDataExpression: true,
	options: PROVIDERS.map((provider) => ({ name: provider.displayName, value: provider.id })),
	default: 'buena',
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

/** The providers' names as a sentence would list them: "A", "A or B", "A, B or C". */
export function providerNamesText(conjunction = 'or'): string {
	const names = PROVIDERS.map((provider) => provider.displayName);
	return names.length > 1 ? `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}` : (names[0] ?? '');
}
