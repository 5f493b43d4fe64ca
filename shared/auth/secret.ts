/**
 * The session signing secret: from Secrets Manager in the cloud (`SESSION_SECRET_ARN`), from a file
 * in the local data dir otherwise (`SESSION_SECRET_FILE`). Read once per module scope.
 */
import { readFile } from 'node:fs/promises';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from '#shared/config';

let pending: Promise<Uint8Array> | undefined;
let client: SecretsManagerClient | undefined;
const secretTexts = new Map<string, Promise<string | undefined>>();

/** A Secrets Manager secret's text, fetched once per module scope (a failed fetch is retried later). */
export function secretText(arn: string): Promise<string | undefined> {
  let text = secretTexts.get(arn);
  if (!text) {
    client ??= new SecretsManagerClient({ region: config().awsRegion });
    text = client.send(new GetSecretValueCommand({ SecretId: arn })).then((result) => result.SecretString);
    text.catch(() => secretTexts.delete(arn));
    secretTexts.set(arn, text);
  }
  return text;
}

async function load(): Promise<Uint8Array> {
  const cfg = config();
  let text: string | undefined;
  if (cfg.sessionSecretArn) {
    text = await secretText(cfg.sessionSecretArn);
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
