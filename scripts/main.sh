#!/usr/bin/env bash
# The main job: prerequisites, the model corpus (incremental), then `bridge zoo` over everything in corpora/ —
# every Relay/Relax fixture and generated model is imported, translated, checked for well-formedness, run on the reference
# interpreters and compared — with a CSV report and a per-stage summary. Extra arguments go to `bridge zoo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/corpus.sh
dotnet build src/Cli/Bridge.Cli.csproj -c Release -nologo -clp:ErrorsOnly
mkdir -p out/zoo
exec dotnet src/Cli/bin/Release/net10.0/bridge.dll zoo corpora -o out/zoo --report out/zoo/report.csv --jobs 2 "$@"
