#!/usr/bin/env bash
# Installs what the tests need from the OS: PostgreSQL server binaries, redis-server, and Chromium
# with poppler-utils (the evidence pack prints report.pdf with headless Chromium through
# playwright-core, and its tests read the PDF with pdfinfo/pdftoppm).
# The tests start their own throwaway servers on free ports (test/support/services.ts), so this
# only installs binaries; it never starts, stops or configures a system service. (On Debian, the
# postgresql package may start its own cluster on 5432 and redis-server may start on 6379: harmless,
# the tests do not use them.)
#
# Skips what is already there, and what DATABASE_URL / REDIS_URL point the tests at instead.
# Needs root or passwordless sudo to install; says so in one line otherwise.
set -euo pipefail

log() { printf 'install-test-deps: %s\n' "$*" >&2; }

# An executable regular file. (Not `command -v`: bash reports a non-executable file when it finds
# nothing better.)
is_exe() { [[ -f $1 && -x $1 ]]; }

on_path() {
  local dir path_dirs
  IFS=: read -ra path_dirs <<<"${PATH:-}"
  for dir in "${path_dirs[@]}"; do
    [[ -n $dir ]] && is_exe "$dir/$1" && return 0
  done
  return 1
}

# Same search as findPostgresBinDir() in test/support/services.ts: PATH, the highest
# /usr/lib/postgresql/<version>/bin, then pg_config --bindir.
have_postgres_server() {
  local dir path_dirs
  IFS=: read -ra path_dirs <<<"${PATH:-}"
  for dir in "${path_dirs[@]}"; do
    [[ -n $dir ]] && is_exe "$dir/initdb" && is_exe "$dir/postgres" && return 0
  done
  for dir in /usr/lib/postgresql/*/bin; do
    is_exe "$dir/initdb" && is_exe "$dir/postgres" && return 0
  done
  if on_path pg_config; then
    dir=$(pg_config --bindir 2>/dev/null || true)
    [[ -n $dir ]] && is_exe "$dir/initdb" && is_exe "$dir/postgres" && return 0
  fi
  return 1
}

have_redis_server() { on_path redis-server; }

# Same path as reports/render-pdf.ts: $CROUPIER_CHROMIUM, else Debian's /usr/bin/chromium.
have_chromium() { is_exe "${CROUPIER_CHROMIUM:-/usr/bin/chromium}"; }
have_poppler() { on_path pdfinfo && on_path pdftoppm; }

packages=()
if [[ -n ${DATABASE_URL:-} ]]; then
  log "DATABASE_URL is set: not checking for PostgreSQL"
elif have_postgres_server; then
  log "PostgreSQL server binaries found"
else
  packages+=(postgresql)
fi
if [[ -n ${REDIS_URL:-} ]]; then
  log "REDIS_URL is set: not checking for Redis"
elif have_redis_server; then
  log "redis-server found"
else
  packages+=(redis-server)
fi

if have_chromium; then
  log "Chromium found"
else
  packages+=(chromium fonts-dejavu-core) # the report's fonts (DejaVu), not pulled in without recommends
fi
if have_poppler; then
  log "pdfinfo/pdftoppm found"
else
  packages+=(poppler-utils)
fi

if ((${#packages[@]} == 0)); then
  exit 0
fi

if ! on_path apt-get; then
  log "missing ${packages[*]} and this is not a Debian/Ubuntu system (no apt-get): install them with your package manager (PostgreSQL server, Redis, Chromium, poppler-utils), or set DATABASE_URL / REDIS_URL / CROUPIER_CHROMIUM"
  exit 1
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif on_path sudo && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  log "missing ${packages[*]}: run as root or with passwordless sudo (apt-get install -y ${packages[*]}), or set DATABASE_URL / REDIS_URL"
  exit 1
fi

log "installing ${packages[*]} with apt-get (no service is started for the tests)"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}" </dev/null

# Check what was installed, with the same search the tests use.
if [[ " ${packages[*]} " == *" postgresql "* ]] && ! have_postgres_server; then
  log "apt-get installed postgresql but initdb/postgres are still not found"
  exit 1
fi
if [[ " ${packages[*]} " == *" redis-server "* ]] && ! have_redis_server; then
  log "apt-get installed redis-server but redis-server is still not on PATH"
  exit 1
fi
if [[ " ${packages[*]} " == *" chromium "* ]] && ! have_chromium; then
  log "apt-get installed chromium but ${CROUPIER_CHROMIUM:-/usr/bin/chromium} is still missing"
  exit 1
fi
log "done"
