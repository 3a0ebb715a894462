#!/usr/bin/env bash
# Installs the Debian packages MarbleLab needs when they are missing (as root through apt-get;
# otherwise prints the command to run). Safe to run repeatedly.
set -euo pipefail
PKGS=(
  jupyter-notebook python3-nbconvert python3-nbclient python3-jupyterlab-server jupyter-server jupyter-client
  chromium
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all system packages present"
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "setup-system: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
else
  echo "setup-system: missing system packages: ${missing[*]}" >&2
  echo "  install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
