/**
 * A single AWS API call without the service's SDK client, for the services a function calls once in a
 * while with a small request (publishing an SMS request to SNS, an S3 HEAD): the request is signed
 * with the SDK's own SigV4 signer (`@smithy/signature-v4`) and the SDK's credential chain, sent with
 * `fetch`, and retried like the SDK's standard mode. A client (its schemas, protocol and endpoint
 * rules) would cost 20–180 KB of the function bundle for that one call (docs/architecture.md, "Cold
 * start and bundles"). DynamoDB, Secrets Manager and requests with a streamed body keep the SDK.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/** The DNS suffix of a region's partition: `amazonaws.com.cn` in the China regions. */
export function awsDnsSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

let credentials: AwsCredentialIdentityProvider | undefined;

/**
 * The process's credentials, through the SDK's default chain (cached, refreshed before they expire).
 * In the function bundles that chain is the environment (shared/aws/env-credentials.ts).
 */
export function awsCredentials(): AwsCredentialIdentityProvider {
  credentials ??= defaultProvider();
  return credentials;
}

/** A SigV4 signer for a service in a region, as the SDK's clients configure it. */
export function awsSigner(service: string, region: string, options: { uriEscapePath?: boolean; applyChecksum?: boolean } = {}): SignatureV4 {
  return new SignatureV4({ service, region, credentials: awsCredentials(), sha256: Sha256, ...options });
}

/** A failed AWS call: `name` is the service's error code (`Throttling`, `NotFound`, `AuthorizationError`, …). */
export class AwsRequestError extends Error {
  constructor(
    readonly service: string,
    code: string,
    readonly status: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${service}: ${code}${message ? `: ${message}` : ''}`, options);
    this.name = code;
  }
}

/** Attempts per call, as the SDK's standard retry mode. */
export const AWS_REQUEST_ATTEMPTS = 3;

const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException', 'TooManyRequestsException', 'SlowDown', 'RequestLimitExceeded']);

/** The error code of an AWS error body (query/XML `<Code>` or JSON `__type`/`code`). */
function errorCodeOf(status: number, text: string): { code: string; message: string } {
  const xmlCode = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
  const xmlMessage = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  if (xmlCode) return { code: xmlCode, message: xmlMessage ?? '' };
  try {
    const json = JSON.parse(text) as { __type?: string; code?: string; message?: string; Message?: string };
    const code = (json.__type ?? json.code)?.split('#').pop();
    if (code) return { code, message: json.message ?? json.Message ?? '' };
  } catch {
    // not JSON
  }
  return { code: status === 404 ? 'NotFound' : `Http${status}`, message: '' };
}

export interface SignedRequest {
  service: string;
  region: string;
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  /** Statuses that are an answer, not a failure (S3 HEAD: 404). @default none */
  accept?: readonly number[];
  /** S3 signs the path as it is sent (`uriEscapePath: false`). */
  signing?: { uriEscapePath?: boolean };
}

/**
 * Signs and sends one request; resolves to the response (2xx, or a status in `accept`). Network
 * failures, 5xx, 429 and throttling codes are retried with jittered backoff, up to
 * {@link AWS_REQUEST_ATTEMPTS} attempts; anything else throws {@link AwsRequestError} at once.
 */
export async function signedFetch(request: SignedRequest): Promise<Response> {
  const signer = awsSigner(request.service, request.region, request.signing);
  for (let attempt = 1; ; attempt += 1) {
    const signed = await signer.sign({
      method: request.method,
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      ...(request.url.port ? { port: Number(request.url.port) } : {}),
      path: request.url.pathname,
      query: Object.fromEntries(request.url.searchParams),
      headers: { ...request.headers, host: request.url.host },
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    // fetch sets Host itself, to the same value.
    const { host: _host, ...headers } = signed.headers;
    let failure: AwsRequestError | undefined;
    try {
      const response = await fetch(request.url, { method: request.method, headers, ...(request.body !== undefined ? { body: request.body } : {}) });
      if (response.ok || request.accept?.includes(response.status)) return response;
      const { code, message } = errorCodeOf(response.status, request.method === 'HEAD' ? '' : await response.text());
      failure = new AwsRequestError(request.service, code, response.status, message);
      if (response.status < 500 && response.status !== 429 && !THROTTLING_CODES.has(code)) throw failure;
    } catch (error) {
      if (error instanceof AwsRequestError) throw error;
      failure = new AwsRequestError(request.service, 'NetworkingError', undefined, (error as Error).message, { cause: error });
    }
    if (attempt >= AWS_REQUEST_ATTEMPTS) throw failure!;
    // Full jitter, as the SDK: up to 100 ms, then 200 ms.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** (attempt - 1)));
  }
}
