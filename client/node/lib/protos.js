'use strict';
// Where the .proto files are: in a packed package, ./proto (scripts/copy-protos.js
// puts them there); in the repository, ../../proto and Debian's googleapis
// protos (golang-github-gogo-googleapis-dev). PHOTOFLOW_PROTO_DIR and
// PHOTOFLOW_GOOGLEAPIS_DIR override both.
const fs = require('fs');
const path = require('path');

const DEBIAN_GOOGLEAPIS = '/usr/share/gocode/src/github.com/gogo/googleapis';

/** @returns {string[]} include directories for the API and google/{api,rpc} protos */
function includeDirs() {
  const packaged = path.join(__dirname, '..', 'proto');
  if (!process.env.PHOTOFLOW_PROTO_DIR && fs.existsSync(path.join(packaged, 'photoflow'))) {
    return [packaged];
  }
  return [
    process.env.PHOTOFLOW_PROTO_DIR || path.join(__dirname, '..', '..', '..', 'proto'),
    process.env.PHOTOFLOW_GOOGLEAPIS_DIR || DEBIAN_GOOGLEAPIS,
  ];
}

module.exports = { includeDirs, DEBIAN_GOOGLEAPIS };
