#!/usr/bin/env bash
# Engine benchmark (docs/benchmarks.md): 0.5B-shaped random F32 checkpoint on CPU, concurrency 1/4/16/64,
# continuous batching vs one-at-a-time vs Jlama. Extra arguments go to EngineBenchmark
# (--dir DIR, --cap SECONDS, --concurrency 1,4,16,64).
#   --step-profile  instead: one decode step's time at batch 1/4/16/64 against its bare projections
#                   (needs the checkpoint, written by a first plain run)
#   --gemm-probe    instead: GFLOP/s of the projection layouts (X·Wᵀ vs W·X) at decode-sized batches
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
  --gemm-probe) main=io.qwenops.inference.bench.GemmProbe; set -- ;;
  *) main=io.qwenops.inference.bench.EngineBenchmark; set -- --dir "$dir" "$@" ;;
esac
exec java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g \
  -Dqwenops.tokenizer.dir="$tokenizer_dir" -cp "$cp" "$main" "$@"
