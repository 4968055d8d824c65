#!/usr/bin/env bash
# Builds the GPU device bundle (scripts/gpu/README.md): everything device-check.sh needs on a machine that has
# Python, PyTorch and a GPU but no JDK and no network, within 64 MiB.
#
#   scripts/gpu/bundle.sh [--out DIR] [--no-build] [--jni VERSION-FLAVOR=PATH]...
#
#   --out DIR       where to write the bundle (default .gpu/, ignored by git)
#   --no-build      use the jars already in */target (default: ./mvnw -o package -DskipTests first)
#   --fast          xz -0 instead of -6 (about 4x faster, some MiB bigger: for trying the script, not for a trip)
#   --stage DIR     only lay the payload out, unpacked, in DIR (the JRE a link to this JDK, no jlink, no xz): what
#                   device-check.sh finds in its work folder (QWENOPS_WORK=DIR); scripts/gpu/test.sh uses it
#   --jni V-F=PATH  also bundle PATH as DJL's libdjl_torch.so for installed PyTorch V, flavour F (e.g.
#                   2.5.1-cu124=/path/libdjl_torch.so); the JNI in pytorch-jni (2.7.1: cpu, cu128) is always in
#
# The bundle (OUT/):
#   payload.tar.xz   jre/ (jlink: the modules jdeps finds, --strip-debug), app/ (inference-pod.jar,
#                    gpu-exporter.jar, libs/ without PyTorch's CPU natives or the JNI jar, the tokenizers jar cut
#                    to linux-x86_64), jni/<torch version>-<flavour>/libdjl_torch.so, tokenizer/ (Qwen's)
#   device-check.sh and lib/*.py  the device script and its Python helpers (stdlib; torch where there is one)
#   CONTENTS.txt     every file of the payload with its size, and the bundle's total
# Fails when the bundle is over 64 MiB (QWENOPS_BUNDLE_LIMIT_BYTES to change).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/.gpu
build=true
stage_only=""
xz_level=6
extra_jni=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    --no-build) build=false; shift ;;
    --fast) xz_level=0; shift ;;
    --stage) stage_only=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    --jni) extra_jni+=("${2:?--jni needs VERSION-FLAVOR=PATH}"); shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bundle.sh: unknown argument $1 (--help)" >&2; exit 2 ;;
  esac
done
limit=${QWENOPS_BUNDLE_LIMIT_BYTES:-$((64 * 1024 * 1024))}
cd "$root"
source scripts/java-env.sh
if $build; then
  ./mvnw -B -ntp -o -q -pl inference-pod,gpu-exporter -am package -DskipTests
fi
pod_jar=$(ls inference-pod/target/inference-pod-*.jar | grep -v -e sources -e tests | head -1)
[ -f "$pod_jar" ] && [ -f gpu-exporter/target/gpu-exporter.jar ] || {
  echo "bundle.sh: build the jars first (drop --no-build)" >&2; exit 1; }
tokenizer_dir=$(scripts/fetch-tokenizer.sh)

if [ -n "$stage_only" ]; then
  stage=$stage_only
  rm -rf "$stage/app" "$stage/jni" "$stage/tokenizer" "$stage/jre"
else
  stage=$(mktemp -d "${TMPDIR:-/tmp}/qwenops-bundle.XXXXXX")
  trap 'rm -rf "$stage"' EXIT
fi
mkdir -p "$stage/app/libs" "$stage/jni" "$stage/tokenizer"

# One libs/ for both jars: their manifests both say libs/, and they share Helidon and Jackson.
cp "$pod_jar" "$stage/app/inference-pod.jar"
cp gpu-exporter/target/gpu-exporter.jar "$stage/app/gpu-exporter.jar"
cp gpu-exporter/target/libs/*.jar "$stage/app/libs/"
for jar in inference-pod/target/libs/*.jar; do
  name=$(basename "$jar")
  case "$name" in
    pytorch-native-cpu-*) ;;  # 111 MB of libtorch: the GPU machine's own PyTorch is used instead
    pytorch-jni-*)            # its libdjl_torch.so files go to jni/, where device-check.sh picks one
      jni_version=$(unzip -p "$jar" jnilib/pytorch.properties | sed -n 's/^jni_version=//p')
      torch_version=${jni_version%%-*}
      for flavour in $(unzip -Z1 "$jar" 'jnilib/linux-x86_64/*/libdjl_torch.so' | cut -d/ -f3); do
        mkdir -p "$stage/jni/$torch_version-$flavour"
        unzip -p "$jar" "jnilib/linux-x86_64/$flavour/libdjl_torch.so" > "$stage/jni/$torch_version-$flavour/libdjl_torch.so"
      done ;;
    tokenizers-*)             # keep only the linux-x86_64 native of the Hugging Face tokenizers
      cp "$jar" "$stage/app/libs/$name"
      zip -q -d "$stage/app/libs/$name" 'native/lib/linux-aarch64/*' 'native/lib/osx-*' 'native/lib/win-*' ;;
    *) cp "$jar" "$stage/app/libs/$name" ;;
  esac
