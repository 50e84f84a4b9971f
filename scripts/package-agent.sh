#!/usr/bin/env bash
# Builds the agent release tarball edgeperf-agent-VERSION.tar.gz and edgeperf-agent-VERSION.tar.gz.sha256
# (sha256sum format, so `sha256sum -c` checks it) from agent/target:
#
#   scripts/package-agent.sh [--out DIR] [--input DIR] [--version VERSION]
#
#   --out DIR        where both files go (default agent/target)
#   --input DIR      take edgeperf-agent.jar and lib/ from DIR instead of agent/target (tests)
#   --version V      version in the name (default: the one the jar carries, edgeperf-core's version.properties)
#
# Without --input it builds agent/target first when the jar is missing or from another version than the pom.
# The tarball holds edgeperf-agent-VERSION/{edgeperf-agent.jar, lib/, bin/edgeperf-agent, bin/edgeperf-agent-service,
# share/edgeperf-agent.service.in, install-agent.sh, VERSION}; its bytes depend only on those files (sorted
# names, fixed owner and mtime, gzip without a timestamp), so one build gives one checksum.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "package-agent: $*" >&2; exit 2; }
out="$repo/agent/target" input="" version=""
while (( $# )); do
  if [[ "$1" == --*=* ]]; then set -- "${1%%=*}" "${1#*=}" "${@:2}"; fi
  case "$1" in
    --out|--input|--version)
      [[ -n "${2:-}" && "${2:-}" != --* ]] || die "$1 needs a value"
      case "$1" in --out) out="$2" ;; --input) input="$2" ;; --version) version="$2" ;; esac
      shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

pom_version() { sed -n '/<artifactId>edgeperf-parent<\/artifactId>/,/<\/version>/s:.*<version>\(.*\)</version>.*:\1:p' "$repo/pom.xml" | head -1; }
# The version compiled into the jars: edgeperf-core's version.properties, as the agent's --version shows it.
jar_version() {
  local core
  core="$(ls "$1"/lib/edgeperf-core-*.jar 2>/dev/null | head -1 || true)"
  [[ -n "$core" ]] || return 0
  { unzip -p "$core" dev/edgeperf/core/version.properties 2>/dev/null || true; } | sed -n 's/^version=//p' | tr -d '\r'
}

if [[ -z "$input" ]]; then
  input="$repo/agent/target"
  want="$(pom_version)"
  if [[ ! -f "$input/edgeperf-agent.jar" || ( -n "$want" && "$(jar_version "$input")" != "$want" ) ]]; then
    echo "package-agent: building agent/target (mvn -pl agent -am package -DskipTests) ..." >&2
    (cd "$repo" && mvn -B -q -o -pl agent -am package -DskipTests) >&2 \
      || die "the agent build failed (see above); without -o it may need the network once: mvn -B -q -pl agent -am package -DskipTests"
  fi
fi
[[ -f "$input/edgeperf-agent.jar" ]] || die "no edgeperf-agent.jar in '$input'"
[[ -d "$input/lib" ]] || die "no lib/ folder in '$input' (the jar's dependencies)"
[[ -n "$version" ]] || version="$(jar_version "$input")"
[[ -n "$version" ]] || version="$(pom_version)"
[[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]*$ ]] || die "version '$version' is not a version (letters, digits, . + _ -)"
mkdir -p "$out" || die "cannot create --out '$out'"
out="$(cd "$out" && pwd)"

name="edgeperf-agent-$version"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
dir="$stage/$name"
mkdir -p "$dir/bin" "$dir/lib" "$dir/share"
cp "$input/edgeperf-agent.jar" "$dir/"
cp "$input"/lib/*.jar "$dir/lib/"
install -m 0755 "$repo/packaging/agent/bin/edgeperf-agent" "$repo/packaging/agent/bin/edgeperf-agent-service" "$dir/bin/"
install -m 0644 "$repo/packaging/agent/edgeperf-agent.service.in" "$dir/share/"
install -m 0755 "$repo/scripts/install-agent.sh" "$dir/install-agent.sh"
echo "$version" > "$dir/VERSION"
chmod 0644 "$dir/edgeperf-agent.jar" "$dir"/lib/*.jar "$dir/VERSION"

# SOURCE_DATE_EPOCH, else the last commit's time: the same tree always packs to the same bytes
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || echo 0)}"
tarball="$out/$name.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$stage" -cf - "$name" | gzip -n > "$tarball.tmp"
mv "$tarball.tmp" "$tarball"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "packaged $tarball ($(du -h "$tarball" | cut -f1), $(ls "$dir"/lib | wc -l) libraries)"
echo "sha256 $(cut -d' ' -f1 "$tarball.sha256")  ($tarball.sha256)"
