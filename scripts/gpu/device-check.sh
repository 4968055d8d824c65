#!/usr/bin/env bash
# The GPU trip, run from the bundle that scripts/gpu/bundle.sh builds (scripts/gpu/README.md). Needs bash, python3,
# coreutils' timeout; PyTorch and nvidia-smi where there is a GPU. No JDK (the bundle carries a JRE), no network.
#
#   bash .gpu/device-check.sh [options]        results in $OUT (default .gpu/out): JSON per step, logs/
#
#   --device D         auto (default), cuda or cpu: what the inference server is started with
#   --budget S         total seconds for every step together (default 540); each step also has its own cap
#   --steps LIST       any of env,exporter,inference,bench,vllm (default: all)
#   --shapes LIST      checkpoints for the inference step (default tiny,0.5b; the bench always uses 0.5b)
#   --nvml PATH        libnvidia-ml.so for the exporter (default: the driver's; a dry run passes the fake)
#   --libtorch DIR     libtorch to load instead of the installed PyTorch's (with --libtorch-version V, e.g. 2.7.1,
#                      and --libtorch-flavor F: cpu or cu128), as on a machine without PyTorch
#   --bench-seconds S  seconds per concurrency level (default 10)
#   --concurrency L    bench levels (default 1,16,64,256)
#
# Each step runs on its own under `timeout` (one failing or running over does not stop the next) and writes
# $OUT/<step>*.json; summary.json and the table at the end say what passed, failed or was skipped and why.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export OUT=${OUT:-$here/out}
export WORK=${QWENOPS_WORK:-/tmp/qwenops-gpu}
export LIB=$here/lib
device=auto budget=540 steps=env,exporter,inference,bench,vllm shapes=tiny,0.5b nvml="" libtorch=""
libtorch_version="" libtorch_flavor="" bench_seconds=10 concurrency=1,16,64,256
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --shapes) shapes=$2; shift 2 ;;
    --nvml) nvml=$2; shift 2 ;;
    --libtorch) libtorch=$2; shift 2 ;;
    --libtorch-version) libtorch_version=$2; shift 2 ;;
    --libtorch-flavor) libtorch_flavor=$2; shift 2 ;;
    --bench-seconds) bench_seconds=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "device-check.sh: unknown argument $1 (--help)" >&2; exit 2 ;;
  esac
done
# Ports on loopback: QWENOPS_SERVER_PORT (8000), QWENOPS_EXPORTER_PORT (9400), QWENOPS_VLLM_PORT (8001).
export SERVER_PORT=${QWENOPS_SERVER_PORT:-8000} EXPORTER_PORT=${QWENOPS_EXPORTER_PORT:-9400} VLLM_PORT=${QWENOPS_VLLM_PORT:-8001}
export DEVICE=$device SHAPES=$shapes NVML=$nvml BENCH_SECONDS=$bench_seconds CONCURRENCY=$concurrency
mkdir -p "$OUT/logs" "$WORK"
start=$(date +%s)
left() { echo $((budget - ($(date +%s) - start))); }
: > "$OUT/steps.tsv"

# run_step NAME CAP FUNCTION: the function in its own process group under timeout (which ends the servers it
# started with it), capped by what is left of the budget; its rc and seconds go to steps.tsv.
run_step() {
  local name=$1 cap=$2 fn=$3 limit rc t0
  limit=$(left); [ "$limit" -gt "$cap" ] && limit=$cap
  if [ "$limit" -lt 15 ]; then
    printf '%s\tskipped\t0\tbudget spent\n' "$name" >> "$OUT/steps.tsv"; echo "== $name: skipped (budget spent)"; return
  fi
  echo "== $name (up to ${limit}s)"
  t0=$(date +%s)
  timeout --kill-after=10 "$limit" bash -c "$fn" > "$OUT/logs/$name.log" 2>&1
  rc=$?
  local how=ok
  case $rc in 0) ;; 3) how=skipped ;; 124|137) how=timeout ;; *) how=failed ;; esac
  printf '%s\t%s\t%s\trc=%s\n' "$name" "$how" $(($(date +%s) - t0)) "$rc" >> "$OUT/steps.tsv"
  echo "   $how in $(($(date +%s) - t0))s (log: logs/$name.log)"; tail -n 3 "$OUT/logs/$name.log" | sed 's/^/   | /'
}
wants() { [[ ",$steps," == *",$1,"* ]]; }

# --- the payload: JRE, jars, JNI, tokenizer ------------------------------------------------------------------
if [ ! -x "$WORK/jre/bin/java" ] || [ "$here/payload.tar.xz" -nt "$WORK/jre/bin/java" ]; then
  rm -rf "$WORK/jre" "$WORK/app" "$WORK/jni" "$WORK/tokenizer"
  if command -v xz > /dev/null; then tar -C "$WORK" -xJf "$here/payload.tar.xz"
  else python3 -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$here/payload.tar.xz" "$WORK"
  fi
  touch "$WORK/jre/bin/java"
