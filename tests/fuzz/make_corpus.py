#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/: a handful of
valid and near-valid inputs per target, small and text where the input is
text. Run it again after changing a format; the files are checked in.
    python3 tests/fuzz/make_corpus.py
"""
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# --- event_decoder: byte 0 content type (j/p/x/other), byte 1 key (k/e/other), then the value.
CTX = ('"context":{"ip":"203.0.113.7","deviceId":"d-91","userAgent":"Mozilla/5.0","country":"US",'
       '"asn":64500,"latitude":40.7,"longitude":-74.0,"sessionId":"s-1"}')


def event(payload, extra=""):
    return ('{"eventId":"6f1c","accountId":"acct-42","occurredAt":"2026-11-28T09:12:00Z",' + CTX + ","
            + payload + extra + "}")


write("event_decoder_fuzz", "login.json", "nk" + event('"login":{"result":"FAILURE","method":"PASSWORD","mfaPassed":false}'))
write("event_decoder_fuzz", "reset.json", "jk" + event('"passwordReset":{"stage":"COMPLETED","channel":"EMAIL"}'))
write("event_decoder_fuzz", "support.json", "n-" + event(
    '"supportRequest":{"ticketId":"T-1","channel":"PHONE","requestedAction":"SEND_CREDENTIALS",'
    '"deliverTo":"NEW_EMAIL","requesterAuthenticated":false}'))
write("event_decoder_fuzz", "verification.json", "je" + event('"verification":{"method":"TOTP","result":"PASSED","ticketId":"T-1"}'))
write("event_decoder_fuzz", "change.json", "nk" + event('"accountChange":{"field":"MFA","operation":"REMOVED","actor":"SUPPORT_AGENT"}'))
write("event_decoder_fuzz", "two_payloads.json", "nk" + event('"login":{"result":"SUCCESS"},"verification":{"method":"TOTP","result":"PASSED"}'))
write("event_decoder_fuzz", "unknown_field.json", "nk" + event('"login":{"result":"SUCCESS"}', ',"future":{"x":[1,2,{"y":null}]}'))
write("event_decoder_fuzz", "text_plain.json", "xk" + event('"login":{"result":"SUCCESS"}'))


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def field(num, wire, payload):
    key = varint(num << 3 | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def pb_event(payload_field, payload):
    body = field(1, 2, b"e-bin") + field(2, 2, b"acct-42") + field(3, 2, field(1, 0, 1795857120))
    body += field(4, 2, field(2, 2, b"d-91") + field(1, 2, b"198.51.100.7") + field(5, 0, 64500))
    return body + field(payload_field, 2, payload)


write("event_decoder_fuzz", "login.pb", b"pk" + pb_event(10, field(1, 0, 1) + field(2, 0, 1)))
write("event_decoder_fuzz", "verification.pb", b"p-" + pb_event(13, field(1, 0, 2) + field(2, 0, 2)))

# --- http_api: raw requests (tokens: support-token, analyst-token, admin-token).
def req(method, target, token=None, body=None, extra=""):
    lines = [f"{method} {target} HTTP/1.1", "Host: riskd"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    if body is not None:
        lines.append("Content-Type: application/json")
        lines.append(f"Content-Length: {len(body.encode())}")
    text = "\r\n".join(lines) + "\r\n" + extra + "\r\n"
    return text + (body or "")


write("http_api_fuzz", "risk", req("GET", "/v1/accounts/acct-42/risk?asOf=2026-11-28T11:00:00Z", "support-token"))
write("http_api_fuzz", "risk_unknown", req("GET", "/v1/accounts/a%2Fb/risk", "support-token"))
write("http_api_fuzz", "evaluate", req("POST", "/v1/accounts/acct-42/evaluate", "support-token",
      '{"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","requesterAuthenticated":false}'))
write("http_api_fuzz", "evaluate_asof", req("POST", "/v1/accounts/acct-42/evaluate", "analyst-token",
      '{"action":"CHANGE_EMAIL","channel":"SELF_SERVICE","asOf":"2026-11-28T10:00:00Z"}'))
write("http_api_fuzz", "feedback", req("POST", "/v1/accounts/acct-42/feedback", "analyst-token",
      '{"label":"COMPROMISED","note":"confirmed by the customer"}'))
write("http_api_fuzz", "config", req("GET", "/v1/config", "analyst-token"))
write("http_api_fuzz", "reload", req("POST", "/v1/config:reload", "admin-token", ""))
write("http_api_fuzz", "readyz", req("GET", "/readyz"))
write("http_api_fuzz", "no_token", req("GET", "/v1/accounts/acct-42/risk"))
write("http_api_fuzz", "duplicate_key", req("POST", "/v1/accounts/acct-42/evaluate", "support-token",
      '{"action":"OTHER","action":"SEND_CREDENTIALS","channel":"PHONE"}'))
chunked = ("POST /v1/accounts/acct-42/feedback HTTP/1.1\r\nHost: riskd\r\nAuthorization: Bearer analyst-token\r\n"
           "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"label\":\"LEGIT\r\n9\r\nIMATE\"}  \r\n0\r\n\r\n")
write("http_api_fuzz", "chunked", chunked)

# --- config_loader: YAML.
write("config_loader_fuzz", "minimal.yaml", "state:\n  dir: /var/lib/riskd\n")
write("config_loader_fuzz", "full.yaml", """kafka:
  properties:
    bootstrap.servers: "broker-1:9092,broker-2:9092"
  group_id: riskd
  input_topics: [account-events]
  decisions_topic: risk-decisions
  dead_letter_suffix: .dlq
  max_event_bytes: 1MiB
