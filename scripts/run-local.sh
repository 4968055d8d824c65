#!/usr/bin/env bash
# Runs the QwenOps local stack. Until the local mode lands, it builds every deployable.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-env.sh
./mvnw -B -ntp -q -DskipTests package
echo "Built:"; ls -1 */target/*.jar
