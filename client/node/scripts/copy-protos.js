'use strict';
// npm pack / publish: puts the .proto files the client loads into ./proto,
// so the package works outside this repository.
const fs = require('fs');
const path = require('path');
const { includeDirs } = require('../lib/protos');

const target = path.join(__dirname, '..', 'proto');
const [apiDir, googleapisDir] = includeDirs();
fs.rmSync(target, { recursive: true, force: true });
fs.cpSync(path.join(apiDir, 'photoflow'), path.join(target, 'photoflow'), { recursive: true });
for (const file of ['google/api/annotations.proto', 'google/api/http.proto',
  'google/rpc/status.proto', 'google/rpc/error_details.proto']) {
  fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
  fs.copyFileSync(path.join(googleapisDir, file), path.join(target, file));
}
