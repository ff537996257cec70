// Every bound of the RPC endpoint, named, with its default (STYLE.md 11: a limit on everything).
// docs/protocols/rpc.md lists them; limits_test.cpp tests each one at its edge (at the limit
// accepted, one past it refused or dropped and counted), one test per field named after it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "synod/core/time.hpp"

namespace synod::rpc {

struct RpcLimits {
  // Request/response payload bytes (the encoded message); larger -> RESOURCE_EXHAUSTED.
  std::size_t max_payload_bytes = 16U << 20U;
  // Metadata entries per call and bytes per key or value.
  std::size_t max_metadata_entries = 16;
  std::size_t max_metadata_bytes = 256;
  // Calls a client may have outstanding; more -> RESOURCE_EXHAUSTED at once.
  std::size_t max_pending_calls = 4096;
  // Requests a server executes concurrently; more -> RESOURCE_EXHAUSTED (not executed).
  std::size_t max_running_calls = 4096;
  // Completed replies kept for duplicate suppression, and how long.
  std::size_t max_dedup_entries = 16384;
  // Replies larger than this are not kept for duplicates: keeping one costs a copy of it and its
  // memory for dedup_ttl. A duplicate of such a call is refused (kAborted, never re-executed),
  // so at-most-once holds; only a caller whose first reply was lost sees the error.
  std::size_t max_kept_reply_bytes = 256U << 10U;
  Duration dedup_ttl = std::chrono::seconds(30);
  // Client sessions whose "evicted below" floor a server remembers (see dedup_table.hpp).
  std::size_t max_dedup_sessions = 65536;
  // Deadlines: default when the caller gives none, and the largest accepted.
  Duration default_deadline = std::chrono::seconds(5);
  Duration max_deadline = std::chrono::hours(1);
  // Idempotent methods only: transmissions per call, first per-attempt timeout (doubles per
  // attempt, capped) and backoff after an UNAVAILABLE reply.
  std::uint32_t max_attempts = 5;
  Duration attempt_timeout = std::chrono::milliseconds(250);
  Duration attempt_timeout_max = std::chrono::seconds(2);
  Duration retry_backoff = std::chrono::milliseconds(50);
  // Epoch handshakes per call (a request to a server whose life the client does not know yet).
  std::uint32_t max_handshakes = 3;
  // RMI: lease a client gets for a reference, and objects an endpoint exports.
  Duration lease = std::chrono::seconds(10);
  std::size_t max_exported_objects = 100000;
  std::size_t max_ids_per_dgc_call = 1024;
};

}  // namespace synod::rpc
