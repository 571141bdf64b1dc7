#pragma once

// SQL text shared by the store's statements. Macros, so that every statement
// stays one compile-time string literal: no run-time SQL assembly anywhere.

// A TIMESTAMP(3) column as milliseconds since the Unix epoch (UTC).
#define PF_EPOCH_MS(column) "(extract(epoch FROM " column ") * 1000)::bigint"

// A bigint parameter of milliseconds since the Unix epoch as a TIMESTAMP(3).
#define PF_FROM_EPOCH_MS(parameter) \
  "('epoch'::timestamp + " parameter "::bigint * interval '1 millisecond')::timestamp(3)"
