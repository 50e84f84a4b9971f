#!/usr/bin/env bash
# Tests scripts/package-agent.sh and scripts/install-agent.sh on fake roots (install-agent.sh --root), touching
# nothing outside a temporary directory: exit 0 when everything holds, 1 with a FAIL line per broken check.
#
#   scripts/test-install-agent.sh [--keep]     (--keep leaves the temporary directory for a look)
#
# Tarballs are packaged from small fake jars (package-agent.sh --input), systemctl is a logging fake
# ($EDGEPERF_SYSTEMCTL), java a fake that prints its arguments. Run as root it also checks ownership and the
# service user (useradd --root); with systemd-analyze on PATH it verifies the installed unit.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
keep=0
[[ "${1:-}" == --keep ]] && keep=1
t="$(mktemp -d)"
(( keep )) || trap 'rm -rf "$t"' EXIT
fails=0 checks=0
ok() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
check() { local what="$1"; shift; if "$@"; then ok; else fail "$what"; fi; }
contains() { grep -qF -- "$2" "$1"; }
lines() { [[ "$(grep -c '' "$1")" == "$2" ]]; }

# ---- fixtures ----
mkdir -p "$t/bin"
cat > "$t/bin/systemctl" <<EOF
#!/usr/bin/env bash
echo "\$*" >> "$t/systemctl.log"
EOF
cat > "$t/bin/java" <<'EOF'
#!/usr/bin/env bash
printf '%s\n' "$@"
EOF
chmod +x "$t/bin/systemctl" "$t/bin/java"
export EDGEPERF_SYSTEMCTL="$t/bin/systemctl"
printf 'tok-%s\n' "$RANDOM$RANDOM" > "$t/token"; chmod 0600 "$t/token"
cp "$t/token" "$t/loose-token"; chmod 0644 "$t/loose-token"
printf -- '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' > "$t/ca.pem"

mk_input() { # dir version
  mkdir -p "$1/lib"
  echo "agent $2" > "$1/edgeperf-agent.jar"
  echo "core $2" > "$1/lib/edgeperf-core-$2.jar"
  echo "grpc" > "$1/lib/grpc-netty.jar"
}
mk_input "$t/in1" 1.0.0
mk_input "$t/in2" 2.0.0
pkg() { "$repo/scripts/package-agent.sh" --input "$t/in$1" --out "$t/dist$1" --version "$1.0.0" > "$t/pkg$1.out" 2>&1; }
check "package v1" pkg 1
check "package v2" pkg 2
v1="$t/dist1/edgeperf-agent-1.0.0.tar.gz" v2="$t/dist2/edgeperf-agent-2.0.0.tar.gz"
check "tarball and .sha256 written" test -f "$v1" -a -f "$v1.sha256"
check ".sha256 checks with sha256sum -c" bash -c "cd '$t/dist1' && sha256sum -c --quiet edgeperf-agent-1.0.0.tar.gz.sha256"
tar -tzf "$v1" > "$t/list1" 2>/dev/null
for f in edgeperf-agent.jar lib/edgeperf-core-1.0.0.jar bin/edgeperf-agent bin/edgeperf-agent-service \
         share/edgeperf-agent.service.in install-agent.sh VERSION; do
  check "tarball holds $f" contains "$t/list1" "edgeperf-agent-1.0.0/$f"
done
first="$(cut -d' ' -f1 "$v1.sha256")"
pkg 1
check "packaging twice gives the same bytes" test "$first" == "$(cut -d' ' -f1 "$v1.sha256")"
check "package-agent: an option without its value is exit 2" bash -c "'$repo/scripts/package-agent.sh' --out 2>/dev/null; test \$? -eq 2"

