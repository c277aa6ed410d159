#!/usr/bin/python3
"""schema_check.py SCHEMA FILE... - validate iobench result JSON files.

Every FILE that parses as an iobench result (a JSON object with
"iobench_version") is validated against SCHEMA (JSON Schema 2020-12,
schema/iobench-run.schema.json); other files, including the damaged ones
the tests write on purpose, are skipped.  Prints one line per invalid
file and exits 1 when there is any; says how many it checked.
"""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    checked = bad = 0
    for path in sys.argv[2:]:
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError):
            continue
        if not isinstance(doc, dict) or "iobench_version" not in doc:
            continue
        checked += 1
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            bad += 1
            e = errors[0]
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            print(f"  FAIL  {path}: {where}: {e.message[:300]}"
                  f"{f' (and {len(errors) - 1} more)' if len(errors) > 1 else ''}")
    print(f"  {'ok   ' if not bad else 'FAIL '} {checked - bad} of {checked} result JSON "
          f"file(s) valid against the schema")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
