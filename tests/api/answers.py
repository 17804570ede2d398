#!/usr/bin/env python3
"""Real answers against the OpenAPI document: schemathesis mostly generates ids and codes that do
not exist (404), so this reads what the demo holds — a dossier and its history, a procedure in
full, the agencies, the report, the indicators, the plans, the log — and validates each 200
answer against its operation's schema (jsonschema, which schemathesis brings).

  answers.py BASE_URL COOKIE [BEARER]   (run by tests/api/schemathesis.sh)
"""
import json, sys, urllib.request

import jsonschema

base, cookie = sys.argv[1:3]
bearer = sys.argv[3] if len(sys.argv) > 3 else None
doc = json.load(urllib.request.urlopen(base + "/api/openapi.json"))


def get(path, auth):
    req = urllib.request.Request(base + path)
    if auth == "bearer":
        req.add_header("authorization", f"Bearer {bearer}")
    else:
        req.add_header("cookie", auth)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def check(template, path, auth):
    schema = doc["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    # The document's components, so that $refs resolve from this schema.
    schema = dict(schema, components=doc["components"])
    body = get(path, auth)
    jsonschema.Draft202012Validator(schema).validate(body)
    return body


desk = cookie
checked = 0
page = check("/api/v1/dossiers", "/api/v1/dossiers?limit=20", desk); checked += 1
for item in page["items"][:20]:
    check("/api/v1/dossiers/{id}", f"/api/v1/dossiers/{item['id']}", desk); checked += 1
for p in check("/api/v1/procedures", "/api/v1/procedures", desk)["items"]:
    check("/api/v1/procedures/{code}", f"/api/v1/procedures/{p['code']}", desk); checked += 1
check("/api/v1/agencies", "/api/v1/agencies?province=48", desk); checked += 1
check("/api/v1/session", "/api/v1/session", desk); checked += 1
if bearer:
    for by in ["agency", "desk", "field", "procedure", "channel"]:
        check("/api/v1/reports/periodic", f"/api/v1/reports/periodic?from=2026-01-01&to=2026-12-31&by={by}", "bearer")
        checked += 1
    check("/api/v1/kpi", "/api/v1/kpi?from=2026-01-01&to=2026-12-31", "bearer"); checked += 1
    check("/api/v1/plans", "/api/v1/plans", "bearer"); checked += 1
    check("/api/v1/admin/log", "/api/v1/admin/log?limit=200", "bearer"); checked += 1
    check("/api/v1/admin/calendar", "/api/v1/admin/calendar", "bearer"); checked += 1
    check("/api/v1/admin/accounts", "/api/v1/admin/accounts", "bearer"); checked += 1
    check("/api/v1/admin/tokens", "/api/v1/admin/tokens", "bearer"); checked += 1
print(f"real answers checked against the document: {checked}, schema violations 0")
