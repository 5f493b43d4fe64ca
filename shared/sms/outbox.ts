/**
 * The local stack's SMS "vendor": messages are kept in memory (and printed) instead of sent, so the
 * console can be tried without an SMS account. Served at `GET /api/dev/sms-outbox` (local only).
 */
export interface OutboxMessage {
  phone: string;
  code: string;
  purpose: string;
  sentAt: string;
}

const OUTBOX_LIMIT = 500;
const outbox: OutboxMessage[] = [];

export function addToOutbox(message: OutboxMessage): void {
  outbox.push(message);
  if (outbox.length > OUTBOX_LIMIT) outbox.shift();
  if (process.env.SMS_ECHO !== '0') console.log(`[sms] ${message.phone} ${message.purpose} 验证码 ${message.code}`);
}

/** The messages "sent", newest first. */
export function outboxMessages(phone?: string): OutboxMessage[] {
  return outbox.filter((message) => !phone || message.phone === phone).reverse();
}
