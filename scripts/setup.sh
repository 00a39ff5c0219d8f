#!/usr/bin/env bash
# Installs the prerequisites Bridge's corpus generators and numeric tests need, idempotently.
# Python packages come from Debian (no PyPI): torch 1.13, torchvision 0.14, onnx 1.12, numpy.
set -euo pipefail
PKGS=(python3 python3-numpy python3-torch python3-torchvision python3-onnx)
# libpython3-dev: the shared libpython3.X that `check --reference torch` embeds through pythonnet (the python3 binary is static).
PKGS+=(libpython3-dev)
# chromium: the headless-browser test of the HTML reports (histograms rendered) opens them with /usr/bin/chromium.
PKGS+=(chromium)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing ${missing[*]} (apt-get)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
