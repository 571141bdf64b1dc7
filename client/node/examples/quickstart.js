#!/usr/bin/env node
'use strict';
// PhotoFlow from Node.js: create a task, comment on it, walk the board, and
// handle a stale etag and invalid input as a caller should.
//
//   node examples/quickstart.js [HOST:PORT] [--tls] [--ca FILE] [--cert FILE --key FILE]
//                               [--token TOKEN]      (default localhost:50051)
//
// The token defaults to the PHOTOFLOW_TOKEN environment variable.
const { parseArgs } = require('util');
const { PhotoflowClient, PhotoflowError, status, toDate } = require('..');

/**
 * @param {string} address
 * @param {{tls?: boolean, ca?: string, cert?: string, key?: string, token?: string}} security
 */
async function main(address, security) {
  const client = new PhotoflowClient(address, { timeoutMs: 10000, ...security });
  try {
    await client.waitUntilReady();
    let wedding = await client.createTask({
      title: 'Wedding Photography - Smith Family',
      dueAt: new Date(Date.UTC(2026, 11, 24)),
      status: 'Scheduled',
      taskColumn: '1',
    });
    console.log(`created task ${wedding.id}: ${wedding.title} ` +
      `(due ${toDate(wedding.dueAt).toISOString().slice(0, 10)})`);
    await client.createTask({ title: 'Portraits - Jones', dueAt: '2026-12-10', status: 'Editing', taskColumn: '2' });
    await client.createTask({ title: 'Baby shoot - Brown', dueAt: '2026-12-12', status: 'Scheduled', taskColumn: '1' });

    const comment = await client.createComment(wedding.id, 'Client asked for two extra prints');
    wedding = await client.getTask(wedding.id, { comments: true });
    console.log(`commented ${comment.id} on task ${wedding.id}; ` +
      `it has ${wedding.amountOfComments} comment(s): ${wedding.comments[0].text}`);

    // The board: unfinished tasks by column, soonest first, two per page to
    // show the iterator following page tokens.
    /** @type {Map<string, import('..').Task[]>} */
    const board = new Map();
    for await (const task of client.listTasks({ filter: 'is_finished = false', orderBy: 'due_at', pageSize: 2 })) {
      if (!board.has(task.taskColumn)) board.set(task.taskColumn, []);
      board.get(task.taskColumn).push(task);
    }
    const columns = [...board.keys()].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
    for (const column of columns) {
      console.log(`column ${column}: ${board.get(column).map((t) => `#${t.id} ${t.title}`).join(', ')}`);
    }

    // Someone else changes the task after we read it: our write must not
    // silently overwrite theirs.
    const read = await client.getTask(wedding.id);
    await client.updateTask(wedding.id, { status: 'Editing' });
    try {
      await client.updateTask(wedding.id, { status: 'Delivered' }, { etag: read.etag });
      console.log('stale etag accepted (wrong!)');
      return 1;
    } catch (error) {
      if (!(error instanceof PhotoflowError) || error.code !== status.ABORTED) throw error;
      const now = await client.getTask(wedding.id);
      console.log(`stale etag refused: ${error.codeName} (${error.reason}); status is still ${now.status}`);
    }

    try {
      await client.createTask({ title: '', dueAt: '2026-12-24', status: 'Scheduled' });
      console.log('empty title accepted (wrong!)');
      return 1;
    } catch (error) {
      if (!(error instanceof PhotoflowError) || error.code !== status.INVALID_ARGUMENT) throw error;
      console.log(`invalid input refused: ${error.codeName}, fields ${JSON.stringify(error.fields)}`);
    }
    return 0;
  } finally {
    client.close();
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tls: { type: 'boolean' },
    ca: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    token: { type: 'string' },
  },
});
main(positionals[0] || 'localhost:50051', values).then(
  (code) => { process.exitCode = code; },
  (error) => { console.error(error); process.exitCode = 1; },
);
