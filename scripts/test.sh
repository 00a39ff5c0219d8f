#!/usr/bin/env bash
# The full test suite: prerequisites, the generated corpus, build (zero warnings: warnings are errors), every NUnit project.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The generated corpus (incremental; ~2 min the first time) so the corpus tests run instead of being ignored.
bash scripts/corpus.sh >/dev/null
dotnet build Bridge.sln -c Release -nologo -clp:ErrorsOnly
rm -rf artifacts/test-results
set +e
dotnet test Bridge.sln -c Release --no-build -nologo --logger "trx" --results-directory artifacts/test-results "$@"
rc=$?
set -e
# One plain summary line over all projects ("N passed, N failed, N skipped").
python3 - <<'PY' || true
import glob, re
p = f = s = 0
for t in glob.glob("artifacts/test-results/*.trx"):
    x = open(t, encoding="utf-8").read()
    m = re.search(r'<Counters [^>]*', x)
    if not m: continue
    c = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0))
    s += int(c.get("total", 0)) - int(c.get("executed", 0))  # ignored/skipped tests are not executed
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
exit $rc
