#!/usr/bin/env bash
# Installs what the Pester suite needs into the project's .tools/ (git-ignored), once:
#   .tools/pwsh/pwsh              PowerShell 7.6.9 as a dotnet tool (not system-wide)
#   .tools/Modules/Pester         Pester 5.9.1 from NuGet (a PackageDownload restore)
#   sshd                          Debian's openssh-server (apt-get), for the remoting test
# A second run finds them and does nothing. Any failure is fatal: the test command never
# skips Pester because a tool is missing. Prints nothing but its progress; the paths are fixed.
#   Usage: dev/install-test-tools.sh [TOOLS_DIR]   (default: .tools at the repo root)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools=${1:-$root/.tools}
pwsh_version=7.6.9
pester_version=5.9.1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$tools"

# pwsh: the PowerShell global tool, in a tool path of our own.
if ! "$tools/pwsh/pwsh" -NoProfile -NoLogo -Command "if (\$PSVersionTable.PSVersion -ne [version]'$pwsh_version') { exit 1 }" >/dev/null 2>&1; then
  echo "install-test-tools: installing pwsh $pwsh_version into $tools/pwsh"
  rm -rf "$tools/pwsh"
  dotnet tool install --tool-path "$tools/pwsh" PowerShell --version "$pwsh_version"
fi

# Pester: restore the NuGet package into a packages folder of ours; its tools/ is the module.
pester_dir=$tools/packages/pester/$pester_version/tools
if [ ! -f "$pester_dir/Pester.psd1" ]; then
  echo "install-test-tools: restoring Pester $pester_version into $tools/packages"
  dotnet restore dev/test-tools/TestTools.csproj --nologo -v:q \
    -p:PesterVersion="$pester_version" -p:RestorePackagesPath="$tools/packages" \
    -p:BaseIntermediateOutputPath="$tools/obj/" -p:ArtifactsPath="$tools/artifacts"
fi
[ -f "$pester_dir/Pester.psd1" ] || { echo "install-test-tools: Pester.psd1 not found in $pester_dir" >&2; exit 1; }
# A module-path entry: PSModulePath=$tools/Modules finds Pester by name.
mkdir -p "$tools/Modules/Pester"
ln -sfn "$pester_dir" "$tools/Modules/Pester/$pester_version"

# Debian packages, the only things installed system-wide: sshd for the remoting test, strace
# for the reliability suite's fault injection (EpollFailureTests).
if ! [ -x /usr/sbin/sshd ] || ! [ -x /usr/bin/strace ]; then
  echo "install-test-tools: installing openssh-server and strace (apt-get)"
  if [ "$(id -u)" -ne 0 ]; then echo "install-test-tools: root is needed to install openssh-server and strace" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends openssh-server openssh-client strace >/dev/null
  # The package's own sshd is not wanted: the test runs its own on a port of its own.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now ssh >/dev/null 2>&1 || true; fi
fi
command -v ssh >/dev/null || { echo "install-test-tools: ssh client missing" >&2; exit 1; }
echo "install-test-tools: pwsh $pwsh_version, Pester $pester_version, $(/usr/sbin/sshd -V 2>&1 | head -1 || true)"
