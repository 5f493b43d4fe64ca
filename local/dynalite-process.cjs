// The embedded DynamoDB stand-in in a process of its own, so that its LevelDB work runs on another
// core than the handlers, the change capture and bulk jobs. Started by startDynamo() in
// embedded-servers.ts with one JSON argument ({path?, allowedOrigins}); it reports its port over
// IPC and stops when told or when its parent goes. Requests pass the guard of stand-in-guard.cjs.
'use strict';
const { dirname } = require('node:path');

const { Buffer } = require('node:buffer');
const { setImmediate } = require('node:timers');
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

// dynalite reads and decodes the table's description from LevelDB for every item it writes or
// reads (several times per item of a BatchWriteItem). Between changes of the tables it is the same,
// so item operations share one decoded copy. The cache holds only ACTIVE tables, item operations
// never modify a description, and while any other operation (CreateTable, DeleteTable, UpdateTable,
// DescribeTable, …) is in progress nothing is cached or served from the cache; it is emptied when such
// an operation arrives and when it ends.
const ITEM_OPERATIONS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchGetItem', 'BatchWriteItem', 'Query', 'Scan']);
const tables = new Map();
let tableOperations = 0;
const dynaliteDb = require(require.resolve('./db', { paths: [dirname(require.resolve('dynalite'))] }));
const createStore = dynaliteDb.create;
dynaliteDb.create = function (storeOptions) {
  const store = createStore.call(this, storeOptions);
  const getTable = store.getTable;
  store.getTable = function (name, checkStatus, cb) {
    // getTable(name, cb) checks the status, as getTable(name, true, cb) does.
    const [check, callback] = typeof checkStatus === 'function' ? [true, checkStatus] : [checkStatus, cb];
    const cached = tableOperations === 0 ? tables.get(name) : undefined;
    if (cached) return setImmediate(callback, null, cached);
    const cacheable = tableOperations === 0;
    getTable.call(store, name, check, (err, table) => {
      if (!err && cacheable && tableOperations === 0 && table && table.TableStatus === 'ACTIVE') tables.set(name, table);
      callback(err, table);
    });
  };
  return store;
};
const dynalite = require('dynalite');

const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
{
  const [handle] = server.listeners('request');
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    const operation = String(req.headers['x-amz-target'] || '').split('.')[1];
    if (!ITEM_OPERATIONS.has(operation)) {
      tables.clear();
      tableOperations += 1;
      res.once('close', () => {
        tableOperations -= 1;
        tables.clear();
      });
    }
    handle.call(server, req, res);
  });
}

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
