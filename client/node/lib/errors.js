'use strict';
// Failed calls as PhotoflowError, with the google.rpc.Status details the
// server sends in the grpc-status-details-bin trailer (AIP-193).
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protobuf = require('protobufjs');
const { includeDirs } = require('./protos');

const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
const CODE_NAMES = Object.fromEntries(Object.entries(grpc.status).map(([name, code]) => [code, name]));

let rpcTypes;
/** google.rpc.Status and its detail types, loaded once. */
function rpc() {
  if (!rpcTypes) {
    const root = new protobuf.Root();
    const dirs = includeDirs();
    root.resolvePath = (_origin, target) => {
      for (const dir of dirs) {
        const candidate = path.join(dir, target);
        if (require('fs').existsSync(candidate)) return candidate;
      }
      return target;
    };
    root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
    rpcTypes = root;
  }
  return rpcTypes;
}

/**
 * @typedef {{field: string, description: string}} FieldViolation
 */

/** A call that failed. */
class PhotoflowError extends Error {
  /**
   * @param {number} code gRPC status code
   * @param {string} message the server's message
   * @param {{reason?: string, domain?: string, metadata?: Object<string, string>,
   *          fieldViolations?: FieldViolation[], retryDelayMs?: number}} [details]
   */
  constructor(code, message, details = {}) {
    super(`${CODE_NAMES[code] || code}: ${message}`);
    this.name = 'PhotoflowError';
    /** @type {number} */
    this.code = code;
    /** @type {string} e.g. "INVALID_ARGUMENT" */
    this.codeName = CODE_NAMES[code] || String(code);
    this.serverMessage = message;
    /** @type {string} google.rpc.ErrorInfo.reason */
    this.reason = details.reason || '';
    this.domain = details.domain || '';
    /** @type {Object<string, string>} */
    this.metadata = details.metadata || {};
    /** @type {FieldViolation[]} */
    this.fieldViolations = details.fieldViolations || [];
    /**
     * @type {number|undefined} google.rpc.RetryInfo: milliseconds to wait before
     * retrying (a caller over its limit, reason CALLER_LIMIT_EXCEEDED)
     */
    this.retryDelayMs = details.retryDelayMs;
  }

  /** @returns {string[]} the fields at fault, e.g. ["task.title"] */
  get fields() {
    return this.fieldViolations.map((violation) => violation.field);
  }

  /**
   * The PhotoflowError for an error from a @grpc/grpc-js call.
   * @param {import('@grpc/grpc-js').ServiceError} error
   * @returns {PhotoflowError}
   */
  static fromServiceError(error) {
    const details = {};
    const trailer = error.metadata ? error.metadata.get(STATUS_DETAILS_KEY) : [];
    if (trailer.length > 0) {
      try {
        const types = rpc();
        const status = types.lookupType('google.rpc.Status').decode(trailer[0]);
        for (const any of status.details) {
          const typeName = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
          if (typeName === 'google.rpc.ErrorInfo') {
            const info = types.lookupType(typeName).decode(any.value);
            details.reason = info.reason;
            details.domain = info.domain;
            details.metadata = { ...info.metadata };
          } else if (typeName === 'google.rpc.BadRequest') {
            const badRequest = types.lookupType(typeName).decode(any.value);
            details.fieldViolations = badRequest.field_violations.map((violation) => ({
              field: violation.field,
              description: violation.description,
            }));
          } else if (typeName === 'google.rpc.RetryInfo') {
            const retry = types.lookupType(typeName).decode(any.value);
            const delay = retry.retry_delay || {};
            details.retryDelayMs = Number(delay.seconds || 0) * 1000 + (delay.nanos || 0) / 1e6;
          }
        }
      } catch (_malformed) {
        // A malformed trailer is no reason to lose the error itself.
      }
    }
    return new PhotoflowError(error.code, error.details || error.message, details);
  }
}

module.exports = { PhotoflowError, STATUS_DETAILS_KEY, rpc };
