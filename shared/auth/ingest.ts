/**
 * Authorisation of the ingestion route (service to service). In the cloud API Gateway checks the
 * SigV4 signature (IAM authoriser) before the Lambda runs, so the handler only confirms an IAM
 * principal is present; locally the `x-api-key` header must equal INGEST_API_KEY.
 */
import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { config } from '#shared/config';
import { UnauthenticatedError } from '#shared/http/errors';

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function authorizeIngest(event: APIGatewayProxyEventV2): void {
  const cfg = config();
  if (cfg.ingestAuth === 'iam') {
    const authorizer = (event.requestContext as { authorizer?: { iam?: unknown } }).authorizer;
    if (!authorizer?.iam) throw new UnauthenticatedError('需要 IAM 签名', 'INGEST_UNAUTHENTICATED');
    return;
  }
  const key = event.headers?.['x-api-key'];
  if (!key || !cfg.ingestApiKey || !sameSecret(key, cfg.ingestApiKey)) {
    throw new UnauthenticatedError('API Key 无效', 'INGEST_UNAUTHENTICATED');
  }
}
