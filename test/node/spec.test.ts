/**
 * The UI the user sees is derived from the spec; these expectations are the contract's table
 * (../shared/CONTRACT.md) written out again by hand, so a wrong default or range in the spec
 * fails here.
 */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { SegmindApi } from '../../credentials/SegmindApi.credentials';
import { auraFlowSpec } from '../../nodes/AuraFlow/spec/auraFlow.spec';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT, loadPackage } from '../support/run-workflow';

const CONTRACT_SAMPLERS = [
	'euler', 'euler_cfg_pp', 'euler_ancestral', 'euler_ancestral_cfg_pp', 'heun', 'heunpp2', 'dpm_2',
	'dpm_2_ancestral', 'lms', 'dpm_fast', 'dpm_adaptive', 'dpmpp_2s_ancestral', 'dpmpp_sde', 'dpmpp_sde_gpu',
	'dpmpp_2m', 'dpmpp_2m_sde', 'dpmpp_2m_sde_gpu', 'dpmpp_3m_sde', 'dpmpp_3m_sde_gpu', 'ddpm', 'lcm', 'ipndm',
	'ipndm_v', 'deis', 'ddim', 'uni_pc', 'uni_pc_bh2',
];

const CONTRACT_NUMBERS: Record<string, { default: number; min: number; max: number; integer: boolean }> = {
	cfg: { default: 5, min: 0, max: 20, integer: false },
	shift: { default: 1.73, min: 0, max: 10, integer: false },
	steps: { default: 25, min: 1, max: 100, integer: true },
	width: { default: 1024, min: 512, max: 2048, integer: true },
	height: { default: 1024, min: 512, max: 2048, integer: true },
	output_quality: { default: 80, min: 0, max: 100, integer: true },
	number_of_images: { default: 1, min: 1, max: 10, integer: true },
};

const CONTRACT_OPTIONS: Record<string, { default: string; values: string[] }> = {
	sampler: { default: 'uni_pc', values: CONTRACT_SAMPLERS },
	scheduler: { default: 'normal', values: ['normal', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform'] },
	output_format: { default: 'webp', values: ['webp', 'jpg', 'png'] },
};

let description: INodeTypeDescription;
let imageOptions: INodeProperties[];

beforeAll(async () => {
	const loader = await loadPackage();
	description = (loader.nodeTypes.auraFlow.type as { description: INodeTypeDescription }).description;
	imageOptions = description.properties.find((p) => p.name === 'imageOptions')!.options as INodeProperties[];
});

const option = (name: string) => imageOptions.find((p) => p.name === name);

describe('node description derived from the spec', () => {
	test('all 13 contract parameters are in the UI, prompt first and on its own', () => {
		const topLevel = description.properties.map((p) => p.name);
		expect(topLevel.indexOf('prompt')).toBe(1); // right after Operation
		const prompt = description.properties.find((p) => p.name === 'prompt')!;
		expect(prompt).toMatchObject({ type: 'string', default: '', required: true, typeOptions: { rows: 4 } });
		expect(imageOptions.map((p) => p.name).sort()).toEqual(
			[
				'negative_prompt', 'cfg', 'seed', 'shift', 'steps', 'width', 'height', 'sampler', 'scheduler',
				'output_format', 'output_quality', 'number_of_images',
			].sort(),
		);
	});

	test.each(Object.entries(CONTRACT_NUMBERS))('%s has the contract default and range', (name, expected) => {
		const property = option(name)!;
		expect(property.type).toBe('number');
		expect(property.default).toBe(expected.default);
		expect(property.typeOptions).toMatchObject({ minValue: expected.min, maxValue: expected.max });
		if (expected.integer) expect(property.typeOptions?.numberPrecision).toBe(0);
		else expect(property.typeOptions?.numberPrecision).toBeGreaterThan(0);
	});

	test.each(Object.entries(CONTRACT_OPTIONS))('%s lists exactly the contract values in order', (name, expected) => {
		const property = option(name)!;
		expect(property.type).toBe('options');
		expect(property.default).toBe(expected.default);
		expect(property.options!.map((o) => (o as { value: string }).value)).toEqual(expected.values);
	});

	test('all 27 samplers by name', () => {
		const values = option('sampler')!.options!.map((o) => (o as { value: string }).value);
		expect(values).toHaveLength(27);
		for (const sampler of CONTRACT_SAMPLERS) expect(values).toContain(sampler);
	});

	test('negative prompt is text with an empty default; seed is optional and random when left out', () => {
		expect(option('negative_prompt')).toMatchObject({ type: 'string', default: '' });
		expect(option('seed')!.type).toBe('number');
		expect(option('seed')!.typeOptions).toMatchObject({ minValue: 0, numberPrecision: 0 });
		expect(option('seed')!.description).toMatch(/random/i);
	});

	test('every UI option comes from the spec with its description (one source of truth)', () => {
		for (const parameter of auraFlowSpec.parameters.filter((p) => !p.topLevel)) {
			expect(option(parameter.name)!.description).toBe(parameter.description);
			expect(option(parameter.name)!.displayName).toBe(parameter.displayName);
		}
	});

	test('operations, credential, tool use and icons follow n8n conventions', () => {
		const operation = description.properties.find((p) => p.name === 'operation')!;
		expect(operation.options!.map((o) => (o as { value: string }).value).sort()).toEqual(
			['generate', 'getResult', 'getStatus', 'submit'],
		);
		expect(description.credentials).toEqual([{ name: 'segmindApi', required: true }]);
		expect(description.usableAsTool).toBe(true);
		// n8n's loader turns `icon: {light, dark}` into icon URLs of files that must exist in dist/.
		const iconUrl = description.iconUrl as { light: string; dark: string };
		expect(iconUrl.light).toMatch(/dist\/nodes\/AuraFlow\/auraFlow\.svg$/);
		expect(iconUrl.dark).toMatch(/dist\/nodes\/AuraFlow\/auraFlow\.dark\.svg$/);
		const light = readFileSync(path.join(REPO_ROOT, 'dist/nodes/AuraFlow/auraFlow.svg'), 'utf8');
		const dark = readFileSync(path.join(REPO_ROOT, 'dist/nodes/AuraFlow/auraFlow.dark.svg'), 'utf8');
		expect(light).toMatch(/^<svg/);
		expect(dark).not.toEqual(light);
	});
});

describe('Segmind API credential', () => {
	const credential = new SegmindApi();

	test('API key is a password field; base URL defaults to Segmind', () => {
		const apiKey = credential.properties.find((p) => p.name === 'apiKey')!;
		expect(apiKey.typeOptions?.password).toBe(true);
		expect(credential.properties.find((p) => p.name === 'baseUrl')!.default).toBe('https://api.segmind.com');
	});

	test('authenticates with the x-api-key header (a Bearer token gets 401 at Segmind)', () => {
		expect(credential.authenticate).toEqual({
			type: 'generic',
			properties: { headers: { 'x-api-key': '={{$credentials.apiKey}}' } },
		});
	});

	test('its test request only fails on 401/403, so a valid key (404 on the probe id) passes', () => {
		expect(credential.test.request.ignoreHttpStatusErrors).toEqual({ ignore: true, except: [401, 403] });
		expect(credential.test.rules!.map((r) => (r.properties as { value: number }).value)).toEqual([401, 403]);
	});
});
