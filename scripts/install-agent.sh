#!/usr/bin/env bash
# Installs, upgrades or removes the edgeperf agent as a systemd service (Raspberry Pi OS, Jetson Linux, any Linux).
#
#   sudo ./install-agent.sh --coordinator HOST:PORT --token-file FILE [options]   first install
#   sudo ./install-agent.sh [--tarball edgeperf-agent-V.tar.gz] [options]         re-install / upgrade: keeps config, token
#   sudo ./install-agent.sh --uninstall [--purge]
#
# Run from an unpacked release tarball (scripts/package-agent.sh builds it), with --tarball, or from a
# checkout (it packages agent/target first). Needs a Java 17+ runtime (apt-get install openjdk-17-jre-headless).
#
#   --coordinator HOST:PORT  coordinator gRPC address, kept in /etc/edgeperf/agent.conf
#   --token-file FILE        the coordinator's <data-dir>/join-token; copied to /etc/edgeperf/join-token (0600, service user)
#   --tls-ca PEM             certificate (or CA) of a coordinator serving TLS; copied to /etc/edgeperf/coordinator-ca.pem
#   --name NAME              agent name, unique in the fleet (default: host name)
#   --labels K=V,...         labels campaign selectors match, e.g. room=lab,owner=me
#   --cpus LIST              CPUAffinity= of the service, e.g. 1-3: the agent and its measurement workers run there only
#   --nice N                 Nice= of the service, -20..19 (default 0; the workers inherit it)
#   --java PATH              Java 17+ binary the service runs (default: java on PATH)
#   --user NAME              system user of the service, created when missing (default edgeperf)
#   --prefix DIR             program files (default /opt/edgeperf-agent)
#   --work-dir DIR           model cache and result spool, the service's only writable path (default /var/lib/edgeperf-agent)
#   --tarball FILE           install this release tarball, checked against FILE.sha256 before anything changes
#   --no-systemd             no unit (for hosts without systemd): install the files, print how to run in the foreground
#   --no-start               write and enable the unit, do not (re)start the agent
#   --dry-run                print every change, change nothing
#   --no-reach-check         do not check that the coordinator answers (install before it is up)
#   --uninstall              stop and remove the service and the program files; keeps /etc/edgeperf and the work dir
#   --purge                  with --uninstall: also remove /etc/edgeperf, the work dir and the service user
#   --root DIR               act on the tree under DIR instead of / (tests); systemctl is then only run as
#                            $EDGEPERF_SYSTEMCTL when that is set, and ownership needs root
#   -h, --help
#
# Bad input is one line and exit 2, before anything changes.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
me=install-agent
die() { echo "$me: $*" >&2; exit 2; }
warn() { echo "$me: warning: $*" >&2; }

