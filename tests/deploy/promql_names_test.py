#!/usr/bin/python3
"""Checks that the PromQL in deploy/ names only what riskd exports.

  promql_names_test.py (--scrape FILE | --scrape-binary PROGRAM) [--dashboard FILE] [--alerts FILE] [--readme FILE]
  promql_names_test.py --self-test

FILE for --scrape is a Prometheus text exposition of riskd's registry;
PROGRAM for --scrape-binary prints one (tests/deploy/metrics_dump.cc). Every metric name in every
expression of the Grafana dashboard and of the alert rules must be a sample
name of that scrape (so a histogram is named with _bucket/_sum/_count), or
`up`; every label in a selector must be a label of that metric (or job,
instance, le for buckets); every label in by/without/on/ignoring/group_*
clauses and in legends must be one riskd exports; every function must be a
PromQL function. The dashboard must show every metric of SPEC section 8 and
the alert rules must cover what the runbook promises. Each alert needs
summary, description and a runbook_url whose anchor is a heading of the
README.

Standard library only: the alert file is read with a small reader for the
subset of YAML it uses (`expr:` on one line or as a `|` block), which fails
loudly on anything else.
"""
import argparse
import json
import re
import subprocess
import sys

SPEC_METRICS = [
    "riskd_events_total", "riskd_events_rejected_total", "riskd_event_duplicates_total",
    "riskd_event_processing_seconds", "riskd_event_lag_seconds", "riskd_consumer_lag_messages",
    "riskd_rule_fired_total", "riskd_level_transitions_total", "riskd_evaluations_total",
    "riskd_http_requests_total", "riskd_http_request_duration_seconds", "riskd_accounts",
    "riskd_state_bytes", "riskd_config_reloads_total", "riskd_config_info", "riskd_build_info",
]
# What deploy/README.md's runbook promises the alerts watch.
ALERT_METRICS = [
    "up", "riskd_consumer_lag_messages", "riskd_events_rejected_total", "riskd_events_total",
    "riskd_store_write_failures_total", "riskd_rocksdb_write_stopped",
    "riskd_rocksdb_write_stall_seconds_total", "riskd_evaluations_total",
    "riskd_config_reloads_total", "riskd_event_processing_seconds_bucket", "riskd_ready",
    "riskd_produce_errors_total", "riskd_kafka_client_errors_total", "riskd_storage_writable",
]
TARGET_LABELS = {"job", "instance"}
# Series Prometheus makes itself for every target.
SYNTHETIC = {"up": set(), "scrape_duration_seconds": set(), "scrape_samples_scraped": set()}

FUNCTIONS = {
    "abs", "absent", "absent_over_time", "avg", "avg_over_time", "bottomk", "ceil", "changes", "clamp",
    "clamp_max", "clamp_min", "count", "count_over_time", "count_values", "day_of_month", "day_of_week",
    "delta", "deriv", "exp", "floor", "group", "histogram_quantile", "holt_winters", "hour", "idelta",
    "increase", "irate", "label_join", "label_replace", "last_over_time", "ln", "log10", "log2", "max",
    "max_over_time", "min", "min_over_time", "minute", "month", "predict_linear", "present_over_time",
    "quantile", "quantile_over_time", "rate", "resets", "round", "scalar", "sgn", "sort", "sort_desc", "sqrt",
    "stddev", "stddev_over_time", "stdvar", "stdvar_over_time", "sum", "sum_over_time", "time", "timestamp",
    "topk", "vector", "year",
}
# Aggregations may be followed by `by (...)` before their parenthesis.
AGGREGATIONS = {"sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile",
                "count_values", "group"}
LABEL_LIST_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
KEYWORDS = LABEL_LIST_KEYWORDS | {"and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"}


# --- the scrape ------------------------------------------------------------

def parse_scrape(text):
    """Returns {sample name: set of label names}."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s", line)
        if not m:
            raise ValueError("unparsable scrape line: " + line)
        labels = set()
        body = m.group(2)
        if body:
            for lm in re.finditer(r'([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"', body):
                labels.add(lm.group(1))
        samples.setdefault(m.group(1), set()).update(labels)
    return samples


# --- PromQL ----------------------------------------------------------------

TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<number>0x[0-9a-fA-F]+|\d[\w.]*)      # numbers and durations (2m, 1e3)
  | (?P<var>\$\{?\w+\}?)                        # Grafana variables outside strings
  | (?P<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)
  | (?P<op>==|!=|=~|!~|>=|<=|[-+*/%^(){}\[\],:=<>@])
""", re.VERBOSE)


