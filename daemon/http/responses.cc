#include "daemon/http/responses.h"

#include <google/protobuf/struct.pb.h>

#include "daemon/codec/json.h"
#include "riskd/v1/risk.pb.h"

namespace riskd::http {

Response JsonResponse(int status, const google::protobuf::Message& body) {
  Response response;
  response.status = status;
  response.body = codec::ToJson(body);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  v1::ErrorResponse body;
  body.mutable_error()->set_code(std::string(code));
  body.mutable_error()->set_message(std::string(message));
  return JsonResponse(status, body);
}

std::string StructJson(const google::protobuf::Struct& value) { return codec::ToJson(value); }

}  // namespace riskd::http
