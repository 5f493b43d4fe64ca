/**
 * SMS verification codes go out through Amazon SNS direct publish to phone numbers.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeWildcardResource } from './nag';

export interface SmsProps {
  /** Month-to-date SMS spend (USD, as SNS reports it) above which the spend alarm fires. @default 50 */
  monthlySpendAlarmUsd?: number;
  /** Where alarms notify (e.g. an SNS topic action). @default - none, the alarm is only visible in CloudWatch */
  alarmActions?: cloudwatch.IAlarmAction[];
}

/**
 * Permission to send SMS, plus an alarm on SMS spend: the code-sending endpoint is public, so a
 * bypassed rate limit would show up first as spend.
 */
export class SmsConstruct extends Construct {
  readonly spendAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SmsProps = {}) {
    super(scope, id);
    this.spendAlarm = new cloudwatch.Alarm(this, 'SpendAlarm', {
      alarmDescription: 'SMS month-to-date spend is above the expected budget: check the SMS rate limits.',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/SNS',
        metricName: 'SMSMonthToDateSpentUSD',
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
      }),
      threshold: props.monthlySpendAlarmUsd ?? 50,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const action of props.alarmActions ?? []) this.spendAlarm.addAlarmAction(action);
  }

  /** Allows `grantee` to publish SMS messages to phone numbers. */
  grantSend(grantee: IConstruct & iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    acknowledgeWildcardResource(
      grantee,
      '*',
      'SNS direct publish to a phone number has no resource ARN, so sns:Publish can only be granted on "*".',
    );
  }
}