new_root() { # dir [nosystemd]
  mkdir -p "$1/etc" "$1/usr/sbin"
  [[ "${2:-}" == nosystemd ]] || mkdir -p "$1/run/systemd/system"
  printf 'root:x:0:0:root:/root:/bin/bash\n' > "$1/etc/passwd"
  printf 'root:x:0:\n' > "$1/etc/group"
  printf 'root:*::0:99999:7:::\n' > "$1/etc/shadow"
  printf 'root:*::\n' > "$1/etc/gshadow"
  printf '#!/bin/sh\nexit 1\n' > "$1/usr/sbin/nologin"; chmod +x "$1/usr/sbin/nologin"
}
snapshot() { (cd "$1" && find . -printf '%p %m %u:%g %s\n' | sort && find . -type f -exec sha256sum {} + | sort); }
inst() { # root, args...
  local r="$1"; shift
  # the fixtures' coordinators do not exist: only the reach-check tests (reach=1) let the script try to connect
  local flags=(--no-reach-check); (( ${reach:-0} )) && flags=()
  bash "$repo/scripts/install-agent.sh" --root "$r" "${flags[@]}" "$@" > "$t/out" 2> "$t/err"
}
# exit 2, exactly one line on stderr, the root as before
rejects() { # what root expected-text args...
  local what="$1" r="$2" text="$3"; shift 3
  local before; before="$(snapshot "$r")"
  inst "$r" "$@"
  local rc=$?
  check "$what: exit 2 (got $rc: $(head -c 200 "$t/err"))" test "$rc" -eq 2
  check "$what: one line on stderr" lines "$t/err" 1
  check "$what: says '$text'" contains "$t/err" "$text"
  check "$what: nothing changed" test "$before" == "$(snapshot "$r")"
}
root_user=0
[[ $EUID -eq 0 ]] && root_user=1
base=(--coordinator 192.168.1.10:7700 --token-file "$t/token" --name pi5-lab --labels room=lab,owner=me --cpus 1-2 --nice 5
      --java "$t/bin/java")

# ---- dry run changes nothing ----
r="$t/root"; new_root "$r"
before="$(snapshot "$r")"
inst "$r" --dry-run --tarball "$v1" "${base[@]}"
check "dry run: exit 0 ($(cat "$t/err"))" test $? -eq 0
check "dry run: prints the jar it would install" contains "$t/out" "would install /opt/edgeperf-agent/edgeperf-agent.jar"
check "dry run: prints the unit it would write" contains "$t/out" "would install /etc/systemd/system/edgeperf-agent.service"
check "dry run: prints the systemctl calls" contains "$t/out" "would run systemctl enable edgeperf-agent.service"
(( root_user )) && check "dry run: prints the user it would create" contains "$t/out" "would create system user edgeperf"
check "dry run: says nothing was changed" contains "$t/out" "dry run: nothing was changed"
check "dry run: tree unchanged" test "$before" == "$(snapshot "$r")"
check "dry run: systemctl never called" test ! -e "$t/systemctl.log"

# ---- install ----
inst "$r" --tarball "$v1" "${base[@]}"
check "install: exit 0 ($(cat "$t/err"))" test $? -eq 0
check "install: new install" contains "$t/out" "edgeperf-agent 1.0.0 into $r:/opt/edgeperf-agent (new install)"
for f in edgeperf-agent.jar lib/edgeperf-core-1.0.0.jar lib/grpc-netty.jar bin/edgeperf-agent bin/edgeperf-agent-service \
         install-agent.sh VERSION; do
  check "install: /opt/edgeperf-agent/$f" test -f "$r/opt/edgeperf-agent/$f"
done
conf="$r/etc/edgeperf/agent.conf" unit="$r/etc/systemd/system/edgeperf-agent.service"
check "install: config has the coordinator" contains "$conf" "coordinator=192.168.1.10:7700"
check "install: config has the labels" contains "$conf" "labels=room=lab,owner=me"
check "install: config points at the installed token" contains "$conf" "token_file=/etc/edgeperf/join-token"
check "install: token copied" cmp -s "$t/token" "$r/etc/edgeperf/join-token"
check "install: token mode 0600" test "$(stat -c %a "$r/etc/edgeperf/join-token")" == 600
if (( root_user )); then
  uid="$(awk -F: '$1 == "edgeperf" { print $3 ":" $4 }' "$r/etc/passwd")"
  check "install: system user created in the root's passwd" test -n "$uid"
  check "install: token owned by the service user" test "$(stat -c %u:%g "$r/etc/edgeperf/join-token")" == "$uid"
  check "install: work dir owned by the service user" test "$(stat -c %u:%g "$r/var/lib/edgeperf-agent")" == "$uid"
  check "install: program files owned by root" test "$(stat -c %u "$r/opt/edgeperf-agent/edgeperf-agent.jar")" == 0
