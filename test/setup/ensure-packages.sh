#!/usr/bin/env bash
# Makes sure the Debian packages the tests need (debian-packages.txt beside this script) are installed.
#   --check    list what is missing and stop with the exact apt-get line (what `npm test` runs first)
#   --install  install what is missing with apt-get (as root or with passwordless sudo), else stop as --check
# CERTAGENT_TEST_PACKAGES names another list (the script's own test uses it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
list="${CERTAGENT_TEST_PACKAGES:-$here/debian-packages.txt}"
mode="${1:---check}"
case "$mode" in --check|--install) ;; *) echo "usage: $0 [--check|--install]" >&2; exit 2 ;; esac

if [ ! -r "$list" ]; then
  echo "certagent test setup: cannot read the package list $list" >&2
  exit 2
fi
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "certagent test setup: this is not a Debian-based system (no dpkg-query); install the equivalents of: ${wanted[*]}" >&2
  exit 1
fi

missing=()
for pkg in "${wanted[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$mode" = --install ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo -n); else sudo=(false); fi
  fi
  if [ "${sudo[0]:-}" != false ]; then
    echo "certagent test setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    exit 0
  fi
  echo "certagent test setup: not root and no passwordless sudo, so the missing packages cannot be installed from here." >&2
fi
{
  echo "certagent test setup: the tests need Debian packages that are not installed: ${missing[*]}"
  echo "Install them (as root), then run the tests again:"
  echo "  $line"
  echo "or run \`npm run test:all\`, which installs them when it runs as root or with passwordless sudo."
  echo "Why each is needed: $list"
} >&2
exit 1