coordinator="" token_file="" tls_ca="" name="" labels="" cpus="" nice="" java="" user="" prefix="" work_dir=""
tarball="" systemd=1 start=1 dry_run=0 uninstall=0 purge=0 root="" reach_check=1
install_opts=()
need() { [[ -n "${2:-}" && "${2:-}" != --* ]] || die "$1 needs a value: $3"; }
while (( $# )); do
  if [[ "$1" == --*=* ]]; then set -- "${1%%=*}" "${1#*=}" "${@:2}"; fi
  case "$1" in
    --coordinator) need "$1" "${2:-}" "HOST:PORT of the coordinator's gRPC port, e.g. 192.168.1.10:7700"; coordinator="$2" ;;
    --token-file) need "$1" "${2:-}" "FILE holding the join token (the coordinator's <data-dir>/join-token)"; token_file="$2" ;;
    --tls-ca) need "$1" "${2:-}" "PEM file of the coordinator's certificate or CA"; tls_ca="$2" ;;
    --name) need "$1" "${2:-}" "NAME of this agent"; name="$2" ;;
    --labels) need "$1" "${2:-}" "K=V[,K=V...]"; labels="$2" ;;
    --cpus) need "$1" "${2:-}" "CPU LIST such as 1-3 or 0,2"; cpus="$2" ;;
    --nice) [[ -n "${2:-}" ]] || die "--nice needs a value: N from -20 to 19"; nice="$2" ;;
    --java) need "$1" "${2:-}" "PATH of a Java 17+ binary"; java="$2" ;;
    --user) need "$1" "${2:-}" "NAME of the service user"; user="$2" ;;
    --prefix) need "$1" "${2:-}" "DIR for the program files"; prefix="$2" ;;
    --work-dir) need "$1" "${2:-}" "DIR for the cache and spool"; work_dir="$2" ;;
    --tarball) need "$1" "${2:-}" "FILE edgeperf-agent-VERSION.tar.gz"; tarball="$2" ;;
    --root) need "$1" "${2:-}" "DIR to install under"; root="$2" ;;
    --no-systemd) systemd=0; shift; continue ;;
    --no-start) start=0; shift; continue ;;
    --dry-run) dry_run=1; shift; continue ;;
    --no-reach-check) reach_check=0; shift; continue ;;
    --uninstall) uninstall=1; shift; continue ;;
    --purge) purge=1; shift; continue ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  case "$1" in --coordinator|--token-file|--tls-ca|--name|--labels|--cpus|--nice|--java|--tarball) install_opts+=("$1") ;; esac
  shift 2
done

# ---- validate everything before touching anything ----
if [[ -n "$root" ]]; then
  [[ -d "$root" ]] || die "--root '$root' is not a directory"
  root="$(cd "$root" && pwd)"
  [[ "$root" != / ]] || root=""
