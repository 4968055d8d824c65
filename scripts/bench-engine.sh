#!/usr/bin/env bash
# Engine benchmark (docs/benchmarks.md): 0.5B-shaped random F32 checkpoint on CPU, concurrency 1/4/16/64,
# continuous batching vs one-at-a-time vs Jlama. Extra arguments go to EngineBenchmark
# (--dir DIR, --cap SECONDS, --concurrency 1,4,16,64).
#   --step-profile  instead: one decode step's time at batch 1/4/16/64 against its bare projections
#                   (needs the checkpoint, written by a first plain run)
#   --around-matmuls  instead: BF16 decode at batch 1 and 16 (context ~192): the engine step, the
#                   bare forward and the projections alone, and the share outside the projections
#   --attention-probe [rounds]  instead: a decode step's attention at batch 16/64, context 192-4096 (0.5B
#                   shapes), the per-slot loop vs GroupAttention in one JVM; then --around-matmuls at batch 16 and 64
#   --gemm-probe    instead: GFLOP/s of the projection layouts (X·Wᵀ vs W·X) at decode-sized batches
#   --wide-probe [f32] [M ...]  instead: GFLOP/s of a wide step's projection: the Java BF16/Q8 kernels (WideKernel) vs
#                   PyTorch F32; with f32, F32 on WideKernel vs BLAS on every 0.5B projection, both cores and one thread
#   --wide-from-probe [F32|BF16|Q8] [M ...]  instead: products of M columns (default F32, 4/5/6/8), the narrow
#                   kernels' passes of four columns vs WideKernel (where DecodeMatVec.takesWide cuts)
#   --native-probe [BF16|Q8 ...] [-- M ...]  instead: BF16/Q8 products of M columns (default 1/4/16/64/256) on
#                   the native AVX512-BF16 kernels vs the Vector API ones, every 0.5B projection, both cores
#   --narrow-probe [cache|stream|widen] [rounds] [encodings]  instead: GB/s of 1/2/4/8-column products (lm_head,
#                   gate/up; encodings a comma list, default F32,BF16,Q8), old vs new kernels; cache: one thread,
#                   96 rows in L2; stream: one thread, lm_head from memory, beside a plain read of its bytes;
#                   widen: Q8 widening to F32 (WideKernel's tiles) old vs new
#   --weights float32,bfloat16,int8   instead: the batching engine at each weight precision on a
#                   0.5B-shaped BF16 checkpoint, in one run, with ratios (more EngineBenchmark options follow)
#     --llama-cpp   with --weights: also llama.cpp (scripts/llama-cpp, node-llama-cpp 3.21.1, installed with
#                   npm ci on first use) on GGUF files of the same weights (F32, BF16, Q8_0), and the comparison
#   --memory [0.5b|7b]  instead: resident memory and c=1 decode of the engine process per precision
#                   (float32, bfloat16, int8; 7b: bfloat16 and int8 only), one JVM each
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-env.sh
./mvnw -q -B -ntp -pl inference-pod test-compile -DskipTests
./mvnw -q -B -ntp -pl inference-pod dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="inference-pod/target/test-classes:inference-pod/target/classes:$(cat inference-pod/target/bench.classpath)"
tokenizer_dir=$(scripts/fetch-tokenizer.sh)
dir=inference-pod/target/bench-0.5b-f32
case "${1:-}" in
  --step-profile) main=io.qwenops.inference.bench.StepProfile; set -- "$dir" ;;
  --around-matmuls) main=io.qwenops.inference.engine.AroundMatmulsProbe; set -- inference-pod/target/bench-0.5b-bf16 "${@:2}" ;;
  --attention-probe) main=io.qwenops.inference.model.AttentionProbe; set -- inference-pod/target/bench-0.5b-bf16 "${@:2}" ;;
  --gemm-probe) main=io.qwenops.inference.bench.GemmProbe; set -- ;;
  --wide-probe) main=io.qwenops.inference.bench.WideStepProbe; shift ;;
  --narrow-probe) main=io.qwenops.inference.model.matvec.NarrowProbe; shift; set -- "$@" ;;
  --wide-from-probe) main=io.qwenops.inference.model.matvec.WideFromProbe; shift ;;
  --native-probe) main=io.qwenops.inference.model.matvec.NativeProbe; shift ;;
  --weights) main=io.qwenops.inference.bench.EngineBenchmark; set -- --dir inference-pod/target/bench-0.5b-bf16 "$@" ;;
  --memory)
    shape=${2:-0.5b}
    precisions="float32 bfloat16 int8"; [ "$shape" = 7b ] && precisions="bfloat16 int8"
    for p in $precisions; do
      java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx2g \
        -Dqwenops.tokenizer.dir="$tokenizer_dir" -cp "$cp" io.qwenops.inference.bench.WeightMemory \
        "inference-pod/target/bench-$shape-bf16" "$p" "$shape"
    done
    exit 0 ;;
  *) main=io.qwenops.inference.bench.EngineBenchmark; set -- --dir "$dir" "$@" ;;
esac
for arg in "$@"; do
  if [ "$arg" = --llama-cpp ] && [ ! -d scripts/llama-cpp/node_modules/node-llama-cpp ]; then
    command -v npm >/dev/null || { echo "--llama-cpp needs node and npm (apt-get install npm)" >&2; exit 1; }
    npm ci --prefix scripts/llama-cpp --no-audit --no-fund >&2
  fi
done
exec java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g \
  -Dqwenops.tokenizer.dir="$tokenizer_dir" -Dqwenops.llamacpp.dir=scripts/llama-cpp -cp "$cp" "$main" "$@"
