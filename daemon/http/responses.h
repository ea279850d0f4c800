// Building Responses: JSON bodies in the proto3 JSON mapping (through
// daemon/codec, riskd's one JSON writer) and the one error shape of SPEC
// section 5: {"error":{"code":"INVALID_ARGUMENT","message":"…"}}.
#pragma once

#include <string>
#include <string_view>

#include "daemon/http/message.h"

namespace google::protobuf {
class Message;
class Struct;
}  // namespace google::protobuf

namespace riskd::http {

// `body` as proto3 JSON. Every API response says Cache-Control: no-store:
// risk answers must not be served from a cache.
Response JsonResponse(int status, const google::protobuf::Message& body);

// The error shape. Error codes used by the API (HTTP status in brackets):
// INVALID_ARGUMENT (400), duplicate_field (400: a key given twice in a
// body), UNAUTHENTICATED (401), PERMISSION_DENIED (403), asof_not_allowed
// (403: evaluate asOf from a support token), NOT_FOUND (404),
// METHOD_NOT_ALLOWED (405), PAYLOAD_TOO_LARGE (413), INVALID_CONFIG (422),
// HEADER_TOO_LARGE (431), INTERNAL (500), UNAVAILABLE (503). `message` is
// for people and never carries secrets, nor internal hosts or ports.
Response ErrorResponse(int status, std::string_view code, std::string_view message);

// A google.protobuf.Struct as compact JSON, for small free-form objects
// (audit details, /healthz).
std::string StructJson(const google::protobuf::Struct& value);

}  // namespace riskd::http