fi
export JAVA=$WORK/jre/bin/java

# --- which libtorch, and the JNI for it ------------------------------------------------------------------------
# DJL loads an installed libtorch from PYTORCH_LIBRARY_PATH, taking PYTORCH_VERSION and PYTORCH_FLAVOR on trust,
# then looks for its JNI at $ENGINE_CACHE_DIR/pytorch/<version>-<flavor>-linux-x86_64/<djl>-libdjl_torch.so before
# anything else. The JNI must be built for that PyTorch version: the bundle has those in jni/ (pytorch-jni's 2.7.1
# cpu and cu128, plus any bundle.sh --jni added). No match: the inference steps are skipped, saying why.
python3 "$LIB/torch_env.py" --jni-dir "$WORK/jni" --work "$WORK" --libtorch "$libtorch" \
  --libtorch-version "$libtorch_version" --libtorch-flavor "$libtorch_flavor" --out "$OUT/torch.json" \
  > "$WORK/torch.env" 2> "$OUT/logs/torch-env.log"
# shellcheck disable=SC1091
source "$WORK/torch.env"
export ENGINE_CACHE_DIR=$WORK/djl DJL_CACHE_DIR=$WORK/djl DJL_OFFLINE=true
export QWENOPS_TOKENIZER=$WORK/tokenizer
export JAVA_OPTS="--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m -XX:+ExitOnOutOfMemoryError"
[ -n "${CUDART_DIR:-}" ] && export LD_LIBRARY_PATH=$CUDART_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
  JAVA_OPTS="$JAVA_OPTS -Djna.library.path=$CUDART_DIR"
echo "libtorch: ${TORCH_CHOICE:-none}"
# With a GPU that PyTorch sees, the inference server must run on it under --device auto too.
export HAS_CUDA=$(python3 -c "import torch; print(int(torch.cuda.is_available()))" 2> /dev/null || echo 0)

# --- steps -----------------------------------------------------------------------------------------------------
step_env() {
  python3 "$LIB/env_report.py" --out "$OUT/env.json"
}

step_exporter() {
  local args=(--port "$EXPORTER_PORT" --gpu-filter off) smi=()
  [ -n "$NVML" ] && args+=(--nvml-library "$NVML")
  [ "$HAS_CUDA" = 1 ] && command -v nvidia-smi > /dev/null && smi=(--smi)  # nvidia-smi and a torch load
  $JAVA -XX:+UseSerialGC -Xmx256m -jar "$WORK/app/gpu-exporter.jar" "${args[@]}" > "$OUT/logs/exporter-server.log" 2>&1 &
  EXPORTER=$!
  trap 'kill $EXPORTER 2> /dev/null' EXIT
  python3 "$LIB/exporter_check.py" --url "http://127.0.0.1:$EXPORTER_PORT" --pid $EXPORTER --out "$OUT/exporter.json" "${smi[@]}"
}

# checkpoint SHAPE: a random-weight Qwen2.5-shaped checkpoint (bf16, seed 42) written here by the bundled JRE
# (the 0.5B shape is 1 GB: it is made on the machine, not carried).
checkpoint() {
  local dir=$WORK/ckpt-$1
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    $JAVA -Xmx6g -Dqwenops.tokenizer.dir="$QWENOPS_TOKENIZER" -cp "$WORK/app/inference-pod.jar" \
      io.qwenops.inference.model.CheckpointWriter --preset "$1" --dtype bf16 --seed 42 --out "$dir" >&2 && touch "$dir/.complete"
  fi
  echo "$dir"
}

# serve DIR DTYPE LOG [flags...]: starts the server on $SERVER_PORT and waits for /health (up to 180 s).
serve() {
  local dir=$1 dtype=$2 log=$3; shift 3
  # shellcheck disable=SC2086
  $JAVA $JAVA_OPTS -Xmx4g -jar "$WORK/app/inference-pod.jar" --model "$dir" --port "$SERVER_PORT" --host 127.0.0.1 \
    --device "$DEVICE" --dtype "$dtype" "$@" > "$log" 2>&1 &
  SERVER=$!
  python3 -c "import sys; sys.path.insert(0, '$LIB'); from common import wait_for; import os
sys.exit(0 if wait_for('http://127.0.0.1:$SERVER_PORT/health', 180, lambda: os.path.exists('/proc/$SERVER')) else 1)"
}

stop_server() { kill "$SERVER" 2> /dev/null; wait "$SERVER" 2> /dev/null; SERVER=; }