def tokenize(expr):
    pos, out = 0, []
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise ValueError("cannot tokenize at %r" % expr[pos:pos + 20])
        pos = m.end()
        if m.lastgroup != "space":
            out.append((m.lastgroup, m.group()))
    return out


def analyse(expr):
    """Returns (selectors, grouping labels, functions): selectors are
    (metric name or None, [label names]); grouping labels come from
    by/without/on/ignoring/group_* clauses."""
    toks = tokenize(expr)
    selectors, grouping, functions = [], set(), set()
    i = 0
    while i < len(toks):
        kind, text = toks[i]
        nxt = toks[i + 1][1] if i + 1 < len(toks) else None
        if kind == "op" and text == "[":
            while i < len(toks) and toks[i][1] != "]":
                i += 1
        elif kind == "op" and text == "{":  # a selector without a name
            labels, i = matchers(toks, i)
            selectors.append((None, labels))
        elif kind == "ident" and text in LABEL_LIST_KEYWORDS:
            if nxt == "(":
                i += 2
                while i < len(toks) and toks[i][1] != ")":
                    if toks[i][0] == "ident":
                        grouping.add(toks[i][1])
                    i += 1
        elif kind == "ident" and text in KEYWORDS:
            pass
        elif kind == "ident" and (nxt == "(" or text in AGGREGATIONS):
            functions.add(text)
        elif kind == "ident":
            labels = []
            if nxt == "{":
                labels, i = matchers(toks, i + 1)
            selectors.append((text, labels))
        i += 1
    return selectors, grouping, functions


def matchers(toks, i):
    """toks[i] is '{'; returns the label names matched and the index of '}'."""
    labels = []
    i += 1
    while i < len(toks) and toks[i][1] != "}":
        if toks[i][0] == "ident" and i + 1 < len(toks) and toks[i + 1][1] in ("=", "!=", "=~", "!~"):
            labels.append(toks[i][1])
        i += 1
    if i >= len(toks):
        raise ValueError("unclosed {")
    return labels, i


def check_expr(where, expr, samples, problems):
    """Appends a problem for every unknown metric, label or function."""
    try:
        selectors, grouping, functions = analyse(expr)
    except ValueError as e:
        problems.append("%s: %s in %r" % (where, e, expr))
        return set()
    known = dict(SYNTHETIC)
    known.update(samples)
    all_labels = set().union(*samples.values()) | TARGET_LABELS | {"le"}
    names = set()
    for name, labels in selectors:
        if name is None:
            problems.append("%s: selector without a metric name in %r" % (where, expr))
            continue
        names.add(name)
        if name not in known:
            problems.append("%s: metric %s is not exported by riskd" % (where, name))
            continue
        allowed = known[name] | TARGET_LABELS
        for label in labels:
            if label not in allowed:
                problems.append("%s: %s has no label %s" % (where, name, label))
    for label in grouping - all_labels:
        problems.append("%s: no riskd metric has label %s (grouping)" % (where, label))
    for fn in functions - FUNCTIONS:
        problems.append("%s: %s is not a PromQL function" % (where, fn))
    if not selectors:
        problems.append("%s: expression names no metric: %r" % (where, expr))
    return names


# --- the dashboard ---------------------------------------------------------

def dashboard_exprs(dash):
    """Yields (where, expr, legendFormat) for every query in the dashboard."""
    def walk(node, path):
        if isinstance(node, dict):
            title = node.get("title", path)
            if isinstance(node.get("expr"), str):
                yield title, node["expr"], node.get("legendFormat", "")
            q = node.get("query")
            if isinstance(q, dict) and isinstance(q.get("query"), str):
                yield "variable " + node.get("name", "?"), q["query"], ""
            for v in node.values():
                yield from walk(v, title)
        elif isinstance(node, list):
            for v in node:
                yield from walk(v, path)
    yield from walk(dash, "dashboard")


