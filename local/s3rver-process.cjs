// The embedded S3 stand-in (s3rver) in a process of its own: a request that makes s3rver throw
// outside its request handling (its multipart parser does, on some malformed uploads) ends this
// process only, and startS3() in embedded-servers.ts starts it again on the same port. Started with
// one JSON argument ({directory, port, buckets, cors, allowedOrigins}); it reports its port over IPC
// and stops when told or when its parent goes. Requests pass the guard of stand-in-guard.cjs.
'use strict';
const S3rver = require('s3rver');
const { Buffer } = require('node:buffer');
const { guardServer } = require('./stand-in-guard.cjs');

const options = JSON.parse(process.argv[2] || '{}');

function escapeXml(text) {
  return String(text).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
}

const s3 = new S3rver({
  address: '127.0.0.1',
  port: options.port || 0,
  silent: true,
  directory: options.directory,
  vhostBuckets: false,
  configureBuckets: options.buckets.map((name) => ({ name, configs: [options.cors] })),
});

function stop() {
  s3.close().then(
    () => process.exit(0),
    () => process.exit(0),
  );
  setTimeout(() => process.exit(0), 5000).unref();
}

s3.run().then(
  (address) => {
    guardServer(s3.httpServer, options.allowedOrigins || [], (res, reason) => {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${escapeXml(reason)}</Message></Error>`;
      res.writeHead(403, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    process.send({ port: address.port });
  },
  (error) => {
    process.send({ error: String(error && error.message) });
    process.exit(1);
  },
);
process.on('message', (message) => {
  if (message === 'stop') stop();
});
process.on('disconnect', stop);
