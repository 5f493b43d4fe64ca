/**
 * SMS (docs/architecture.md, "SMS"): the auth module publishes SMS requests to an encrypted SNS topic;
 * the SMS function, its only subscriber, delivers them through the environment's vendor — Alibaba
 * Cloud SMS in the China regions (Amazon SNS sends no SMS there), AWS End User Messaging SMS
 * globally. A delivery that keeps failing lands in a dead-letter queue, which alarms, as do failures
 * and an unusual volume of messages (spend: every message is paid for, and the sending endpoint is
 * public).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '#shared/observability/metrics';
import type { EnvironmentConfig } from '../environments';
import { functionEntry } from '../bundling';
import { createNodeFunction } from './node-function';

export interface SmsProps {
  config: EnvironmentConfig;
  /** `APP_VERSION`, `POWERTOOLS_LOG_LEVEL` and the like, shared by every function. */
  environment: Record<string, string>;
}

/** An SQS queue for failures: encrypted, TLS only, kept 14 days for an operator to look at. */
export function failureQueue(scope: Construct, id: string, reason: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    retentionPeriod: Duration.days(14),
    enforceSSL: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
  return queue;
}

export class SmsConstruct extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  readonly function: NodejsFunction;
  /** Deliveries that failed every retry. */
  readonly deadLetterQueue: sqs.Queue;
  /** Alibaba Cloud credentials (`{"accessKeyId": …, "accessKeySecret": …}`), filled in by an operator. */
  readonly vendorSecret?: secretsmanager.Secret;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: SmsProps) {
    super(scope, id);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new kms.Key(this, 'TopicKey', {
      description: '信易贷 SMS requests (phone numbers and codes) at rest in SNS',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: '信易贷 SMS requests',
      masterKey: this.key,
      enforceSSL: true,
    });

    this.deadLetterQueue = failureQueue(this, 'DeadLetterQueue', 'This queue is itself the dead-letter queue of the SMS function; its depth alarms and an operator inspects it.');
    const subscriptionDlq = failureQueue(this, 'SubscriptionDeadLetterQueue', 'This queue is itself the dead-letter queue of the SMS topic subscription; its depth alarms.');

    const environment: Record<string, string> = {
      ...props.environment,
      SMS_PROVIDER: config.sms.provider,
      SMS_SIGN_NAME: config.sms.signName,
    };
    if (config.sms.provider === 'aliyun') {
      this.vendorSecret = new secretsmanager.Secret(this, 'VendorSecret', {
        description: 'Alibaba Cloud SMS AccessKey of the 信易贷 console: {"accessKeyId": "…", "accessKeySecret": "…"} (filled in by an operator)',
        generateSecretString: { secretStringTemplate: JSON.stringify({ accessKeyId: '' }), generateStringKey: 'accessKeySecret', passwordLength: 32 },
        removalPolicy,
      });
      Validations.of(this.vendorSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'The value is an Alibaba Cloud AccessKey created in the Alibaba Cloud console; it is rotated there and then pasted here by an operator (docs/operations.md), which no AWS rotation function can do.',
      });
      Object.assign(environment, {
        SMS_LOGIN_TEMPLATE: config.sms.loginTemplateCode,
        SMS_BIND_TEMPLATE: config.sms.bindTemplateCode,
        SMS_VENDOR_SECRET_ARN: this.vendorSecret.secretArn,
        SMS_ALIYUN_ENDPOINT: config.sms.aliyunEndpoint,
      });
    }
    if (config.sms.provider === 'end-user-messaging' && config.sms.originationIdentityArn) {
      environment.SMS_ORIGINATION_IDENTITY = config.sms.originationIdentityArn;
    }

    this.function = createNodeFunction(this, 'Function', {
      entry: functionEntry('sms'),
      description: '信易贷 SMS: delivers the SMS requests of the SMS topic',
      timeout: Duration.seconds(20),
      memorySize: 256,
      environment,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      retainLogs: config.retainData,
      tracing: config.tracing,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
    });
    this.topic.addSubscription(new subscriptions.LambdaSubscription(this.function, { deadLetterQueue: subscriptionDlq }));
    this.vendorSecret?.grantRead(this.function);
    if (config.sms.provider === 'end-user-messaging' && config.sms.originationIdentityArn) {
      // Only through the configured origination identity; never SNS publish to arbitrary numbers.
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['sms-voice:SendTextMessage'], resources: [config.sms.originationIdentityArn] }),
      );
    }

    const alarm = (alarmId: string, description: string, metric: cloudwatch.IMetric, threshold: number) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.alarms.push(created);
      return created;
    };
    const appMetric = (metricName: string, period: Duration) =>
      new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: METRICS_SERVICE }, statistic: cloudwatch.Stats.SUM, period });
    for (const [alarmId, queue] of [
      ['DeadLetterAlarm', this.deadLetterQueue],
      ['SubscriptionDeadLetterAlarm', subscriptionDlq],
    ] as const) {
      alarm(
        alarmId,
        'SMS requests could not be delivered after every retry: users wait for login codes. Check the SMS vendor and its credentials (docs/operations.md).',
        queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) }),
        0,
      );
    }
    alarm('FailureAlarm', 'The SMS vendor failed deliveries in the last 5 minutes (they are retried).', appMetric('SmsFailed', Duration.minutes(5)), 5);
    alarm(
      'VolumeAlarm',
      `More than ${config.sms.hourlySentAlarm} SMS sent in an hour: every message is paid for; check the sign-in limits and the audit log for auth.sms entries.`,
      appMetric('SmsSent', Duration.hours(1)),
      config.sms.hourlySentAlarm,
    );

  }

  /** Allows `grantee` to publish SMS requests (the topic and the key that encrypts it). */
  grantPublish(grantee: iam.IGrantable & IConstruct): void {
    // Also grants kms:Decrypt and kms:GenerateDataKey* on this topic's key, which SNS needs from publishers.
    this.topic.grantPublish(grantee);
    Validations.of(grantee).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: 'Publishing to the encrypted SMS topic needs the GenerateDataKey family on its one key (CDK grants it with grantPublish); no other key is covered.',
    });
  }
}
