#!/usr/bin/env bash
# The whole product on this machine, no cluster: builds what changed, then runs
#   the inference server  http://127.0.0.1:8000  (OpenAI API, /metrics)
#   the gpu-exporter      http://127.0.0.1:9400  (GPU telemetry; without a GPU it says why)
#   the console           http://127.0.0.1:8090  (static mode: chat, inference and GPU panels)
# all on loopback, until Ctrl-C or until one of them exits. The default model is a random-weight checkpoint in
# Qwen 2.5's layout with the real tokenizer: the API is real, its words are noise. docs/local.md has the details.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'USAGE'
Usage: ./scripts/run-local.sh [options] [-- inference-server flags...]

  --model M          hf://Qwen/Qwen2.5-0.5B-Instruct[@rev] (downloaded into the Hugging Face cache, or taken
                     from it), a checkpoint directory, or Owner/Name for hf://Owner/Name
                     (env QWENOPS_MODEL; default: the random-weight demo model, which speaks noise)
  --device D         cpu or cuda (env QWENOPS_DEVICE; default: a GPU when PyTorch sees one)
  --port N           inference server port (env QWENOPS_PORT, default 8000)
  --exporter-port N  gpu-exporter port (env QWENOPS_EXPORTER_PORT, default 9400)
  --console-port N   console port (env QWENOPS_CONSOLE_PORT, default 8090)
  --rebuild          build even when no source changed
  -h, --help         this text

Flags after -- go to the inference server, e.g. -- --max-model-len 4096 --kv-cache-memory 1GiB
(java -jar inference-pod/target/inference-pod-*.jar --help lists them).
USAGE
}

model=${QWENOPS_MODEL:-}
device=${QWENOPS_DEVICE:-}
port=${QWENOPS_PORT:-8000}
exporter_port=${QWENOPS_EXPORTER_PORT:-9400}
console_port=${QWENOPS_CONSOLE_PORT:-8090}
rebuild=false
server_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=${2:?--model needs a value}; shift 2 ;;
    --device) device=${2:?--device needs cpu or cuda}; shift 2 ;;
    --port) port=${2:?}; shift 2 ;;
    --exporter-port) exporter_port=${2:?}; shift 2 ;;
    --console-port) console_port=${2:?}; shift 2 ;;
    --rebuild) rebuild=true; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; server_args=("$@"); break ;;
    *) echo "run-local: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case "$device" in ""|cpu|cuda|cuda:[0-9]*) ;; *) echo "run-local: --device takes cpu or cuda, not '$device'" >&2; exit 2 ;; esac

source scripts/java-env.sh
cache=${QWENOPS_CACHE:-$HOME/.cache/qwenops}
run_dir=${QWENOPS_RUN_DIR:-target/run-local}
mkdir -p "$run_dir"

# --- build, only when a source is newer than the last good build ---------------------------------------------------
pod_jar=inference-pod/target/inference-pod-0.1.0-SNAPSHOT.jar
jars=("$pod_jar" gpu-exporter/target/gpu-exporter.jar operator/target/operator.jar)
stamp=target/run-local.build-stamp # beside the build, whatever the run folder
mkdir -p target
needs_build() {
  [ "$rebuild" = true ] && return 0
  [ -f "$stamp" ] || return 0
  for jar in "${jars[@]}"; do [ -f "$jar" ] || return 0; done
  [ -n "$(find pom.xml .mvn operator inference-pod gpu-exporter web \
      \( -name target -o -name node_modules -o -name dist -o -name test-results \) -prune -o \
      -type f -newer "$stamp" -print -quit 2>/dev/null)" ]
}
if needs_build; then
  command -v npm >/dev/null || { echo "run-local: npm is needed to build the console (install Node.js 20.19+)" >&2; exit 1; }
  echo "==> Building the operator with the console, the inference server and the gpu-exporter"
  touch "$stamp.started"
  if ! ./mvnw -B -ntp -q -Dmaven.test.skip=true package -pl operator,inference-pod,gpu-exporter -am \
      >"$run_dir/build.log" 2>&1; then
    tail -n 40 "$run_dir/build.log" >&2
    echo "run-local: the build failed (full log: $run_dir/build.log)" >&2
    exit 1
  fi
  # Sources edited during the build stay newer than the stamp, so the next start builds again.
  mv "$stamp.started" "$stamp"
else
  echo "==> Build is up to date (--rebuild forces one)"
fi

# --- the model -----------------------------------------------------------------------------------------------------
demo=false
if [ -z "$model" ]; then
  demo=true
  model=$cache/demo-qwen2.5-tiny
  if [ ! -s "$model/model.safetensors" ]; then
    echo "==> Writing the demo checkpoint (random weights, real Qwen 2.5 tokenizer) to $model"
    tokenizer=$(scripts/fetch-tokenizer.sh)
    rm -rf "$model.partial"
    java -Dqwenops.tokenizer.dir="$tokenizer" -cp "$pod_jar" io.qwenops.inference.model.CheckpointWriter \
      --preset tiny --dtype bf16 --out "$model.partial" >"$run_dir/demo-checkpoint.log" 2>&1 \
      || { cat "$run_dir/demo-checkpoint.log" >&2; exit 1; }
    rm -rf "$model" && mv "$model.partial" "$model"
  fi
