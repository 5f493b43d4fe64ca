/**
 * The one DynamoDB table, defined once for the CDK stack and the local stack alike.
 *
 * Single-table design: every item has a generic `pk`/`sk`, an `entity` attribute naming what it is,
 * and optionally up to three GSI key pairs. Keys are built only by the pure functions in `keys.ts`;
 * the access patterns they serve (no Scan on any request path) are listed in docs/data-model.md,
 * "Keys and access patterns".
 */

export interface KeyPair {
  partitionKey: string;
  sortKey: string;
}

export const TABLE_DEFINITION = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Housekeeping only: code checks expiry itself (docs/data-model.md, "Write protocols"). Epoch seconds. */
  ttlAttribute: 'ttl',
  /** The stream feeds the rollup handler; it needs the old and the new image. */
  streamView: 'NEW_AND_OLD_IMAGES',
  globalIndexes: {
    gsi1: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    gsi2: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    gsi3: { partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  } satisfies Record<string, KeyPair>,
} as const;

export type IndexName = keyof typeof TABLE_DEFINITION.globalIndexes;

/** All key attribute names (table and indexes); all are strings. */
export function keyAttributeNames(): string[] {
  const names: string[] = [TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey];
  for (const index of Object.values(TABLE_DEFINITION.globalIndexes)) names.push(index.partitionKey, index.sortKey);
  return names;
}

/** The CreateTable input for the local stack (the CDK stack builds the same from TABLE_DEFINITION). */
export function createTableInput(tableName: string) {
  const { partitionKey, sortKey, globalIndexes } = TABLE_DEFINITION;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: keyAttributeNames().map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' as const },
      { AttributeName: sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: Object.entries(globalIndexes).map(([name, keys]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: keys.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: keys.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}

/**
 * Entities whose changes the rollup handler consumes. The stream filter (cloud event source and local
 * change capture alike) lets through only records whose old or new image has one of these entities,
 * so the rollup's own counter writes never come back to it.
 */
export const ROLLUP_SOURCE_ENTITIES = ['order', 'enterprise', 'institution', 'product', 'account'] as const;

/** Lambda event-source filter patterns (any one matching lets the record through). */
export function rollupStreamFilterPatterns(): Record<string, unknown>[] {
  const entities = [...ROLLUP_SOURCE_ENTITIES];
  return [
    { dynamodb: { NewImage: { entity: { S: entities } } } },
    { dynamodb: { OldImage: { entity: { S: entities } } } },
  ];
}
