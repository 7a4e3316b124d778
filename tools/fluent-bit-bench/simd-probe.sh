#!/usr/bin/env bash
# Does this Fluent Bit run wasm simd128, in the interpreter and as AOT? Builds simd-probe.rs
# with +simd128, sends three records through it (tail -> wasm -> stdout) as .wasm and as .aot,
# and prints what came out and what Fluent Bit logged. A record `{"simd_quotes":N}` with the
# right N means the SIMD code ran; an error line means the host refused it.
#
#   FLUENT_BIT=/path/to/fluent-bit [FLB_WAMRC=/path/to/flb-wamrc] tools/fluent-bit-bench/simd-probe.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${FLUENT_BIT:?set FLUENT_BIT to a fluent-bit binary}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rustc -O --target wasm32-wasip1 --crate-type cdylib -C target-feature=+simd128 \
  -o "$work/probe.wasm" tools/fluent-bit-bench/simd-probe.rs
printf '%s\n' '{"a":"x"}' '{"message":"say \"hi\" to the sixteen-byte loop and its tail"}' \
  '{"k1":"v","k2":"v","k3":"v","k4":"v","k5":"v","k6":"v"}' > "$work/input.ndjson"
echo "expected (quotes in each record as Fluent Bit re-serialises it):"
python3 - "$work/input.ndjson" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    print('  {"simd_quotes":%d}' % json.dumps(json.loads(line), separators=(",", ":")).count('"'))
PY

probe() { # module
  {
    printf '[SERVICE]\n    flush 1\n    log_level info\n    parsers_file %s\n' "$PWD/host-examples/fluent-bit/parsers.conf"
    printf '[INPUT]\n    name tail\n    path %s\n    parser json\n    read_from_head true\n    exit_on_eof true\n' "$work/input.ndjson"
    printf '[FILTER]\n    name wasm\n    match *\n    wasm_path %s\n    function_name simd_probe\n    event_format json\n    wasm_heap_size 1M\n    wasm_stack_size 1M\n' "$1"
    printf '[OUTPUT]\n    name stdout\n    match *\n    format json_lines\n'
  } > "$work/probe.conf"
  timeout 60 "$FLUENT_BIT" -c "$work/probe.conf" > "$work/out.log" 2>&1 || echo "  (fluent-bit exit status $?)"
  echo "  records out:"
  grep -o '{"date".*' "$work/out.log" | sed 's/^/    /' || echo "    none"
  echo "  wasm/aot/error lines logged:"
  grep -iE 'wasm|aot|simd|error' "$work/out.log" | grep -v '^{"date"' | sed 's/^/    /' || echo "    none"
}

echo "== interpreter (.wasm)"
probe "$work/probe.wasm"
if [ -n "${FLB_WAMRC:-}" ]; then
  # wamrc's SIMD lowering needs SSE4.1: the portable x86-64 baseline fails its check, so the
  # x86-64-v2 level (SSE4.2) is tried as well.
  for cpu in x86-64 x86-64-v2; do
    echo "== AOT: flb-wamrc --opt-level=3 --target=x86_64 --cpu=$cpu"
    if "$FLB_WAMRC" --opt-level=3 --target=x86_64 --cpu=$cpu -o "$work/probe-$cpu.aot" "$work/probe.wasm" > "$work/wamrc.log" 2>&1; then
      grep -iE 'error|success' "$work/wamrc.log" | sed 's/^/  wamrc: /'
      probe "$work/probe-$cpu.aot"
    else
      grep -iE 'error' "$work/wamrc.log" | sed 's/^/  wamrc failed: /'
    fi
  done
  echo "== AOT with --disable-simd"
  "$FLB_WAMRC" --opt-level=3 --target=x86_64 --cpu=x86-64 --disable-simd -o "$work/probe-nosimd.aot" "$work/probe.wasm" 2>&1 | grep -iE 'error|success' | sed 's/^/  wamrc: /' || true
  [ -s "$work/probe-nosimd.aot" ] && probe "$work/probe-nosimd.aot"
fi
exit 0
