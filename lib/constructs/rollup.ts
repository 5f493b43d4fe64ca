/**
 * The rollup consumer: a Lambda function on the table's stream that maintains the statistics counters.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { permissions } from '#functions/rollup/permissions';
import { rollupStreamFilterPatterns } from '#shared/db/table';
import type { DataConstruct } from './data';
import { functionEntry } from '../bundling';
import { createNodeFunction } from './node-function';
import { grantModulePermissions } from './permissions';
import { failureQueue } from './sms';

export interface RollupProps {
  data: DataConstruct;
  /** The configuration every function reads (`shared/config.ts`), the same as the API functions'. */
  environment: Record<string, string>;
  /** @default one year */
  logRetention?: logs.RetentionDays;
  retainLogs?: boolean;
  tracing?: boolean;
  /**
   * How long the event source waits to fill a batch before invoking: the freshness of the dashboards
   * against the number of counter writes (README "Rollups: freshness and cost"). @default 5 seconds
   */
  batchingWindow?: Duration;
  /** Older stream records go to the failure queue instead of being applied. @default 24 hours */
  maxRecordAge?: Duration;
}

/**
 * Stream → rollup function, with partial batch failures, bisection, bounded retries and an SQS queue
 * for the records that still fail, plus alarms on falling behind and on failed records.
 *
 * Only records of the entities the rollup counts reach the function (the same filter the local
 * stack's change capture applies), so the rollup's own counter writes never come back to it.
 */
export class RollupConstruct extends Construct {
  readonly function: NodejsFunction;
  /** Records that failed every retry; each message points at the stream records to replay. */
  readonly failureQueue: sqs.Queue;
  readonly iteratorAgeAlarm: cloudwatch.Alarm;
  readonly failureAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RollupProps) {
    super(scope, id);
    const { data } = props;

    this.function = createNodeFunction(this, 'Function', {
      entry: functionEntry('rollup'),
      description: '信易贷 rollup: maintains the statistics counters from the table stream',
      // A batch is aggregated and written once per counter item; leave room for throttled retries.
      timeout: Duration.minutes(1),
      environment: props.environment,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      retainLogs: props.retainLogs ?? true,
      tracing: props.tracing ?? false,
    });
    grantModulePermissions(this.function, permissions, { data });

    this.failureQueue = failureQueue(
      this,
      'FailureQueue',
      'This queue is itself the failure destination of the stream consumer; an operator reconciles the counters after it fills (docs/operations.md).',
    );

    this.function.addEventSource(
      new DynamoEventSource(data.table, {
        // Start from the oldest record kept, so counters never skip changes made before deployment.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        // Large batches let the handler sum many records into one write per counter item (the bench
        // measures 6.6× the per-record rate at 1000 against 2.7× at 100); 1000 order records with both
        // images stay far below Lambda's 6 MB payload.
        batchSize: 1000,
        maxBatchingWindow: props.batchingWindow ?? Duration.seconds(5),
        // A record older than the stream keeps anything is failed to the queue rather than retried forever.
        maxRecordAge: props.maxRecordAge ?? Duration.hours(24),
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 10,
        // Counters depend on the order of changes to an item, which only one poller per shard keeps.
        parallelizationFactor: 1,
        // A tumbling window makes Lambda name the shard in every event; the counters' per-shard marks
        // (exactly-once under redelivery) are keyed by it. The handler keeps no window state.
        tumblingWindow: Duration.seconds(1),
        onFailure: new SqsDlq(this.failureQueue),
        filters: rollupStreamFilterPatterns().map((pattern) => lambda.FilterCriteria.filter(pattern)),
      }),
    );

    this.iteratorAgeAlarm = new cloudwatch.Alarm(this, 'IteratorAgeAlarm', {
      alarmDescription: 'The rollup is more than a minute behind the table stream: dashboards are stale.',
      metric: this.function.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1) }),
      threshold: Duration.seconds(60).toMilliseconds(),
      evaluationPeriods: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.failureAlarm = new cloudwatch.Alarm(this, 'FailureQueueAlarm', {
      alarmDescription: 'Stream records failed every retry of the rollup: counters are missing changes until replayed.',
      metric: this.failureQueue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(5),
      }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
