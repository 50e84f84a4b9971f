#!/usr/bin/env bash
# Prepares what the aarch64 check (scripts/test-arm64.sh) needs, idempotently (root, Debian):
# qemu-user-static, and a sysroot in $EDGEPERF_ARM64_CACHE (default ~/.cache/edgeperf-arm64) holding
# Debian's arm64 openjdk-17-jre-headless and the libraries it and ONNX Runtime link, fetched with
# `apt-get download` and unpacked with `dpkg -x` (nothing arm64 is installed into the system; the arm64
# architecture is added to dpkg so that apt can fetch its packages). Exit 0 when the sysroot's java runs
# as aarch64; otherwise one line on stderr saying which step failed, exit 1 (2 for a non-Debian host or not root).
set -euo pipefail
cache="${EDGEPERF_ARM64_CACHE:-$HOME/.cache/edgeperf-arm64}"
sysroot="$cache/sysroot"
packages=(openjdk-17-jre-headless libc6 libgcc-s1 libstdc++6 zlib1g)
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fail() { echo "arm64/prepare: $*" >&2; exit 1; }

if "$here/java" --prepared >/dev/null 2>&1; then
  exit 0
fi
command -v apt-get >/dev/null && command -v dpkg >/dev/null || { echo "arm64/prepare: needs Debian's apt-get and dpkg" >&2; exit 2; }
[[ "$(id -u)" == 0 ]] || { echo "arm64/prepare: installing qemu-user-static and adding dpkg's arm64 architecture need root" >&2; exit 2; }
export DEBIAN_FRONTEND=noninteractive
qemu_missing=0
command -v qemu-aarch64-static >/dev/null || command -v qemu-aarch64 >/dev/null || qemu_missing=1
dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64 || fail "dpkg --add-architecture arm64 failed"
if (( qemu_missing )) || ! apt-cache show openjdk-17-jre-headless:arm64 >/dev/null 2>&1; then
  apt-get update -qq || fail "apt-get update failed"
fi
if (( qemu_missing )); then
  apt-get install -y -qq qemu-user-static >/dev/null || fail "apt-get install qemu-user-static failed"
fi
debs="$cache/debs"
rm -rf "$debs" "$sysroot.tmp"
mkdir -p "$debs" "$sysroot.tmp"
# apt's _apt user cannot write to root's cache; the download is of signed, checked packages either way
(cd "$debs" && apt-get download -q "${packages[@]/%/:arm64}" >/dev/null 2>&1) \
  || fail "apt-get download ${packages[*]/%/:arm64} failed (is arm64 served by the configured mirror?)"
for deb in "$debs"/*.deb; do
  dpkg -x "$deb" "$sysroot.tmp" || fail "dpkg -x $deb failed"
done
rm -rf "$sysroot"
mv "$sysroot.tmp" "$sysroot"
(cd "$debs" && ls *.deb) >"$sysroot/.edgeperf-packages"
rm -rf "$debs"
"$here/java" --prepared >/dev/null || fail "the sysroot was unpacked but its java does not run: $("$here/java" --prepared 2>&1 | tail -1)"
