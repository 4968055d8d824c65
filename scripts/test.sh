#!/usr/bin/env bash
# Runs every test of every module (and the formatter check), then the GPU script's dry run (scripts/gpu/test.sh),
# then the web console's typecheck, unit tests and the
# end-to-end test in headless Chromium. README and .ci/run both call this. Extra arguments go to Maven; with -pl
# (one module) only Maven runs. Without Chromium the browser test is skipped with a message, unless
# QWENOPS_REQUIRE_BROWSER=1 (set by .ci/run), where that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-env.sh
echo "Using JDK at $JAVA_HOME"
./mvnw -B -ntp verify "$@"

for arg in "$@"; do
  case "$arg" in
    -pl|--projects|-pl=*|--projects=*) echo "Maven was limited to some modules: skipping the web console's checks."; exit 0 ;;
  esac
done

# The GPU trip's script as far as this machine goes (~30 s): staged bundle, exporter step on the fake NVML.
echo "==> scripts/gpu: device-check.sh dry run"
scripts/gpu/test.sh

# The operator's Maven build ran `npm ci && npm run build` in web/ (unless -Dskip.web=true).
cd web
[ -d node_modules ] || npm ci --no-audit --no-fund
[ -f dist/index.html ] || npm run build
echo "==> web: typecheck"
npm run --silent typecheck
echo "==> web: unit tests (vitest)"
npm test --silent
echo "==> web: end to end in headless Chromium"
npm run --silent e2e
