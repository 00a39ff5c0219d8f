#!/usr/bin/env bash
# The CUDA backend's device check (docs/cuda-backend.md): on a machine with an NVIDIA GPU (driver only; ILGPU makes the PTX),
# build bridge, run `check --backend cuda` over the corpus CNNs and the transformer (rows relay-cuda and relax-cuda, each
# compared with its interpreter and ONNX Runtime) and `bench --backend cuda --json` (fp32, both paths, batch 1 latency and
# batch 32 throughput). Prints the GPU's name; exits non-zero on any mismatch or failed run. Figures go to out/gpu-check/.
#
#   scripts/gpu-check.sh              # the device run (needs corpora/.cache/models from scripts/corpus.sh)
#   scripts/gpu-check.sh --simulate   # dry run of the same steps on ILGPU's CPU simulator, one tiny model, no GPU needed
set -euo pipefail
cd "$(dirname "$0")/.."

simulate=0
if [[ "${1:-}" == "--simulate" ]]; then simulate=1; shift; fi
if [[ $# -gt 0 ]]; then echo "usage: scripts/gpu-check.sh [--simulate]" >&2; exit 2; fi

out=out/gpu-check
mkdir -p "$out"
dotnet build src/Cli/Bridge.Cli.csproj -c Release -nologo -clp:ErrorsOnly
bridge() { dotnet src/Cli/bin/Release/net10.0/bridge.dll "$@"; }

flags=(--backend cuda)
if [[ $simulate == 1 ]]; then
    flags+=(--simulate)
    echo "gpu-check: --simulate (ILGPU CPU accelerator; a dry run of the script, not a device measurement)"
    models=(tests/Bridge.Cli.Tests/Cuda/tiny_cnn.onnx)
    batches=(1 2)
else
    if command -v nvidia-smi >/dev/null; then
        nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu-check: GPU: /'
    else
        echo "gpu-check: nvidia-smi not found; bridge reports the device below"
    fi
    models=()
    for m in resnet18 resnet50 mobilenet_v2 efficientnet_b0 squeezenet1_1 shufflenet_v2_x1_0 densenet121 transformer_encoder; do
        f=corpora/.cache/models/$m/$m.onnx
        if [[ -f $f ]]; then models+=("$f"); else echo "gpu-check: MISSING $f (run scripts/corpus.sh)"; fi
    done
    batches=(1 32)
    if [[ ${#models[@]} -eq 0 ]]; then echo "gpu-check: no models" >&2; exit 2; fi
fi

rc=0
for f in "${models[@]}"; do
    name=$(basename "$f" .onnx)
    echo "== check $name"
    if ! bridge check "$f" "${flags[@]}" --dim batch=1 --report "$out/$name.check.json"; then
        echo "gpu-check: MISMATCH or failure: $name"
        rc=1
    fi
done

for f in "${models[@]}"; do
    name=$(basename "$f" .onnx)
    for b in "${batches[@]}"; do
        echo "== bench $name batch $b"
        if ! bridge bench --model "$f" "${flags[@]}" --dim "batch=$b" --json --repeat 10 | tee "$out/$name.b$b.bench.json"; then
            echo "gpu-check: bench failed: $name batch $b"
            rc=1
        fi
    done
done

echo "gpu-check: $( [[ $rc == 0 ]] && echo "all checks passed" || echo "FAILED (see above)" ); results in $out/"
exit "$rc"
