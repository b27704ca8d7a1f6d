#!/usr/bin/env bash
# Prints the raw and gzip -9 size of a .wasm file.
set -euo pipefail
raw=$(stat -c %s "$1")
gz=$(gzip -9 -c "$1" | wc -c)
echo "$1: $((raw / 1024)) KB raw, $((gz / 1024)) KB gzipped"
