#!/usr/bin/env bash
# Make sure the services the test suites use (PostgreSQL, MariaDB, Redis) are up on 127.0.0.1,
# and that the test database and users exist. Idempotent and quiet when everything is already up: it only
# prints when it starts or installs something, or when it fails.
#
#   PostgreSQL  postgres://postgres:postgres@127.0.0.1:5432/test
#   MariaDB     mysql://test:test@127.0.0.1:3306/test
#   Redis       redis://127.0.0.1:6379
#
# Never stops a service: other checkouts on this machine share them.
set -uo pipefail

WAIT_SECONDS="${SERVICES_WAIT_SECONDS:-30}"

say() { printf 'services: %s\n' "$*" >&2; }
die() {
  say "ERROR: $*"
  exit 1
}

# Root for apt, daemons and the postgres/mysql OS users; sudo (non-interactive) otherwise.
as_root() {
  if [[ ${EUID:-$(id -u)} -eq 0 ]]; then
    "$@"
  else
    sudo -n "$@"
  fi
}

# Runs a command as the postgres OS user from /, so it never trips over an unreadable cwd.
as_postgres() {
  if [[ ${EUID:-$(id -u)} -eq 0 ]] && command -v runuser >/dev/null; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && sudo -n -u postgres "$@")
  fi
}

has() {
  local bin
  for bin in "$@"; do
    command -v "$bin" >/dev/null 2>&1 || [[ -x $bin ]] || return 1
  done
}

# One `apt-get update` and one install for every service whose binaries are missing entirely.
install_missing() {
  local missing=()
  has pg_isready pg_ctlcluster psql || missing+=(postgresql)
  { has /usr/sbin/mariadbd || has /usr/sbin/mysqld; } \
    && { has mariadb-admin || has mysqladmin; } && { has mariadb || has mysql; } \
    || missing+=(mariadb-server mariadb-client)
  has redis-server redis-cli || missing+=(redis-server)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
  say "installing ${missing[*]} (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" \
    || die "apt-get install ${missing[*]} failed"
}

# wait_for <name> <command...>: polls once a second for up to WAIT_SECONDS.
wait_for() {
  local name=$1 i
  shift
  for ((i = 0; i < WAIT_SECONDS; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  die "$name did not answer on 127.0.0.1 within ${WAIT_SECONDS}s"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 -t 2; }

ensure_postgres() {
  if ! pg_up; then
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    [[ -n $version ]] || die "PostgreSQL is installed but /etc/postgresql holds no cluster"
    say "starting PostgreSQL $version/main"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start \
      || say "pg_ctlcluster $version main start failed; waiting in case it is starting anyway"
    wait_for PostgreSQL pg_up
  fi

  # The password matters when pg_hba says scram; with trust it is simply unused.
  as_postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres \
    -c "ALTER ROLE postgres PASSWORD 'postgres'" >/dev/null \
    || die "could not set the postgres role's password"
  if [[ $(as_postgres psql -X -tA -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'test'") != 1 ]]; then
    say "creating PostgreSQL database test"
    as_postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE test' \
      || die "could not create PostgreSQL database test"
  fi
}

# ---------------------------------------------------------------------------------------------
# MariaDB

MYSQL_ADMIN=mariadb-admin
MYSQL_CLIENT=mariadb
MARIADBD=/usr/sbin/mariadbd

# `ping` exits 0 as soon as the server answers, even when the login itself is refused.
mysql_up() {
  "$MYSQL_ADMIN" --no-defaults --connect-timeout=2 -h 127.0.0.1 -P 3306 --silent ping >/dev/null 2>&1
}

ensure_mariadb() {
  has "$MARIADBD" || MARIADBD=/usr/sbin/mysqld
  has mariadb-admin || MYSQL_ADMIN=mysqladmin
  has mariadb || MYSQL_CLIENT=mysql

  if ! mysql_up; then
    say "starting MariaDB"
    as_root install -d -o mysql -g mysql /run/mysqld || die "could not create /run/mysqld"
    as_root start-stop-daemon --start --oknodo --background --exec "$MARIADBD" -- --user=mysql \
      || die "start-stop-daemon could not start $MARIADBD"
    wait_for MariaDB mysql_up
  fi

  # Root logs in over the unix socket (unix_socket auth); the test user needs both hosts,
  # since 'localhost' and '127.0.0.1' are different accounts. Tests create their own
  # databases per run, hence the global grant.
  as_root "$MYSQL_CLIENT" -u root --batch <<'SQL' || die "could not create the MariaDB test database and user"
CREATE DATABASE IF NOT EXISTS test;
CREATE USER IF NOT EXISTS 'test'@'127.0.0.1' IDENTIFIED BY 'test';
CREATE USER IF NOT EXISTS 'test'@'localhost' IDENTIFIED BY 'test';
ALTER USER 'test'@'127.0.0.1' IDENTIFIED BY 'test';
ALTER USER 'test'@'localhost' IDENTIFIED BY 'test';
GRANT ALL ON *.* TO 'test'@'127.0.0.1';
GRANT ALL ON *.* TO 'test'@'localhost';
SQL
}

# ---------------------------------------------------------------------------------------------
# Redis

redis_up() { [[ $(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null) == PONG ]]; }

ensure_redis() {
  if ! redis_up; then
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null \
      || die "redis-server failed to start"
    wait_for Redis redis_up
  fi
}

install_missing

# Each service in a subshell, so one failure still lets the others be checked and reported.
failed=()
(ensure_postgres) || failed+=(PostgreSQL)
(ensure_mariadb) || failed+=(MariaDB)
(ensure_redis) || failed+=(Redis)
if [[ ${#failed[@]} -gt 0 ]]; then
  say "FAILED: ${failed[*]} not ready (see the messages above)"
  exit 1
fi
