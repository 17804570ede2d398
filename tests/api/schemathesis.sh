#!/usr/bin/env bash
# Schemathesis (from PyPI) against a running `motcua demo`: every operation of the OpenAPI
# document, as a desk officer, a leader, no one and an administrator's API token, checked for server errors and
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

sign_in() { # user → "cookie<TAB>csrf"
  local login
  login="$(curl -s -D "$dir/headers" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"motcua-demo-2026\"}" "$base/api/v1/session")"
  printf '%s\t%s\n' \
    "$(grep -i '^set-cookie:' "$dir/headers" | head -n1 | sed -E 's/^[Ss]et-[Cc]ookie: *([^;]*).*/\1/')" \
    "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["csrf_token"])' "$login")"
}

# One run per identity; what each may reach decides which operations it is sent.
status=0
run_st() { # label, then st options
  local label="$1"; shift
  echo "-- as $label"
  set +e
  st run "$base/api/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --max-examples "$examples" --workers 2 --seed 15 \
    --suppress-health-check all --warnings off "$@" 2>&1 | tee "$dir/st-$label.log" | grep -v "^\s*$" | tail -n 200
  local rc=${PIPESTATUS[0]}
  set -e
  echo "schemathesis ($db, $label): $(grep -Eo '[0-9]+ (passed|failed|errored|skipped)' "$dir/st-$label.log" | tr '\n' ' ')"
  [ "$rc" -eq 0 ] || status=$rc
}

# mc1, the demo's desk officer (its password is the demo's, see README): every operation but
# signing out or changing the password, which would end the session the run uses.
IFS=$'\t' read -r cookie csrf < <(sign_in mc1)
run_st desk_officer --header "Cookie: $cookie" --header "X-CSRF-Token: $csrf" \
  --exclude-path-regex '^/api/v1/session'

# ld1, a leader: the reports, indicators and plans a desk officer is refused.
IFS=$'\t' read -r cookie csrf < <(sign_in ld1)
run_st leader --header "Cookie: $cookie" --header "X-CSRF-Token: $csrf" \
  --include-path-regex '^/api/v1/(reports|kpi|plans)'

# An administrator's API token (bearer), made with the CLI as an installer would.
token="$("$bin" --database-url "$url" accounts token-create st-admin --role administrator \
  | grep -Eo '[^ ]+$')"

# The demo's real data, read and validated against the document (generated ids mostly 404),
# before the administrator's run below changes accounts at random.
IFS=$'\t' read -r cookie csrf < <(sign_in mc1)
python3 "$(dirname "$0")/answers.py" "$base" "$cookie" "$token" || status=1

# No one signed in: every operation, signing in, out and the second factor included (there is
# no session to lose), each answering as documented.
run_st anonymous

# The administration operations, with the token.
run_st administrator --header "Authorization: Bearer $token" \
  --include-path-regex '^/api/v1/(admin|plans)'
exit "$status"
