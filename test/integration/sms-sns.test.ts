import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { useTestStores } from './db-harness';
import { requestCode, verifyCode } from '#shared/auth/sms-codes';

useTestStores({ env: { SMS_MODE: 'sns' } });

const sns = mockClient(SNSClient);
const BASE = new Date('2026-11-27T02:00:00Z');

beforeEach(() => sns.reset());
afterEach(() => sns.reset());

function sentCode(): string {
  const message = sns.commandCalls(PublishCommand).at(-1)!.args[0].input.Message!;
  return /(\d{6})/.exec(message)![1]!;
}

describe('SMS through SNS', () => {
  it('publishes a transactional SMS to the +86 number with the code', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await requestCode({ phone: '13700000001', purpose: 'login', sourceIp: '10.0.0.1', deliver: true, now: BASE });
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.PhoneNumber).toBe('+8613700000001');
    expect(input.Message).toMatch(/^【信易贷】您的登录验证码为 \d{6}，5 分钟内有效。/);
    expect(input.MessageAttributes?.['AWS.SNS.SMS.SMSType']?.StringValue).toBe('Transactional');
    expect(await verifyCode('13700000001', 'login', sentCode(), BASE)).toBe(true);
  });

  it('answers an SNS failure with 503 and keeps the earlier code and the allowance', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await requestCode({ phone: '13700000002', purpose: 'login', sourceIp: '10.0.0.2', deliver: true, now: BASE });
    const earlier = sentCode();

    sns.on(PublishCommand).rejects(new Error('Throttling'));
    const later = new Date(BASE.getTime() + 61_000);
    const failure = await requestCode({ phone: '13700000002', purpose: 'login', sourceIp: '10.0.0.2', deliver: true, now: later }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 503, code: 'SMS_UNAVAILABLE' });

    // The resend clock was not moved: a retry right away is accepted once SNS is back.
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    expect(await verifyCode('13700000002', 'login', earlier, new Date(later.getTime() + 1000))).toBe(true);
    await expect(
      requestCode({ phone: '13700000002', purpose: 'login', sourceIp: '10.0.0.2', deliver: true, now: new Date(later.getTime() + 2000) }),
    ).resolves.toEqual({ resendAfterSeconds: 60 });
  });
});
