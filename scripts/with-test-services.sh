#!/usr/bin/env bash
# Runs a command (`make test` runs the test suite) with the two servers its tests
# expect: PostgreSQL at 127.0.0.1:5432 (trust auth, user postgres) and Redis at
# 127.0.0.1:6379. A server that already answers is used as it is; one that does
# not is started for this run only, in a throwaway folder (no data kept, fsync
# off), and stopped afterwards. When one cannot be started (not installed), the
# tests that need it are skipped, or fail under CI=true, and this says what to
# install. PG_PORT and REDIS_PORT change the ports, to try this script itself.
set -euo pipefail

PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"
WORK=""
PG_DATA=""
REDIS_PID=""

answers() { # answers PORT: something accepts connections on 127.0.0.1:PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

as_owner() { # PostgreSQL refuses to run as root: run its tools as the postgres user
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_services() {
  if [ -n "$PG_DATA" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID" 2>/dev/null || true; fi
  if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
}
trap stop_services EXIT

work_folder() {
  if [ -z "$WORK" ]; then
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/pde-test-services.XXXXXX")"
    chmod 755 "$WORK"
  fi
}

start_postgres() {
  PG_BIN="$(dirname "$(command -v initdb 2>/dev/null || true)")"
  if [ "$PG_BIN" = "." ]; then
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  fi
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL does not answer at 127.0.0.1:$PG_PORT and is not installed:" \
      "apt-get install -y postgresql (its tests will be skipped)" >&2
    return
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "PostgreSQL cannot run as root and there is no postgres user (its tests will be skipped)" >&2
    return
  fi
  work_folder
  PG_DATA="$WORK/postgres"
  mkdir -p "$PG_DATA"
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DATA"
  as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_DATA -c fsync=off -c max_connections=200" \
    start >/dev/null
  echo "Started a throwaway PostgreSQL at 127.0.0.1:$PG_PORT for this run" >&2
}

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "Redis does not answer at 127.0.0.1:$REDIS_PORT and is not installed:" \
      "apt-get install -y redis-server (its tests will be skipped)" >&2
    return
  fi
  work_folder
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$WORK" --daemonize yes --pidfile "$WORK/redis.pid" >/dev/null
  for _ in $(seq 50); do
    answers "$REDIS_PORT" && break
    sleep 0.1
  done
  REDIS_PID="$(cat "$WORK/redis.pid")"
  echo "Started a throwaway Redis at 127.0.0.1:$REDIS_PORT for this run" >&2
}

answers "$PG_PORT" || start_postgres
answers "$REDIS_PORT" || start_redis
"$@"
