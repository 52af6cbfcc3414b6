import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/**
 * The same fields, each shown only where `show` holds as well as its own conditions: how a node
 * places an operation's fields under its resource and operation.
 */
export function shownWhere(properties: readonly INodeProperties[], show: NonNullable<IDisplayOptions['show']>): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...show, ...property.displayOptions?.show },
		},
	}));
}