elif [[ "$model" != hf://* && ! -e "$model" && "$model" =~ ^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+(@.+)?$ ]]; then
  model=hf://$model
elif [[ "$model" != hf://* && ! -d "$model" ]]; then
  echo "run-local: --model '$model' is neither a directory nor hf://owner/name[@revision]" >&2
  exit 2
fi

# --- the processes -------------------------------------------------------------------------------------------------
names=()
pids=()
logs=()
stopping=false
start() { # name log command...
  local name=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  echo $! >"${log%.log}.pid"
  names+=("$name"); pids+=($!); logs+=("$log")
}
stop_all() {
  local i
  for i in "${!pids[@]}"; do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=false
    for i in "${!pids[@]}"; do kill -0 "${pids[$i]}" 2>/dev/null && alive=true; done
    [ "$alive" = true ] || return 0
    sleep 0.2
  done
  for i in "${!pids[@]}"; do kill -KILL "${pids[$i]}" 2>/dev/null || true; done
}
on_signal() { stopping=true; echo; echo "==> Stopping"; stop_all; exit 130; }
trap on_signal INT TERM
trap 'stop_all' EXIT

# Prints the first process that is no longer running, with the end of its log; returns 1 then.
check_alive() {
  local i status
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      status=0; wait "${pids[$i]}" || status=$?
      [ "$stopping" = true ] && return 1
      echo >&2
      echo "run-local: the ${names[$i]} exited (status $status). Last lines of ${logs[$i]}:" >&2
      tail -n 25 "${logs[$i]}" | sed 's/^/  | /' >&2
      echo "run-local: stopping the others" >&2
      return 1
    fi
  done
}

answers() { # url: true once it answers 2xx
  curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
}

for p in "$port" "$exporter_port" "$console_port"; do
  if answers "http://127.0.0.1:$p/" || curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; then
    echo "run-local: port $p is already in use (another run-local? set --port/--exporter-port/--console-port)" >&2
    exit 1
  fi
done

echo "==> Starting the gpu-exporter on 127.0.0.1:$exporter_port, the inference server on 127.0.0.1:$port"
echo "    and the console on 127.0.0.1:$console_port (logs in $run_dir/)"
start gpu-exporter "$run_dir/gpu-exporter.log" \
  java -XX:+UseSerialGC -Xmx128m -jar gpu-exporter/target/gpu-exporter.jar \
  --host 127.0.0.1 --port "$exporter_port" --gpu-filter off
pod_args=(--model "$model" --host 127.0.0.1 --port "$port")
[ -n "$device" ] && pod_args+=(--device "$device")
[ "$demo" = true ] && pod_args+=(--served-model-name demo-qwen2.5-tiny)
console_notice=()
[ "$demo" = true ] && console_notice=(--notice "Demo model: random weights in Qwen 2.5's layout with the real tokenizer. \
The API, streaming, metrics and batching are real; the words are noise. \
Run a real one with ./scripts/run-local.sh --model hf://Qwen/Qwen2.5-0.5B-Instruct")
start "inference server" "$run_dir/inference.log" \
  java --add-modules jdk.incubator.vector -jar "$pod_jar" "${pod_args[@]}" ${server_args[@]+"${server_args[@]}"}
start console "$run_dir/console.log" \
  java -XX:+UseSerialGC -Xmx256m -jar operator/target/operator.jar console --static --access none \
  --bind 127.0.0.1 --port "$console_port" \
  --inference-url "http://127.0.0.1:$port" --exporter-url "http://127.0.0.1:$exporter_port" \
  ${console_notice[@]+"${console_notice[@]}"}

# --- wait until everything answers ---------------------------------------------------------------------------------
started=$(date +%s)
last_note=0
until answers "http://127.0.0.1:$port/health" && answers "http://127.0.0.1:$exporter_port/health" \
    && answers "http://127.0.0.1:$console_port/"; do
  check_alive || exit 1
  now=$(date +%s)
  if [ $((now - last_note)) -ge 15 ] && [ $((now - started)) -ge 10 ]; then
    last_note=$now
    progress=$(curl -s --max-time 2 "http://127.0.0.1:$port/health" | grep -o '"percent":[0-9.]*' | cut -d: -f2 || true)
    echo "    still loading the model after $((now - started)) s${progress:+ (downloaded ${progress}%)}"
  fi
  sleep 0.5
done

gpu=$(curl -s --max-time 2 "http://127.0.0.1:$exporter_port/health" || true)
cat <<MSG

QwenOps is up ($(( $(date +%s) - started )) s). Ctrl-C stops all three.

  Console          http://127.0.0.1:$console_port/
  OpenAI base URL  http://127.0.0.1:$port/v1   (no API key; model '$(curl -s "http://127.0.0.1:$port/v1/models" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)')
  GPU telemetry    http://127.0.0.1:$exporter_port/api/gpu
MSG
if [ "$demo" = true ]; then
  cat <<'MSG'

  The model is the random-weight demo: the API, streaming, batching and metrics are real, the words are noise.
  A real one: ./scripts/run-local.sh --model hf://Qwen/Qwen2.5-0.5B-Instruct   (or a checkpoint directory)
MSG
fi
if [[ "$gpu" == *'"nvmlAvailable":false'* ]]; then
  reason=$(printf '%s' "$gpu" | grep -o '"reason":"[^"(.]*' | cut -d'"' -f4 | sed 's/ *$//')
  echo "  No GPU telemetry${reason:+ ($reason)}: the console's GPU tab says why; chat and inference metrics work."
fi
echo

while check_alive; do sleep 1; done
exit 1
