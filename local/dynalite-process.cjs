// The embedded DynamoDB stand-in in a process of its own, so that its LevelDB work runs on another
// core than the handlers, the change capture and bulk jobs. Started by startDynamo() in
// embedded-servers.ts; it reports its port over IPC and stops when told or when its parent goes.
'use strict';
const dynalite = require('dynalite');

const path = process.argv[2] || undefined;
const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

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
