#!/usr/bin/env bash
# Tamper cases of the audit trail against the binary (issue 19, item 8; docs/security.md,
# "The audit trail's end"): someone with the database file but not the audit key edits,
# cuts back or unseals the trail, and `zhenggai audit verify` must say so and exit 1.
# The cases that need hashes recomputed (an attacker rewriting history consistently) are
# Rust tests, on SQLite and PostgreSQL: crates/storage/tests/audit_chain.rs.
#
#   ZHENGGAI_BIN  the binary (default target/debug/zhenggai)
# Needs sqlite3 (the attacker's tool). Takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin="${ZHENGGAI_BIN:-$PWD/target/debug/zhenggai}"
command -v sqlite3 >/dev/null || { echo "audit-tamper: sqlite3 is missing" >&2; exit 1; }
test -x "$bin" || { echo "audit-tamper: $bin is missing (cargo build -p zhenggai)" >&2; exit 1; }
unset ZHENGGAI_DATABASE_URL ZHENGGAI_CONFIG ZHENGGAI_AUDIT_KEY_FILE ZHENGGAI_AUDIT_CHECKPOINT_FILE

work="$(mktemp -d)"
server=""
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# A demonstration served once: the key, the trail, and checkpoints at start and shutdown.
"$bin" --data "$work/base" serve --demo --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do grep -q "listening on" "$work/serve.log" && break; sleep 0.1; done
grep -q "listening on" "$work/serve.log" || { cat "$work/serve.log"; echo "audit-tamper: serve did not start" >&2; exit 1; }
kill -TERM "$server"
wait "$server"
server=""

d="$work/d"
fresh() { rm -rf "$d"; cp -a "$work/base" "$d"; }
zg() { "$bin" --data "$d" "$@"; }
db() { sqlite3 "$d/zhenggai.db" "$@"; }
passes() {
  local label=$1; shift
  local out
  out=$("$@" 2>&1) || { echo "FAIL: $label: $out" >&2; exit 1; }
  echo "ok: $label"
}
caught() {
  local label=$1 expected=$2; shift 2
  local out
  if out=$("$@" 2>&1); then echo "FAIL: $label went unnoticed: $out" >&2; exit 1; fi
  grep -qF -- "$expected" <<<"$out" || { echo "FAIL: $label: expected “$expected” in: $out" >&2; exit 1; }
  echo "ok: $label — caught: $expected"
}

fresh
checkpoints="$d/audit-checkpoints.log"
passes "intact trail reaches every checkpoint of the file" zg audit verify --checkpoint "$checkpoints"
code=$(zg audit verify | sed -n 's/^审计校验码 \/ audit code: //p')
passes "intact trail reaches its printed code $code" zg audit verify --checkpoint "$code"

fresh
db "UPDATE audit_log SET reason = '看起来无害' WHERE id = 5"
caught "an entry changed" "audit entry #5 " zg audit verify

fresh
db "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log);
    UPDATE audit_heads SET seq = seq - 1, hash = (SELECT hash FROM audit_log a WHERE a.chain = audit_heads.chain AND a.seq = audit_heads.seq - 1);"
caught "the trail cut back behind a checkpoint, its head rewound" "no longer reaches position" zg audit verify --checkpoint "$code"

fresh
db "DELETE FROM audit_log WHERE entity = 'audit_log' AND entity_id = 0"
caught "the keying marker removed" "no keying marker" zg audit verify

fresh
db "DELETE FROM audit_checkpoints"
caught "the database's record of a checkpoint removed" "holds no record" zg audit verify --checkpoint "$code"

fresh
db "UPDATE audit_checkpoints SET ends = REPLACE(ends, ':', ';')"
caught "the database's record of a checkpoint altered" "holds no record" zg audit verify --checkpoint "$code"

fresh
printf '%064d\n' 1 >"$d/audit.key"
caught "verify with another key" "wrong audit key" zg audit verify
# Bounded: a server that did not refuse would serve on.
caught "serve with another key" "Wrong audit key" timeout 60 "$bin" --data "$d" serve --listen 127.0.0.1:0

fresh
rm "$d/audit.key"
caught "verify without the key" "were not checked: give the key file" zg audit verify

echo "audit-tamper: all cases caught"
