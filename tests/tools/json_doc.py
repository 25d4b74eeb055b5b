"""What every JSON document of `sla` (a report, a diff) must satisfy.

load(SCHEMA_NAME) reads argv[1] (the document) and argv[2] (the input's
rows, counted by the test's own CSV reader), validates the document
against tests/schema/SCHEMA_NAME (exiting with the reason if it does not
follow it), and checks that every row of the input is counted: read =
scored + rejected = the input's rows. It returns the document and a list
of problems the caller adds its own checks to.
"""
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))


def load(schema_name):
    schema = json.load(open(os.path.join(HERE, "..", "schema", schema_name)))
    doc = json.load(open(sys.argv[1]))
    rows_in = int(sys.argv[2])
    try:
        jsonschema.validate(doc, schema)
    except jsonschema.ValidationError as e:
        sys.exit("does not follow the schema: %s at %s" % (e.message, "/".join(map(str, e.path))))
    problems = []
    inp = doc["input"]
    if inp["rows_read"] != rows_in:
        problems.append("rows_read is %d, the input has %d rows" % (inp["rows_read"], rows_in))
    if inp["rows_read"] != inp["rows_scored"] + inp["rows_rejected"]:
        problems.append("rows read != rows scored + rows rejected")
    return doc, problems
