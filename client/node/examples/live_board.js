#!/usr/bin/env node
'use strict';
// PhotoFlow's live board from Node.js: create tasks in one batch, watch a
// column (its tasks, then every change as it is committed), resume from a
// token, and count the board per column.
//
//   node examples/live_board.js [HOST:PORT] [--token TOKEN]   (default localhost:50051)
const { parseArgs } = require('util');
const { PhotoflowClient } = require('..');

function describe(event) {
  let line = event.type;
  if (event.task) {
    line = `${line} #${event.task.id} ${event.task.title}`.trimEnd();
    if (event.task.amountOfComments) line += ` (comments ${event.task.amountOfComments})`;
  }
  return line;
}

async function main(address, token) {
  const client = new PhotoflowClient(address, { timeoutMs: 10000, token });
  try {
    await client.waitUntilReady();
    const [wedding, portraits] = await client.batchCreateTasks([
      { title: 'Wedding Photography - Smith Family', dueAt: '2030-12-24', status: 'Scheduled', taskColumn: '1' },
      { title: 'Portraits - Jones', dueAt: '2030-12-10', status: 'Editing', taskColumn: '2' },
    ]);
    console.log(`created tasks ${wedding.id}, ${portraits.id} in one batch`);

    // Column 2 as a view: its tasks, CURRENT, then changes. Once the view is
    // current, the wedding moves in, the portraits move out and the wedding
    // gets a comment: three changes, in commit order.
    const changes = [];
    const view = client.watchTasks({ filter: 'task_column = "2"', fields: ['title', 'amount_of_comments'] });
    for await (const event of view) {
      console.log(describe(event));
      if (event.type === 'CURRENT') {
        await client.moveTask(wedding.id, '2');
        await client.moveTask(portraits.id, '3');
        await client.createComment(wedding.id, 'Proofs sent');
      } else if (event.type !== 'EXISTING') {
        changes.push(event);
        if (changes.length === 3) break;
      }
    }

    // A client that lost its stream resumes after the last event it saw.
    const again = [];
    for await (const event of client.watchTasks({ filter: 'task_column = "2"', resumeToken: changes[0].resumeToken })) {
      again.push(`${event.type} #${event.task.id}`);
      if (again.length === 2) break;
    }
    console.log(`resumed after the first change: ${again.join(', ')}`);

    for (const column of (await client.summarizeBoard()).columns) {
      console.log(`column ${column.taskColumn}: ${column.unfinishedTasks} unfinished, ` +
        `${column.finishedTasks} finished, ${column.overdueTasks} overdue, comments ${column.comments}`);
    }
    return 0;
  } finally {
    client.close();
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { token: { type: 'string' } },
});
main(positionals[0] || 'localhost:50051', values.token).then(
  (code) => { process.exitCode = code; },
  (error) => { console.error(error.message); process.exitCode = 1; },
);
