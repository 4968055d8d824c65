#!/usr/bin/env bash
# The GPU trip's script, tried here as far as a machine without a GPU allows (about 30 s; scripts/test.sh runs it
# after the Maven build, which made the jars and the fake libnvidia-ml.so): bundle.sh lays the payload out
# (--stage, no jlink or xz), then device-check.sh runs its env and exporter steps against the fake NVML and its
# inference step with a libtorch version the bundle has no JNI for, which must be skipped with the fix in words.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d) out=$(mktemp -d)
trap 'rm -rf "$work" "$out"' EXIT
fail() { echo "FAIL: $*"; cat "$out"/logs/*.log 2> /dev/null | tail -n 40; exit 1; }

for f in scripts/gpu/lib/*.py; do python3 -m py_compile "$f" || fail "$f does not compile"; done
scripts/gpu/bundle.sh --no-build --stage "$work" > /dev/null
[ -f "$work/app/inference-pod.jar" ] && [ -f "$work/app/gpu-exporter.jar" ] || fail "no jars staged"
ls "$work/app/libs" | grep -q -e pytorch-native -e pytorch-jni && fail "PyTorch's natives or JNI jar staged in libs/"
unzip -Z1 "$work"/app/libs/tokenizers-*.jar | grep -q 'native/lib/win-' && fail "tokenizers jar kept other platforms"
for jni in 2.7.1-cpu 2.7.1-cu128; do [ -s "$work/jni/$jni/libdjl_torch.so" ] || fail "no JNI $jni staged"; done

mkdir -p "$work/fake-nvml"
cp gpu-exporter/target/fake-nvml/libnvidia-ml.so.1 "$work/fake-nvml/"
echo gpus=2 > "$work/fake-nvml/fake-nvml.conf"
# A libtorch folder DJL would accept, in a version with no bundled JNI: the inference step must say so and skip.
mkdir -p "$work/libtorch-2.5.1" && touch "$work/libtorch-2.5.1/libtorch.so"
QWENOPS_WORK=$work OUT=$out QWENOPS_EXPORTER_PORT=19471 QWENOPS_SERVER_PORT=18471 bash scripts/gpu/device-check.sh --steps env,exporter,inference --device cpu \
  --nvml "$work/fake-nvml/libnvidia-ml.so.1" --libtorch "$work/libtorch-2.5.1" --libtorch-version 2.5.1 \
  --libtorch-flavor cu124 --budget 120 > "$out/run.txt" 2>&1 || fail "device-check.sh exited non-zero"

python3 - "$out" <<'PY' || fail "results"
import json, sys
out = sys.argv[1]
s = json.load(open(f"{out}/summary.json"))
steps = {x["step"]: x["outcome"] for x in s["steps"]}
assert steps == {"env": "ok", "exporter": "ok", "inference": "skipped"}, steps
e = json.load(open(f"{out}/exporter.json"))
checks = {c["name"]: c["ok"] for c in e["checks"]}
for name in ("NVML loaded", "idle: gpu 0 every sample field filled or marked unsupported",
             "idle: gpu 1 every sample field filled or marked unsupported", "DCGM-named metrics present",
             "WebSocket: hello first, then history, then samples"):
    assert checks.get(name) is True, (name, checks)
assert checks["power and energy against nvidia-smi, idle and under load"] is None, checks
why = s["skipped"]["inference"]
assert "PyTorch 2.5.1 (cu124)" in why and "--jni 2.5.1-cu124=PATH" in why, why
print("scripts/gpu: staged payload, exporter step on the fake NVML, inference skipped with its reason: ok")
PY
