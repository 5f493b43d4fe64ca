/**
 * The SMS function's work (functions/sms): deliver one SMS request through the configured vendor.
 *
 * - `aliyun`: Alibaba Cloud SMS with the approved sign name and template codes; credentials
 *   (`{"accessKeyId": …, "accessKeySecret": …}`) from the Secrets Manager secret `SMS_VENDOR_SECRET_ARN`.
 * - `end-user-messaging`: AWS End User Messaging SMS, transactional, from the configured origination
 *   identity (`SMS_ORIGINATION_IDENTITY`).
 * - `outbox`: the local stack's outbox (`outbox.ts`).
 * - `none`: dropped and counted.
 *
 * A message the vendor refuses for its recipient (an invalid number, the vendor's own per-number
 * limits) is not retried. Any other failure throws `SmsDeliveryError`, so the invocation is retried and
 * finally lands in the function's dead-letter queue, which alarms. Neither the code nor the full phone
 * number is ever logged.
 */
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { secretText } from '#shared/auth/secret';
import { logger } from '#shared/http/logger';
import { countMetric } from '#shared/observability/metrics';
import { sendAliyunSms, type AliyunCredentials } from './aliyun';
import { addToOutbox } from './outbox';
import { maskedPhone, smsText, toE164, type SmsRequest } from './request';

export const SMS_PROVIDERS = ['aliyun', 'end-user-messaging', 'outbox', 'none'] as const;
export type SmsProvider = (typeof SMS_PROVIDERS)[number];

/** The delivery settings of the SMS function, read from its environment once. */
export interface SmsDeliveryConfig {
  provider: SmsProvider;
  awsRegion: string;
  signName: string;
  loginTemplateCode?: string;
  bindTemplateCode?: string;
  vendorSecretArn?: string;
  aliyunEndpoint?: string;
  originationIdentity?: string;
}

let cached: SmsDeliveryConfig | undefined;

/** Fails fast, naming the variable, when the provider's settings are missing. */
export function smsDeliveryConfig(): SmsDeliveryConfig {
  if (cached) return cached;
  const provider = (process.env.SMS_PROVIDER ?? (process.env.STAGE === 'local' ? 'outbox' : '')) as SmsProvider;
  if (!(SMS_PROVIDERS as readonly string[]).includes(provider)) {
    throw new Error(`configuration: SMS_PROVIDER must be one of ${SMS_PROVIDERS.join(', ')} (got "${provider}")`);
  }
  const need = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`configuration: ${name} is required for SMS_PROVIDER=${provider}`);
    return value;
  };
  const next: SmsDeliveryConfig = { provider, awsRegion: process.env.AWS_REGION ?? 'cn-north-1', signName: process.env.SMS_SIGN_NAME ?? '信易贷' };
  if (provider === 'aliyun') {
    next.loginTemplateCode = need('SMS_LOGIN_TEMPLATE');
    next.bindTemplateCode = need('SMS_BIND_TEMPLATE');
    next.vendorSecretArn = need('SMS_VENDOR_SECRET_ARN');
    next.aliyunEndpoint = process.env.SMS_ALIYUN_ENDPOINT || undefined;
  }
  if (provider === 'end-user-messaging') next.originationIdentity = need('SMS_ORIGINATION_IDENTITY');
  cached = next;
  return next;
}

/** A delivery that may succeed when tried again (vendor outage, throttling, bad credentials). */
export class SmsDeliveryError extends Error {
  constructor(readonly vendorCode: string) {
    super(`SMS delivery failed: ${vendorCode}`);
    this.name = 'SmsDeliveryError';
  }
}

async function aliyunCredentials(arn: string): Promise<AliyunCredentials> {
  const text = await secretText(arn);
  const parsed = text ? (JSON.parse(text) as Partial<AliyunCredentials>) : {};
  if (!parsed.accessKeyId || !parsed.accessKeySecret) {
    throw new SmsDeliveryError('VENDOR_CREDENTIALS_MISSING');
  }
  return { accessKeyId: parsed.accessKeyId, accessKeySecret: parsed.accessKeySecret };
}

let endUserMessaging: PinpointSMSVoiceV2Client | undefined;

async function sendThroughEndUserMessaging(request: SmsRequest, cfg: SmsDeliveryConfig): Promise<'sent' | 'rejected'> {
  endUserMessaging ??= new PinpointSMSVoiceV2Client({ region: cfg.awsRegion });
  try {
    await endUserMessaging.send(
      new SendTextMessageCommand({
        DestinationPhoneNumber: toE164(request.phone),
        OriginationIdentity: cfg.originationIdentity,
        MessageBody: smsText(request),
        MessageType: 'TRANSACTIONAL',
      }),
    );
    return 'sent';
  } catch (error) {
    const name = (error as Error).name;
    // An invalid or opted-out destination is the recipient's, not an outage.
    if (name === 'ValidationException' || name === 'ConflictException') {
      logger.warn('sms: refused for the recipient', { vendorCode: name, phone: maskedPhone(request.phone) });
      return 'rejected';
    }
    throw new SmsDeliveryError(name || 'END_USER_MESSAGING_ERROR');
  }
}

/** Delivers one request; resolves with what happened, throws {@link SmsDeliveryError} to be retried. */
export async function deliverSmsRequest(request: SmsRequest, now: Date = new Date()): Promise<'sent' | 'rejected' | 'dropped'> {
  const cfg = smsDeliveryConfig();
  let outcome: 'sent' | 'rejected' | 'dropped';
  switch (request.silent ? 'none' : cfg.provider) {
    case 'outbox':
      addToOutbox({ phone: request.phone, code: request.params.code, purpose: request.template === 'bind-code' ? 'bind' : 'login', sentAt: now.toISOString() });
      outcome = 'sent';
      break;
    case 'none':
      outcome = 'dropped';
      break;
    case 'end-user-messaging':
      outcome = await sendThroughEndUserMessaging(request, cfg);
      break;
    case 'aliyun': {
      const result = await sendAliyunSms(
        {
          phone: request.phone,
          signName: cfg.signName,
          templateCode: request.template === 'bind-code' ? cfg.bindTemplateCode! : cfg.loginTemplateCode!,
          templateParam: { code: request.params.code },
        },
        { credentials: () => aliyunCredentials(cfg.vendorSecretArn!), endpoint: cfg.aliyunEndpoint },
        now,
      );
      if (result.kind === 'failed') {
        countMetric('SmsFailed');
        throw new SmsDeliveryError(result.code);
      }
      if (result.kind === 'rejected') logger.warn('sms: refused for the recipient', { vendorCode: result.code, phone: maskedPhone(request.phone) });
      outcome = result.kind;
      break;
    }
  }
  countMetric(outcome === 'sent' ? 'SmsSent' : outcome === 'rejected' ? 'SmsRejected' : 'SmsDropped');
  return outcome;
}
