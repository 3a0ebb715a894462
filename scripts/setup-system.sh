#!/usr/bin/env bash
# Installs the Debian packages MarbleLab needs when they are missing: as root through apt-get,
# otherwise it prints the one apt-get line to run and exits 1. Safe to run repeatedly; prints
# nothing but one line when everything is present.
#
#   bash scripts/setup-system.sh              every group
#   bash scripts/setup-system.sh jupyter      what `npm run reproduce` needs (notebooks run headless)
#   bash scripts/setup-system.sh browser      what the browser tests of `npm test` need
#   bash scripts/setup-system.sh slurm        a single-node Slurm for the sweep tests (scripts/slurm-cluster.mjs)
#   bash scripts/setup-system.sh figures      PDF export of figures (rsvg-convert) and the font they use
#   bash scripts/setup-system.sh pdfcheck     poppler's pdftoppm/pdffonts, with which the tests open saved PDFs
#
# Called by `npm run reproduce` and `npm test` before anything needs the packages.
set -euo pipefail
JUPYTER=(jupyter-notebook python3-nbconvert python3-nbclient python3-jupyterlab-server jupyter-server jupyter-client)
BROWSER=(chromium)
SLURM=(slurm-wlm munge)
FIGURES=(librsvg2-bin fonts-dejavu-core)
PDFCHECK=(poppler-utils)
groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(jupyter browser slurm figures pdfcheck)
PKGS=()
for g in "${groups[@]}"; do
  case "$g" in
    jupyter) PKGS+=("${JUPYTER[@]}") ;;
    browser) PKGS+=("${BROWSER[@]}") ;;
    slurm) PKGS+=("${SLURM[@]}") ;;
    figures) PKGS+=("${FIGURES[@]}") ;;
    pdfcheck) PKGS+=("${PDFCHECK[@]}") ;;
    *) echo "setup-system: unknown group '$g' (use jupyter, browser, slurm, figures, pdfcheck or nothing for all)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: Debian packages present (${groups[*]})"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-system: missing Debian packages; install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "setup-system: installing ${missing[*]} (apt-get, a few minutes on a new machine)"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp /tmp/marble-setup-system.XXXXXX.log)
# apt's own progress goes to a log; on failure its tail is shown
if ! { apt-get update -q && apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}"; } >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "setup-system: apt-get failed (full log: $log)" >&2
  exit 1
fi
rm -f "$log"
echo "setup-system: installed ${missing[*]}"
