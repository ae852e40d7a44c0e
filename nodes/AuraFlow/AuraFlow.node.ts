import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { nodeProperties } from './actions/description';
import { route } from './actions/router';
import { auraFlowSpec } from './spec/auraFlow.spec';

export class AuraFlow implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Aura Flow',
		name: 'auraFlow',
		icon: { light: 'file:auraFlow.svg', dark: 'file:auraFlow.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: "Generate images from text with Segmind's Aura Flow model",
		defaults: { name: 'Aura Flow' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'segmindApi', required: true }],
		properties: nodeProperties(auraFlowSpec),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this, auraFlowSpec);
	}
}
