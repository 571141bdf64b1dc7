'use strict';
// The client's own logic, without a server: error details and paging. (The
// example, run against a live server by the end-to-end tests, covers the
// calls themselves.)
const test = require('node:test');
const assert = require('node:assert');
const grpc = require('@grpc/grpc-js');
const { PhotoflowError, pages, toTimestamp } = require('..');
const { rpc, STATUS_DETAILS_KEY } = require('../lib/errors');

function any(typeName, fields) {
  const type = rpc().lookupType(typeName);
  return { type_url: `type.googleapis.com/${typeName}`, value: type.encode(type.create(fields)).finish() };
}

function serviceError(code, details, trailer) {
  const metadata = new grpc.Metadata();
  if (trailer) metadata.set(STATUS_DETAILS_KEY, trailer);
  return Object.assign(new Error(details), { code, details, metadata });
}

test('INVALID_ARGUMENT carries the reason and the field violations', () => {
  const Status = rpc().lookupType('google.rpc.Status');
  const trailer = Buffer.from(Status.encode(Status.create({
    code: 3,
    message: 'task.title: is required',
    details: [
      any('google.rpc.ErrorInfo', { reason: 'INVALID_FIELD', domain: 'photoflow.v1', metadata: { field: 'task.title' } }),
      any('google.rpc.BadRequest', { field_violations: [{ field: 'task.title', description: 'is required' }] }),
    ],
  })).finish());
  const error = PhotoflowError.fromServiceError(
    serviceError(grpc.status.INVALID_ARGUMENT, 'task.title: is required', trailer));
  assert.ok(error instanceof PhotoflowError);
  assert.strictEqual(error.codeName, 'INVALID_ARGUMENT');
  assert.strictEqual(error.message, 'INVALID_ARGUMENT: task.title: is required');
  assert.strictEqual(error.reason, 'INVALID_FIELD');
  assert.strictEqual(error.domain, 'photoflow.v1');
  assert.deepStrictEqual(error.metadata, { field: 'task.title' });
  assert.deepStrictEqual(error.fields, ['task.title']);
  assert.strictEqual(error.fieldViolations[0].description, 'is required');
});

test('a caller over its limit gets the retry delay', () => {
  const Status = rpc().lookupType('google.rpc.Status');
  const trailer = Buffer.from(Status.encode(Status.create({
    code: 8,
    message: 'too many calls',
    details: [
      any('google.rpc.ErrorInfo', { reason: 'CALLER_LIMIT_EXCEEDED', domain: 'photoflow.v1' }),
      any('google.rpc.RetryInfo', { retry_delay: { seconds: 1, nanos: 500000000 } }),
    ],
  })).finish());
  const error = PhotoflowError.fromServiceError(
    serviceError(grpc.status.RESOURCE_EXHAUSTED, 'too many calls', trailer));
  assert.strictEqual(error.reason, 'CALLER_LIMIT_EXCEEDED');
  assert.strictEqual(error.retryDelayMs, 1500);
  assert.strictEqual(PhotoflowError.fromServiceError(serviceError(grpc.status.NOT_FOUND, 'x')).retryDelayMs,
    undefined);
});

test('a missing or malformed trailer keeps the error', () => {
  const plain = PhotoflowError.fromServiceError(serviceError(grpc.status.NOT_FOUND, 'gone'));
  assert.strictEqual(plain.codeName, 'NOT_FOUND');
  assert.deepStrictEqual(plain.fields, []);
  const malformed = PhotoflowError.fromServiceError(
    serviceError(grpc.status.ABORTED, 'stale', Buffer.from([0xff, 0xff, 0xff])));
  assert.strictEqual(malformed.codeName, 'ABORTED');
  assert.strictEqual(malformed.reason, '');
});

test('pages follows tokens until the empty one, lazily', async () => {
  const responses = {
    '': { tasks: [{ id: 1 }, { id: 2 }], nextPageToken: 'a' },
    a: { tasks: [{ id: 3 }], nextPageToken: 'b' },
    b: { tasks: [], nextPageToken: '' },
  };
  const seen = [];
  const fetch = async (request) => {
    seen.push(request.pageToken || '');
    return responses[request.pageToken || ''];
  };
  const ids = [];
  for await (const task of pages(fetch, { filter: 'is_finished = false' }, 'tasks')) ids.push(task.id);
  assert.deepStrictEqual(ids, [1, 2, 3]);
  assert.deepStrictEqual(seen, ['', 'a', 'b']);

  const calls = [];
  const endless = pages(async (r) => { calls.push(r.pageToken); return { tasks: [{ id: calls.length }], nextPageToken: 'more' }; }, {}, 'tasks');
  assert.strictEqual((await endless.next()).value.id, 1);
  assert.strictEqual(calls.length, 1);
});

test('a page token handed back unchanged stops the walk instead of looping', async () => {
  const fetch = async () => ({ tasks: [{ id: 1 }], nextPageToken: 'same' });
  const request = { pageToken: 'same' };
  const seen = [];
  await assert.rejects(async () => {
    for await (const task of pages(fetch, request, 'tasks')) seen.push(task.id);
  }, /same page token/);
  assert.deepStrictEqual(seen, [1]);
});

test('dates are midnight UTC and offsets are honoured', () => {
  assert.deepStrictEqual(toTimestamp('2026-12-24'), { seconds: 1798070400, nanos: 0 });
  assert.deepStrictEqual(toTimestamp('2026-12-24T01:00:00.250+01:00'), { seconds: 1798070400, nanos: 250000000 });
  assert.deepStrictEqual(toTimestamp(new Date(Date.UTC(2026, 11, 24))), { seconds: 1798070400, nanos: 0 });
  assert.throws(() => toTimestamp('24.12.2026'), TypeError);
});
