#!/usr/bin/env bash
# Installs the edgeperf agent on a device (Raspberry Pi OS, Jetson Linux, any systemd Linux) as a service.
#
#   sudo scripts/install-agent.sh --coordinator HOST:7700 --token-file join-token [--name NAME] [--labels k=v,...]
#                                 [--prefix /opt/edgeperf-agent] [--user edgeperf] [--no-start]
#
# Copies the agent jar and its lib/ folder to PREFIX, the join token to PREFIX/join-token (mode 0600, owned by the
# service user), and writes /etc/systemd/system/edgeperf-agent.service, which restarts the agent when it exits.
# Needs a Java 17+ runtime on the device (Debian/Raspberry Pi OS: apt-get install openjdk-17-jre-headless).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
coordinator="" token_file="" name="$(hostname)" labels="" prefix=/opt/edgeperf-agent user=edgeperf start=1
while (( $# )); do
  case "$1" in
    --coordinator) coordinator="$2"; shift 2 ;;
    --token-file) token_file="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --labels) labels="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    --no-start) start=0; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "install-agent: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$coordinator" ]] || { echo "install-agent: --coordinator HOST:PORT is required" >&2; exit 2; }
[[ -r "$token_file" ]] || { echo "install-agent: --token-file '$token_file' is not a readable file (copy <data-dir>/join-token from the coordinator)" >&2; exit 2; }
[[ $EUID -eq 0 ]] || { echo "install-agent: run as root (it writes $prefix and a systemd unit)" >&2; exit 2; }
command -v java >/dev/null || { echo "install-agent: no java on PATH; install a Java 17+ runtime first" >&2; exit 2; }

jar="$root/agent/target/edgeperf-agent.jar"
[[ -f "$jar" ]] || (cd "$root" && mvn -B -q -DskipTests -pl agent -am package)

id -u "$user" >/dev/null 2>&1 || useradd --system --home-dir "$prefix" --shell /usr/sbin/nologin "$user"
install -d -o "$user" -g "$user" "$prefix" "$prefix/work"
rm -rf "$prefix/lib"
cp -r "$root/agent/target/lib" "$prefix/lib"
install -m 0644 "$jar" "$prefix/edgeperf-agent.jar"
install -m 0600 -o "$user" -g "$user" "$token_file" "$prefix/join-token"

label_args=""
[[ -n "$labels" ]] && label_args="--labels $labels"
cat > /etc/systemd/system/edgeperf-agent.service <<UNIT
[Unit]
Description=edgeperf measurement agent
After=network-online.target
Wants=network-online.target

[Service]
User=$user
WorkingDirectory=$prefix
ExecStart=$(command -v java) -jar $prefix/edgeperf-agent.jar run --coordinator $coordinator --name $name --token-file $prefix/join-token --work-dir $prefix/work $label_args
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
if (( start )); then
  systemctl enable --now edgeperf-agent.service
  echo "edgeperf-agent installed and started: journalctl -u edgeperf-agent -f"
else
  echo "edgeperf-agent installed: systemctl enable --now edgeperf-agent"
fi
