#!/usr/bin/env python3
"""Bridge corpus generator: torchvision/torch models -> ONNX + TorchScript + sample inputs/outputs (.npz), and manifest.json.

Usage:  python3 corpora/generate.py [--only NAME ...] [--manifest-only] [--force]

* Models go to the git-ignored corpora/.cache/models/<name>/; each model is skipped when its files exist and the stamp
  (hash of the generator sources, the model name and the torch/torchvision/onnx versions) is unchanged.
* corpora/manifest.json (committed) is rewritten deterministically from the declarations in gen/models.py and from the
  committed fixtures in corpora/relay and corpora/relax; it never depends on what is in the cache.
* Random weights with fixed seeds (torch.manual_seed per model); nothing is downloaded (weights=None).
"""
import argparse
import hashlib
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "gen"))
CACHE = os.path.join(HERE, ".cache", "models")
SEED = 20240229
OPSET = 14


def model_files(m):
    n = m["name"]
    base = f".cache/models/{n}/{n}"
    files = {"onnx": base + ".onnx", "inputs": base + ".inputs.npz", "outputs": base + ".outputs.npz"}
    if m["traced"]:
        files["torchscript_traced"] = base + ".traced.pt"
    if m["scripted"]:
        files["torchscript_scripted"] = base + ".scripted.pt"
    return files


def stamp_of(m):
    import torch, torchvision, onnx
    h = hashlib.sha256()
    for f in (os.path.join(HERE, "generate.py"), os.path.join(HERE, "gen", "models.py")):
        with open(f, "rb") as fh:
            h.update(fh.read())
    h.update(f"{m['name']}|{torch.__version__}|{torchvision.__version__}|{onnx.__version__}|{SEED}|{OPSET}".encode())
    return h.hexdigest()


def _atomic(path, write):
    tmp = path + ".tmp"
    write(tmp)
    os.replace(tmp, path)


def generate(m, force=False):
    import numpy as np
    import torch

    name = m["name"]
    out_dir = os.path.join(CACHE, name)
    files = model_files(m)
    stamp_path = os.path.join(out_dir, ".stamp")
    stamp = stamp_of(m)
    if not force and os.path.exists(stamp_path) and open(stamp_path).read() == stamp and all(
        os.path.exists(os.path.join(HERE, p)) for p in files.values()
    ):
        print(f"{name}: up to date")
        return 0.0
    os.makedirs(out_dir, exist_ok=True)
    t0 = time.time()
    torch.manual_seed(SEED)
    model = m["build"]().eval()
    # Keep autograd on: with grad-requiring weights torch 1.13 skips the fused "fast path" kernels
    # (e.g. _transformer_encoder_layer_fwd) that neither ONNX export nor other frontends know.
    rng = np.random.RandomState(SEED)
    feeds = {}
    for (iname, dtype, shape) in m["inputs"]:
        concrete = [m["sample_batch"] if d == "batch" else d for d in shape]
        feeds[iname] = rng.standard_normal(concrete).astype(dtype)
    args = tuple(torch.from_numpy(feeds[i[0]]) for i in m["inputs"])
    res = model(*args)
    res = res if isinstance(res, (tuple, list)) else (res,)
    outs = {}
    if len(res) != len(m["outputs"]):
        raise SystemExit(f"{name}: {len(res)} outputs, declared {len(m['outputs'])}")
    for (oname, dtype, shape), r in zip(m["outputs"], res):
        arr = r.detach().numpy()
        want = [m["sample_batch"] if d == "batch" else d for d in shape]
        if list(arr.shape) != want or str(arr.dtype) != dtype:
            raise SystemExit(f"{name}: output {oname} is {arr.dtype}{list(arr.shape)}, declared {dtype}{want}")
        outs[oname] = arr
    p = lambda k: os.path.join(HERE, files[k])
    _atomic(p("inputs"), lambda t: np.savez(open(t, "wb"), **feeds))
    _atomic(p("outputs"), lambda t: np.savez(open(t, "wb"), **outs))

    scripted = None
    if m["scripted"]:
        scripted = torch.jit.script(model)
        _atomic(p("torchscript_scripted"), lambda t: torch.jit.save(scripted, t))
    if m["traced"]:
        traced = torch.jit.trace(model, args, check_trace=False)
        _atomic(p("torchscript_traced"), lambda t: torch.jit.save(traced, t))

    in_names = [i[0] for i in m["inputs"]]
    out_names = [o[0] for o in m["outputs"]]
    axes = {n: {0: "batch"} for n in in_names + out_names}
    # A model with data-dependent control flow is exported from its scripted form (ONNX If/Loop); others from eager.
    src = scripted if not m["traced"] else model

    def export(t):
        torch.onnx.export(src, args, t, opset_version=OPSET, input_names=in_names, output_names=out_names,
                          dynamic_axes=axes, do_constant_folding=True)

    _atomic(p("onnx"), export)
    with open(stamp_path, "w") as fh:
        fh.write(stamp)
    dt = time.time() - t0
    print(f"{name}: generated in {dt:.1f}s")
    return dt


