import { startDynamoDbLocal } from '../helpers/dynamodb-local';
import { startTestStack } from '../helpers/stack';
import { pipelineScenarios } from './pipeline.scenarios';

describe('Sync pipeline (HubSpot sandbox → engine → AWS DynamoDB Local)', () => {
  let ddb: Awaited<ReturnType<typeof startDynamoDbLocal>>;
  let n = 0;
  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
  });
  afterAll(async () => ddb?.close());
  pipelineScenarios(() => startTestStack({ dynamoEndpoint: ddb.endpoint, table: `switchboard-${++n}` }));
});
