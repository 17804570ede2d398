#!/usr/bin/env bash
# Schemathesis (from PyPI) against a running `motcua demo`: every operation of the OpenAPI
# document, signed in as a desk officer (cookie + CSRF token), checked for server errors and
# for answers that break the document (status, content type, schema, headers).
#
#   tests/api/schemathesis.sh [sqlite | postgres://…]   (MOTCUA_BIN: the binary)
#   MOTCUA_ST_EXAMPLES=100 for a larger run (default 25 examples per operation)
set -euo pipefail
bin="${MOTCUA_BIN:?MOTCUA_BIN must name the motcua binary}"
db="${1:-sqlite}"
examples="${MOTCUA_ST_EXAMPLES:-25}"
dir="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)"; sim="$(free_port)"
url="sqlite:$dir/motcua.db"
[ "$db" != sqlite ] && url="$db"
"$bin" demo --bind "127.0.0.1:$port" --sim-bind "127.0.0.1:$sim" --dossiers 40 \
  --files-dir "$dir/files" --database-url "$url" >"$dir/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.2; done
curl -sf "$base/readyz" >/dev/null || { cat "$dir/serve.log"; exit 1; }

# Signed in as mc1, the demo's desk officer (its password is the demo's, see README).
login="$(curl -s -D "$dir/headers" -H 'content-type: application/json' \
  -d '{"username":"mc1","password":"motcua-demo-2026"}' "$base/api/v1/session")"
csrf="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["csrf_token"])' "$login")"
cookie="$(grep -i '^set-cookie:' "$dir/headers" | head -n1 | sed -E 's/^[Ss]et-[Cc]ookie: *([^;]*).*/\1/')"

# Signing out or changing the password would end the session the run uses.
st run "$base/api/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --header "Cookie: $cookie" --header "X-CSRF-Token: $csrf" \
  --exclude-path-regex '^/api/v1/session' \
  --max-examples "$examples" --workers 2 --seed 15 \
  --suppress-health-check all --warnings off \
  --report junit --report-dir "$dir/report" 2>&1 | tee "$dir/st.log" | grep -v "^\s*$" | tail -n 400
status=${PIPESTATUS[0]}
echo "schemathesis ($db): $(grep -Eo '[0-9]+ (passed|failed|errored|skipped)' "$dir/st.log" | tr '\n' ' ')"
exit "$status"
