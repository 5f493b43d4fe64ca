/** Shared by the institution e2e suites: image uploads through the presigned POST, request bodies. */
import { expect } from 'vitest';
import type { Client } from './harness';

/** A 1×1 PNG. */
export const PNG = {
  type: 'image/png',
  bytes: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'),
};

/** Asks for a presigned POST, sends the file to the local S3 with it, and returns the object key. */
export async function uploadImage(
  client: Client,
  token: string,
  purpose: 'institution-logo' | 'specialist-avatar',
  file: { type: string; bytes: Buffer } = PNG,
): Promise<string> {
  const grant = await client.request('POST', '/api/uploads', { token, body: { purpose, contentType: file.type, size: file.bytes.length } });
  expect(grant.status).toBe(201);
  const form = new FormData();
  for (const [name, value] of Object.entries(grant.body.fields as Record<string, string>)) form.append(name, value);
  form.append('file', new Blob([file.bytes], { type: file.type }), 'image');
  const posted = await fetch(grant.body.url, { method: 'POST', body: form });
  expect(posted.status).toBeLessThan(300);
  return grant.body.key as string;
}

let seq = 0;

/** A valid POST /institutions body in 厦门 (思明区) with a unique full name. */
export function institutionBody(logoKey: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq += 1;
  return {
    type: 'bank',
    fullName: `厦门测试银行${seq}号分行`,
    shortName: `测试银行${seq}`,
    logoKey,
    districtCode: '350203',
    sortOrder: 0,
    status: 'enabled',
    ...overrides,
  };
}
