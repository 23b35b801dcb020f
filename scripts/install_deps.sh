#!/usr/bin/env bash
# Installs what scaleplan needs to build, test and benchmark on Debian 12 (bookworm), as root
# (or through sudo). Skips apt entirely when everything is already installed.
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config
  libcli11-dev libeigen3-dev libnlopt-cxx-dev libyaml-cpp-dev libspdlog-dev catch2
  nlohmann-json3-dev libssl-dev
  libsleef-dev  # vectorised exp2/log in the fit's objective
  python3 python3-numpy python3-scipy  # golden-file number comparison; SciPy fit reference
  python3-jsonschema python3-yaml  # the JSON Schemas checked with a draft 2020-12 validator
  gnuplot-nox  # --plot (optional at run time; the tests draw plots)
  zsh fish tmux  # the zsh and fish completions, each tested by its shell (zsh typed into tmux)
  jq  # the pipelines the docs show, run by the docs test
  clang libclang-rt-14-dev  # libFuzzer for the bounded fuzz step of scripts/test.sh
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install_deps: run as root or install sudo" >&2; exit 1; }
  sudo=sudo
fi
echo "install_deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >&2
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