def check_dashboard(path, samples, problems):
    with open(path) as f:
        dash = json.load(f)  # raises on invalid JSON: the test fails with the position
    all_labels = set().union(*samples.values()) | TARGET_LABELS
    used = set()
    count = 0
    for where, expr, legend in dashboard_exprs(dash):
        count += 1
        m = re.fullmatch(r"label_values\((?:(.*),\s*)?(\w+)\)", expr)
        if m:  # a Grafana variable query: label_values(selector, label)
            if m.group(2) not in all_labels:
                problems.append("%s: no riskd metric has label %s" % (where, m.group(2)))
            if m.group(1):
                used |= check_expr(where, m.group(1), samples, problems)
            continue
        used |= check_expr("dashboard panel %r" % where, expr, samples, problems)
        for label in re.findall(r"\{\{\s*(\w+)\s*\}\}", legend):
            if label not in all_labels:
                problems.append("dashboard panel %r: legend names label %s, which no riskd metric has" % (where, label))
    if count == 0:
        problems.append("dashboard has no queries")
    check_layout(dash, problems)
    for metric in SPEC_METRICS:
        if not any(u == metric or u.startswith(metric + "_") and u[len(metric) + 1:] in ("bucket", "sum", "count")
                   for u in used):
            problems.append("dashboard shows no panel of SPEC metric %s" % metric)
    return count


GRAFANA_BUILTINS = {"__rate_interval", "__interval", "__range", "__all"}


def check_layout(dash, problems):
    """Panel ids unique, panels inside the 24-column grid and not
    overlapping, every $variable used is defined in templating."""
    panels = []
    for p in dash.get("panels", []):
        panels.append(p)
        panels.extend(p.get("panels", []))
    ids = [p.get("id") for p in panels]
    if len(set(ids)) != len(ids) or None in ids:
        problems.append("dashboard panel ids are missing or repeated")
    cells = {}
    for p in panels:
        g = p.get("gridPos", {})
        if not all(k in g for k in ("x", "y", "w", "h")) or g["x"] < 0 or g["x"] + g["w"] > 24:
            problems.append("dashboard panel %r: gridPos %s outside the 24-column grid" % (p.get("title"), g))
            continue
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                if (x, y) in cells:
                    problems.append("dashboard panels %r and %r overlap" % (cells[(x, y)], p.get("title")))
                    break
                cells[(x, y)] = p.get("title")
            else:
                continue
            break
    defined = {v["name"] for v in dash.get("templating", {}).get("list", [])} | GRAFANA_BUILTINS
    used = set(re.findall(r"\$\{?(\w+)", json.dumps(dash)))
    for var in sorted(used - defined):
        problems.append("dashboard uses $%s, which templating does not define" % var)


# --- the alert rules -------------------------------------------------------

def read_alerts(path):
    """Returns [{'alert', 'expr', 'annotations': {...}}] from a rules file
    written in the subset of YAML deploy/prometheus/alerts.yml uses."""
    lines = open(path).read().splitlines()
    alerts, cur, i = [], None, 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(\s*)- alert:\s*(\S+)\s*$", line)
        if m:
            cur = {"alert": m.group(2), "annotations": {}, "line": i + 1}
            alerts.append(cur)
            i += 1
            continue
        m = re.match(r"^(\s*)expr:\s*(.*)$", line)
        if m:
            if cur is None or "expr" in cur:
                raise ValueError("%s:%d: expr outside an alert (recording rules are not expected)" % (path, i + 1))
            indent, value = len(m.group(1)), m.group(2).strip()
            if value in ("|", "|-"):
                block = []
                i += 1
                while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                    block.append(lines[i].strip())
                    i += 1
                cur["expr"] = " ".join(block).strip()
                continue
            if value[:1] in (">", "'", '"') or not value:
                raise ValueError("%s:%d: unsupported expr style; use one line or `|`" % (path, i + 1))
            cur["expr"] = value
        m = re.match(r'^\s+(summary|description|runbook_url):\s*"?(.*?)"?\s*$', line)
        if m and cur is not None:
            cur["annotations"][m.group(1)] = m.group(2)
        i += 1
    return alerts


