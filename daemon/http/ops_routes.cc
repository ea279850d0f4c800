// GET /healthz, /readyz, /metrics: open (no token), served on both
// listeners, answered from the backend without touching account state.
#include <google/protobuf/struct.pb.h>

#include "daemon/http/responses.h"
#include "daemon/http/routes.h"

namespace riskd::http {

Response ServeHealthz(const Call&) {
  // Liveness: this thread answered, so the process is serving. Whether it
  // is useful is /readyz's question.
  google::protobuf::Struct body;
  (*body.mutable_fields())["status"].set_string_value("ok");
  return JsonResponse(200, body);
}

Response ServeReadyz(const Call& call) {
  const Readiness readiness = call.backend.Ready();
  google::protobuf::Struct body;
  (*body.mutable_fields())["ready"].set_bool_value(readiness.ready);
  (*body.mutable_fields())["reason"].set_string_value(readiness.reason);
  return JsonResponse(readiness.ready ? 200 : 503, body);
}

Response ServeMetrics(const Call& call) {
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = call.backend.ScrapeMetrics();
  return response;
}

}  // namespace riskd::http