step_inference() {
  [ -n "${TORCH_SKIP:-}" ] && { echo "skipped: $TORCH_SKIP" | tee "$OUT/inference-skipped.txt"; exit 3; }
  trap 'stop_server' EXIT
  local ok=0 shape dir dtype tol ref_device=cuda expect=cpu
  [ "$DEVICE" = cpu ] && ref_device=cpu
  [ "$DEVICE" != cpu ] && [ "$HAS_CUDA" = 1 ] && expect=cuda
  for shape in ${SHAPES//,/ }; do
    dir=$(checkpoint "$shape") || { echo "no $shape checkpoint"; ok=1; continue; }
    for dtype in float32 float16; do
      # F32: the issue's 1e-3. F16 mixed: 0.05, the bound scripts/gpu/README.md derives (F16 activations into
      # the matmuls, F16 KV; F32 norms, softmax, residual); MixedPrecisionTest holds the CPU path to it too.
      tol=1e-3; [ $dtype = float16 ] && tol=0.05
      echo "-- $shape $dtype"
      # a small KV pool: the float64 reference (4 GB for 0.5B) shares the GPU with the server
      if serve "$dir" $dtype "$OUT/logs/server-$shape-$dtype.log" --max-num-seqs 32 --max-model-len 2048 \
          --kv-cache-memory 2GiB; then
        grep -h -E "Running on|KV cache" "$OUT/logs/server-$shape-$dtype.log"
        python3 "$LIB/inference_check.py" --url "http://127.0.0.1:$SERVER_PORT" --model-dir "$dir" --label "$shape $dtype" \
          --tol $tol --ref-device $ref_device --server-log "$OUT/logs/server-$shape-$dtype.log" \
          --expect-device "$expect" --out "$OUT/inference-$shape-$dtype.json" || ok=1
      else
        echo "server did not come up:"; tail -n 20 "$OUT/logs/server-$shape-$dtype.log"; ok=1
      fi
      stop_server
    done
  done
  exit $ok
}

step_bench() {
  [ -n "${TORCH_SKIP:-}" ] && { echo "skipped: $TORCH_SKIP" | tee "$OUT/bench-skipped.txt"; exit 3; }
  trap 'stop_server' EXIT
  local dir; dir=$(checkpoint 0.5b) || exit 1
  serve "$dir" auto "$OUT/logs/server-bench.log" --gpu-memory-utilization 0.9 --max-num-seqs 256 \
    --max-model-len 4096 || { tail -n 20 "$OUT/logs/server-bench.log"; exit 1; }
  grep -h -E "Running on|KV cache" "$OUT/logs/server-bench.log" | tee "$OUT/bench-kv.txt"
  python3 "$LIB/bench.py" --url "http://127.0.0.1:$SERVER_PORT" --label qwenops --out "$OUT/bench-qwenops.json" \
    --concurrency "$CONCURRENCY" --seconds "$BENCH_SECONDS"
}

step_vllm() {
  python3 -c "import vllm" 2> /dev/null || { echo "skipped: vLLM is not installed" | tee "$OUT/vllm-skipped.txt"; exit 3; }
  local dir=$WORK/ckpt-0.5b
  [ -f "$dir/.complete" ] || { echo "skipped: no 0.5b checkpoint (the bench step makes it)"; exit 3; }
  python3 -m vllm.entrypoints.openai.api_server --model "$dir" --port "$VLLM_PORT" --host 127.0.0.1 --dtype float16 \
    --gpu-memory-utilization 0.9 --max-num-seqs 256 --max-model-len 4096 --enforce-eager \
    > "$OUT/logs/vllm-server.log" 2>&1 &
  VLLM=$!
  trap 'kill $VLLM 2> /dev/null' EXIT
  python3 -c "import sys; sys.path.insert(0, '$LIB'); from common import wait_for; import os
sys.exit(0 if wait_for('http://127.0.0.1:$VLLM_PORT/health', 240, lambda: os.path.exists('/proc/$VLLM')) else 1)" \
    || { tail -n 30 "$OUT/logs/vllm-server.log"; exit 1; }
  python3 "$LIB/bench.py" --url "http://127.0.0.1:$VLLM_PORT" --label vllm --out "$OUT/bench-vllm.json" \
    --concurrency "$CONCURRENCY" --seconds "$BENCH_SECONDS"
}

export -f checkpoint serve stop_server step_env step_exporter step_inference step_bench step_vllm
wants env && run_step env 30 step_env
wants exporter && run_step exporter 60 step_exporter
wants inference && run_step inference 240 step_inference
wants bench && run_step bench 200 step_bench
wants vllm && run_step vllm 200 step_vllm
python3 "$LIB/summary.py" --out "$OUT" --seconds $(($(date +%s) - start))