RELAY_EXT = {".relay", ".rly"}


def fixtures():
    """The committed Relay/Relax fixtures, sorted, with their format and how to parse them."""
    expr_files = set()
    readme = os.path.join(HERE, "relay", "README.md")
    if os.path.exists(readme):
        for line in open(readme, encoding="utf-8"):
            cells = [c.strip() for c in line.split("|")]
            if len(cells) > 4 and "EXPRESSION" in line:
                expr_files.add(cells[1].strip("`"))
    out = []
    for root in ("relay", "relax"):
        for dp, dns, fns in os.walk(os.path.join(HERE, root)):
            dns.sort()
            for fn in sorted(fns):
                full = os.path.join(dp, fn)
                rel_root = os.path.relpath(full, os.path.join(HERE, root)).replace(os.sep, "/")
                rel = os.path.relpath(full, HERE).replace(os.sep, "/")
                ext = os.path.splitext(fn)[1]
                e = None
                if root == "relay" and ext in RELAY_EXT:
                    e = {"path": rel, "format": "relay-text",
                         "parse_as": "expression" if rel_root in expr_files else "module"}
                    side = full[: -len(ext)] + ".consts.json"
                    if os.path.exists(side):
                        e["meta"] = os.path.relpath(side, HERE).replace(os.sep, "/")
                    if fn == "nat.rly":
                        e["init_module"] = "relay/std/prelude.rly"
                elif root == "relay" and fn.endswith(".graph.json"):
                    e = {"path": rel, "format": "graph-executor-json", "parse_as": "graph"}
                elif root == "relay" and ext == ".json" and not fn.endswith(".consts.json"):
                    e = {"path": rel, "format": "relay-json", "parse_as": "node"}
                elif root == "relay" and ext == ".tsv":
                    e = {"path": rel, "format": "table-tsv", "parse_as": "table"}
                elif root == "relax" and ext == ".py":
                    kind = "fragment" if "_fragment_" in fn else "function" if "_function_" in fn else "module"
                    e = {"path": rel, "format": "relax-tvmscript", "parse_as": kind}
                elif root == "relax" and ext == ".txt":
                    e = {"path": rel, "format": "relax-tvmscript", "parse_as": "struct-info-lines"}
                if e:
                    out.append(e)
    return out


def write_manifest():
    from models import MODELS
    models = []
    for m in MODELS:
        models.append({
            "name": m["name"],
            "files": model_files(m),
            "onnx_opset": OPSET,
            "sample_batch": m["sample_batch"],
            "inputs": [{"name": n, "dtype": d, "shape": s} for (n, d, s) in m["inputs"]],
            "outputs": [{"name": n, "dtype": d, "shape": s} for (n, d, s) in m["outputs"]],
        })
    doc = {
        "comment": "Generated by corpora/generate.py; paths are relative to corpora/. Model files live in the git-ignored cache.",
        "seed": SEED,
        "models": models,
        "fixtures": fixtures(),
    }
    text = json.dumps(doc, indent=2, sort_keys=False) + "\n"
    path = os.path.join(HERE, "manifest.json")
    _atomic(path, lambda t: open(t, "w", encoding="utf-8", newline="\n").write(text))
    print(f"manifest: {len(models)} models, {len(doc['fixtures'])} fixtures -> corpora/manifest.json")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", default=[], help="generate only this model (repeatable)")
    ap.add_argument("--manifest-only", action="store_true", help="rewrite manifest.json without generating models")
    ap.add_argument("--force", action="store_true", help="regenerate even when up to date")
    a = ap.parse_args()
    write_manifest()
    if a.manifest_only:
        return 0
    from models import MODELS
    names = [m["name"] for m in MODELS]
    for o in a.only:
        if o not in names:
            print(f"unknown model '{o}'; known: {', '.join(names)}", file=sys.stderr)
            return 2
    import torch
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    failed = []
    total = 0.0
    for m in MODELS:
        if a.only and m["name"] not in a.only:
            continue
        try:
            total += generate(m, a.force)
        except Exception as e:  # keep going: one model's exporter bug must not block the others
            print(f"{m['name']}: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
            failed.append(m["name"])
    print(f"done in {total:.1f}s; failed: {failed if failed else 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
