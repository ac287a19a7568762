// SPDX-License-Identifier: Apache-2.0
// CBOR to nlohmann::json with a bound on nesting.  nlohmann::json::from_cbor
// recurses once per level with no limit, so a worker (a crashing check's
// process, whose bytes the agent must not trust) could send a 100 kB frame of
// nested arrays and overflow the reading thread's stack, killing the agent.
// This builds the same tree from nlohmann's SAX events and stops at
// `max_depth`, before the recursion gets deep.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>

namespace vigil::isolation {

// Far above any message of the protocol (a check's instance, nested as its
// YAML is) and far below what a thread's stack holds, sanitizers included.
inline constexpr std::size_t kMaxCborDepth = 256;

// Throws ProtocolError (worker_protocol.hpp) for bytes that are not one
// complete CBOR item, or that nest deeper than `max_depth`.
nlohmann::json decodeCbor(const std::uint8_t *data, std::size_t size,
			  std::size_t max_depth = kMaxCborDepth);

} // namespace vigil::isolation
