#!/usr/bin/env bash
# Runs every test of every module (and the formatter check). README and .ci/run both call this.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-env.sh
echo "Using JDK at $JAVA_HOME"
./mvnw -B -ntp verify "$@"