fi
for line in User=edgeperf "ExecStart=/opt/edgeperf-agent/bin/edgeperf-agent-service /etc/edgeperf/agent.conf" \
            NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
            ReadWritePaths=/var/lib/edgeperf-agent Nice=5 CPUAffinity=1-2 RestartPreventExitStatus=2; do
  check "unit: $line" grep -qxF -- "$line" "$unit"
done
check "unit: no placeholder left" bash -c "! grep -q @ '$unit'"
check "install: systemctl daemon-reload, enable, restart" \
  test "$(cat "$t/systemctl.log")" == "$(printf 'daemon-reload\nenable edgeperf-agent.service\nrestart edgeperf-agent.service')"
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$r/usr/lib/systemd"
  cp -r /usr/lib/systemd/system "$r/usr/lib/systemd/system" 2>/dev/null || cp -r /lib/systemd/system "$r/usr/lib/systemd/system"
  systemd-analyze verify --root="$r" /etc/systemd/system/edgeperf-agent.service > "$t/verify" 2>&1
  check "unit passes systemd-analyze verify: $(head -c 300 "$t/verify")" test $? -eq 0 -a ! -s "$t/verify"
  rm -rf "$r/usr/lib/systemd"
else
  echo "note: no systemd-analyze on PATH, unit not verified"
fi

# the service script turns the config into agent flags (the fake java prints them)
"$r/opt/edgeperf-agent/bin/edgeperf-agent-service" "$conf" > "$t/args" 2> "$t/err"
check "service: runs java ($(cat "$t/err"))" test $? -eq 0
for a in -jar "$r/opt/edgeperf-agent/edgeperf-agent.jar" run --coordinator=192.168.1.10:7700 \
         --token-file=/etc/edgeperf/join-token --work-dir=/var/lib/edgeperf-agent --name=pi5-lab --labels=room=lab,owner=me; do
  check "service: passes $a" grep -qxF -- "$a" "$t/args"
done
check "service: no --tls-ca without one" bash -c "! grep -q -- --tls-ca '$t/args'"
printf 'coordinator=h:1\nbogus=1\n' > "$t/bad.conf"
"$r/opt/edgeperf-agent/bin/edgeperf-agent-service" "$t/bad.conf" > /dev/null 2> "$t/err"
check "service: unknown config key is exit 2" test $? -eq 2
check "service: ... one line naming file:line" bash -c "grep -c '' '$t/err' | grep -qx 1 && grep -q 'bad.conf:2: unknown key' '$t/err'"

# ---- re-install is idempotent ----
before="$(snapshot "$r")"
: > "$t/systemctl.log"
inst "$r" --tarball "$v1" "${base[@]}"
check "re-install: exit 0 ($(cat "$t/err"))" test $? -eq 0
check "re-install: says no changes" contains "$t/out" "no changes: edgeperf-agent 1.0.0 already installed"
check "re-install: tree identical" test "$before" == "$(snapshot "$r")"
check "re-install: only enable + start, no restart" \
  test "$(cat "$t/systemctl.log")" == "$(printf 'enable edgeperf-agent.service\nstart edgeperf-agent.service')"

# ---- wrong checksum leaves the install untouched ----
cp "$v2" "$t/bad.tar.gz"; cp "$v1.sha256" "$t/bad.tar.gz.sha256"
rejects "wrong checksum" "$r" "checksum mismatch" --tarball "$t/bad.tar.gz"
rm "$t/bad.tar.gz.sha256"
rejects "tarball without .sha256" "$r" "bad.tar.gz.sha256" --tarball "$t/bad.tar.gz"

