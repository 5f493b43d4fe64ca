/**
 * The sending side of the SMS topic (docs/architecture.md, "SMS"): the auth module publishes an SMS
 * request and returns; the SMS function (functions/sms) delivers it. In the cloud the topic is an
 * encrypted SNS topic (`SMS_TOPIC_ARN`). The local stack registers its in-process stand-in with
 * {@link useLocalSmsTopic}, which runs the same SMS function; without either (unit and integration
 * tests on the bare stores) a local process delivers in place, through the same delivery code.
 */
import { awsDnsSuffix, signedFetch } from '#shared/aws/signed-request';
import { config } from '#shared/config';
import { ServiceUnavailableError } from '#shared/http/errors';
import { logger } from '#shared/http/logger';
import { countMetric } from '#shared/observability/metrics';
import type { SmsRequest } from './request';

/** 503 SMS_UNAVAILABLE: the request could not be handed to the SMS topic. */
export class SmsUnavailableError extends ServiceUnavailableError {
  constructor() {
    super('SMS_UNAVAILABLE', '短信服务暂不可用，请稍后再试');
  }
}

type LocalTopic = (message: string) => Promise<void>;
let localTopic: LocalTopic | undefined;

/**
 * The delivery code, for a local process without a topic. Named through a variable so that esbuild
 * leaves it out of the auth function's bundle (with the vendors' clients it carries): the deployed
 * function always has a topic and never takes this path.
 */
const IN_PLACE_DELIVERY = './deliver';

/**
 * SNS Publish (query protocol) as one signed request (shared/aws/signed-request.ts): the SNS client
 * would add ≈ 35 KB to the auth function for this one call. test/integration/sms-sns.test.ts holds
 * the request to the SDK's.
 */
export async function publishToTopic(region: string, topicArn: string, message: string): Promise<void> {
  await signedFetch({
    service: 'sns',
    region,
    method: 'POST',
    url: new URL(`https://sns.${region}.${awsDnsSuffix(region)}/`),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Action: 'Publish', Version: '2010-03-31', TopicArn: topicArn, Message: message }).toString(),
  });
}

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
      await publishToTopic(cfg.awsRegion, cfg.smsTopicArn, message);
    } else if (cfg.stage === 'local') {
      const { deliverSmsRequest } = (await import(IN_PLACE_DELIVERY)) as typeof import('./deliver');
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
