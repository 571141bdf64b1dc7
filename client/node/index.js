'use strict';
// PhotoFlow's Node.js client: the generated services (@grpc/proto-loader),
// promises instead of callbacks, PhotoflowError with the error details, and
// async iterators that follow page tokens.
//
//   const { PhotoflowClient } = require('@photoflow/client');
//   const client = new PhotoflowClient('localhost:50051');
//   const task = await client.createTask({ title: 'Wedding', dueAt: '2026-12-24', status: 'Scheduled' });
//   for await (const t of client.listTasks({ filter: 'is_finished = false', orderBy: 'due_at' })) { ... }
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { includeDirs } = require('./lib/protos');
const { PhotoflowError } = require('./lib/errors');
const { pages } = require('./lib/paging');

/**
 * @typedef {{seconds: string|number, nanos: number}} Timestamp
 * @typedef {{id: number, createdAt: Timestamp, dueAt: Timestamp, title: string,
 *   additionalInformation: string, status: string, isFinished: boolean, taskColumn: string,
 *   amountOfComments: number, comments: Comment[], etag: string}} Task
 * @typedef {{id: number, createdAt: Timestamp, taskId: number, text: string}} Comment
 * @typedef {Date|string} When  a Date, a day ("2026-12-24", midnight UTC) or RFC 3339
 */

// Task fields UpdateTask can change: the JS name and the update_mask path.
const UPDATABLE_TASK_FIELDS = {
  title: 'title',
  dueAt: 'due_at',
  status: 'status',
  additionalInformation: 'additional_information',
  isFinished: 'is_finished',
  taskColumn: 'task_column',
};

let services;
function loadServices() {
  if (!services) {
    const definition = protoLoader.loadSync(
      ['photoflow/v1/task_service.proto', 'photoflow/v1/comment_service.proto'],
      { includeDirs: includeDirs(), longs: Number, enums: String, defaults: true },
    );
    services = grpc.loadPackageDefinition(definition).photoflow.v1;
  }
  return services;
}

/**
 * @param {When} when
 * @returns {Timestamp}
 */
function toTimestamp(when) {
  let date = when;
  if (typeof when === 'string') {
    date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(when) ? `${when}T00:00:00Z` : when);
  }
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new TypeError(`expected a Date or a date string, got ${String(when).slice(0, 40)}`);
  }
  const millis = date.getTime();
  const seconds = Math.floor(millis / 1000);
  return { seconds, nanos: (millis - seconds * 1000) * 1e6 };
}

/** @param {Timestamp} timestamp @returns {Date} */
function toDate(timestamp) {
  return new Date(Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1e6));
}

/**
 * Plaintext, or TLS with the given roots and client certificate.
 * @param {{tls?: boolean, ca?: string, cert?: string, key?: string}} options
 */
function channelCredentials({ tls = false, ca, cert, key }) {
  if (Boolean(cert) !== Boolean(key)) {
    throw new Error('cert and key go together (mutual TLS needs both)');
  }
  if (!tls && !ca && !cert) return grpc.credentials.createInsecure();
  const read = (path) => (path ? fs.readFileSync(path) : null);
  return grpc.credentials.createSsl(read(ca), read(key), read(cert));
}

class PhotoflowClient {
  /**
   * Security, as the photoflow CLI's --tls, --ca, --cert, --key and --token:
   * `tls` uses TLS with the system's CAs (implied by the others), `ca` a CA
   * bundle (PEM path) to trust instead, `cert` and `key` a client certificate
   * for mutual TLS, `token` a bearer token (default: PHOTOFLOW_TOKEN).
   * @param {string} [address]
   * @param {{timeoutMs?: number, credentials?: import('@grpc/grpc-js').ChannelCredentials,
   *   tls?: boolean, ca?: string, cert?: string, key?: string, token?: string}} [options]
   *   every call gets a deadline timeoutMs from its start (default 10 s)
   */
  constructor(address = 'localhost:50051', options = {}) {
    const { TaskService, CommentService } = loadServices();
    const credentials = options.credentials || channelCredentials(options);
    const token = options.token === undefined ? process.env.PHOTOFLOW_TOKEN || '' : options.token;
    // Plain metadata rather than call credentials, so that a token also
    // reaches a server on loopback without TLS; over a network, use TLS.
    this.metadata = new grpc.Metadata();
    if (token) this.metadata.set('authorization', `Bearer ${token}`);
    this.timeoutMs = options.timeoutMs || 10000;
    this.tasks = new TaskService(address, credentials);
    // The same channel for both services.
    this.comments = new CommentService(address, credentials, {
      channelOverride: this.tasks.getChannel(),
    });
  }

