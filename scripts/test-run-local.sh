#!/usr/bin/env bash
# Checks run-local.sh as a user meets it (about a minute once built; not part of CI, run it by hand after touching
# run-local.sh): a start prints the console and OpenAI URLs once all three answer, a second start skips the build,
# Ctrl-C stops everything, and when one process dies the script names it, shows its log and stops the others.
# Uses ports 18000/19400/18090 and its own run folder.
set -euo pipefail
cd "$(dirname "$0")/.."
run_dir=$(mktemp -d)
export QWENOPS_RUN_DIR=$run_dir QWENOPS_PORT=18000 QWENOPS_EXPORTER_PORT=19400 QWENOPS_CONSOLE_PORT=18090
out=$run_dir/out.txt
fail() { echo "FAIL: $*"; echo "--- run-local output:"; cat "$out"; exit 1; }

# Starts run-local.sh with SIGINT at its default (a background job of a script would ignore it, unlike a terminal).
launch() {
  python3 -c 'import os,signal,sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
    ./scripts/run-local.sh "$@" >"$out" 2>&1 &
  script_pid=$!
}
wait_for() { # text seconds
  for _ in $(seq 1 "$2"); do grep -q "$1" "$out" && return 0; kill -0 "$script_pid" 2>/dev/null || break; sleep 1; done
  fail "no '$1' within $2 s"
}
children_gone() {
  for f in "$run_dir"/*.pid; do
    for _ in $(seq 1 20); do kill -0 "$(cat "$f")" 2>/dev/null || continue 2; sleep 0.5; done
    fail "$(basename "$f" .pid) still runs"
  done
}

echo "1. first start (builds when needed), then Ctrl-C"
launch
wait_for "QwenOps is up" 600
grep -q "Console          http://127.0.0.1:18090/" "$out" || fail "no console URL"
grep -q "OpenAI base URL  http://127.0.0.1:18000/v1" "$out" || fail "no OpenAI base URL"
grep -q "words are noise" "$out" || fail "the banner does not say the demo model speaks noise"
curl -fsS http://127.0.0.1:18090/ | grep -qi "<html" || fail "the console serves no page"
curl -fsS http://127.0.0.1:18000/v1/chat/completions -H 'Content-Type: application/json' \
  -d '{"messages":[{"role":"user","content":"Hi"}],"max_tokens":4}' | grep -q '"completion_tokens":4' \
  || fail "chat does not answer"
if grep -q "CUDA driver version is insufficient" "$run_dir/inference.log"; then fail "DJL's CUDA probe warnings are back"; fi
[ "$(grep -c "NVML library not found" "$run_dir/gpu-exporter.log" || true)" -le 1 ] || fail "the NVML reason is logged more than once"
kill -INT "$script_pid"
wait "$script_pid" || true
children_gone
echo "   ok: $(grep -o 'QwenOps is up ([0-9]* s)' "$out")"

echo "2. second start skips the build; the gpu-exporter dies"
launch
wait_for "QwenOps is up" 120
grep -q "Build is up to date" "$out" || fail "the second start built again"
kill -KILL "$(cat "$run_dir/gpu-exporter.pid")"
status=0; wait "$script_pid" || status=$?
[ "$status" -ne 0 ] || fail "run-local.sh exited 0 after the gpu-exporter died"
grep -q "the gpu-exporter exited (status 137)" "$out" || fail "it did not say which process died"
grep -q "  | .*gpu-exporter listening on port 19400" "$out" || fail "it did not show the end of the exporter's log"
children_gone
echo "   ok: $(grep -o 'QwenOps is up ([0-9]* s)' "$out"), exit status $status"
rm -rf "$run_dir"
echo "PASS"
