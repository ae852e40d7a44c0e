/** For programmatic consumers; n8n itself loads the files named in package.json's "n8n" section. */
export { AuraFlow } from './nodes/AuraFlow/AuraFlow.node';
export { SegmindApi } from './credentials/SegmindApi.credentials';
export { auraFlowSpec } from './nodes/AuraFlow/spec/auraFlow.spec';
