import { startTestStack } from '../helpers/stack';
import { pipelineScenarios } from './pipeline.scenarios';

describe('Sync pipeline (HubSpot sandbox → engine → dynalite)', () => {
  pipelineScenarios(() => startTestStack());
});
