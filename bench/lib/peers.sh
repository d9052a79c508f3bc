# Installs the peer supervisors from Debian's packages without letting any of their
# boot-time services start, and checks that none of them is left running.
# Sourced by bench/run.sh; needs root and the Debian package mirror.

peers_installed() {
  command -v runsvdir >/dev/null && command -v s6-svscan >/dev/null && command -v svscan >/dev/null
}

install_peers() {
  if peers_installed; then return 0; fi
  local policy=/usr/sbin/policy-rc.d had_policy=0
  # policy-rc.d exiting 101 tells invoke-rc.d (and deb-systemd-invoke) "action forbidden":
  # the packages install, their init scripts and units do not start anything.
  if [ -e "$policy" ]; then had_policy=1; cp -p "$policy" "$policy.perpps-bench"; fi
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 0755 "$policy"
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get update -qq || rc=$?
  if [ $rc -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      runit s6 daemontools >/dev/null || rc=$?
  fi
  if [ $had_policy -eq 1 ]; then mv -f "$policy.perpps-bench" "$policy"; else rm -f "$policy"; fi
  stop_stray_peers
  return $rc
}

# Whatever runsvdir/runsv/s6-svscan/s6-supervise/svscan/supervise/readproctitle runs now was
# not started by this bench (it runs none yet): stop it by pid, after saying so.
stop_stray_peers() {
  local pid comm
  for pid in $(ps -eo pid= 2>/dev/null); do
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
    case "$comm" in
      runsvdir|runsv|s6-svscan|s6-supervise|svscan|supervise|readproctitle)
        echo "bench: stopping stray $comm (pid $pid) left by a package install" >&2
        kill -TERM "$pid" 2>/dev/null ;;
    esac
  done
}

peer_versions() {
  local p
  for p in runit s6 daemontools; do
    printf '%s=%s\n' "$p" "$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo '?')"
  done
}
