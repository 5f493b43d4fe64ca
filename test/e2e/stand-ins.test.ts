/**
 * The local stack's edges (docs/architecture.md, "Local and cloud"; docs/security.md): the HTTP server
 * answers only its own host names, the embedded stand-ins only their own address and the console's
 * origins, files go through the console's origin (`/s3/…`), and a malformed upload neither kills the
 * S3 stand-in nor, when it does reach and kill its process, the stack.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '#shared/storage/s3-client';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, ensureDemoAccounts } from '#tools/demo/accounts';
import { LOCAL_UPLOADS_BUCKET } from '#local/stack';
import { loginWithPassword, useLocalStack } from './harness';
import { waitFor } from './process-harness';

const client = useLocalStack({ allowedHosts: ['console.example.test', 'gateway.example.test:8443'] });

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with exactly these headers (fetch would not let the test set Host). */
function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { ...init.headers };
    // An empty Host stands for none at all.
    const setHost = headers.host !== '';
    if (!setHost) delete headers.host;
    const request = httpRequest(url, { method: init.method ?? 'GET', headers, setHost }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

const port = () => new URL(client.url).port;

/** A multipart body whose first part header line starts with a space: s3rver's parser throws on it. */
function malformedUpload(): { body: Buffer; contentType: string } {
  const boundary = '----xyd-malformed';
  const body = Buffer.from(`--${boundary}\r\n Content-Disposition: form-data; name="key"\r\n\r\nupload/x\r\n--${boundary}--\r\n`);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function putObject(key: string, text: string): Promise<void> {
  await s3Client().send(new PutObjectCommand({ Bucket: LOCAL_UPLOADS_BUCKET, Key: key, Body: text, ContentType: 'text/plain' }));
}

describe('the HTTP server answers only its own host names', () => {
  it('refuses a foreign Host with 403 HOST_NOT_ALLOWED, for the API, the site and files alike', async () => {
    for (const path of ['/api/dev/sms-outbox', '/', `/s3/${LOCAL_UPLOADS_BUCKET}/x`]) {
      const answer = await raw(`${client.url}${path}`, { headers: { host: `attacker.example:${port()}` } });
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).error.code).toBe('HOST_NOT_ALLOWED');
    }
    // HTTP/1.1 without a Host: refused before it reaches the server's code.
    const noHost = await raw(`${client.url}/api/dev/sms-outbox`, { headers: { host: '' } });
    expect(noHost.status).toBe(400);
  });

  it('answers 127.0.0.1:PORT, localhost:PORT and the ALLOWED_HOSTS names', async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, 'console.example.test', `console.example.test:${port()}`, 'gateway.example.test:8443']) {
      const answer = await raw(`${client.url}/api/dev/rollup-status`, { headers: { host } });
      expect({ host, status: answer.status }).toEqual({ host, status: 200 });
    }
    // A name listed with a port is served on that port only.
    expect((await raw(`${client.url}/api/dev/rollup-status`, { headers: { host: 'gateway.example.test' } })).status).toBe(403);
  });

  it('answers loopback names on other ports too, as a local development proxy forwards them', async () => {
    const answer = await raw(`${client.url}/api/dev/rollup-status`, { headers: { host: 'localhost:5173' } });
    expect(answer.status).toBe(200);
  });
});

describe('files through the console’s own origin', () => {
  it('hands out presigned uploads on the origin the request came to, and the upload works there', async () => {
    await ensureDemoAccounts();
    const city = DEMO_ACCOUNTS[2]!;
    const token = await loginWithPassword(client, city.phone, DEMO_PASSWORD);
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    const body = JSON.stringify({ purpose: 'institution-logo', contentType: 'image/png', size: png.length });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const direct = JSON.parse((await raw(`${client.url}/api/uploads`, { method: 'POST', headers: { ...headers, host: `127.0.0.1:${port()}` }, body })).body);
    expect(direct.url).toBe(`${client.url}/s3/${LOCAL_UPLOADS_BUCKET}`);
    const viaLocalhost = JSON.parse((await raw(`${client.url}/api/uploads`, { method: 'POST', headers: { ...headers, host: `localhost:${port()}` }, body })).body);
    expect(viaLocalhost.url).toBe(`http://localhost:${port()}/s3/${LOCAL_UPLOADS_BUCKET}`);
    const viaProxy = JSON.parse(
      (await raw(`${client.url}/api/uploads`, { method: 'POST', headers: { ...headers, host: 'console.example.test', 'x-forwarded-proto': 'https' }, body })).body,
    );
    expect(viaProxy.url).toBe(`https://console.example.test/s3/${LOCAL_UPLOADS_BUCKET}`);
    // A development proxy (npm run dev:site) forwards only the API: its links stay on the stack.
    const viaDevProxy = JSON.parse((await raw(`${client.url}/api/uploads`, { method: 'POST', headers: { ...headers, host: 'localhost:5173' }, body })).body);
    expect(viaDevProxy.url).toBe(`${client.url}/s3/${LOCAL_UPLOADS_BUCKET}`);

    // The browser's presigned POST, to localhost (the name it was handed), with its Origin.
    const form = new FormData();
    for (const [name, value] of Object.entries(viaLocalhost.fields as Record<string, string>)) form.append(name, value);
    form.append('file', new Blob([png], { type: 'image/png' }), 'logo.png');
    const posted = await fetch(viaLocalhost.url, { method: 'POST', body: form, headers: { origin: `http://localhost:${port()}` } });
    expect(posted.status).toBeLessThan(300);
    const head = await s3Client().send(new HeadObjectCommand({ Bucket: LOCAL_UPLOADS_BUCKET, Key: viaLocalhost.key }));
    expect(head.ContentLength).toBe(png.length);
  });

  it('serves presigned downloads from the console origin', async () => {
    await putObject('demo/stand-ins/hello.txt', '你好');
    const { presignDownload } = await import('#shared/storage/s3');
    const url = await presignDownload(LOCAL_UPLOADS_BUCKET, 'demo/stand-ins/hello.txt', 60, { disposition: 'attachment', fileName: '问候.txt' });
    expect(url.startsWith(`${client.url}/s3/${LOCAL_UPLOADS_BUCKET}/demo/stand-ins/hello.txt?`)).toBe(true);
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('你好');
  });
});

