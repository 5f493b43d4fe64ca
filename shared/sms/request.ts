/**
 * An SMS request: what the auth module publishes to the SMS topic and the SMS function delivers
 * (docs/architecture.md, "SMS"). It names a template and its parameters rather than carrying text, so
 * that vendors with approved templates (Alibaba Cloud in the China regions) and vendors that take text
 * (AWS End User Messaging SMS globally, the local outbox) are served from the same message.
 */
import * as z from 'zod';

export const SMS_TEMPLATES = ['login-code', 'bind-code'] as const;
export type SmsTemplate = (typeof SMS_TEMPLATES)[number];

export const smsRequestSchema = z.object({
  /** A mainland mobile number, 11 digits. */
  phone: z.string().regex(/^1[3-9]\d{9}$/),
  template: z.enum(SMS_TEMPLATES),
  params: z.object({ code: z.string().regex(/^\d{6}$/) }),
  requestedAt: z.string(),
  /**
   * Published only so that a phone without an account costs the same as one with: the SMS function
   * drops it unsent (shared/auth/sms-codes.ts).
   */
  silent: z.boolean().optional(),
});
export type SmsRequest = z.output<typeof smsRequestSchema>;

/** E.164 for a mainland mobile number: `13800138000` → `+8613800138000`. */
export function toE164(phone: string): string {
  return `+86${phone}`;
}

/** The text of a message, for vendors that take text (the same wording as the approved templates). */
export function smsText(request: Pick<SmsRequest, 'template' | 'params'>): string {
  const use = request.template === 'bind-code' ? '绑定手机号' : '登录';
  return `【信易贷】您的${use}验证码为 ${request.params.code}，5 分钟内有效。如非本人操作，请忽略本短信。`;
}

/** `13812341234` → `138****1234`: how phones appear in logs and metrics of the SMS path. */
export function maskedPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}
