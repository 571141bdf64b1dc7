'use strict';
// npm pack / publish: copies the .proto files the client loads into ./proto
// (prepack), so the package works outside this repository, and removes them
// again afterwards (postpack, with --remove), so that in the repository the
// client always reads proto/ itself.
const fs = require('fs');
const path = require('path');
const { DEBIAN_GOOGLEAPIS } = require('../lib/protos');

const target = path.join(__dirname, '..', 'proto');
fs.rmSync(target, { recursive: true, force: true });
if (process.argv[2] !== '--remove') {
  const apiDir = process.env.PHOTOFLOW_PROTO_DIR || path.join(__dirname, '..', '..', '..', 'proto');
  const googleapisDir = process.env.PHOTOFLOW_GOOGLEAPIS_DIR || DEBIAN_GOOGLEAPIS;
  fs.cpSync(path.join(apiDir, 'photoflow'), path.join(target, 'photoflow'), { recursive: true });
  for (const file of ['google/api/annotations.proto', 'google/api/http.proto',
    'google/rpc/status.proto', 'google/rpc/error_details.proto']) {
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.copyFileSync(path.join(googleapisDir, file), path.join(target, file));
  }
}