describe('the stand-ins allow only the console’s origins', () => {
  it('the DynamoDB stand-in refuses foreign origins and hosts and names the allowed origin', async () => {
    const endpoint = process.env.DYNAMODB_ENDPOINT!;
    const { port: dynamoPort } = new URL(endpoint);
    const listTables = (headers: Record<string, string>) =>
      raw(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          'x-amz-date': '20260101T000000Z',
          // dynalite checks the form of the signature, not its value.
          authorization: 'AWS4-HMAC-SHA256 Credential=S3RVER/20260101/cn-north-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
          ...headers,
        },
        body: '{}',
      });
    expect((await listTables({ origin: 'https://attacker.example' })).status).toBe(403);
    expect((await listTables({ host: `attacker.example:${dynamoPort}` })).status).toBe(403);
    const preflight = await raw(endpoint, { method: 'OPTIONS', headers: { origin: 'https://attacker.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await listTables({ origin: client.url });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(client.url);
  });

  it('the S3 stand-in refuses foreign origins and hosts and names the allowed origin', async () => {
    await putObject('demo/stand-ins/cors.txt', 'cors');
    const object = `${client.stack.s3.endpoint}/${LOCAL_UPLOADS_BUCKET}/demo/stand-ins/cors.txt`;
    expect((await raw(object, { headers: { origin: 'https://attacker.example' } })).status).toBe(403);
    expect((await raw(object, { headers: { host: `attacker.example:${new URL(object).port}` } })).status).toBe(403);
    const preflight = await raw(object, { method: 'OPTIONS', headers: { origin: 'https://attacker.example', 'access-control-request-method': 'GET' } });
    expect(preflight.status).toBe(403);
    const allowed = await raw(object, { headers: { origin: `http://localhost:${port()}` } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(`http://localhost:${port()}`);
    // Pages of this machine (npm run dev:site) may upload from their own origin.
    const devPreflight = await raw(`${client.stack.s3.endpoint}/${LOCAL_UPLOADS_BUCKET}`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(devPreflight.status).toBe(200);
    expect(devPreflight.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect((await raw(object, { headers: { origin: 'http://localhost.attacker.example' } })).status).toBe(403);
    // Through the console's origin the same rules hold.
    expect((await raw(`${client.url}/s3/${LOCAL_UPLOADS_BUCKET}/demo/stand-ins/cors.txt`, { headers: { origin: 'https://attacker.example' } })).status).toBe(403);
  });
});

describe('a malformed upload', () => {
  it('through the console origin is answered 400 and the S3 stand-in keeps running', async () => {
    const pid = client.stack.processes.s3;
    const { body, contentType } = malformedUpload();
    const answer = await raw(`${client.url}/s3/${LOCAL_UPLOADS_BUCKET}`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('<Code>MalformedPOSTRequest</Code>');
    await putObject('demo/stand-ins/alive.txt', 'alive');
    expect(await (await fetch(`${client.url}/s3/${LOCAL_UPLOADS_BUCKET}/demo/stand-ins/alive.txt`)).text()).toBe('alive');
    expect(client.stack.processes.s3).toBe(pid);
    expect(client.stack.s3.restarts).toBe(0);
  });

  it('sent straight to the S3 process ends that process only: it is started again and keeps its files', async () => {
    await putObject('demo/stand-ins/kept.txt', 'kept');
    const pid = client.stack.processes.s3;
    const { body, contentType } = malformedUpload();
    // The process dies under the request: no answer, or a reset connection.
    await raw(`${client.stack.s3.endpoint}/${LOCAL_UPLOADS_BUCKET}`, { method: 'POST', headers: { 'content-type': contentType }, body }).catch(() => undefined);
    await waitFor('the S3 stand-in to be started again', () => (client.stack.s3.restarts === 1 ? true : undefined), 30_000);
    expect(client.stack.processes.s3).not.toBe(pid);
    const answer = await fetch(`${client.url}/s3/${LOCAL_UPLOADS_BUCKET}/demo/stand-ins/kept.txt`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('kept');
    // The API (which stores files through the same stand-in) works as before.
    await putObject('demo/stand-ins/after.txt', 'after');
    expect((await client.request('GET', '/api/dev/rollup-status')).status).toBe(200);
  });
});