  close() {
    this.tasks.close();
  }

  /** Waits for the connection; rejects with a PhotoflowError (UNAVAILABLE). */
  waitUntilReady(timeoutMs = 10000) {
    return new Promise((resolve, reject) => {
      this.tasks.waitForReady(Date.now() + timeoutMs, (error) =>
        error ? reject(new PhotoflowError(grpc.status.UNAVAILABLE, error.message)) : resolve());
    });
  }

  call(stub, method, request) {
    return new Promise((resolve, reject) => {
      const options = { deadline: Date.now() + this.timeoutMs };
      stub[method](request, this.metadata, options, (error, response) =>
        error ? reject(PhotoflowError.fromServiceError(error)) : resolve(response));
    });
  }

  // Tasks

  /**
   * Creates a task. With a requestId, a retry of the same create returns the
   * first task instead of creating a second one.
   * @param {{title: string, dueAt: When, status: string, additionalInformation?: string,
   *   taskColumn?: string, isFinished?: boolean, requestId?: string}} fields
   * @returns {Promise<Task>}
   */
  createTask({ requestId = '', dueAt, ...task }) {
    return this.call(this.tasks, 'CreateTask', {
      task: { ...task, dueAt: toTimestamp(dueAt) },
      requestId,
    });
  }

  /**
   * @param {number} id
   * @param {{fields?: string[], comments?: boolean}} [options] fields: proto names
   * @returns {Promise<Task>}
   */
  getTask(id, { fields = [], comments = false } = {}) {
    let paths = [...fields];
    if (comments) {
      paths = (paths.length ? paths : ['id', 'created_at', 'due_at', 'title',
        'additional_information', 'status', 'is_finished', 'task_column', 'amount_of_comments',
        'etag']).concat(['comments']);
    }
    return this.call(this.tasks, 'GetTask', { id, readMask: { paths } });
  }

  /**
   * Every task matching `filter` (AIP-160, see docs/api.md), in `orderBy`
   * order, a page at a time as the iterator advances.
   * @param {{filter?: string, orderBy?: string, pageSize?: number, fields?: string[]}} [query]
   * @returns {AsyncGenerator<Task>}
   */
  listTasks({ filter = '', orderBy = '', pageSize = 0, fields = [] } = {}) {
    const request = { filter, orderBy, pageSize, readMask: { paths: fields } };
    return pages((r) => this.call(this.tasks, 'ListTasks', r), request, 'tasks');
  }

  /**
   * Changes the given fields only, e.g. updateTask(7, { status: 'Editing' }).
   * With etag, rejects with ABORTED if the task changed since it was read.
   * @param {number} id
   * @param {{title?: string, dueAt?: When, status?: string, additionalInformation?: string,
   *   isFinished?: boolean, taskColumn?: string}} changes
   * @param {{etag?: string}} [options]
   * @returns {Promise<Task>}
   */
  updateTask(id, changes, { etag = '' } = {}) {
    const names = Object.keys(changes);
    const unknown = names.filter((name) => !(name in UPDATABLE_TASK_FIELDS));
    if (unknown.length) throw new TypeError(`not updatable: ${unknown.join(', ')}`);
    if (!names.length) throw new TypeError('updateTask needs at least one field to change');
    const task = { ...changes, id, etag };
    if ('dueAt' in changes) task.dueAt = toTimestamp(changes.dueAt);
    return this.call(this.tasks, 'UpdateTask', {
      task,
      updateMask: { paths: names.map((name) => UPDATABLE_TASK_FIELDS[name]) },
    });
  }

  moveTask(id, column, { etag = '' } = {}) {
    return this.updateTask(id, { taskColumn: column }, { etag });
  }

  finishTask(id, finished = true, { etag = '' } = {}) {
    return this.updateTask(id, { isFinished: finished }, { etag });
  }

  /** @returns {Promise<void>} */
  async deleteTask(id, { etag = '' } = {}) {
    await this.call(this.tasks, 'DeleteTask', { id, etag });
  }

