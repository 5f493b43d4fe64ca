/**
 * The local stand-in for the SMS topic (docs/architecture.md, "Local and cloud"): a published SMS
 * request is handed, as an SNS notification, to the same SMS function the cloud subscribes
 * (functions/sms), which delivers it to the outbox. Delivery completes before the publish resolves, so
 * the outbox is filled when the API answers; a failing delivery is retried twice (as Lambda retries an
 * asynchronous invocation) and then logged, never reported to the publisher.
 */
import { randomUUID } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';
import { useLocalSmsTopic } from '#shared/sms/publish';
import { runOutsideModules } from './permission-guard';

export type SnsHandler = (event: SNSEvent) => Promise<void>;

const TOPIC_ARN = 'arn:aws:sns:local:000000000000:xinyidai-sms';
const ATTEMPTS = 3;

function notification(message: string): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${TOPIC_ARN}:local`,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: TOPIC_ARN,
          Subject: '',
          Message: message,
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** Subscribes `handler` to the local SMS topic until the returned function is called. */
export function startLocalSmsTopic(handler: SnsHandler): () => void {
  // The SMS function is its own function in the cloud: it runs outside the publishing module here.
  useLocalSmsTopic((message) => runOutsideModules(async () => {
    const event = notification(message);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      try {
        await handler(event);
        return;
      } catch (error) {
        if (attempt === ATTEMPTS) console.error('sms topic: delivery failed after retries', (error as Error).message);
      }
    }
  }));
  return () => useLocalSmsTopic(undefined);
}
