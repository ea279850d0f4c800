// Confluent Schema Registry framing of binary protobuf values. Producers
// that serialise with Confluent's protobuf serializer prefix every value
// with:
//
//   byte 0        magic byte, always 0
//   bytes 1..4    the schema id, big-endian
//   then          the message-index list, as zigzag varints: one 0 byte
//                 stands for [0]; otherwise a count followed by that many
//                 indexes (the path to the message inside the registered
//                 .proto file)
//   then          the protobuf message itself
//
// riskd does not contact a registry: the schema id and the indexes are read
// and skipped, and the rest is decoded as an AccountEvent whatever message
// the indexes name (a producer's registered file need not be ours, so the
// indexes cannot be checked against our schema; a wrong message fails
// validation like any other wrong bytes).
//
// Telling the two forms apart needs no header: a bare protobuf message
// starts with a field tag, (field number << 3) | wire type, and field
// numbers start at 1, so a bare AccountEvent's first byte is never 0. A
// value starting with 0 is framed; any other value is bare.
//
// Thread-safe: pure function.
#pragma once

#include <string_view>

#include "scoring/result.h"

namespace riskd::codec {

// The protobuf message inside `value`: `value` itself when it does not start
// with the magic byte, else what follows the frame. A value that starts with
// the magic byte but whose frame is truncated or invalid (a varint longer
// than 32 bits, a negative count or index, more indexes than bytes) is an
// Error with code `malformed` whose message says what is wrong with the
// frame.
Result<std::string_view> StripSchemaRegistryFrame(std::string_view value);

}  // namespace riskd::codec
