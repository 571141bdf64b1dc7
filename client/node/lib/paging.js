'use strict';

/**
 * Every item of every page: calls fetch(request), yields the response's
 * `itemsField`, and repeats with nextPageToken until it is empty (the only
 * end-of-list signal). Pages are fetched as the iterator advances.
 * @template T
 * @param {(request: object) => Promise<object>} fetch
 * @param {object} request changed in place (pageToken)
 * @param {string} itemsField e.g. "tasks"
 * @returns {AsyncGenerator<T>}
 */
async function* pages(fetch, request, itemsField) {
  for (;;) {
    const response = await fetch(request);
    yield* response[itemsField];
    if (!response.nextPageToken) return;
    if (response.nextPageToken === request.pageToken) {
      // Following it would loop for ever.
      throw new Error('the server returned the same page token twice');
    }
    request.pageToken = response.nextPageToken;
  }
}

module.exports = { pages };
