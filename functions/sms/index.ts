/**
 * The SMS function: the subscriber of the SMS topic (shared/sms/publish.ts). Each SNS notification
 * carries one SMS request; a delivery that fails (not one refused for its recipient) throws, so Lambda
 * retries the asynchronous invocation and finally sends it to the function's dead-letter queue, which
 * alarms (lib/constructs/sms.ts).
 */
import type { SNSEvent } from 'aws-lambda';
import { logger } from '#shared/http/logger';
import { publishMetrics } from '#shared/observability/metrics';
import { deliverSmsRequest } from '#shared/sms/deliver';
import { smsRequestSchema } from '#shared/sms/request';

export async function handler(event: SNSEvent): Promise<void> {
  try {
    for (const record of event.Records) {
      let body: unknown;
      try {
        body = JSON.parse(record.Sns.Message);
      } catch {
        body = undefined;
      }
      const parsed = smsRequestSchema.safeParse(body);
      if (!parsed.success) {
        // A message no retry can fix; it names no phone or code, so logging its id is safe.
        logger.error('sms: unreadable request dropped', { messageId: record.Sns.MessageId });
        continue;
      }
      const outcome = await deliverSmsRequest(parsed.data);
      logger.info('sms: request handled', { messageId: record.Sns.MessageId, template: parsed.data.template, outcome });
    }
  } finally {
    publishMetrics();
  }
}
