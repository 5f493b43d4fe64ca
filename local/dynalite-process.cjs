// The embedded DynamoDB stand-in in a process of its own, so that its LevelDB work runs on another
// core than the handlers, the change capture and bulk jobs. Started by startDynamo() in
// embedded-servers.ts with one JSON argument ({path?, allowedOrigins}); it reports its port over
// IPC and stops when told or when its parent goes. Requests pass the guard of stand-in-guard.cjs.
'use strict';
const { dirname } = require('node:path');
const { Buffer } = require('node:buffer');
const { guardServer } = require('./stand-in-guard.cjs');

const options = JSON.parse(process.argv[2] || '{}');

// A larger LevelDB write buffer than the default 4 MB: bulk loads (the demo data set, a rollup
// rebuild) then flush and compact far less, which cuts dynalite's work per item (measured with
// `npm run bench -- start-up`). dynalite opens its store with `new Level(path, …)` and takes no
// LevelDB options, so the class it will use is given the option before dynalite is loaded.
const level = require(require.resolve('level', { paths: [dirname(require.resolve('dynalite'))] }));
const Level = level.Level;
level.Level = class extends Level {
  constructor(location, levelOptions) {
    super(location, { writeBufferSize: 64 * 1024 * 1024, ...levelOptions });
  }
};
const dynalite = require('dynalite');

const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

guardServer(server, options.allowedOrigins || [], (res, reason) => {
  const body = JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException', message: reason });
  res.writeHead(403, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});

function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
}

server.listen(0, '127.0.0.1', () => {
  process.send({ port: server.address().port });
});
server.on('error', (error) => {
  process.send({ error: String(error && error.message) });
  process.exit(1);
});
process.on('message', (message) => {
  if (message === 'stop') stop();
});
process.on('disconnect', stop);
