#!/usr/bin/env bash
# Fuzz soak of one importer (docs/reliability.md): scripts/fuzz-soak.sh IMPORTER N [SEED]
# IMPORTER: onnx relay-text relay-json params npy npz torchscript relax-script relax-json (or "all").
# Prints inputs, accepted/rejected, distinct non-diagnostic stack traces, hangs, crashes (test host died) and peak memory;
# the JSON report and reproducers go to out/fuzz/IMPORTER/. Needs a built tests/Bridge.Cli.Tests (Release).
set -uo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz-soak.sh IMPORTER N [SEED]}"
n="${2:?usage: scripts/fuzz-soak.sh IMPORTER N [SEED]}"
seed="${3:-1}"
if [ "$target" = all ]; then
  for t in onnx relay-text relay-json params npy npz torchscript relax-script relax-json; do "$0" "$t" "$n" "$seed"; done
  exit 0
fi
out="out/fuzz/$target"
mkdir -p "$out"
report="$PWD/$out/report.json"
rm -f "$report"
start=$(date +%s)
BRIDGE_FUZZ_TARGET="$target" BRIDGE_FUZZ_N="$n" BRIDGE_FUZZ_SEED="$seed" BRIDGE_FUZZ_REPORT="$report" \
  /usr/bin/time -v -o "$out/time.txt" \
  dotnet test tests/Bridge.Cli.Tests/Bridge.Cli.Tests.csproj -c Release --no-build \
    --filter "FullyQualifiedName~FuzzSmokeTests.FuzzSoak" > "$out/test.log" 2>&1
rc=$?
end=$(date +%s)
crashes=0
if grep -q "Test host process crashed\|Stack overflow\|The active test run was aborted" "$out/test.log"; then crashes=1; fi
peak_kb=$(grep "Maximum resident set size" "$out/time.txt" 2>/dev/null | awk '{print $NF}')
python3 - "$report" "$target" "$rc" "$crashes" "${peak_kb:-0}" "$((end - start))" <<'PY'
import json, sys
path, target, rc, crashes, peak_kb, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
try: r = json.load(open(path))
except Exception: r = {"inputs": 0, "accepted": 0, "rejected": 0, "distinct_stack_traces": 0, "hangs": 0, "bugs": []}
print(f"{target}: inputs {r['inputs']} (accepted {r['accepted']}, rejected {r['rejected']}), distinct stack traces {r['distinct_stack_traces']}, "
      f"hangs {r['hangs']}, crashes {crashes}, max RSS {peak_kb // 1024} MiB, {secs} s, test exit {rc}")
for b in r.get("bugs", []): print(f"  bug x{b['count']}: {b['signature']}  ({b['example']})")
PY
[ "$rc" = 0 ]
