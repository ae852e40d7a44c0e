/**
 * Prints the README's parameter table from the API spec, so the docs cannot drift from the
 * node (test/node/readme.test.ts checks the README holds exactly this table).
 * Usage: npx ts-node --transpile-only scripts/parameters-table.ts
 */
import { auraFlowSpec } from '../nodes/AuraFlow/spec/auraFlow.spec';
import type { ParameterSpec } from '../nodes/AuraFlow/spec/auraFlow.spec';
import { describeAllowed } from '../nodes/AuraFlow/spec/validate';

function defaultOf(parameter: ParameterSpec): string {
	if (parameter.randomWhenOmitted) return 'random (reported in the output)';
	if (parameter.default === '') return '""';
	return `\`${String(parameter.default)}\``;
}

function allowedOf(parameter: ParameterSpec): string {
	if (parameter.type === 'string') return parameter.requiredByNode ? 'text, not empty' : 'text';
	if (parameter.name === 'seed') return 'a whole number ≥ 0';
	if (parameter.type === 'options' && (parameter.values?.length ?? 0) > 8) {
		return `${parameter.values!.length} values: ${parameter.values!.map((v) => `\`${v}\``).join(', ')}`;
	}
	if (parameter.type === 'options') return parameter.values!.map((v) => `\`${v}\``).join(', ');
	return describeAllowed(parameter);
}

export function parametersTable(): string {
	const rows = auraFlowSpec.parameters.map(
		(p) =>
			`| ${p.displayName} | \`${p.name}\` | ${defaultOf(p)} | ${allowedOf(p)} | ${p.description.replace(/\|/g, '\\|')} |`,
	);
	return ['| Field | API name | Default | Allowed | Description |', '|---|---|---|---|---|', ...rows].join('\n');
}

if (require.main === module) console.log(parametersTable());
