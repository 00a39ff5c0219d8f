#!/usr/bin/env bash
# The corpus: prerequisites, then the generated models (incremental), then a summary of what exists.
# Until the `zoo` verb exists this is all the README's main command can run; afterwards the README runs `bridge zoo` on it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
start=$(date +%s)
/usr/bin/python3 corpora/generate.py "$@"
echo "corpus: generation took $(( $(date +%s) - start ))s"
# Summary: every manifest model and fixture, with what exists on disk.
/usr/bin/python3 - <<'PY'
import json, os
root = "corpora"
m = json.load(open(os.path.join(root, "manifest.json")))
print(f"{'model':22} {'files':>5} {'present':>7}  inputs")
for model in m["models"]:
    files = list(model["files"].values())
    present = sum(os.path.exists(os.path.join(root, f)) for f in files)
    ins = ", ".join(f"{i['name']}: {i['dtype']}{i['shape']}" for i in model["inputs"])
    print(f"{model['name']:22} {len(files):>5} {present:>7}  {ins}")
kinds = {}
for f in m["fixtures"]:
    kinds[f["format"]] = kinds.get(f["format"], 0) + 1
print("fixtures: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
PY
# Identify every generated model file by content with the CLI (what exists of Bridge today: `bridge inspect`).
if command -v dotnet >/dev/null; then
  dotnet build src/Cli/Bridge.Cli.csproj -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
  bridge="src/Cli/bin/Release/net10.0/bridge.dll"
  for f in corpora/.cache/models/*/*.onnx corpora/.cache/models/*/*.pt corpora/.cache/models/*/*.npz; do
    [ -e "$f" ] || continue
    dotnet "$bridge" inspect "$f" | head -1
  done
fi