done
for spec in "${extra_jni[@]}"; do
  key=${spec%%=*} path=${spec#*=}
  [ -f "$path" ] || { echo "bundle.sh: --jni $spec: no file $path" >&2; exit 1; }
  mkdir -p "$stage/jni/$key" && cp "$path" "$stage/jni/$key/libdjl_torch.so"
done
djl_version=$(ls "$stage/app/libs" | sed -n 's/^api-\(.*\)\.jar$/\1/p')
printf 'djl_version=%s\n' "$djl_version" > "$stage/jni/versions.properties"
cp "$tokenizer_dir"/tokenizer.json "$tokenizer_dir"/tokenizer_config.json "$tokenizer_dir"/LICENSE "$stage/tokenizer/"

if [ -n "$stage_only" ]; then
  ln -s "$JAVA_HOME" "$stage/jre"
  echo "Staged the payload in $stage (JRE: a link to $JAVA_HOME)"
  exit 0
fi

# The JRE: the modules jdeps finds in every jar, less those only javassist's debugger tools and compile-time
# annotations name (jdk.jdi, jdk.attach, java.instrument, java.compiler: never loaded by the servers), plus those
# loaded only by name (jdk.incubator.vector through --add-modules; java.naming, jdk.crypto.ec by Helidon).
# Uncompressed inside (zip-0): xz packs the plain module image to 23 MB, a zip-9 one to 29 MB.
modules=$(jdeps --multi-release "$(java_major "$JAVA_HOME")" --ignore-missing-deps --print-module-deps \
  --class-path "$stage/app/libs/*" "$stage/app/inference-pod.jar" "$stage/app/gpu-exporter.jar" \
  "$stage"/app/libs/*.jar 2>/dev/null | tail -1 | tr ',' '\n' \
  | grep -v -x -e jdk.jdi -e jdk.attach -e java.instrument -e java.compiler | paste -sd,)
modules="$modules,jdk.incubator.vector,java.naming,jdk.crypto.ec"
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-0 \
  --output "$stage/jre" > "$stage/jlink.log" 2>&1 || { cat "$stage/jlink.log" >&2; exit 1; }
echo "$modules" > "$stage/jre/MODULES"

mkdir -p "$out"
rm -rf "$out/lib" "$out/payload.tar.xz"
tar -C "$stage" -cf - jre app jni tokenizer | xz -T2 -"$xz_level" > "$out/payload.tar.xz"
cp "$here/device-check.sh" "$out/"
mkdir -p "$out/lib" && cp "$here"/lib/*.py "$out/lib/"
{
  echo "# QwenOps GPU bundle, $(git rev-parse --short HEAD 2>/dev/null || echo unknown), built $(date -u +%FT%TZ)"
  echo "# JRE modules: $modules"
  echo "# payload (uncompressed bytes, path):"
  (cd "$stage" && find jre app jni tokenizer -type f -printf '%s %p\n' | sort -k2)
  echo "# bundle files (bytes, path):"
  (cd "$out" && find . -type f ! -name CONTENTS.txt -printf '%s %P\n' | sort -k2)
} > "$out/CONTENTS.txt"
total=$(find "$out" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
unpacked=$(du -sb "$stage" | cut -f1)
printf 'Bundle %s: %.1f MiB (payload unpacks to %.1f MiB; JRE %.1f MiB); limit %.0f MiB\n' "$out" \
  "$(echo "$total / 1048576" | bc -l)" "$(echo "$unpacked / 1048576" | bc -l)" \
  "$(du -sb "$stage/jre" | cut -f1 | awk '{print $1 / 1048576}')" "$(echo "$limit / 1048576" | bc -l)"
if [ "$total" -gt "$limit" ]; then
  echo "bundle.sh: the bundle is $total bytes, over the limit of $limit" >&2
  exit 1
fi
