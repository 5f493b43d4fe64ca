/**
 * The address of the user behind a request. In the cloud the API is reached through CloudFront, so
 * API Gateway's `sourceIp` is a CloudFront edge: per-IP limits and audit entries would see edges,
 * not users. CloudFront forwards the user's address in `CloudFront-Viewer-Address` and adds a secret
 * `x-origin-verify` header; the viewer address is trusted only when that secret matches, since anyone
 * calling the API Gateway endpoint directly could send the header themselves.
 */
import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { config } from '#shared/config';
import { secretText } from '#shared/auth/secret';

/** `203.0.113.9:4123` → `203.0.113.9`; `2001:db8::1:443` → `2001:db8::1` (the port is last). */
export function parseViewerAddress(value: string): string | undefined {
  const separator = value.lastIndexOf(':');
  if (separator <= 0) return undefined;
  const address = value.slice(0, separator).replace(/^\[|\]$/g, '');
  return /^[0-9a-fA-F.:]+$/.test(address) ? address : undefined;
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface Client {
  /** The user's address: the verified CloudFront viewer address, else API Gateway's source IP. */
  address: string;
  /** True when the request carries CloudFront's origin token (it came through the distribution). */
  viaCloudFront: boolean;
}

/** Who sent the request, and whether it came through CloudFront. */
export async function resolveClient(event: APIGatewayProxyEventV2): Promise<Client> {
  const direct = event.requestContext?.http?.sourceIp ?? 'unknown';
  const headers = event.headers ?? {};
  const presented = headers['x-origin-verify'];
  if (!presented) return { address: direct, viaCloudFront: false };
  const arn = config().originVerifySecretArn;
  const expected = arn ? await secretText(arn) : undefined;
  if (!expected || !same(presented, expected)) return { address: direct, viaCloudFront: false };
  const viewer = headers['cloudfront-viewer-address'];
  return { address: (viewer && parseViewerAddress(viewer)) || direct, viaCloudFront: true };
}
