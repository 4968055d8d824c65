"""Picks the libtorch the inference server loads and the DJL JNI for it; prints `export` lines for bash.

The installed PyTorch (or --libtorch DIR) gives the version; the bundle's jni/<version>-<flavour>/ must hold a
libdjl_torch.so for that version, because DJL's JNI links against one libtorch's C++ symbols. Flavour: cu128 when
the PyTorch is a CUDA build (the 2.7.1 JNI is built against CUDA 12.8 but links libtorch_cuda dynamically, so a
2.7.1+cu126 wheel also loads it), else cpu. No match: TORCH_SKIP says why, and the inference steps skip."""
import argparse
import glob
import json
import os
import shlex
import shutil
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jni-dir", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--libtorch", default="")
    ap.add_argument("--libtorch-version", default="")
    ap.add_argument("--libtorch-flavor", default="")
    a = ap.parse_args()
    info = {"bundled_jni": sorted(d for d in os.listdir(a.jni_dir) if os.path.isdir(os.path.join(a.jni_dir, d)))}
    djl = dict(line.strip().split("=", 1) for line in open(os.path.join(a.jni_dir, "versions.properties")) if "=" in line)
    info["djl_version"] = djl["djl_version"]
    env = {}
    cudart = None
    if a.libtorch:
        lib, version, cuda = a.libtorch, a.libtorch_version, a.libtorch_flavor.startswith("cu")
        info["source"] = "--libtorch"
    else:
        try:
            import torch
        except Exception as e:  # noqa: BLE001 - any import failure means no usable PyTorch
            info["source"] = None
            return finish(info, {"TORCH_SKIP": f"no PyTorch here ({type(e).__name__}: {e}) and no --libtorch"}, a)
        lib = os.path.join(os.path.dirname(torch.__file__), "lib")
        version = torch.__version__.split("+")[0]
        cuda = torch.version.cuda is not None
        info.update(source="installed PyTorch", torch=torch.__version__, torch_cuda=torch.version.cuda)
        site = os.path.dirname(os.path.dirname(torch.__file__))
        found = sorted(glob.glob(os.path.join(site, "nvidia", "cuda_runtime", "lib", "libcudart.so*")))
        cudart = found[-1] if found else None
    flavour = a.libtorch_flavor or ("cu128" if cuda else "cpu")
    key = f"{version}-{flavour}"
    info.update(libtorch=lib, version=version, flavour=flavour)
    forced = os.environ.get("QWENOPS_FORCE_JNI")
    jni_key = forced or key
    jni = os.path.join(a.jni_dir, jni_key, "libdjl_torch.so")
    if not os.path.isfile(jni):
        return finish(info, {"TORCH_SKIP": (
            f"PyTorch {version} ({flavour}) is installed, and the bundle has DJL {djl['djl_version']}'s JNI only for "
            f"{', '.join(info['bundled_jni'])}. DJL's JNI must be built for the PyTorch it loads and Maven Central "
            f"serves it only for 2.7.1: rebuild the bundle with --jni {key}=PATH (libdjl_torch.so built from DJL "
            f"{djl['djl_version']}'s source against this PyTorch), or run where PyTorch 2.7.1 is installed. "
            f"QWENOPS_FORCE_JNI=<bundled key> tries a mismatched one anyway.")}, a)
    # DJL takes the JNI from its cache when the file is there: put ours there under the name it looks for.
    cache = os.path.join(a.work, "djl", "pytorch", f"{version}-{flavour}-linux-x86_64")
    os.makedirs(cache, exist_ok=True)
    shutil.copyfile(jni, os.path.join(cache, f"{djl['djl_version']}-libdjl_torch.so"))
    env.update(PYTORCH_LIBRARY_PATH=lib, PYTORCH_VERSION=version, PYTORCH_FLAVOR=flavour,
               TORCH_CHOICE=f"{lib} (PyTorch {version}, {flavour}; JNI {jni_key})")
    if cudart:
        # DJL counts GPUs through JNA's dlopen("cudart"); a wheel's runtime is only libcudart.so.12 under
        # site-packages: give it the plain name in a folder of our own.
        link_dir = os.path.join(a.work, "cudart")
        os.makedirs(link_dir, exist_ok=True)
        link = os.path.join(link_dir, "libcudart.so")
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(cudart, link)
        env["CUDART_DIR"] = link_dir
        info["cudart"] = cudart
    return finish(info, env, a)


def finish(info, env, a):
    info["env"] = env
    with open(a.out, "w") as f:
        json.dump(info, f, indent=1)
    for k, v in env.items():
        print(f"export {k}={shlex.quote(v)}")
    print(json.dumps(info), file=sys.stderr)


if __name__ == "__main__":
    main()
