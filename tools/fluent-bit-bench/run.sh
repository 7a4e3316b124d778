#!/usr/bin/env bash
# Measures logseal in a real Fluent Bit, as the README's Fluent Bit table reports:
# 300,000 records of the public PII corpus, tail -> filter -> null, user CPU seconds per run.
#
#   FLUENT_BIT=/path/to/fluent-bit [FLB_WAMRC=/path/to/flb-wamrc] [ONLY=aot|lua|wasm]
#     [SHARED_LUA=/path/to/redact.lua] [LOGSEAL_WASM=/path/to/logseal_fluentbit.wasm]
#     tools/fluent-bit-bench/run.sh
#
# It does not build Fluent Bit: bring your own binary (built with the wasm and lua filters).
# With FLB_WAMRC set, each module is also compiled ahead of time and measured as .aot;
# ONLY=aot skips the no-filter, Lua and interpreter runs; ONLY=lua runs only the no-filter and
# Lua rows; ONLY=wasm only the wasm rows. SHARED_LUA adds a Lua row for another baseline
# script (any filter with `function redact(tag, ts, record)`), read where it lies.
# LOGSEAL_WASM measures a module built elsewhere (another checkout) instead of building this
# one, so two builds can be measured with the same script and policies. COMPARE_WASM adds, before
# each logseal row, the same row for another build's module (a paired run: this machine's speed
# drifts between hours, so two builds are compared within one run). POLICIES picks the logseal
# rows (default: "default sealed encrypted").
set -euo pipefail
# Paths given relative to the caller's directory, resolved before moving to the repository root.
[ -n "${SHARED_LUA:-}" ] && SHARED_LUA=$(realpath "$SHARED_LUA")
[ -n "${LOGSEAL_WASM:-}" ] && LOGSEAL_WASM=$(realpath "$LOGSEAL_WASM")
[ -n "${COMPARE_WASM:-}" ] && COMPARE_WASM=$(realpath "$COMPARE_WASM")
cd "$(dirname "$0")/../.."
: "${FLUENT_BIT:?set FLUENT_BIT to a fluent-bit binary}"
corpus=${CORPUS:-tests/corpus/pii-public.ndjson}
copies=${COPIES:-150}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$corpus" "$copies" > "$work/input.ndjson" <<'PY'
import json, sys
rows = [json.loads(l)["record"] for l in open(sys.argv[1])]
for _ in range(int(sys.argv[2])):
    for r in rows:
        print(json.dumps(r, separators=(",", ":")))
PY
echo "input: $(wc -l < "$work/input.ndjson") records, $(du -m "$work/input.ndjson" | cut -f1) MB" >&2

if [ -n "${LOGSEAL_WASM:-}" ]; then
  cp "$LOGSEAL_WASM" "$work/logseal.wasm"
else
  # Only the Fluent Bit module (scripts/build-wasm.sh builds every host's, and the npm package).
  cargo build --locked -q -p logseal-fluent-bit --target wasm32-wasip1 --profile wasm
  cp target/wasm32-wasip1/wasm/logseal_fluent_bit.wasm "$work/logseal.wasm"
fi
echo "module: $(sha256sum < "$work/logseal.wasm" | cut -c1-16), $(wc -c < "$work/logseal.wasm") bytes" >&2
modules="identity logseal"
if [ -n "${COMPARE_WASM:-}" ]; then
  cp "$COMPARE_WASM" "$work/compare.wasm"
  modules="identity compare logseal"
  echo "compared with: $(sha256sum < "$work/compare.wasm" | cut -c1-16), $(wc -c < "$work/compare.wasm") bytes" >&2
fi
rustc -O --target wasm32-wasip1 --crate-type cdylib -o "$work/identity.wasm" tools/fluent-bit-bench/identity.rs
mkdir -p "$work/default" "$work/sealed/keys" "$work/encrypted/keys"
cp host-examples/keys/demo-keyring.json "$work/sealed/keys/"
cp host-examples/keys/demo-keyring.json "$work/encrypted/keys/"
# sealed: the default policy plus a seal on every record; encrypted: host-examples'
# sealed.json as it is (it also encrypts SSNs and national IDs).
python3 - host-examples/policies/sealed.json "$work" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
for k in p["keys"]:
    p["keys"][k] = p["keys"][k].replace("file:../keys/", "file:keys/")
