#!/usr/bin/env bash
# Engine benchmark (docs/benchmarks.md): 0.5B-shaped random F32 checkpoint on CPU, concurrency 1/4/16/64,
# continuous batching vs one-at-a-time vs Jlama. Extra arguments go to EngineBenchmark
# (--dir DIR, --cap SECONDS, --concurrency 1,4,16,64).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-env.sh
./mvnw -q -B -ntp -pl inference-pod test-compile -DskipTests
./mvnw -q -B -ntp -pl inference-pod dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="inference-pod/target/test-classes:inference-pod/target/classes:$(cat inference-pod/target/bench.classpath)"
tokenizer_dir=$(scripts/fetch-tokenizer.sh)
exec java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g \
  -Dqwenops.tokenizer.dir="$tokenizer_dir" -cp "$cp" io.qwenops.inference.bench.EngineBenchmark \
  --dir inference-pod/target/bench-0.5b-f32 "$@"