# ---- upgrade keeps config, token and unit settings ----
conf_before="$(grep -v '^#' "$conf")"
: > "$t/systemctl.log"
inst "$r" --tarball "$v2"
check "upgrade: exit 0 ($(cat "$t/err"))" test $? -eq 0
check "upgrade: says upgrade from 1.0.0" contains "$t/out" "(upgrade from 1.0.0)"
check "upgrade: config kept" test "$conf_before" == "$(grep -v '^#' "$conf")"
check "upgrade: token kept" cmp -s "$t/token" "$r/etc/edgeperf/join-token"
check "upgrade: VERSION 2.0.0" test "$(cat "$r/opt/edgeperf-agent/VERSION")" == 2.0.0
check "upgrade: new library in" test -f "$r/opt/edgeperf-agent/lib/edgeperf-core-2.0.0.jar"
check "upgrade: old library out" test ! -e "$r/opt/edgeperf-agent/lib/edgeperf-core-1.0.0.jar"
check "upgrade: CPUAffinity and Nice kept" bash -c "grep -qx CPUAffinity=1-2 '$unit' && grep -qx Nice=5 '$unit'"
check "upgrade: restarted" contains "$t/systemctl.log" "restart edgeperf-agent.service"
inst "$r" --tarball "$v2" --coordinator 10.0.0.9:7700 --tls-ca "$t/ca.pem"
check "reconfigure: exit 0" test $? -eq 0
check "reconfigure: new coordinator" contains "$conf" "coordinator=10.0.0.9:7700"
check "reconfigure: labels still there" contains "$conf" "labels=room=lab,owner=me"
check "reconfigure: CA installed and configured" bash -c "test -f '$r/etc/edgeperf/coordinator-ca.pem' && grep -qx tls_ca=/etc/edgeperf/coordinator-ca.pem '$conf'"

# ---- bad arguments: one line, exit 2, nothing changed ----
rejects "--coordinator without a value" "$r" "--coordinator needs a value" --coordinator
rejects "--coordinator followed by an option" "$r" "--coordinator needs a value" --coordinator --token-file "$t/token"
rejects "--coordinator= empty" "$r" "--coordinator needs a value" --coordinator=
rejects "--coordinator not HOST:PORT" "$r" "is not HOST:PORT" --coordinator pi.local
rejects "--coordinator port out of range" "$r" "is not HOST:PORT" --coordinator pi.local:70000
rejects "--token-file missing" "$r" "is not a readable file" --token-file "$t/nope"
rejects "--labels malformed" "$r" "is not K=V" --labels room
rejects "--cpus malformed" "$r" "is not a CPU list" --cpus one
rejects "--nice out of range" "$r" "from -20 to 19" --nice 40
rejects "--java missing" "$r" "is not an executable file" --java "$t/nope"
rejects "--tls-ca not PEM" "$r" "holds no PEM certificate" --tls-ca "$t/token"
rejects "--tarball missing" "$r" "is not a readable file" --tarball "$t/nope.tar.gz"
rejects "unknown option" "$r" "unknown option '--bogus'" --bogus
rejects "--purge alone" "$r" "--purge only goes with --uninstall" --purge
rejects "--uninstall with install options" "$r" "--uninstall takes no install options" --uninstall --coordinator h:1
rejects "--root not a directory" "$r" "is not a directory" --root "$t/nope"

# ---- a coordinator that does not answer is refused before anything changes; one that answers is not ----
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
closed=47311; while answers "$closed"; do closed=$((closed + 1)); done
reach=1 rejects "unreachable coordinator" "$r" "coordinator 127.0.0.1:$closed does not answer from this host" \
  --coordinator "127.0.0.1:$closed"
