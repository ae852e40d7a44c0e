/** The README's parameter table is generated from the spec; this keeps the two in step. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parametersTable } from '../../scripts/parameters-table';

test('README parameter table matches the API spec', () => {
	const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
	const between = /<!-- parameters:start -->\n([\s\S]*?)\n<!-- parameters:end -->/.exec(readme);
	expect(between?.[1]).toBe(parametersTable());
});
