/**
 * `npm run admin -- rotate-session-key`: a new session key becomes current; the previous one keeps
 * verifying tokens for an hour (shared/auth/secret.ts), so nobody is signed out. In the cloud the new
 * value is put into the secret `SESSION_SECRET_ARN` (Secrets Manager keeps the old one as
 * `AWSPREVIOUS`); locally the key file moves to `<file>.previous` and a new file takes its place.
 */
import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { forgetSessionKeys } from '#shared/auth/secret';
import { config } from '#shared/config';

/** Rotates the session key; resolves to where the new key went. */
export async function rotateSessionKey(): Promise<string> {
  const cfg = config();
  const value = randomBytes(48).toString('base64url');
  if (cfg.sessionSecretArn) {
    const client = new SecretsManagerClient({ region: cfg.awsRegion });
    try {
      await client.send(new PutSecretValueCommand({ SecretId: cfg.sessionSecretArn, SecretString: value }));
    } finally {
      client.destroy();
    }
    forgetSessionKeys();
    return cfg.sessionSecretArn;
  }
  if (!cfg.sessionSecretFile) throw new Error('configuration: no session key to rotate (SESSION_SECRET_ARN or SESSION_SECRET_FILE)');
  await rename(cfg.sessionSecretFile, `${cfg.sessionSecretFile}.previous`);
  await writeFile(cfg.sessionSecretFile, value, { mode: 0o600 });
  forgetSessionKeys();
  return cfg.sessionSecretFile;
}
