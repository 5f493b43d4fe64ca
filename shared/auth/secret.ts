/**
 * The session signing secret: from Secrets Manager in the cloud (`SESSION_SECRET_ARN`), from a file
 * in the local data dir otherwise (`SESSION_SECRET_FILE`). Read once per module scope.
 */
import { readFile } from 'node:fs/promises';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from '#shared/config';

let pending: Promise<Uint8Array> | undefined;

async function load(): Promise<Uint8Array> {
  const cfg = config();
  let text: string | undefined;
  if (cfg.sessionSecretArn) {
    const client = new SecretsManagerClient({ region: cfg.awsRegion });
    const result = await client.send(new GetSecretValueCommand({ SecretId: cfg.sessionSecretArn }));
    text = result.SecretString;
  } else if (cfg.sessionSecretFile) {
    text = (await readFile(cfg.sessionSecretFile, 'utf8')).trim();
  }
  if (!text || text.length < 32) throw new Error('session secret is missing or shorter than 32 characters');
  return new TextEncoder().encode(text);
}

/** The HMAC key for session tokens and SMS code hashes. */
export function signingSecret(): Promise<Uint8Array> {
  pending ??= load().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}
