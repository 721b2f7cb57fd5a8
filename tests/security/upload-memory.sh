#!/usr/bin/env bash
# Memory of large uploads against the binary (docs/security.md, "The web edge", memory by
# large uploads): a signed-in account sends six 150 MB bodies at once, each one file over
# the 20 MB limit. Before, each was read whole before its 422 and the server's resident
# memory grew by about 2.2 times what it was sent (two such bodies: 80 → 780 MB). Now each
# is refused having read little more than the file's limit, at most four are read at once
# (the others answered 503), and the peak grows by far less than one body.
#
#   ZHENGGAI_BIN  the binary (default target/debug/zhenggai)
# Needs curl and Linux's /proc. Takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin="${ZHENGGAI_BIN:-$PWD/target/debug/zhenggai}"
command -v curl >/dev/null || { echo "upload-memory: curl is missing" >&2; exit 1; }
test -x "$bin" || { echo "upload-memory: $bin is missing (cargo build -p zhenggai)" >&2; exit 1; }
unset ZHENGGAI_DATABASE_URL ZHENGGAI_CONFIG ZHENGGAI_AUDIT_KEY_FILE ZHENGGAI_AUDIT_CHECKPOINT_FILE

work="$(mktemp -d)"
server=""
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$bin" --data "$work/data" serve --demo --no-worker --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do grep -q "listening on" "$work/serve.log" && break; sleep 0.1; done
base=$(sed -n 's|.*listening on \(http://[^/ ]*\).*|\1|p' "$work/serve.log" | head -1)
[[ -n "$base" ]] || { cat "$work/serve.log"; echo "upload-memory: serve did not start" >&2; exit 1; }

jar="$work/jar"
csrf=$(curl -sf -c "$jar" "$base/login" | sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' | head -1)
status=$(curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' \
  --data "login_csrf=$csrf&username=finance&password=Zhenggai-demo-2024&next=%2F" "$base/login")
[[ "$status" == 303 ]] || { echo "upload-memory: login answered $status" >&2; exit 1; }
measure=$(curl -sf -b "$jar" "$base/measures" | sed -n 's|.*href="/measures/\([0-9]*\)".*|\1|p' | head -1)
[[ -n "$measure" ]] || { echo "upload-memory: no measure to add progress to" >&2; exit 1; }
# The form's token comes first, as the page sends it: without it the body is refused
# before a byte of the file is read, and the probe would measure nothing.
token=$(curl -sf -b "$jar" "$base/measures/$measure" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
[[ -n "$token" ]] || { echo "upload-memory: the measure page has no form token" >&2; exit 1; }

{ printf '%%PDF-1.4\n'; head -c $((150 * 1024 * 1024)) /dev/zero | tr '\0' ' '; } >"$work/big.pdf"
kb() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$server/status"; }
before=$(kb VmHWM)

clients=()
for i in 1 2 3 4 5 6; do
  curl -s -H 'Expect:' -b "$jar" -o /dev/null -w '%{http_code} %{size_upload}\n' \
    -F "csrf=$token" -F content=x -F happened_on=2024-04-22 -F "files=@$work/big.pdf" \
    "$base/measures/$measure/progress" >"$work/answer.$i" &
  clients+=($!)
done
# A client whose connection the server reset after refusing its body exits non-zero
# (curl 55 or 56); each answer is judged below, by its code and what was sent.
wait "${clients[@]}" || true
after=$(kb VmHWM)
grown=$(( (after - before) / 1024 ))

for i in 1 2 3 4 5 6; do
  read -r code sent <"$work/answer.$i"
  # 422 naming the file, or 503 (all upload slots taken). The server stops reading at
  # the refusal and closes the connection; a client still sending may then see the
  # connection reset (000) before it reads the 422: what counts is how much was read.
  case "$code" in
    422|000) (( sent < 64 * 1024 * 1024 )) || { echo "FAIL: body $i: $code after $sent bytes sent" >&2; exit 1; } ;;
    503) ;;
    *) echo "FAIL: body $i answered $code" >&2; exit 1 ;;
  esac
  echo "ok: body $i answered $code after $sent bytes sent"
done
(( grown < 200 )) || { echo "FAIL: peak memory grew by $grown MB for six 150 MB bodies" >&2; exit 1; }
echo "ok: peak memory grew by $grown MB for six 150 MB bodies (before: about 330 MB a body)"
curl -sf "$base/healthz" >/dev/null || { echo "FAIL: the server stopped answering" >&2; exit 1; }
echo "ok: the server goes on answering"
