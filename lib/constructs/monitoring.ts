/**
 * Alarms that reach someone, and a dashboard (docs/operations.md, "When an alarm fires"): every alarm
 * of the stack notifies one encrypted SNS topic with the environment's alarm e-mail addresses
 * subscribed. Alarms: API 5xx rate and p99 latency, errors and throttles of every function, the
 * rollup falling behind and its failure queue, DynamoDB throttling, SMS delivery failures and volume,
 * sign-in lockouts. The dashboard shows the same signals plus the business metrics (sign-ins, SMS,
 * events ingested and rejected, rollup lag).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE, type AppMetric } from '#shared/observability/metrics';

export interface MonitoringProps {
  /** Who gets the alarms. */
  alarmEmails: readonly string[];
  retainData: boolean;
  httpApi: apigwv2.HttpApi;
  table: dynamodb.TableV2;
  /** Every function of the stack, by a readable name. */
  functions: ReadonlyMap<string, lambda.IFunction>;
  /** Alarms made by other constructs (rollup, SMS), to notify the same people. */
  alarms: readonly cloudwatch.Alarm[];
  /** The rollup function, for its lag on the dashboard. */
  rollupFunction: lambda.IFunction;
  /** A 5-minute count of sign-in lockouts above which someone is guessing passwords at scale. */
  lockoutAlarmThreshold?: number;
}

const appMetric = (name: AppMetric, statistic: string = cloudwatch.Stats.SUM, period = Duration.minutes(5)) =>
  new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: METRICS_SERVICE }, statistic, period });

export class MonitoringConstruct extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', {
      description: '信易贷 alarm notifications at rest in SNS',
      enableKeyRotation: true,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', { displayName: '信易贷 console alarms', masterKey: key, enforceSSL: true });
    for (const email of props.alarmEmails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));

    const alarm = (alarmId: string, description: string, metric: cloudwatch.IMetric, threshold: number, evaluationPeriods = 1) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.alarms.push(created);
      return created;
    };

    const api = props.httpApi;
    const errorRate = new cloudwatch.MathExpression({
      expression: '100 * errors / MAX([requests, 1])',
      usingMetrics: {
        errors: api.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        requests: api.metricCount({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      },
      label: 'API 5xx (%)',
      period: Duration.minutes(5),
    });
    alarm('ApiServerErrorAlarm', 'More than 1% of API answers were 5xx over 10 minutes: look at the functions’ logs (request ids are in the answers).', errorRate, 1, 2);
    const p99 = api.metricLatency({ statistic: 'p99', period: Duration.minutes(5) });
    alarm('ApiLatencyAlarm', 'API p99 latency above 3 s over 15 minutes: look at DynamoDB throttling and function durations.', p99, 3000, 3);

    for (const [name, fn] of props.functions) {
      const pascal = name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
      alarm(`${pascal}ErrorsAlarm`, `The ${name} function failed invocations (crashes or timeouts, not API error answers).`, fn.metricErrors({ period: Duration.minutes(5) }), 0);
      alarm(`${pascal}ThrottlesAlarm`, `The ${name} function was throttled: raise its concurrency or the account limit.`, fn.metricThrottles({ period: Duration.minutes(5) }), 0);
    }

    const throttled = props.table.metricThrottledRequestsForOperations({
      operations: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].map((operation) => operation as dynamodb.Operation),
      period: Duration.minutes(5),
    });
    alarm('TableThrottleAlarm', 'DynamoDB throttled requests: a burst above the on-demand peak or the account limits (docs/capacity.md, "DynamoDB throughput").', throttled, 0);
    alarm(
      'LockoutAlarm',
      'Many sign-in lockouts in 5 minutes: someone may be guessing passwords; check the audit log (审计日志) for the addresses.',
      appMetric('Lockouts'),
      props.lockoutAlarmThreshold ?? 20,
    );
    alarm(
      'SignInCeilingAlarm',
      'A phone or an address reached a daily sign-in ceiling (SMS codes or wrong passwords): a script may be at work; check the audit log (审计日志) for the addresses and phones (masked).',
      appMetric('SignInCeilingHit'),
      0,
    );

    const action = new actions.SnsAction(this.topic);
    for (const each of [...this.alarms, ...props.alarms]) each.addAlarmAction(action);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: 12, height: 6 });
    this.dashboard.addWidgets(
      graph('API requests and 5xx', [api.metricCount({ period: Duration.minutes(5) })], [errorRate]),
      graph('API latency', [api.metricLatency({ statistic: 'p50' }), p99]),
      graph('Sign-ins', [appMetric('SignIns'), appMetric('SignInFailures'), appMetric('Lockouts')], [appMetric('SignInCeilingHit'), appMetric('CaptchaFailures')]),
      graph('SMS', [appMetric('SmsRequested'), appMetric('SmsSent'), appMetric('SmsRejected'), appMetric('SmsFailed')]),
      graph('Events ingested', [appMetric('EventsIngested'), appMetric('EventsDuplicate'), appMetric('EventsRejected')]),
      graph(
        'Rollup lag',
        [appMetric('RollupLag', cloudwatch.Stats.MAXIMUM)],
        [props.rollupFunction.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) })],
      ),
      graph('DynamoDB', [props.table.metricConsumedReadCapacityUnits(), props.table.metricConsumedWriteCapacityUnits()], [throttled]),
      graph(
        'Function errors',
        [...props.functions.values()].map((fn) => fn.metricErrors({ period: Duration.minutes(5) })),
      ),
    );
  }
}
