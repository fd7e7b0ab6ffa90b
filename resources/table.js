'use strict';
/**
 * The one DynamoDB table, built from `tableDefinition` in shared/store/db.ts (the definition the local stack
 * and the tests create), so keys and the GSI cannot drift from the code. Deployed on top of it:
 * on-demand billing, point-in-time recovery, SSE with the stack's KMS key, TTL on `expiresAt`.
 */
const { loadTs, naming } = require('./lib');

async function resources({ resolveVariable }) {
  const { prefix } = await naming(resolveVariable);
  const { tableDefinition } = loadTs('shared/store/db.ts');
  const def = tableDefinition(prefix);
  return {
    Resources: {
      Table: {
        Type: 'AWS::DynamoDB::Table',
        // The table holds every tenant's data: deleting the stack must not delete it.
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          ...def,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          // Same key as the sealed secrets; the key policy lets account principals use it only via DynamoDB
          // for the table, so holding table access never means being able to open a sealed secret.
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { Ref: 'Key' } },
          // Sync runs, webhook events and logs carry `expiresAt` (epoch seconds).
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
          // Realtime flows read record changes from the table itself (shared/flows/dispatch.ts): keys only,
          // since the dispatcher re-reads what it needs.
          StreamSpecification: { StreamViewType: 'KEYS_ONLY' },
        },
      },
    },
    Outputs: { TableName: { Value: { Ref: 'Table' } } },
  };
}

module.exports = { resources };
