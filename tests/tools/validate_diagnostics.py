#!/usr/bin/env python3
"""Validate the machine-readable diagnostics of `slac --check`.

    validate_diagnostics.py json  FILE    # output of --format json
    validate_diagnostics.py sarif FILE    # output of --format sarif

FILE may be `-` for stdin. Checks the schema in tests/schema/ plus what a
schema cannot: json error/warning counts, SARIF rule references, and that
no range ends before it starts. Silent with exit 0 when valid; otherwise
prints each problem on stderr and exits 1 (2 for usage or setup errors).
"""
import json
import os
import sys

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schema")
SCHEMAS = {"json": "diagnostics.schema.json", "sarif": "sarif-2.1.0-subset.schema.json"}


def load_json(f):
    """Strict JSON: no duplicate keys, no NaN/Infinity."""
    def pairs(kv):
        obj = {}
        for k, v in kv:
            if k in obj:
                raise ValueError("duplicate key %r" % k)
            obj[k] = v
        return obj

    def constant(name):
        raise ValueError("%s is not valid JSON" % name)

    return json.load(f, object_pairs_hook=pairs, parse_constant=constant)


def check_range(where, start, end):
    if end < start:
        yield "%s: range ends at %d:%d, before it starts at %d:%d" % (where, *end, *start)


def check_json(doc):
    diags = doc["diagnostics"]
    for i, d in enumerate(diags):
        yield from check_range("$.diagnostics[%d]" % i, (d["line"], d["column"]),
                               (d["end_line"], d["end_column"]))
    for key, sev in (("errors", "error"), ("warnings", "warning")):
        n = sum(d["severity"] == sev for d in diags)
        if doc[key] != n:
            yield "$.%s: is %d but there are %d diagnostics of severity %r" % (key, doc[key], n, sev)


def check_sarif(doc):
    for r, run in enumerate(doc["runs"]):
        rules = run["tool"]["driver"].get("rules", [])
        ids = [rule["id"] for rule in rules]
        for k, rid in enumerate(ids):
            if rid in ids[:k]:
                yield "$.runs[%d].tool.driver.rules[%d]: duplicate rule id %r" % (r, k, rid)
        for i, res in enumerate(run["results"]):
            where = "$.runs[%d].results[%d]" % (r, i)
            rid, idx = res["ruleId"], res.get("ruleIndex")
            if rid not in ids:
                yield "%s: ruleId %r is not in tool.driver.rules" % (where, rid)
            if idx is not None and (idx >= len(ids) or ids[idx] != rid):
                got = repr(ids[idx]) if idx < len(ids) else "nothing (%d rules)" % len(ids)
                yield "%s: ruleIndex %d names %s, not ruleId %r" % (where, idx, got, rid)
            for key in ("locations", "relatedLocations"):
                for j, loc in enumerate(res.get(key, [])):
                    g = loc["physicalLocation"]["region"]
                    yield from check_range("%s.%s[%d]" % (where, key, j),
                                           (g["startLine"], g["startColumn"]),
                                           (g["endLine"], g["endColumn"]))


def json_path(path):
    return "$" + "".join("[%d]" % p if isinstance(p, int) else "." + p for p in path)


def main(argv):
    if len(argv) != 3 or argv[1] not in SCHEMAS:
        print("usage: validate_diagnostics.py json|sarif FILE|-", file=sys.stderr)
        return 2
    kind, name = argv[1], argv[2]
    try:
        import jsonschema
    except ImportError:
        print("validate_diagnostics.py: python3-jsonschema is not installed "
              "(apt-get install python3-jsonschema)", file=sys.stderr)
        return 2

    schema_file = os.path.join(SCHEMA_DIR, SCHEMAS[kind])
    try:
        with open(schema_file, encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft7Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print("validate_diagnostics.py: bad schema %s: %s" % (schema_file, e), file=sys.stderr)
        return 2
    try:
        if name == "-":
            doc = load_json(sys.stdin)
        else:
            with open(name, encoding="utf-8") as f:
                doc = load_json(f)
    except OSError as e:
        print("%s: cannot read: %s" % (name, e.strerror), file=sys.stderr)
        return 1
    except ValueError as e:  # includes JSONDecodeError and UnicodeDecodeError
        print("%s: not valid JSON: %s" % (name, e), file=sys.stderr)
        return 1

    # JSON Schema counts 1.0 as an integer; a line number printed as 1.0 is a bug.
    base = jsonschema.Draft7Validator
    strict_int = base.TYPE_CHECKER.redefine(
        "integer", lambda _, x: isinstance(x, int) and not isinstance(x, bool))
    validator = jsonschema.validators.extend(base, type_checker=strict_int)(schema)

    errors = sorted(validator.iter_errors(doc),
                    key=lambda e: [(isinstance(p, str), p) for p in e.absolute_path])
    problems = ["%s: %s" % (json_path(e.absolute_path), e.message) for e in errors]
    if not problems:  # the cross-checks rely on the structure the schema guarantees
        problems = list((check_json if kind == "json" else check_sarif)(doc))
    for p in problems:
        print("%s: %s" % (name, p), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
