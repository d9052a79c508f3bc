#!/bin/sh
# install.sh: installs PerpPS (make-install style).
#   PREFIX=/usr/local ./install.sh          (default PREFIX /usr/local)
#   DESTDIR=/tmp/stage PREFIX=/usr ./install.sh   (staged install for packaging)
# Puts perpd, perpps-tools, perpps-runtools (with one link per program: perpctl, perpls,
# tinylog, runuid, ...) and the scripts (perp-setup, tinylog_run) in PREFIX/sbin, the Perp
# PowerShell module in PREFIX/share/powershell/Modules/Perp, and the systemd unit
# perpd.service in SYSTEMDDIR (default PREFIX/lib/systemd/system).
# The programs come from PERPPS_BIN (default out/bin, built by ./build.sh when missing).
set -eu
cd "$(dirname "$0")"
root=$PWD
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
SBINDIR=${SBINDIR:-$PREFIX/sbin}
MODULEDIR=${MODULEDIR:-$PREFIX/share/powershell/Modules/Perp}
SYSTEMDDIR=${SYSTEMDDIR:-$PREFIX/lib/systemd/system}
src=${PERPPS_BIN:-$root/out/bin}

say() { echo "install.sh: $*"; }

if [ ! -x "$src/perpd" ] || [ ! -x "$src/perpps-runtools" ]; then
  [ -z "${PERPPS_BIN:-}" ] || { echo "install.sh: $src holds no built programs" >&2; exit 1; }
  say "no build in $src: running ./build.sh"
  ./build.sh
fi

# install_exe NAME: a Native AOT build is one file; a JIT developer build (dev/devbin.sh)
# needs its whole output directory, which goes to PREFIX/lib/perpps/NAME with a link.
install_exe() {
  real=$(readlink -f "$src/$1")
  if [ -f "${real%/*}/$1.dll" ] || [ -f "${real%/*}/$(basename "$real").dll" ]; then
    lib=$DESTDIR$PREFIX/lib/perpps/$1
    rm -rf "$lib"; mkdir -p "$lib"
    cp -R "${real%/*}/." "$lib/"
    ln -sfn "$PREFIX/lib/perpps/$1/$(basename "$real")" "$DESTDIR$SBINDIR/$1"
  else
    install -m 0755 "$real" "$DESTDIR$SBINDIR/$1"
  fi
}

mkdir -p "$DESTDIR$SBINDIR"
for exe in perpd perpps-tools perpps-runtools; do
  install_exe "$exe"
  say "installed $SBINDIR/$exe"
done
for multi in perpps-tools perpps-runtools; do
  for name in $("$src/$multi" --list); do
    ln -sfn "$multi" "$DESTDIR$SBINDIR/$name"
  done
done
for s in scripts/*; do
  [ -f "$s" ] && install -m 0755 "$s" "$DESTDIR$SBINDIR/$(basename "$s")"
done
say "installed the program links and scripts in $SBINDIR"

if [ -f module/Perp.psd1 ] && [ -d module/bin ]; then
  rm -rf "$DESTDIR$MODULEDIR"; mkdir -p "$DESTDIR$MODULEDIR"
  cp -R module/. "$DESTDIR$MODULEDIR/"
  say "installed the Perp module in $MODULEDIR"
  case "$MODULEDIR" in
    /usr/local/share/powershell/Modules/*|/opt/microsoft/powershell/*) ;;
    *) say "pwsh finds it with: \$env:PSModulePath += \":${MODULEDIR%/Perp}\"  (or Import-Module $MODULEDIR/Perp.psd1)" ;;
  esac
else
  say "module/ not built (run ./build.sh): Perp module not installed"
fi

mkdir -p "$DESTDIR$SYSTEMDDIR"
sed "s|@SBINDIR@|$SBINDIR|g" dist/perpd.service > "$DESTDIR$SYSTEMDDIR/perpd.service"
chmod 0644 "$DESTDIR$SYSTEMDDIR/perpd.service"
say "installed $SYSTEMDDIR/perpd.service"
say "done. To run perpd at boot on /etc/perp: systemctl daemon-reload && systemctl enable --now perpd"
