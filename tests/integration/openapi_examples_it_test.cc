// Every example request documented in docs/openapi.yaml, sent to the real
// riskd (mock Kafka cluster, the incident produced first): the status is the
// one the example is listed under, the body has the required fields of the
// documented schema, and an error example's code is the code returned.
//
// Conventions read from the document (its info.description states them):
// a request example (body or parameter) and the response example of the
// same name form one case; x-riskd-token on the response example names the
// token to send (default: the operation's x-riskd-role; `none` sends none);
// x-riskd-raw-body is a body sent verbatim; x-riskd-setup names a condition
// created first (such cases run last).
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;
using google::protobuf::Value;

const std::map<std::string, std::string> kTokens = {
    {"support", "oa-support-token"}, {"analyst", "oa-analyst-token"}, {"admin", "oa-admin-token"}};

// A missing key yields an invalid node, on which IsMap() throws.
bool IsMapNode(const YAML::Node& node) { return node.IsDefined() && node.IsMap(); }

YAML::Node LoadDoc() { return YAML::LoadFile(std::string(RISKD_SOURCE_DIR) + "/docs/openapi.yaml"); }

// Follows a local `$ref` ("#/components/...") until a node without one.
// (yaml-cpp's Node::operator= writes through to the document, so nodes are
// rebound with reset().)
YAML::Node Resolve(const YAML::Node& doc, const YAML::Node& start) {
  YAML::Node node;
  node.reset(start);
  for (int hops = 0; IsMapNode(node) && node["$ref"] && hops < 10; ++hops) {
    const std::string ref = node["$ref"].as<std::string>();
    YAML::Node target;
    target.reset(doc);
    std::stringstream parts(ref.substr(2));
    for (std::string part; std::getline(parts, part, '/');) target.reset(target[part]);
    node.reset(target);
  }
  return node;
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// YAML as JSON: a plain scalar that reads as a bool or a number is one;
// quoted scalars are strings.
// -?digits(.digits)?([eE][-+]?digits)? — a YAML scalar that JSON reads as a
// number. (Not std::regex: GCC 12 warns inside <regex> at -O1 with the
// sanitizers, and the CI build treats warnings as errors.)
bool IsJsonNumber(const std::string& text) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (!digits()) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

std::string ToJson(const YAML::Node& node) {
  if (node.IsMap()) {
    std::string out = "{";
    for (const auto& kv : node) {
      if (out.size() > 1) out += ",";
      out += Quote(kv.first.as<std::string>()) + ":" + ToJson(kv.second);
    }
    return out + "}";
  }
  if (node.IsSequence()) {
    std::string out = "[";
    for (const auto& item : node) out += (out.size() > 1 ? "," : "") + ToJson(item);
    return out + "]";
  }
  if (node.IsNull()) return "null";
  const std::string text = node.as<std::string>();
  if (node.Tag() != "!") {
    if (text == "true" || text == "false") return text;
    if (IsJsonNumber(text)) return text;
  }
  return Quote(text);
}

// The required fields of `schema`, recursively, are present in `value`.
void ExpectRequired(const YAML::Node& doc, const YAML::Node& unresolved, const Value& value,
                    const std::string& where) {
  const YAML::Node schema = Resolve(doc, unresolved);
  if (!IsMapNode(schema)) return;
  if (value.has_struct_value()) {
    const auto& fields = value.struct_value().fields();
    if (schema["required"]) {
      for (const auto& name : schema["required"]) {
        EXPECT_TRUE(fields.count(name.as<std::string>())) << where << ": missing " << name.as<std::string>();
      }
    }
    if (schema["properties"]) {
      for (const auto& prop : schema["properties"]) {
        auto it = fields.find(prop.first.as<std::string>());
        if (it != fields.end()) ExpectRequired(doc, prop.second, it->second, where + "." + it->first);
      }
    }
  } else if (value.has_list_value() && schema["items"]) {
    for (const auto& item : value.list_value().values()) ExpectRequired(doc, schema["items"], item, where + "[]");
  }
}

struct Case {
  std::string name;
  std::string method;
  std::string path_template;
  std::string target;
  std::string body;
  std::string token_role;  // "" or "none": no token
  int status = 0;
  std::string setup;
  bool json = false;           // the documented response is application/json
  YAML::Node response_schema;  // its schema, when json
  std::string error_code;      // from the example's error.code, if any
};

// Every example of every operation, as cases. Request-side examples without
// a response example of the same name are reported: they would go untested.
std::vector<Case> Cases(const YAML::Node& doc) {
  std::vector<Case> cases;
  for (const auto& path : doc["paths"]) {
    const std::string path_template = path.first.as<std::string>();
    for (const auto& op_kv : path.second) {
      const std::string method = op_kv.first.as<std::string>();
      const YAML::Node op = op_kv.second;
      std::string method_upper;
      for (char c : method) method_upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));

      std::vector<YAML::Node> params;
      if (op["parameters"]) {
        for (const auto& p : op["parameters"]) params.push_back(Resolve(doc, p));
      }
      YAML::Node body_examples;  // a map when the operation has body examples
      if (op["requestBody"]) body_examples.reset(op["requestBody"]["content"]["application/json"]["examples"]);
      const bool has_body_examples = IsMapNode(body_examples);

      std::set<std::string> request_names;
      if (has_body_examples) {
        for (const auto& e : body_examples) request_names.insert(e.first.as<std::string>());
      }
      // (Path parameters are shared between operations, so their example
      // names are not all this operation's.)
      for (const auto& p : params) {
        if (p["examples"] && p["in"].as<std::string>() != "path") {
          for (const auto& e : p["examples"]) request_names.insert(e.first.as<std::string>());
        }
      }
      std::set<std::string> answered;

      for (const auto& response_kv : op["responses"]) {
        const int status = std::stoi(response_kv.first.as<std::string>());
        const YAML::Node response = Resolve(doc, response_kv.second);
        if (!response["content"]) continue;
        for (const auto& media : response["content"]) {
          const YAML::Node examples = media.second["examples"];
          if (!examples) continue;
          const bool json = media.first.as<std::string>() == "application/json";
          for (const auto& ex : examples) {
            Case c;
            c.name = ex.first.as<std::string>();
            answered.insert(c.name);
            c.method = method_upper;
            c.path_template = path_template;
            c.status = status;
            c.token_role = ex.second["x-riskd-token"]  ? ex.second["x-riskd-token"].as<std::string>()
                           : op["x-riskd-role"]        ? op["x-riskd-role"].as<std::string>()
                                                       : "none";
            if (ex.second["x-riskd-setup"]) c.setup = ex.second["x-riskd-setup"].as<std::string>();
            c.json = json;
            if (json) c.response_schema.reset(media.second["schema"]);
            const YAML::Node value = ex.second["value"];
            if (json && IsMapNode(value) && IsMapNode(value["error"]) && value["error"]["code"]) {
              c.error_code = value["error"]["code"].as<std::string>();
            }
            // The request: path and query parameters, then the body.
            std::string target = path_template;
            std::string query;
            for (const auto& p : params) {
              YAML::Node v = p["examples"] && p["examples"][c.name] ? p["examples"][c.name]["value"] : p["example"];
              const std::string in = p["in"].as<std::string>();
              const std::string name = p["name"].as<std::string>();
              if (in == "path") {
                target.replace(target.find("{" + name + "}"), name.size() + 2, v.as<std::string>());
              } else if (in == "query" && p["examples"] && p["examples"][c.name]) {
                query += (query.empty() ? "?" : "&") + name + "=" + v.as<std::string>();
              }
            }
            c.target = target + query;
            if (has_body_examples && body_examples[c.name]) {
              const YAML::Node request = body_examples[c.name];
              c.body = request["x-riskd-raw-body"] ? request["x-riskd-raw-body"].as<std::string>()
                                                   : ToJson(request["value"]);
            } else if (op["requestBody"] && op["requestBody"]["required"] &&
                       op["requestBody"]["required"].as<bool>()) {
              // A case about something else (auth): the first body example.
              if (has_body_examples && body_examples.size() > 0) c.body = ToJson(body_examples.begin()->second["value"]);
            }
            cases.push_back(std::move(c));
          }
        }
      }
      for (const auto& name : request_names) {
        EXPECT_TRUE(answered.count(name)) << method_upper << " " << path_template << ": request example '" << name
                                          << "' has no response example of that name";
      }
    }
  }
  // Cases that change the daemon's config go last. (Built by construction
  // only: assigning a Case would assign its YAML::Node, which writes through
  // to the document.)
  std::vector<Case> ordered;
  ordered.reserve(cases.size());
  for (const Case& c : cases) {
    if (c.setup.empty()) ordered.push_back(c);
  }
  for (const Case& c : cases) {
    if (!c.setup.empty()) ordered.push_back(c);
  }
  return ordered;
}

