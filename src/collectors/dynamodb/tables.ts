import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  ListTagsOfResourceCommand,
  paginateListTables,
  type ContinuousBackupsDescription,
  type DynamoDBClient,
  type Tag,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { mapWithConcurrency } from '../../util/limiter.js';
import type { Collector } from '../types.js';

export interface TableEvidence {
  /** The table name, from ListTables. */
  name: string;
  /**
   * DescribeTable's TableDescription: TableArn, TableStatus, SSEDescription, GlobalTableVersion
   * and, for global tables version 2019.11.21, `Replicas` (RegionName, ReplicaStatus) — the
   * regions the table replicates to. Missing when the call failed (see gaps).
   */
  table?: TableDescription;
  /**
   * DescribeContinuousBackups: ContinuousBackupsStatus and PointInTimeRecoveryDescription
   * (PointInTimeRecoveryStatus, EarliestRestorableDateTime, RecoveryPeriodInDays). Missing when
   * the call failed.
   */
  continuousBackups?: ContinuousBackupsDescription;
  /** ListTagsOfResource, every page, as AWS returns them ([] when the table has none). Missing when the call failed or DescribeTable did (the ARN is needed). */
  tags?: Tag[];
}

export interface DynamoDbTables {
  tables: TableEvidence[];
}

/** Reads every page of a table's tags: ListTagsOfResource pages with NextToken and the SDK has no paginator for it. */
async function listAllTags(client: DynamoDBClient, resourceArn: string): Promise<Tag[]> {
  const tags: Tag[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListTagsOfResourceCommand({ ResourceArn: resourceArn, ...(nextToken ? { NextToken: nextToken } : {}) }));
    tags.push(...(page.Tags ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return tags;
}

/** DynamoDB tables with point-in-time recovery, global-table replicas, encryption and tags. */
export const dynamodbTables: Collector<DynamoDbTables> = {
  id: 'dynamodb.tables',
  schema: 'dynamodb.tables.v1',
  title: 'DynamoDB tables with global-table replicas, point-in-time recovery, encryption and tags',
  scope: 'region',
  group: 'state',
  operations: ['dynamodb:ListTables', 'dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups', 'dynamodb:ListTagsOfResource'],
  async collect(ctx) {
    const client = ctx.clients.dynamodb;
    const names: string[] = [];
    for await (const page of paginateListTables({ client }, {})) names.push(...(page.TableNames ?? []));
    ctx.progress(`${names.length} tables`);

    const tables = await mapWithConcurrency(names, 4, async (name): Promise<TableEvidence> => {
      const [described, backups] = await Promise.all([
        ctx.attempt('dynamodb:DescribeTable', client.send(new DescribeTableCommand({ TableName: name })), name),
        ctx.attempt('dynamodb:DescribeContinuousBackups', client.send(new DescribeContinuousBackupsCommand({ TableName: name })), name),
      ]);
      const table = described?.Table;
      const tags = table?.TableArn ? await ctx.attempt('dynamodb:ListTagsOfResource', listAllTags(client, table.TableArn), name) : undefined;
      return {
        name,
        ...(table ? { table } : {}),
        ...(backups?.ContinuousBackupsDescription ? { continuousBackups: backups.ContinuousBackupsDescription } : {}),
        ...(tags ? { tags } : {}),
      };
    });
    return { data: { tables }, recordCount: tables.length };
  },
};
