#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing.
# Usage: install-system-deps.sh [npm] [chromium] [postgresql] [redis] [nginx]
# Debian's postinst scripts may start PostgreSQL, Redis and nginx as services (not where policy-rc.d forbids
# it, as in containers); the tests start their own, on free loopback ports.
set -euo pipefail

declare -A command_of=([npm]=npm [chromium]=chromium [postgresql]=initdb [redis]=redis-server [nginx]=nginx)
declare -A packages_of=([npm]="nodejs npm" [chromium]="chromium" [postgresql]="postgresql" [redis]="redis-server" [nginx]="nginx")

have() {
  case "$1" in
    # The server binaries and the postgres user (the server refuses to run as root).
    postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && id postgres >/dev/null 2>&1 ;;
    # In /usr/sbin, which is not on every user's PATH.
    nginx) command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] ;;
    *) command -v "${command_of[$1]}" >/dev/null 2>&1 ;;
  esac
}

missing=()
for need in "$@"; do
  have "$need" || missing+=(${packages_of[$need]})
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing: ${missing[*]}. Install them with your system's package manager." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