class OpenApiExamplesTest : public IntegrationTest {};

TEST_F(OpenApiExamplesTest, EveryDocumentedExampleGetsItsDocumentedStatusAndShape) {
  const YAML::Node doc = LoadDoc();
  const std::vector<Case> cases = Cases(doc);
  ASSERT_GE(cases.size(), 15u);

  RiskdConfig config;
  config.extra_yaml = TokensYaml({{"support-console", "support", kTokens.at("support")},
                                  {"analyst-1", "analyst", kTokens.at("analyst")},
                                  {"admin-1", "admin", kTokens.at("admin")}});
  auto riskd = NewRiskd("riskd", config);
  riskd->Start();
  const int api = riskd->http_port();
  ASSERT_TRUE(WaitReady(api, 60s)) << riskd->Stderr();

  // The examples talk about the incident's account.
  TestProducer producer(bootstrap());
  for (const auto& e : Incident("acct-42", BaseTime())) producer.Produce(kInput, e.account_id(), JsonValue(e));
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 60s)) << riskd->Stderr();

  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path_template + " example '" + c.name + "' (" + c.target + ")");
    if (c.setup == "invalid-config-file") {
      std::ofstream out(riskd->config_path(), std::ios::app);
      out << "no_such_section: 1\n";
    } else {
      ASSERT_TRUE(c.setup.empty()) << "unknown x-riskd-setup " << c.setup;
    }
    std::vector<std::pair<std::string, std::string>> headers;
    if (c.token_role != "none") {
      ASSERT_TRUE(kTokens.count(c.token_role)) << c.token_role;
      headers.emplace_back("Authorization", "Bearer " + kTokens.at(c.token_role));
    }
    if (!c.body.empty()) headers.emplace_back("Content-Type", "application/json");
    const HttpResponse response = HttpRequest(api, c.method, c.target, c.body, headers);
    EXPECT_EQ(response.status, c.status) << response.body;
    if (response.status == 503) {
      bool retry_after = false;
      for (const auto& [name, value] : response.headers) retry_after |= name == "Retry-After";
      EXPECT_TRUE(retry_after);
    }
    if (!c.json) continue;
    Value body;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(response.body, &body).ok()) << response.body;
    ExpectRequired(doc, c.response_schema, body, "body");
    if (!c.error_code.empty() && body.has_struct_value() && body.struct_value().fields().count("error")) {
      const auto& error = body.struct_value().fields().at("error").struct_value().fields();
      EXPECT_EQ(error.count("code") ? error.at("code").string_value() : "", c.error_code) << response.body;
    }
  }
  EXPECT_EQ(riskd->Terminate(), 0);
}

}  // namespace
}  // namespace riskd::it
