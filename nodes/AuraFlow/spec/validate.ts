import type { IDataObject } from 'n8n-workflow';

import type { ModelSpec, ParameterSpec } from './auraFlow.spec';

/**
 * Validation and request body, derived from the same spec as the UI. Runs before any request,
 * so bad input never costs credits. Errors name the parameter and the allowed values.
 */

export class ParameterError extends Error {
	constructor(
		readonly parameter: ParameterSpec,
		readonly problem: string,
	) {
		super(`Invalid ${parameter.displayName} (${parameter.name}): ${problem}`);
	}

	get allowed(): string {
		return describeAllowed(this.parameter);
	}
}

export function describeAllowed(parameter: ParameterSpec): string {
	switch (parameter.type) {
		case 'options':
			return `one of ${(parameter.values ?? []).join(', ')}`;
		case 'integer':
			return `a whole number from ${parameter.min} to ${parameter.max}`;
		case 'number':
			return `a number from ${parameter.min} to ${parameter.max}`;
		default:
			return 'text';
	}
}

function show(value: unknown): string {
	return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

/** Expressions may hand over numbers as strings ("768"); accept those, reject everything else. */
function asNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
		return Number(value);
	}
	return undefined;
}

export function validateValue(parameter: ParameterSpec, value: unknown): string | number {
	const outOfRange = () =>
		new ParameterError(parameter, `${show(value)} is not allowed. Allowed: ${describeAllowed(parameter)}.`);
	switch (parameter.type) {
		case 'string': {
			if (typeof value !== 'string') throw outOfRange();
			if (parameter.requiredByNode && value.trim() === '') {
				throw new ParameterError(parameter, 'it is empty. Enter some text: an empty value would still cost a paid call.');
			}
			return value;
		}
		case 'options': {
			if (typeof value !== 'string' || !(parameter.values ?? []).includes(value)) throw outOfRange();
			return value;
		}
		case 'integer':
		case 'number': {
			const number = asNumber(value);
			if (number === undefined || !Number.isFinite(number)) throw outOfRange();
			if (parameter.type === 'integer' && !Number.isInteger(number)) throw outOfRange();
			if (parameter.min !== undefined && number < parameter.min) throw outOfRange();
			if (parameter.max !== undefined && number > parameter.max) throw outOfRange();
			return number;
		}
	}
}

function randomInteger(min: number, max: number): number {
	return min + Math.floor(Math.random() * (max - min + 1));
}

/**
 * The complete request body: every parameter of the spec, the user's value or the API default,
 * and a drawn seed when none was given. Sending all of them makes the output reproducible and
 * lets the node report exactly what was asked for.
 */
export function buildRequestBody(spec: ModelSpec, given: IDataObject): IDataObject {
	const known = new Set(spec.parameters.map((p) => p.name));
	const unknown = Object.keys(given).filter((name) => !known.has(name));
	if (unknown.length > 0) {
		throw new Error(`Unknown parameter(s): ${unknown.join(', ')}. Known: ${[...known].join(', ')}.`);
	}
	const body: IDataObject = {};
	for (const parameter of spec.parameters) {
		const value = given[parameter.name];
		if (value === undefined || value === null || (value === '' && parameter.type !== 'string')) {
			if (parameter.requiredByNode) validateValue(parameter, '');
			if (parameter.default !== undefined) body[parameter.name] = parameter.default;
			else if (parameter.randomWhenOmitted) {
				body[parameter.name] = randomInteger(parameter.randomWhenOmitted.min, parameter.randomWhenOmitted.max);
			}
			continue;
		}
		body[parameter.name] = validateValue(parameter, value);
	}
	return body;
}
