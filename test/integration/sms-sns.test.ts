/**
 * The SMS path (docs/architecture.md, "SMS"): the auth side publishes a request to the SMS topic and
 * answers; the SMS function delivers it through the configured vendor. SNS, End User Messaging and the
 * vendor's HTTP API are stood in for (a fetch stub, aws-sdk-client-mock): they cannot run here.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent } from 'aws-lambda';
import { useTestStores } from './db-harness';
import { requestCode, verifyCode } from '#shared/auth/sms-codes';

useTestStores({ env: { SMS_TOPIC_ARN: 'arn:aws-cn:sns:cn-north-1:111122223333:sms' } });


const TOPIC_ARN = 'arn:aws-cn:sns:cn-north-1:111122223333:sms';
const BASE = new Date('2026-11-27T02:00:00Z');

/** What reached SNS: the signed Publish requests, by the fetch stub standing in for it. */
interface SnsCall {
  url: string;
  headers: Record<string, string>;
  form: Record<string, string>;
}
let snsCalls: SnsCall[] = [];
let snsAnswer: () => Response;
const PUBLISHED = () => new Response('<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>', { status: 200 });

beforeEach(() => {
  snsCalls = [];
  snsAnswer = PUBLISHED;
  vi.stubGlobal('fetch', async (url: URL | string, init: { headers: Record<string, string>; body: string }) => {
    snsCalls.push({ url: String(url), headers: init.headers, form: Object.fromEntries(new URLSearchParams(init.body)) });
    return snsAnswer();
  });
});
afterEach(() => vi.unstubAllGlobals());

function publishedRequest(): { phone: string; template: string; params: { code: string } } {
  return JSON.parse(snsCalls.at(-1)!.form.Message!);
}

describe('SMS requests go to the SMS topic', () => {
  it('publishes the phone, the template and the code to the topic, nothing to a phone number', async () => {
    await requestCode({ phone: '13700000001', purpose: 'login', sourceIp: '10.0.0.1', deliver: true, now: BASE });
    expect(snsCalls).toHaveLength(1);
    expect(snsCalls[0]!.url).toBe('https://sns.cn-north-1.amazonaws.com.cn/');
    expect(snsCalls[0]!.form).toMatchObject({ Action: 'Publish', TopicArn: TOPIC_ARN });
    expect(snsCalls[0]!.form.PhoneNumber).toBeUndefined();
    expect(snsCalls[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/cn-north-1\/sns\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
    expect(publishedRequest()).toMatchObject({ phone: '13700000001', template: 'login-code', params: { code: expect.stringMatching(/^\d{6}$/) } });
    expect(await verifyCode('13700000001', 'login', publishedRequest().params.code, BASE)).toBe(true);
  });

  it('sends the Publish request the SNS client would (without the client in the bundle)', async () => {
    const { publishToTopic } = await import('#shared/sms/publish');
    const message = JSON.stringify({ phone: '13700000009', template: 'login-code', params: { code: '135790' }, note: 'a b+c&d=中' });
    await publishToTopic('cn-north-1', TOPIC_ARN, message);
    let sdkRequest: { method: string; hostname: string; path: string; headers: Record<string, string>; body: string } | undefined;
    const client = new SNSClient({
      region: 'cn-north-1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' },
      requestHandler: {
        handle: async (request: typeof sdkRequest) => {
          sdkRequest = request;
          return { response: { statusCode: 200, headers: {}, body: Readable.from([Buffer.from(PUBLISHED_XML)]) } };
        },
      } as never,
    });
    await client.send(new PublishCommand({ TopicArn: TOPIC_ARN, Message: message }));
    expect(snsCalls[0]!.url).toBe(`https://${sdkRequest!.hostname}${sdkRequest!.path}`);
    expect(snsCalls[0]!.form).toEqual(Object.fromEntries(new URLSearchParams(sdkRequest!.body)));
    expect(snsCalls[0]!.headers['content-type']).toBe(sdkRequest!.headers['content-type']);
  });

  it('retries a throttled or failed publish like the SDK, and gives up after three attempts', async () => {
    let failures = 2;
    snsAnswer = () => (failures-- > 0 ? new Response('<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>', { status: 400 }) : PUBLISHED());
    await requestCode({ phone: '13700000004', purpose: 'login', sourceIp: '10.0.0.4', deliver: true, now: BASE });
    expect(snsCalls).toHaveLength(3);

    snsCalls = [];
    snsAnswer = () => new Response('<ErrorResponse><Error><Code>AuthorizationError</Code><Message>no</Message></Error></ErrorResponse>', { status: 403 });
    const refused = await requestCode({ phone: '13700000005', purpose: 'login', sourceIp: '10.0.0.5', deliver: true, now: BASE }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 503, code: 'SMS_UNAVAILABLE' });
    expect(snsCalls).toHaveLength(1);
  });

  it('answers a topic failure with 503 and keeps the earlier code and the allowance', async () => {
    await requestCode({ phone: '13700000002', purpose: 'bind', sourceIp: '10.0.0.2', deliver: true, now: BASE });
    const earlier = publishedRequest().params.code;
    expect(publishedRequest().template).toBe('bind-code');

    snsAnswer = () => new Response('<ErrorResponse><Error><Code>InternalError</Code></Error></ErrorResponse>', { status: 500 });
    const later = new Date(BASE.getTime() + 61_000);
    const failure = await requestCode({ phone: '13700000002', purpose: 'bind', sourceIp: '10.0.0.2', deliver: true, now: later }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 503, code: 'SMS_UNAVAILABLE' });

    // Nothing was charged: a retry right away is accepted once the topic is back (the pair's second
    // code of the hour, so its next wait is 120 s).
    snsAnswer = PUBLISHED;
    expect(await verifyCode('13700000002', 'bind', earlier, new Date(later.getTime() + 1000))).toBe(true);
    await expect(
      requestCode({ phone: '13700000002', purpose: 'bind', sourceIp: '10.0.0.2', deliver: true, now: new Date(later.getTime() + 2000) }),
    ).resolves.toEqual({ resendAfterSeconds: 120 });
  });
});

