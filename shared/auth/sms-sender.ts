/**
 * Delivers SMS: through Amazon SNS as a transactional SMS in the cloud, into the local outbox (and a
 * console line) on the local stack. An SNS failure surfaces as `SmsUnavailableError` (503).
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { config } from '#shared/config';
import { ServiceUnavailableError } from '#shared/http/errors';
import { logger } from '#shared/http/logger';

export class SmsUnavailableError extends ServiceUnavailableError {
  constructor() {
    super('SMS_UNAVAILABLE', '短信服务暂不可用，请稍后再试');
  }
}

export interface OutboxMessage {
  phone: string;
  code: string;
  purpose: string;
  sentAt: string;
}

const OUTBOX_LIMIT = 500;
const outbox: OutboxMessage[] = [];

/** Local only: the messages "sent", newest first. */
export function outboxMessages(phone?: string): OutboxMessage[] {
  return outbox.filter((message) => !phone || message.phone === phone).reverse();
}

let sns: SNSClient | undefined;

/** E.164 for a mainland mobile number: `13800138000` → `+8613800138000`. */
export function toE164(phone: string): string {
  return `+86${phone}`;
}

export function smsText(code: string, purpose: string): string {
  const use = purpose === 'bind' ? '绑定手机号' : '登录';
  return `【信易贷】您的${use}验证码为 ${code}，5 分钟内有效。如非本人操作，请忽略本短信。`;
}

/** Sends a verification code. */
export async function sendCodeSms(phone: string, code: string, purpose: string, now: Date = new Date()): Promise<void> {
  const cfg = config();
  if (cfg.smsMode === 'outbox') {
    outbox.push({ phone, code, purpose, sentAt: now.toISOString() });
    if (outbox.length > OUTBOX_LIMIT) outbox.shift();
    if (process.env.SMS_ECHO !== '0') console.log(`[sms] ${phone} ${purpose} 验证码 ${code}`);
    return;
  }
  sns ??= new SNSClient({ region: cfg.awsRegion });
  try {
    await sns.send(
      new PublishCommand({
        PhoneNumber: toE164(phone),
        Message: smsText(code, purpose),
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        },
      }),
    );
  } catch (error) {
    logger.error('sms publish failed', { error: error as Error });
    throw new SmsUnavailableError();
  }
}
