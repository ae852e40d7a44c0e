import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { ModelSpec, ParameterSpec } from './auraFlow.spec';

/** Turns the API spec into n8n UI properties: one place decides names, defaults and ranges. */

function optionList(parameter: ParameterSpec): INodePropertyOptions[] {
	return (parameter.values ?? []).map((value) => ({
		name: parameter.labels?.[value] ?? value,
		value,
	}));
}

function uiDefault(parameter: ParameterSpec): string | number {
	if (parameter.default !== undefined) return parameter.default;
	// A random-seed parameter still needs a starting value once the user adds it.
	return parameter.randomWhenOmitted ? 0 : '';
}

export function toNodeProperty(parameter: ParameterSpec): INodeProperties {
	const property: INodeProperties = {
		displayName: parameter.displayName,
		name: parameter.name,
		type: 'string',
		default: uiDefault(parameter),
		description: parameter.description,
	};
	if (parameter.type === 'options') {
		property.type = 'options';
		property.options = optionList(parameter);
	} else if (parameter.type === 'number' || parameter.type === 'integer') {
		property.type = 'number';
		property.typeOptions = {
			minValue: parameter.min,
			maxValue: parameter.max,
			numberPrecision: parameter.type === 'integer' ? 0 : (parameter.precision ?? 2),
		};
	} else {
		if (parameter.rows) property.typeOptions = { rows: parameter.rows };
		if (parameter.placeholder) property.placeholder = parameter.placeholder;
	}
	if (parameter.requiredByNode) property.required = true;
	return property;
}

/** Top-level fields (the prompt) followed by one "Image Options" collection with the rest. */
export function modelProperties(
	spec: ModelSpec,
	displayOptions: INodeProperties['displayOptions'],
): INodeProperties[] {
	const topLevel = spec.parameters.filter((p) => p.topLevel).map(toNodeProperty);
	const collected = spec.parameters.filter((p) => !p.topLevel).map(toNodeProperty);
	return [
		...topLevel.map((property) => ({ ...property, displayOptions })),
		{
			displayName: 'Image Options',
			name: 'imageOptions',
			type: 'collection',
			placeholder: 'Add Image Option',
			default: {},
			displayOptions,
			description: `Model parameters of ${spec.displayName}. Any option left out uses the API's default (seed: random).`,
			options: collected,
		},
	];
}
