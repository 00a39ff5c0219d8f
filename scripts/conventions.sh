#!/usr/bin/env bash
# scripts/conventions.sh [PATH...]
#
# Applies two mechanical, rename-only conventions of DEVELOPERS.md to the C# files under PATH (default: src tests):
#  1. "Global usings": drops the file-level `using` lines of the namespaces Directory.Build.props imports for every project
#     (System.Collections.Immutable, Bridge.Core.{Collections,Diagnostics,Shapes,Tensors}); a redundant one still compiles.
#  2. "Namespace aliases" inside src/Translators: the old one-letter aliases become the table's names
#     (RelayToRelax: RA → RelayOps, XA → RelaxOps). Not in the ONNX emitters: there `RelayOps`/`OnnxOps` are already the
#     names of the op-registry classes (Bridge.Ir.Ops.Relay.RelayOps, Bridge.Importers.Onnx.Ops.OnnxOps), which an alias of
#     the same name would hide; they keep R/RA/O until those classes are renamed.
# Idempotent: a second run changes nothing. Meant for a branch whose work is merged (a sweep over files others edit
# conflicts with their edits; after a merge, take their side of a conflicting file and run this again).
set -euo pipefail
cd "$(dirname "$0")/.."
paths=("$@")
[ ${#paths[@]} -eq 0 ] && paths=(src tests)
files=$(git ls-files -co --exclude-standard -- "${paths[@]}" | grep '\.cs$' || true)
[ -z "$files" ] && exit 0
# 1. global usings
echo "$files" | xargs sed -i -E '/^using (System\.Collections\.Immutable|Bridge\.Core\.(Collections|Diagnostics|Shapes|Tensors));$/d'
# 2. aliases (word-bounded; only in files that declare the old alias)
rename() { # FOLDER OLD NEW TARGET
  for f in $(echo "$files" | grep "^src/Translators/$1/" || true); do
    grep -qE "^using $2 = $4;" "$f" || continue
    sed -i -E -e "s/^using $2 = $4;/using $3 = $4;/" -e "s/(^|[^A-Za-z0-9_.\"])$2\./\1$3./g" "$f"
  done
}
rename RelayToRelax RA RelayOps 'Bridge\.Ir\.Ops\.Relay'
rename RelayToRelax XA RelaxOps 'Bridge\.Ir\.Ops\.Relax'
