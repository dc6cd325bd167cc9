#!/usr/bin/env python3
"""manifest_schema: manifests/manifest.schema.json is a valid JSON Schema 2020-12, every example
in manifests/examples/ and every schema_cases/valid-*.json conforms to it, and each document in
schema_cases/invalid-*.json breaks it (each is a mistake taskhost itself also refuses).
Prints 'N passed, N failed'."""
import json
import pathlib
import sys

import jsonschema

root = pathlib.Path(sys.argv[1])
schema = json.loads((root / "manifests/manifest.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
passed = failed = 0


def report(ok, what):
    global passed, failed
    print(("ok    " if ok else "FAIL  ") + what)
    passed, failed = passed + ok, failed + (not ok)


examples = sorted((root / "manifests/examples").glob("*.json"))
report(len(examples) > 0, "manifests/examples holds examples")
for path in examples:
    errors = [e.message for e in validator.iter_errors(json.loads(path.read_text()))]
    report(not errors, f"{path.name} conforms" + (f": {errors}" if errors else ""))
cases = pathlib.Path(__file__).parent / "schema_cases"
valid = sorted(cases.glob("valid-*.json"))
report(len(valid) > 0, "schema_cases holds valid cases")
for path in valid:
    errors = [e.message for e in validator.iter_errors(json.loads(path.read_text()))]
    report(not errors, f"{path.name} conforms" + (f": {errors}" if errors else ""))
for path in sorted(cases.glob("invalid-*.json")):
    errors = list(validator.iter_errors(json.loads(path.read_text())))
    report(bool(errors), f"{path.name} is refused")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
