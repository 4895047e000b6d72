#!/usr/bin/env bash
# Install the Debian packages backcare needs for a purpose ("run" or "test").
# Installs only what is missing; as root it uses apt-get, otherwise it prints the command to run.
set -euo pipefail
purpose="${1:-run}"
here="$(cd "$(dirname "$0")" && pwd)"
wanted=()
while read -r kind pkg; do
  case "$kind" in ''|'#'*) continue ;; esac
  if [ "$kind" = run ] || [ "$kind" = "$purpose" ]; then wanted+=("$pkg"); fi
done < "$here/debian-packages.txt"
command -v dpkg-query >/dev/null 2>&1 || { echo "system-deps: not a Debian system; please install: ${wanted[*]}" >&2; exit 0; }
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "system-deps: install them with: sudo apt-get install ${missing[*]}" >&2
  [ "$purpose" = test ] && echo "system-deps: browser/PDF tests will skip until then" >&2
fi
