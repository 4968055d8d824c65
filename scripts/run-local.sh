#!/usr/bin/env bash
# The local stack on the bundled demo model: builds the inference pod and the gpu-exporter, writes the demo
# checkpoint once (random weights in Qwen 2.5's layout with the real Qwen 2.5 tokenizer and chat template: it
# speaks the API exactly, but its words are noise), then serves
#   OpenAI API + vLLM metrics  http://localhost:8000   (QWENOPS_PORT)
#   GPU telemetry              http://localhost:9400   (QWENOPS_EXPORTER_PORT; without a GPU it says why)
# until Ctrl-C. A real checkpoint instead: QWENOPS_MODEL=/path/to/Qwen2.5-0.5B-Instruct ./scripts/run-local.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-env.sh

echo "==> Building the inference pod and the gpu-exporter (first run downloads dependencies)"
./mvnw -B -ntp -q -Dmaven.test.skip=true package -pl inference-pod,gpu-exporter -am

pod_jar=$(ls inference-pod/target/inference-pod-*.jar | head -1)
model=${QWENOPS_MODEL:-models/demo-qwen2.5-tiny}
if [ -z "${QWENOPS_MODEL:-}" ] && [ ! -s "$model/model.safetensors" ]; then
  echo "==> Writing the demo checkpoint to $model"
  tokenizer=$(scripts/fetch-tokenizer.sh)
  java -Dqwenops.tokenizer.dir="$tokenizer" -cp "$pod_jar" io.qwenops.inference.model.CheckpointWriter \
    --preset tiny --dtype bf16 --out "$model"
fi

port=${QWENOPS_PORT:-8000}
exporter_port=${QWENOPS_EXPORTER_PORT:-9400}
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

echo "==> Starting the gpu-exporter on :$exporter_port"
java -XX:+UseSerialGC -Xmx128m -jar gpu-exporter/target/gpu-exporter.jar --port "$exporter_port" --gpu-filter off &
pids+=($!)
echo "==> Starting the inference pod on :$port with $model"
java --add-modules jdk.incubator.vector -jar "$pod_jar" --model "$model" --port "$port" &
pids+=($!)

for _ in $(seq 1 300); do
  if curl -fs "localhost:$port/health" >/dev/null 2>&1; then break; fi
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "A server exited; see its log above." >&2; exit 1; }; done
  sleep 1
done
curl -fs "localhost:$port/health" >/dev/null || { echo "The model did not load within 5 minutes." >&2; exit 1; }

cat <<MSG

QwenOps local stack is up (Ctrl-C stops it).
  curl localhost:$port/v1/models
  curl -N localhost:$port/v1/chat/completions -H 'Content-Type: application/json' \\
    -d '{"messages":[{"role":"user","content":"Hello"}],"max_tokens":32,"stream":true}'
  curl localhost:$port/metrics | grep '^vllm:'
  curl localhost:$exporter_port/health; curl localhost:$exporter_port/api/gpu
Any OpenAI SDK works with base_url http://localhost:$port/v1.
MSG
wait -n "${pids[@]}"