fi
R="$root"
abs_dir() { [[ "$2" == /* && "$2" != / && "$2" != *[[:space:]]* ]] || die "$1 '$2' must be an absolute path without spaces, not /"; }
prefix="${prefix:-/opt/edgeperf-agent}"; abs_dir --prefix "$prefix"; prefix="${prefix%/}"
[[ -z "$work_dir" ]] || abs_dir --work-dir "$work_dir"
[[ -z "$user" || "$user" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || die "--user '$user' is not a user name (lower case letters, digits, _ -)"
(( purge == 0 || uninstall == 1 )) || die "--purge only goes with --uninstall"
if (( uninstall )) && (( ${#install_opts[@]} )); then
  die "--uninstall takes no install options (got ${install_opts[0]}); it removes what an install made"
fi
etc=/etc/edgeperf conf=/etc/edgeperf/agent.conf token_dst=/etc/edgeperf/join-token ca_dst=/etc/edgeperf/coordinator-ca.pem
unit=/etc/systemd/system/edgeperf-agent.service

# key=value file, parsed like bin/edgeperf-agent-service does (never sourced)
declare -A old=()
if [[ -f "$R$conf" ]]; then
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    [[ -z "$line" || "$line" == \#* || "$line" != *=* ]] && continue
    old[${line%%=*}]="${line#*=}"
  done < "$R$conf"
fi
unit_setting() { [[ -f "$R$unit" ]] && sed -n "s/^$1=//p" "$R$unit" | head -1 || true; }
user="${user:-$(unit_setting User)}"; user="${user:-edgeperf}"

if (( ! uninstall )); then
  if [[ -n "$coordinator" ]]; then
    [[ "$coordinator" =~ ^([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):([0-9]{1,5})$ ]] && (( BASH_REMATCH[2] >= 1 && BASH_REMATCH[2] <= 65535 )) \
      || die "--coordinator '$coordinator' is not HOST:PORT (e.g. 192.168.1.10:7700, port 1-65535)"
  elif [[ -z "${old[coordinator]:-}" ]]; then
    die "--coordinator HOST:PORT is required (no $conf to take it from)"
  fi
  if [[ -n "$token_file" ]]; then
    [[ -f "$token_file" && -r "$token_file" ]] || die "--token-file '$token_file' is not a readable file (copy <data-dir>/join-token from the coordinator)"
    [[ -s "$token_file" ]] || die "--token-file '$token_file' is empty (copy <data-dir>/join-token from the coordinator)"
  elif [[ ! -f "$R$token_dst" ]]; then
    die "--token-file FILE is required (no $token_dst installed yet; copy <data-dir>/join-token from the coordinator)"
  fi
  if [[ -n "$tls_ca" ]]; then
    [[ -f "$tls_ca" && -r "$tls_ca" ]] || die "--tls-ca '$tls_ca' is not a readable file"
    grep -q -- '-----BEGIN CERTIFICATE-----' "$tls_ca" || die "--tls-ca '$tls_ca' holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
  fi
  [[ -z "$name" || "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]] || die "--name '$name' must be letters, digits, . _ - (at most 63)"
  [[ -z "$labels" || "$labels" =~ ^[A-Za-z0-9_.-]+=[^,=[:space:]]+(,[A-Za-z0-9_.-]+=[^,=[:space:]]+)*$ ]] \
    || die "--labels '$labels' is not K=V[,K=V...] (e.g. room=lab,owner=me)"
  [[ -z "$cpus" || "$cpus" =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] || die "--cpus '$cpus' is not a CPU list (e.g. 1-3 or 0,2,4-5)"
  if [[ -n "$nice" ]]; then
    [[ "$nice" =~ ^-?[0-9]{1,2}$ ]] && (( nice >= -20 && nice <= 19 )) || die "--nice '$nice' is not a number from -20 to 19"
  fi
  if [[ -n "$java" ]]; then
    [[ -f "$java" && -x "$java" ]] || die "--java '$java' is not an executable file"
  else
    java="${old[java]:-}"
    if [[ -z "$java" || ! -x "$R$java" && ! -x "$java" ]]; then
      java="$(command -v java || true)"
      [[ -n "$java" || -n "$R" ]] || die "no java on PATH; install a Java 17+ runtime (apt-get install openjdk-17-jre-headless) or pass --java PATH"
    fi
  fi
  if [[ -n "$tarball" ]]; then
    [[ -f "$tarball" && -r "$tarball" ]] || die "--tarball '$tarball' is not a readable file"
  fi
fi
[[ -n "$R" || $EUID -eq 0 ]] || die "run as root (sudo): it writes $prefix, $etc and a systemd unit"

# an agent pointed at a coordinator it cannot reach would only retry forever in the journal: say so now
if (( reach_check && ! uninstall )); then
  target="${coordinator:-${old[coordinator]:-}}"
  host="${target%:*}"; host="${host#[}"; host="${host%]}"
  timeout 3 bash -c "exec 3<>/dev/tcp/$host/${target##*:}" 2>/dev/null \
    || die "coordinator $target does not answer from this host (no TCP connection within 3 s); check the address, that it runs \`serve\` and the firewall, or pass --no-reach-check to install anyway; nothing was changed"
fi

# systemd before anything: a host without it must not end up half installed
have_systemd() { [[ -d "$R/run/systemd/system" ]] && { [[ -n "$R" ]] || command -v systemctl >/dev/null; }; }
if (( systemd && ! uninstall )) && ! have_systemd; then
  die "systemd is not running here (no /run/systemd/system); pass --no-systemd to install the files and run the agent in the foreground"
fi

# ---- the payload: a verified tarball, this unpacked tarball, or this checkout packaged ----
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
if (( ! uninstall )); then
  if [[ -z "$tarball" && ! -f "$here/edgeperf-agent.jar" ]]; then
    [[ -x "$here/package-agent.sh" ]] || die "no edgeperf-agent.jar next to $0 and no --tarball; run it from an unpacked edgeperf-agent tarball"
    echo "$me: packaging this checkout first (scripts/package-agent.sh)" >&2
    "$here/package-agent.sh" --out "$scratch/dist" >&2
    tarball="$(ls "$scratch"/dist/edgeperf-agent-*.tar.gz)"
  fi
  if [[ -n "$tarball" ]]; then
    sums="$tarball.sha256"
    [[ -r "$sums" ]] || die "no $sums next to the tarball; fetch it too (the tarball is checked before anything changes)"
    want="$(awk 'NR == 1 { print tolower($1) }' "$sums")"
    [[ "$want" =~ ^[0-9a-f]{64}$ ]] || die "$sums holds no SHA-256 checksum"
    got="$(sha256sum "$tarball" | cut -d' ' -f1)"
    [[ "$got" == "$want" ]] || die "$tarball: checksum mismatch (sha256 $got, $sums says $want); download both again; nothing was changed"
    mkdir "$scratch/x"
    tar -xzf "$tarball" -C "$scratch/x" 2>/dev/null || die "$tarball: not a readable tar.gz"
    payload="$(find "$scratch/x" -mindepth 1 -maxdepth 1 -type d -name 'edgeperf-agent-*' | head -1)"
  else
    payload="$here"
  fi
  for f in edgeperf-agent.jar lib install-agent.sh bin/edgeperf-agent bin/edgeperf-agent-service share/edgeperf-agent.service.in VERSION; do
    [[ -n "$payload" && -e "$payload/$f" ]] || die "${tarball:-$here}: not an edgeperf agent release (no $f)"
  done
  version="$(head -1 "$payload/VERSION")"
fi

# ---- changes: each one printed; --dry-run prints and stops there ----
changed=0 kept=0
act() {
  local what="$1"; shift
  changed=1
  if (( dry_run )); then echo "would $what"; else echo "$what"; "$@"; fi
}
# uid:gid of the service user in the target tree; empty when it does not exist (yet) or ownership is not ours to set
owner=""
resolve_owner() {
  owner=""
  [[ $EUID -eq 0 ]] || return 0
  if [[ -n "$R" ]]; then
    owner="$(awk -F: -v u="$user" '$1 == u { print $3 ":" $4 }' "$R/etc/passwd" 2>/dev/null || true)"
  elif id -u "$user" >/dev/null 2>&1; then
    owner="$(id -u "$user"):$(id -g "$user")"
  fi
}
same_file() { # src dst mode [uid:gid]
  [[ -f "$R$2" ]] && cmp -s "$1" "$R$2" && [[ "$(stat -c %a "$R$2")" == "${3#0}" ]] \
    && { [[ -z "${4:-}" ]] || [[ "$(stat -c %u:%g "$R$2")" == "$4" ]]; }
}
put() { # src dst mode [uid:gid]
  local src="$1" dst="$2" mode="$3" own="${4:-}"
  if same_file "$src" "$dst" "$mode" "$own"; then kept=$((kept + 1)); return 0; fi
  act "install $dst (mode $mode${own:+, owner $user})" install -m "$mode" ${own:+-o "${own%:*}" -g "${own#*:}"} "$src" "$R$dst"
}
put_text() { # text dst mode [uid:gid]
  local tmp="$scratch/text.$RANDOM"
  printf '%s' "$1" > "$tmp"
  put "$tmp" "$2" "$3" "${4:-}"
}
dir() { # path mode [uid:gid]
  local path="$1" mode="$2" own="${3:-}"
  if [[ -d "$R$path" && "$(stat -c %a "$R$path")" == "${mode#0}" ]] && { [[ -z "$own" ]] || [[ "$(stat -c %u:%g "$R$path")" == "$own" ]]; }; then
    return 0
  fi
  act "create directory $path (mode $mode${own:+, owner $user})" install -d -m "$mode" ${own:+-o "${own%:*}" -g "${own#*:}"} "$R$path"
}
systemctl_() {
  if [[ -n "$R" && -z "${EDGEPERF_SYSTEMCTL:-}" ]]; then
    echo "skip (under --root): systemctl $*"
    return 0
  fi
  act "run systemctl $*" "${EDGEPERF_SYSTEMCTL:-systemctl}" "$@"
}

if (( uninstall )); then
  if [[ ! -e "$R$unit" && ! -e "$R$prefix" ]]; then
    echo "$me: nothing to uninstall (no $unit, no $prefix)"
    exit 0
  fi
  [[ ! -e "$R$prefix" || -f "$R$prefix/edgeperf-agent.jar" || -f "$R$prefix/bin/edgeperf-agent" ]] \
    || die "$prefix holds no edgeperf agent (no edgeperf-agent.jar); check --prefix, nothing was removed"
  work="${old[work_dir]:-${work_dir:-/var/lib/edgeperf-agent}}"
  if [[ -e "$R$unit" ]]; then
    # a unit left from a host that has no systemd any more (a container image) is only a file to delete
    talk=0
    if [[ -n "$R" ]] || have_systemd; then talk=1; fi
    if (( talk )); then systemctl_ disable --now edgeperf-agent.service; fi
    act "remove $unit" rm -f "$R$unit"
    if (( talk )); then systemctl_ daemon-reload; fi
  fi
  [[ -e "$R$prefix" ]] && act "remove $prefix" rm -rf "$R$prefix"
  if (( purge )); then
    [[ -e "$R$etc" ]] && act "remove $etc (config, token, certificate)" rm -rf "$R$etc"
    [[ -e "$R$work" ]] && act "remove $work (model cache, unsent results)" rm -rf "$R$work"
    resolve_owner
    if [[ -n "$owner" ]]; then act "remove user $user" userdel ${R:+--root "$R"} "$user"; fi
  else
    echo "kept $etc (config, token) and $work (model cache, unsent results); --uninstall --purge removes them"
  fi
  (( dry_run )) && echo "dry run: nothing was changed"
  exit 0
fi

installed="$(head -1 "$R$prefix/VERSION" 2>/dev/null || true)"
case "$installed" in
  "") what="new install" ;;
  "$version") what="re-install" ;;
  *) what="upgrade from $installed" ;;
esac
echo "edgeperf-agent $version into ${R:+$R:}$prefix ($what)"

resolve_owner
if [[ -z "$owner" && $EUID -eq 0 ]]; then
  act "create system user $user" useradd ${R:+--root "$R"} --system --user-group --home-dir "${work_dir:-${old[work_dir]:-/var/lib/edgeperf-agent}}" \
    --no-create-home --shell /usr/sbin/nologin "$user"
  # a dry run creates no user: "pending" shows the owner the files would get
  if (( dry_run )); then owner=pending; else resolve_owner; fi
elif [[ $EUID -ne 0 ]]; then
  echo "skip (not root): user $user and file ownership"
fi

work_dir="${work_dir:-${old[work_dir]:-/var/lib/edgeperf-agent}}"
dir "$prefix" 0755
dir "$prefix/bin" 0755
dir "$prefix/lib" 0755
dir "$prefix/share" 0755
put "$payload/edgeperf-agent.jar" "$prefix/edgeperf-agent.jar" 0644
for jar in "$payload"/lib/*.jar; do
  put "$jar" "$prefix/lib/${jar##*/}" 0644
done
for stale in "$R$prefix"/lib/*.jar; do
  [[ -e "$stale" && ! -e "$payload/lib/${stale##*/}" ]] && act "remove $prefix/lib/${stale##*/} (not in $version)" rm -f "$stale"
done
put "$payload/bin/edgeperf-agent" "$prefix/bin/edgeperf-agent" 0755
put "$payload/bin/edgeperf-agent-service" "$prefix/bin/edgeperf-agent-service" 0755
put "$payload/share/edgeperf-agent.service.in" "$prefix/share/edgeperf-agent.service.in" 0644
put "$payload/install-agent.sh" "$prefix/install-agent.sh" 0755
put "$payload/VERSION" "$prefix/VERSION" 0644
dir "$work_dir" 0750 "$owner"

dir "$etc" 0755
if [[ -n "$token_file" ]]; then
  perm="$(stat -c %a "$token_file")"
  if (( 8#$perm & 8#077 )); then
    warn "token file $token_file has mode 0$perm (group/others can read the join token); the installed copy is 0600, chmod 600 or delete the original"
  fi
  put "$token_file" "$token_dst" 0600 "$owner"
elif [[ -n "$owner" ]] && ! same_file "$R$token_dst" "$token_dst" 0600 "$owner"; then
  act "set $token_dst to mode 0600, owner $user" chown "$owner" "$R$token_dst"
  (( dry_run )) || chmod 0600 "$R$token_dst"
fi
ca="${old[tls_ca]:-}"
if [[ -n "$tls_ca" ]]; then
  put "$tls_ca" "$ca_dst" 0644
  ca="$ca_dst"
fi
config="# edgeperf agent configuration, read by $prefix/bin/edgeperf-agent-service at each start.
# Written by install-agent.sh, which keeps these values on re-install and upgrade unless given anew;
# after editing by hand: systemctl restart edgeperf-agent
coordinator=${coordinator:-${old[coordinator]}}
token_file=$token_dst
name=${name:-${old[name]:-$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)}}
labels=${labels:-${old[labels]:-}}
tls_ca=$ca
java=$java
java_opts=${old[java_opts]:-}
work_dir=$work_dir
"
put_text "$config" "$conf" 0644

fg_cmd="sudo -u $user $prefix/bin/edgeperf-agent-service $conf"
if (( systemd )); then
  nice="${nice:-$(unit_setting Nice)}"; nice="${nice:-0}"
  cpus="${cpus:-$(unit_setting CPUAffinity)}"
  affinity="# CPUAffinity= not set: install-agent.sh --cpus LIST pins the agent and its workers"
  [[ -n "$cpus" ]] && affinity="CPUAffinity=$cpus"
  rendered="$(sed -e "s|@VERSION@|$version|g" -e "s|@USER@|$user|g" -e "s|@PREFIX@|$prefix|g" -e "s|@CONF@|$conf|g" \
    -e "s|@WORK_DIR@|$work_dir|g" -e "s|@NICE@|$nice|g" -e "s|@CPU_AFFINITY@|$affinity|g" "$payload/share/edgeperf-agent.service.in")
"
  before=$changed
  changed=0
  dir /etc/systemd/system 0755
  put_text "$rendered" "$unit" 0644
  unit_changed=$changed
  changed=$(( before | unit_changed ))
  files_changed=$changed
  (( unit_changed )) && systemctl_ daemon-reload
  systemctl_ enable edgeperf-agent.service
  if (( ! start )); then
    echo "not started (--no-start): systemctl start edgeperf-agent"
  elif (( files_changed )); then
    systemctl_ restart edgeperf-agent.service
  else
    systemctl_ start edgeperf-agent.service
  fi
  log_hint="journalctl -u edgeperf-agent -f"
else
  files_changed=$changed
  [[ -n "$cpus" ]] && fg_cmd="taskset -c $cpus $fg_cmd"
  [[ -n "$nice" && "$nice" != 0 ]] && fg_cmd="nice -n $nice $fg_cmd"
  log_hint=""
fi

if (( dry_run )); then
  echo "dry run: nothing was changed"
elif (( files_changed )); then
  echo "installed edgeperf-agent $version ($what; $kept files already up to date)"
else
  echo "no changes: edgeperf-agent $version already installed as configured"
fi
if (( ! systemd )); then
  echo "no systemd unit (--no-systemd); run the agent in the foreground with: $fg_cmd"
elif (( ! dry_run )); then
  echo "logs: $log_hint"
fi