json.dump(p, open(sys.argv[2] + "/encrypted/logseal.json", "w"))
del p["keys"]["encrypt"]
for kind in ("ssn", "national_id"):
    p["redact"]["actions"].pop(kind, None)
json.dump(p, open(sys.argv[2] + "/sealed/logseal.json", "w"))
PY
cp tools/fluent-bit-bench/redact.lua tools/fluent-bit-bench/redact-message.lua "$work/"

filter() { # kind module function policy_dir
  case $1 in
    none) ;;
    lua) printf '[FILTER]\n    name lua\n    match *\n    script %s\n    call redact\n' "$work/redact.lua" ;;
    lua-message) printf '[FILTER]\n    name lua\n    match *\n    script %s\n    call redact\n' "$work/redact-message.lua" ;;
    lua-shared) printf '[FILTER]\n    name lua\n    match *\n    script %s\n    call redact\n' "$SHARED_LUA" ;;
    *) printf '[FILTER]\n    name wasm\n    match *\n    wasm_path %s\n    function_name %s\n    event_format json\n    accessible_paths %s\n    wasm_heap_size 8M\n    wasm_stack_size 1M\n' "$2" "$3" "$4" ;;
  esac
}

run() { # label kind [module function policy_dir]
  local label=$1 conf="$work/$1.conf"
  {
    printf '[SERVICE]\n    flush 1\n    log_level warn\n    parsers_file %s\n' "$PWD/host-examples/fluent-bit/parsers.conf"
    printf '[INPUT]\n    name tail\n    path %s\n    parser json\n    read_from_head true\n    exit_on_eof true\n    buffer_max_size 1M\n    db.locking false\n' "$work/input.ndjson"
    filter "$2" "${3:-}" "${4:-}" "${5:-$work}"
    printf '[OUTPUT]\n    name null\n    match *\n'
  } > "$conf"
  /usr/bin/time -f "%U %S %e" -o "$work/time" "$FLUENT_BIT" -c "$conf" > "$work/$label.log" 2>&1 || true
  read -r user sys wall < "$work/time"
  printf '%-28s user %6.2f s   sys %5.2f s   wall %6.2f s' "$label" "$user" "$sys" "$wall"
  # A filter that failed to load runs fast and wrongly: say so beside its time.
  local errors
  errors=$(grep -c '\[error\]' "$work/$label.log" || true)
  [ "$errors" -gt 0 ] && printf '   (%s error lines in its log)' "$errors"
  printf '\n'
}

if [ "${ONLY:-}" != aot ] && [ "${ONLY:-}" != wasm ]; then
  run none none
  run "lua (all fields)" lua
  run "lua (message only)" lua-message
  if [ -n "${SHARED_LUA:-}" ]; then
    run "lua ($(basename "$SHARED_LUA"), shared)" lua-shared
  fi
fi
[ "${ONLY:-}" = lua ] && exit 0
modes="wasm ${FLB_WAMRC:+aot}"
[ "${ONLY:-}" = aot ] && modes=aot
for ext in $modes; do
  for m in $modules; do
    if [ "$ext" = aot ]; then
      "$FLB_WAMRC" --opt-level=3 --target=x86_64 --cpu=x86-64 -o "$work/$m.aot" "$work/$m.wasm" > /dev/null
    fi
  done
  run "identity ($ext)" identity "$work/identity.$ext" identity
  for p in ${POLICIES:-default sealed encrypted}; do
    [ -n "${COMPARE_WASM:-}" ] && run "compared $p ($ext)" logseal "$work/compare.$ext" logseal_filter "$work/$p"
    run "logseal $p ($ext)" logseal "$work/logseal.$ext" logseal_filter "$work/$p"
  done
done
# Each logseal run must have loaded its policy, not fallen back to lockdown.
! grep -l "refused" "$work"/*.log