def check_alerts(path, readme, samples, problems):
    alerts = read_alerts(path)
    n_declared = sum(1 for line in open(path) if re.match(r"^\s*- alert:", line))
    if len(alerts) != n_declared or not alerts:
        problems.append("%s: read %d alerts of %d" % (path, len(alerts), n_declared))
    anchors = set()
    if readme:
        for line in open(readme):
            m = re.match(r"^#+\s+(.*?)\s*$", line)
            if m:  # GitHub's anchor: lower case, punctuation dropped, spaces to dashes
                anchors.add(re.sub(r"[^\w\- ]", "", m.group(1).lower()).replace(" ", "-"))
    used = set()
    for a in alerts:
        where = "alert %s (%s:%d)" % (a["alert"], path, a["line"])
        if "expr" not in a:
            problems.append(where + ": no expr")
            continue
        used |= check_expr(where, a["expr"], samples, problems)
        for key in ("summary", "description", "runbook_url"):
            if not a["annotations"].get(key):
                problems.append("%s: no %s annotation" % (where, key))
        url = a["annotations"].get("runbook_url", "")
        if readme and "#" in url and url.split("#", 1)[1] not in anchors:
            problems.append("%s: runbook anchor #%s is not a heading of %s" % (where, url.split("#", 1)[1], readme))
    for metric in ALERT_METRICS:
        if metric not in used:
            problems.append("%s: no alert watches %s" % (path, metric))
    return len(alerts)


# --- self test: the checker must catch what it claims to ---------------------

def self_test():
    samples = {
        "riskd_events_total": {"type"},
        "riskd_event_processing_seconds_bucket": {"le"},
        "riskd_event_processing_seconds_count": set(),
    }
    good = [
        'sum by (type) (rate(riskd_events_total{job="$job", instance=~"$instance"}[$__rate_interval]))',
        'histogram_quantile(0.99, sum by (le) (rate(riskd_event_processing_seconds_bucket[5m]))) > 1',
        'up{job="riskd"} == 0 unless on (job, instance) count by (job, instance) (riskd_events_total offset 1h)',
        'sum(rate(riskd_events_total{type=~"a|b"}[10m:1m])) / 1e3 > bool 2',
    ]
    bad = {
        'rate(riskd_event_total[5m])': "not exported",
        'histogram_quantile(0.9, rate(riskd_event_processing_seconds[5m]))': "not exported",
        'riskd_events_total{reason="x"}': "has no label reason",
        'sum by (reson) (riskd_events_total)': "no riskd metric has label reson",
        'ratee(riskd_events_total[5m])': "not a PromQL function",
        '{job="riskd"}': "without a metric name",
    }
    failures = []
    for expr in good:
        problems = []
        check_expr("good", expr, samples, problems)
        if problems:
            failures.append("flagged a good expression: %s" % problems)
    for expr, want in bad.items():
        problems = []
        check_expr("bad", expr, samples, problems)
        if not any(want in p for p in problems):
            failures.append("missed %r in %r (got %s)" % (want, expr, problems))
    for f in failures:
        print("FAIL: " + f)
    print("self-test: %d good and %d bad expressions, %d failures" % (len(good), len(bad), len(failures)))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scrape")
    ap.add_argument("--scrape-binary")
    ap.add_argument("--dashboard")
    ap.add_argument("--alerts")
    ap.add_argument("--readme")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if args.scrape_binary:
        text = subprocess.run([args.scrape_binary], check=True, capture_output=True, text=True).stdout
    else:
        with open(args.scrape) as f:
            text = f.read()
    samples = parse_scrape(text)
    if not samples:
        print("FAIL: the scrape %s has no samples" % args.scrape)
        return 1
    problems = []
    if args.dashboard:
        n = check_dashboard(args.dashboard, samples, problems)
        print("dashboard %s: %d queries" % (args.dashboard, n))
    if args.alerts:
        n = check_alerts(args.alerts, args.readme, samples, problems)
        print("alerts %s: %d alerts" % (args.alerts, n))
    for p in problems:
        print("FAIL: " + p)
    print("%d metric names exported; %d problems" % (len(samples), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
