/**
 * Alibaba Cloud SMS (短信服务, Dysmsapi `SendSms`, API version 2017-05-25): the delivery of SMS in the
 * China regions, where Amazon SNS sends none. Requests are signed as the vendor's RPC API documents
 * it (HMAC-SHA1, SignatureVersion 1.0): parameters sorted by name, each name and value
 * percent-encoded (RFC 3986: only `A-Za-z0-9-_.~` stay as they are), joined with `&` into the
 * canonical query; the string to sign is `METHOD&%2F&<encoded canonical query>`; the key is the access
 * key secret followed by `&`. test/unit/aliyun-sms.test.ts reproduces the vendor's published example.
 */
import { createHmac, randomUUID } from 'node:crypto';

export interface AliyunCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

/** RFC 3986 percent-encoding as the signature requires (`encodeURIComponent` leaves `!'()*` alone). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical query: every parameter but `Signature`, sorted by name, encoded. */
export function canonicalQuery(parameters: Record<string, string>): string {
  return Object.keys(parameters)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(parameters[name]!)}`)
    .join('&');
}

export function stringToSign(method: 'GET' | 'POST', parameters: Record<string, string>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(parameters))}`;
}

/** The request signature (base64 HMAC-SHA1). */
export function signParameters(method: 'GET' | 'POST', parameters: Record<string, string>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign(method, parameters), 'utf8').digest('base64');
}

export interface SendSmsInput {
  phone: string;
  signName: string;
  templateCode: string;
  templateParam: Record<string, string>;
  /** Our own reference, echoed in delivery reports. */
  outId?: string;
}

/** The common and SendSms parameters of one request, unsigned. */
export function sendSmsParameters(input: SendSmsInput, accessKeyId: string, now: Date, nonce: string = randomUUID()): Record<string, string> {
  return {
    AccessKeyId: accessKeyId,
    Action: 'SendSms',
    Format: 'JSON',
    PhoneNumbers: input.phone,
    RegionId: 'cn-hangzhou',
    SignName: input.signName,
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: nonce,
    SignatureVersion: '1.0',
    TemplateCode: input.templateCode,
    TemplateParam: JSON.stringify(input.templateParam),
    Timestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Version: '2017-05-25',
    ...(input.outId ? { OutId: input.outId } : {}),
  };
}

/** How a SendSms answer is to be treated. */
export type AliyunOutcome =
  | { kind: 'sent'; bizId: string }
  /** The vendor refused this message for its recipient or content (a retry would be refused too). */
  | { kind: 'rejected'; code: string }
  /** A transient or configuration failure: retry later, and an operator must look if it persists. */
  | { kind: 'failed'; code: string };

/** Refusals tied to the recipient or the message: retrying cannot help, and they are not outages. */
const RECIPIENT_REFUSALS = new Set([
  'isv.MOBILE_NUMBER_ILLEGAL',
  'isv.MOBILE_COUNT_OVER_LIMIT',
  'isv.BUSINESS_LIMIT_CONTROL',
  'isv.DAY_LIMIT_CONTROL',
  'isv.MONTH_LIMIT_CONTROL',
  'isv.BLACK_KEY_CONTROL_LIMIT',
  'isv.PARAM_LENGTH_LIMIT',
]);

/** Classifies the JSON answer of SendSms. */
export function sendSmsOutcome(status: number, body: { Code?: string; BizId?: string } | undefined): AliyunOutcome {
  const code = body?.Code ?? `HTTP_${status}`;
  if (code === 'OK') return { kind: 'sent', bizId: body?.BizId ?? '' };
  if (RECIPIENT_REFUSALS.has(code)) return { kind: 'rejected', code };
  return { kind: 'failed', code };
}

export interface AliyunClientOptions {
  credentials: () => Promise<AliyunCredentials>;
  /** Host of the API, `dysmsapi.aliyuncs.com` by default. */
  endpoint?: string;
  /** Gives up on a request after this long. @default 5000 */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Sends one message: a signed POST (form body) over HTTPS. Never logs the message or its parameters. */
export async function sendAliyunSms(input: SendSmsInput, options: AliyunClientOptions, now: Date = new Date()): Promise<AliyunOutcome> {
  const credentials = await options.credentials();
  const parameters = sendSmsParameters(input, credentials.accessKeyId, now);
  const body = `Signature=${percentEncode(signParameters('POST', parameters, credentials.accessKeySecret))}&${canonicalQuery(parameters)}`;
  const send = options.fetch ?? fetch;
  try {
    const response = await send(`https://${options.endpoint ?? 'dysmsapi.aliyuncs.com'}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    const text = await response.text();
    let parsed: { Code?: string; BizId?: string } | undefined;
    try {
      parsed = JSON.parse(text) as { Code?: string; BizId?: string };
    } catch {
      parsed = undefined;
    }
    return sendSmsOutcome(response.status, parsed);
  } catch (error) {
    return { kind: 'failed', code: (error as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK_ERROR' };
  }
}
