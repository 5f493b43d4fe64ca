/**
 * The sending side of the SMS topic (docs/architecture.md, "SMS"): the auth module publishes an SMS
 * request and returns; the SMS function (functions/sms) delivers it. In the cloud the topic is an
 * encrypted SNS topic (`SMS_TOPIC_ARN`). The local stack registers its in-process stand-in with
 * {@link useLocalSmsTopic}, which runs the same SMS function; without either (unit and integration
 * tests on the bare stores) a local process delivers in place, through the same delivery code.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { config } from '#shared/config';
import { ServiceUnavailableError } from '#shared/http/errors';
import { logger } from '#shared/http/logger';
import { countMetric } from '#shared/observability/metrics';
import { deliverSmsRequest } from './deliver';
import type { SmsRequest } from './request';

/** 503 SMS_UNAVAILABLE: the request could not be handed to the SMS topic. */
export class SmsUnavailableError extends ServiceUnavailableError {
  constructor() {
    super('SMS_UNAVAILABLE', '短信服务暂不可用，请稍后再试');
  }
}

type LocalTopic = (message: string) => Promise<void>;
let localTopic: LocalTopic | undefined;
let sns: SNSClient | undefined;

/** The local stack's topic stand-in (local/sms-topic.ts); `undefined` removes it. */
export function useLocalSmsTopic(topic: LocalTopic | undefined): void {
  localTopic = topic;
}

/**
 * Publishes one request. Throws {@link SmsUnavailableError} when the topic does not take it; delivery
 * failures after that are the SMS function's (retried, then dead-lettered and alarmed).
 */
export async function publishSmsRequest(request: SmsRequest): Promise<void> {
  const message = JSON.stringify(request);
  const cfg = config();
  try {
    if (localTopic) {
      await localTopic(message);
    } else if (cfg.smsTopicArn) {
      sns ??= new SNSClient({ region: cfg.awsRegion });
      await sns.send(new PublishCommand({ TopicArn: cfg.smsTopicArn, Message: message }));
    } else if (cfg.stage === 'local') {
      await deliverSmsRequest(request);
    } else {
      throw new Error('configuration: SMS_TOPIC_ARN is not set');
    }
  } catch (error) {
    logger.error('sms: request not published', { error: error as Error });
    throw new SmsUnavailableError();
  }
  countMetric('SmsRequested');
}