const PUBLISHED_XML = '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>';

function notification(request: unknown): SNSEvent {
  return { Records: [{ Sns: { MessageId: 'n-1', Message: JSON.stringify(request) } }] } as unknown as SNSEvent;
}

const REQUEST = { phone: '13700000003', template: 'login-code', params: { code: '246810' }, requestedAt: BASE.toISOString() };

/** A fresh SMS function with the given environment (its configuration is read once per module). */
async function smsFunction(env: Record<string, string>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return (await import('#functions/sms/index')).handler;
}

describe('the SMS function', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.unstubAllGlobals();
  });

  it('sends through Alibaba Cloud SMS with the approved sign name, template and a signed request', async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ accessKeyId: 'AK-TEST', accessKeySecret: 'SECRET-TEST' }) });
    const fetched: { url: string; body: string }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: { body: string }) => {
      fetched.push({ url, body: init.body });
      return new Response(JSON.stringify({ Code: 'OK', BizId: 'biz-1', RequestId: 'r-1' }), { status: 200 });
    });
    const handler = await smsFunction({
      SMS_PROVIDER: 'aliyun',
      SMS_SIGN_NAME: '信易贷',
      SMS_LOGIN_TEMPLATE: 'SMS_1001',
      SMS_BIND_TEMPLATE: 'SMS_1002',
      SMS_VENDOR_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:sms-vendor',
    });
    await handler(notification(REQUEST));
    expect(fetched).toHaveLength(1);
    expect(fetched[0]!.url).toBe('https://dysmsapi.aliyuncs.com/');
    const form = new URLSearchParams(fetched[0]!.body);
    expect(Object.fromEntries(form)).toMatchObject({
      Action: 'SendSms',
      AccessKeyId: 'AK-TEST',
      PhoneNumbers: '13700000003',
      SignName: '信易贷',
      TemplateCode: 'SMS_1001',
      TemplateParam: '{"code":"246810"}',
      SignatureMethod: 'HMAC-SHA1',
      Signature: expect.any(String),
    });
    secrets.restore();
  });

  it('retries what failed (throws) and does not retry what the vendor refused for the recipient', async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ accessKeyId: 'AK', accessKeySecret: 'S' }) });
    let answer = { Code: 'isp.SYSTEM_ERROR' };
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(answer), { status: 200 }));
    const handler = await smsFunction({
      SMS_PROVIDER: 'aliyun',
      SMS_LOGIN_TEMPLATE: 'SMS_1001',
      SMS_BIND_TEMPLATE: 'SMS_1002',
      SMS_VENDOR_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:sms-vendor',
    });
    await expect(handler(notification(REQUEST))).rejects.toThrow('isp.SYSTEM_ERROR');
    answer = { Code: 'isv.MOBILE_NUMBER_ILLEGAL' };
    await expect(handler(notification(REQUEST))).resolves.toBeUndefined();
    secrets.restore();
  });

  it('sends through End User Messaging SMS from the configured origination identity, transactional', async () => {
    const messaging = mockClient(PinpointSMSVoiceV2Client);
    messaging.on(SendTextMessageCommand).resolves({ MessageId: 'e-1' });
    const handler = await smsFunction({ SMS_PROVIDER: 'end-user-messaging', SMS_ORIGINATION_IDENTITY: 'arn:aws:sms-voice:us-east-1:111122223333:sender-id/XYD/CN' });
    await handler(notification({ ...REQUEST, template: 'bind-code' }));
    const input = messaging.commandCalls(SendTextMessageCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      DestinationPhoneNumber: '+8613700000003',
      OriginationIdentity: 'arn:aws:sms-voice:us-east-1:111122223333:sender-id/XYD/CN',
      MessageType: 'TRANSACTIONAL',
    });
    expect(input.MessageBody).toMatch(/^【信易贷】您的绑定手机号验证码为 246810，5 分钟内有效。/);
    messaging.restore();
  });

  it('drops an unreadable request without retrying it', async () => {
    const handler = await smsFunction({ SMS_PROVIDER: 'outbox' });
    await expect(handler(notification({ phone: 'nope' }))).resolves.toBeUndefined();
  });
});