state:
  dir: /var/lib/riskd
http:
  listen: 127.0.0.1:8080
metrics:
  listen: 127.0.0.1:9464
auth:
  tokens:
    - { name: support-console, role: support, sha256: "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945" }
scoring:
  half_life: 72h
  allowed_lateness: 1h
  taint_period: 30d
  step_up_validity: 1h
  max_state_bytes: 262144
  thresholds: { medium: 30, high: 60, critical: 85 }
  rules:
    email_reset_then_sensitive_request: { enabled: true, shadow: false, points: 60, window: 72h, email_delivery_bonus: 20 }
    failed_login_burst: { enabled: true, shadow: false, points: 20, window: 10m, count: 10 }
policy:
  SEND_CREDENTIALS: { support_minimum: STEP_UP }
  factors:
    standard: [SUPPORT_PIN, TOTP]
""")
write("config_loader_fuzz", "problems.yaml", """kafka:
  group_id: ""
  unknown_key: 1
scoring:
  half_life: -5s
  thresholds: { medium: 90, high: 60 }
  max_state_bytes: 10
policy:
  NOT_AN_ACTION: { support_minimum: MAYBE }
""")
write("config_loader_fuzz", "anchors.yaml", "base: &b { listen: '127.0.0.1:0' }\nhttp: *b\nmetrics:\n  <<: *b\n")
write("config_loader_fuzz", "env.yaml", "state:\n  dir: ${HOME}/riskd\nkafka:\n  group_id: ${RISKD_GROUP:-riskd}\n")

# --- account_state: AccountState bytes (format version 1, scoring/account_state.cc).
NEVER = -(1 << 63)
T = 1795860000 * 1000000


def i64(v):
    return varint(((v << 1) ^ (v >> 63)) & ((1 << 64) - 1))


def string(b):
    if isinstance(b, str):
        b = b.encode()
    return varint(len(b)) + b


def fixed64(v):
    return struct.pack("<Q", v & ((1 << 64) - 1))


def double(v):
    return struct.pack("<d", v)


def summary(failed_logins=(), labels=(), familiar=((), (), ()), email_reset=None):
    out = bytearray()
    for values in familiar:
        out += varint(len(values))
        for key, seen in values:
            out += fixed64(key) + i64(seen)
    out += b"\x01" + i64(email_reset) + string("reset-1") if email_reset else b"\x00"
    out += b"\x00" + i64(0) + i64(0)  # forgiven, quarantine
    out += varint(0) + varint(len(failed_logins))
    for at, eid in failed_logins:
        out += i64(at) + string(eid)
    out += varint(0)  # reset requests
    out += b"\x00"  # no located login
    out += b"\x00" * 10  # no firings
    out += varint(0)  # clearings
    out += (i64(0) + i64(0)) * 11  # factor taints (7), forbidden (4)
    out += i64(NEVER) * 7  # last passed
    out += varint(len(labels))
    for at, label, eid, note in labels:
        out += i64(at) + bytes([label]) + string(eid) + string(note)
    return bytes(out)


def pb_login(eid, at, device):
    e = string(eid) + i64(at) + b"\x00" + string(device) + string("203.0.113.0/24") + varint(64500)
    e += b"\x00" + double(0) + double(0) + b"\x00" + b"\x00" * 4 + b"\x00\x00\x00" + b"\x00" * 4 + string("")
    return e


def state(newest, summ, pending=(), seen=()):
    out = b"RKS\x01" + i64(newest) + summ + varint(len(pending))
    for p in pending:
        out += p
    out += varint(len(seen))
    for h, at in sorted(seen):
        out += fixed64(h) + i64(at)
    return out


write("account_state_fuzz", "empty", state(NEVER, summary()))
write("account_state_fuzz", "pending", state(T, summary(email_reset=T - 3600 * 1000000),
                                              pending=[pb_login("e-1", T - 60 * 1000000, "d-1"), pb_login("e-2", T, "d-2")],
                                              seen=[(0x1234, T - 60 * 1000000), (0xABCDEF, T)]))
write("account_state_fuzz", "marks", state(T, summary(failed_logins=[(T - 5000000, "f-1"), (T, "f-2")],
                                                      familiar=([(0x42, T)], [(0x99, T)], [(64500, T)]),
                                                      labels=[(T - 1, 0, "label-1", "note")])))
write("account_state_fuzz", "bad_version", b"RKS\x02")