if command -v python3 >/dev/null; then
  python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(8); print(s.getsockname()[1], flush=True); time.sleep(60)' > "$t/port" &
  listener=$!
  for _ in $(seq 50); do [[ -s "$t/port" ]] && break; sleep 0.1; done
  reach=1 inst "$r" --dry-run --coordinator "127.0.0.1:$(cat "$t/port")"
  check "reachable coordinator: exit 0 ($(head -c 200 "$t/err"))" test $? -eq 0
  kill "$listener" 2>/dev/null || true
fi

# ---- first install needs coordinator and token; no systemd is refused before anything ----
r2="$t/root2"; new_root "$r2"
rejects "first install without --coordinator" "$r2" "--coordinator HOST:PORT is required" --tarball "$v1" --token-file "$t/token"
rejects "first install without --token-file" "$r2" "--token-file FILE is required" --tarball "$v1" --coordinator h:1
r3="$t/root3"; new_root "$r3" nosystemd
rejects "no systemd" "$r3" "pass --no-systemd" --tarball "$v1" "${base[@]}"
inst "$r3" --no-systemd --tarball "$v1" --coordinator h:7700 --token-file "$t/loose-token" --java "$t/bin/java" --nice 3
check "--no-systemd: exit 0 ($(cat "$t/err"))" test $? -eq 0
check "--no-systemd: no unit" test ! -e "$r3/etc/systemd/system/edgeperf-agent.service"
check "--no-systemd: files installed" test -f "$r3/opt/edgeperf-agent/bin/edgeperf-agent-service"
check "--no-systemd: prints the foreground command" \
  contains "$t/out" "run the agent in the foreground with: nice -n 3 sudo -u edgeperf /opt/edgeperf-agent/bin/edgeperf-agent-service /etc/edgeperf/agent.conf"
check "loose token: a warning" contains "$t/err" "warning: token file $t/loose-token has mode 0644"
check "loose token: installed copy is 0600" test "$(stat -c %a "$r3/etc/edgeperf/join-token")" == 600

# ---- uninstall ----
before="$(snapshot "$r")"
inst "$r" --uninstall --dry-run
check "uninstall dry run: exit 0" test $? -eq 0
check "uninstall dry run: prints the removal" contains "$t/out" "would remove /opt/edgeperf-agent"
check "uninstall dry run: nothing changed" test "$before" == "$(snapshot "$r")"
: > "$t/systemctl.log"
inst "$r" --uninstall
check "uninstall: exit 0 ($(cat "$t/err"))" test $? -eq 0
check "uninstall: unit gone" test ! -e "$unit"
check "uninstall: program files gone" test ! -e "$r/opt/edgeperf-agent"
check "uninstall: config kept" test -f "$conf"
check "uninstall: token kept" test -f "$r/etc/edgeperf/join-token"
check "uninstall: work dir kept" test -d "$r/var/lib/edgeperf-agent"
check "uninstall: service disabled and stopped" contains "$t/systemctl.log" "disable --now edgeperf-agent.service"
inst "$r" --uninstall
check "uninstall again: exit 0, nothing to do" bash -c "test $? -eq 0 && grep -q 'nothing to uninstall' '$t/out'"
inst "$r" --tarball "$v2"
check "re-install after uninstall takes the kept config" bash -c "test $? -eq 0 && grep -qx coordinator=10.0.0.9:7700 '$conf'"
inst "$r" --uninstall --purge
check "purge: exit 0 ($(cat "$t/err"))" test $? -eq 0
check "purge: /etc/edgeperf gone" test ! -e "$r/etc/edgeperf"
check "purge: work dir gone" test ! -e "$r/var/lib/edgeperf-agent"
(( root_user )) && check "purge: user gone" bash -c "! grep -q '^edgeperf:' '$r/etc/passwd'"
rejects "uninstall of a prefix that is no agent" "$r" "holds no edgeperf agent" --uninstall --prefix /etc

echo "test-install-agent: $((checks - fails))/$checks checks passed$( (( keep )) && echo " (files in $t)")"
(( fails == 0 ))
