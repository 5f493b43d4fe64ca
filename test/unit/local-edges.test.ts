/**
 * The pure parts of the local stack's edges: which host names the HTTP server answers, which origins
 * the stand-ins allow, and which multipart bodies never reach s3rver's parser (local/http-server.ts,
 * local/embedded-servers.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseAllowedHosts, servedHosts, siteOrigins } from '#local/http-server';
import { malformedMultipart } from '#local/embedded-servers';

describe('ALLOWED_HOSTS', () => {
  it('takes names and name:port, separated by commas or spaces, in lower case', () => {
    expect(parseAllowedHosts(' Console.Example.LAN, 10.0.0.5:8080  [::1]:9000 ')).toEqual(['console.example.lan', '10.0.0.5:8080', '[::1]:9000']);
    expect(parseAllowedHosts(undefined)).toEqual([]);
    expect(parseAllowedHosts('')).toEqual([]);
  });

  it('refuses what is not a host name', () => {
    expect(() => parseAllowedHosts('http://console.example')).toThrow(/ALLOWED_HOSTS/);
    expect(() => parseAllowedHosts('console.example/path')).toThrow(/ALLOWED_HOSTS/);
    expect(() => parseAllowedHosts('*.example')).toThrow(/ALLOWED_HOSTS/);
  });
});

describe('the hosts the local server answers', () => {
  const served = servedHosts(3000, ['console.example.lan', 'gateway.example:8443']);

  it('answers the loopback names on any port and the allowed names', () => {
    for (const host of ['127.0.0.1:3000', 'localhost:3000', '[::1]:3000', 'localhost:5173', 'localhost', 'console.example.lan', 'console.example.lan:3000', 'gateway.example:8443']) {
      expect({ host, served: served(host) }).toEqual({ host, served: true });
    }
  });

  it('refuses every other name, a rebinding attacker’s above all', () => {
    for (const host of ['attacker.example:3000', 'attacker.example', '', 'localhost.attacker.example:3000', '127.0.0.1.nip.io:3000', 'gateway.example', 'gateway.example:3000', 'console.example.lan:4000']) {
      expect({ host, served: served(host) }).toEqual({ host, served: false });
    }
  });

  it('gives the stand-ins the console’s origins and those of this machine', () => {
    expect(siteOrigins(3000, ['console.example.lan'])).toEqual([
      'http://127.0.0.1:3000',
      'http://localhost:3000',
      'http://127.0.0.1:*',
      'http://localhost:*',
      'http://console.example.lan',
      'https://console.example.lan',
      'http://console.example.lan:3000',
    ]);
  });
});

describe('the multipart guard of the S3 stand-in', () => {
  const type = 'multipart/form-data; boundary=XB';
  const body = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'));

  it('lets a well-formed upload through', () => {
    const upload = body('--XB\nContent-Disposition: form-data; name="key"\n\nuploads/1/a.png\n--XB\nContent-Disposition: form-data; name="file"; filename="a.png"\nContent-Type: image/png\n\n PNG  body may start with a space\n--XB--\n');
    expect(malformedMultipart(type, upload)).toBeUndefined();
    expect(malformedMultipart('multipart/form-data; boundary="XB"', upload)).toBeUndefined();
  });

  it('stops a part header line that starts with whitespace, or is not name: value', () => {
    expect(malformedMultipart(type, body('--XB\n Content-Disposition: form-data; name="key"\n\nx\n--XB--\n'))).toMatch(/whitespace/);
    expect(malformedMultipart(type, body('--XB\nContent-Disposition: form-data; name="key"\n\tfolded\n\nx\n--XB--\n'))).toMatch(/whitespace/);
    expect(malformedMultipart(type, body('--XB\nContent-Disposition: form-data; name="a"\n\nx\n--XB\n  bad\n\ny\n--XB--\n'))).toMatch(/whitespace/);
    expect(malformedMultipart(type, body('--XB\nnot a header\n\nx\n--XB--\n'))).toMatch(/name: value/);
  });

  it('stops a multipart body without a boundary', () => {
    expect(malformedMultipart('multipart/form-data', body('--XB\n\nx\n--XB--\n'))).toMatch(/boundary/);
  });
});