  /**
   * Creates up to 1,000 tasks (createTask's fields, without requestId) in one
   * transaction: all or none.
   * @returns {Promise<Task[]>} tasks[i] from tasks[i]
   */
  async batchCreateTasks(tasks, { requestId = '' } = {}) {
    const requests = tasks.map(({ dueAt, ...task }) => ({ task: { ...task, dueAt: toTimestamp(dueAt) } }));
    return (await this.call(this.tasks, 'BatchCreateTasks', { requests, requestId })).tasks;
  }

  /** @returns {Promise<Task[]>} in the order of ids; NOT_FOUND names any missing */
  async batchGetTasks(ids, { fields = [] } = {}) {
    return (await this.call(this.tasks, 'BatchGetTasks', { ids, readMask: { paths: fields } })).tasks;
  }

  /**
   * Deletes tasks (ids, or {id, etag}) in one transaction: all or none.
   * @returns {Promise<void>}
   */
  async batchDeleteTasks(tasks) {
    const requests = tasks.map((task) => (typeof task === 'number' ? { id: task, etag: '' } : task));
    await this.call(this.tasks, 'BatchDeleteTasks', { requests });
  }

  /**
   * Per kanban column: unfinished, finished and overdue tasks, and comments.
   * @returns {Promise<{columns: object[], total: object, asOf: Timestamp}>}
   */
  summarizeBoard({ filter = '' } = {}) {
    return this.call(this.tasks, 'SummarizeBoard', { filter });
  }

  /**
   * The tasks matching `filter` (EXISTING, then CURRENT), then every change
   * to them as it is committed (CREATED, UPDATED, DELETED, REMOVED), for as
   * long as the loop runs; `break` out of it to stop.
   *
   * With `resume` (the default), a stream the server ends with UNAVAILABLE
   * (shutdown, database outage) or RESOURCE_EXHAUSTED (a slow reader) is
   * resumed from the last token after a short pause: no event is lost or
   * repeated. TOKEN_EXPIRED (FAILED_PRECONDITION) is thrown: start over
   * without a token and rebuild the view.
   * @param {{filter?: string, fields?: string[], resumeToken?: string, resume?: boolean}} [query]
   * @returns {AsyncGenerator<{type: string, task: Task, resumeToken: string, commitTime: Timestamp}>}
   */
  async* watchTasks({ filter = '', fields = [], resumeToken = '', resume = true } = {}) {
    let token = resumeToken;
    let delayMs = 200;
    for (;;) {
      const stream = this.tasks.WatchTasks(
        { filter, resumeToken: token, readMask: { paths: fields } }, this.metadata);
      try {
        for await (const response of stream) {
          for (const event of response.events) {
            if (event.resumeToken) token = event.resumeToken;
            delayMs = 200;
            yield event;
          }
        }
        return;
      } catch (error) {
        const retry = resume && token && (error.code === grpc.status.UNAVAILABLE
          || error.code === grpc.status.RESOURCE_EXHAUSTED);
        if (!retry) throw PhotoflowError.fromServiceError(error);
      } finally {
        stream.cancel();
      }
      await new Promise((resolve) => { setTimeout(resolve, delayMs); });
      delayMs = Math.min(delayMs * 2, 5000);
    }
  }

  // Comments

  /** @returns {Promise<Comment>} */
  createComment(taskId, text, { requestId = '' } = {}) {
    return this.call(this.comments, 'CreateComment', { comment: { taskId, text }, requestId });
  }

  /** @returns {Promise<Comment>} */
  getComment(id) {
    return this.call(this.comments, 'GetComment', { id });
  }

  /**
   * A task's comments, oldest first, a page at a time.
   * @returns {AsyncGenerator<Comment>}
   */
  listComments(taskId, { pageSize = 0 } = {}) {
    const request = { taskId, pageSize };
    return pages((r) => this.call(this.comments, 'ListComments', r), request, 'comments');
  }

  /** @returns {Promise<Comment>} */
  updateComment(id, text) {
    return this.call(this.comments, 'UpdateComment', {
      comment: { id, text },
      updateMask: { paths: ['text'] },
    });
  }

  /** @returns {Promise<void>} */
  async deleteComment(id) {
    await this.call(this.comments, 'DeleteComment', { id });
  }
}

module.exports = { PhotoflowClient, PhotoflowError, pages, toTimestamp, toDate, status: grpc.status };
