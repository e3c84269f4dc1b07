#!/usr/bin/env bash
# The production shape on one machine (issue 9): gunicorn with N workers, one Celery worker,
# one Celery beat, on PostgreSQL and Redis, static files served by whitenoise.
#
#   scripts/prod-local.sh start   # `make prod-local`
#   scripts/prod-local.sh stop    # `make prod-local-stop`: stops exactly what start started
#   scripts/prod-local.sh status
#
# Every process writes its pid to var/run/<name>.pid and its log to var/log/<name>.log.
# Settings come from the environment (or .env); the defaults below only fill what is unset.
# README.md, "Production", says what each one does and how the processes spread over machines.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VAR=${PROD_VAR_DIR:-$ROOT/var}  # pid files in $VAR/run, logs in $VAR/log
RUN=$VAR/run
LOG=$VAR/log
PY=$ROOT/.venv/bin/python
NAMES=(gunicorn celery-worker celery-beat)

export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-ukeoi.settings}
export DEBUG=${DEBUG:-false}
export DEMO_MODE=${DEMO_MODE:-false}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ukeoi_prod}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
# Plain HTTP on this machine; behind a TLS proxy in production keep these at their defaults.
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-false}
export SESSION_COOKIE_SECURE=${SESSION_COOKIE_SECURE:-false}
export CSRF_COOKIE_SECURE=${CSRF_COOKIE_SECURE:-false}
export SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}
# Without a mail server, mail is written to the Celery worker's log.
export EMAIL_URL=${EMAIL_URL:-consolemail://}
BIND=${PROD_BIND:-127.0.0.1:8000}
# Links in mail point at this server unless SITE_URL says otherwise (A3).
export SITE_URL=${SITE_URL:-http://$BIND}
WORKERS=${WEB_WORKERS:-$(( $(nproc) * 2 + 1 ))}

pid_of() { local f=$RUN/$1.pid; [[ -s $f ]] && cat "$f"; }
alive() { local pid; pid=$(pid_of "$1") && kill -0 "$pid" 2>/dev/null; }

secret_key() {
  # One random key per checkout, kept in var/run so sessions survive a restart.
  if [[ -z ${SECRET_KEY:-} ]]; then
    [[ -s $RUN/secret_key ]] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(60))' >"$RUN/secret_key"
    SECRET_KEY=$(cat "$RUN/secret_key")
    export SECRET_KEY
  fi
  export RETIRED_IDENTIFIER_KEY=${RETIRED_IDENTIFIER_KEY:-retired:$SECRET_KEY}
}

create_database() {
  # Creates the database of DATABASE_URL when the server has none of that name.
  "$PY" - <<'EOF'
import os
from urllib.parse import urlsplit, urlunsplit

import psycopg

url = urlsplit(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
EOF
}

wait_http() {
  for _ in $(seq 1 100); do
    if "$PY" -c "import sys, urllib.request; urllib.request.urlopen('http://$BIND/', timeout=2)" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "gunicorn did not answer on http://$BIND/ (see $LOG/gunicorn.log)" >&2
  return 1
}

start() {
  mkdir -p "$RUN" "$LOG"
  for name in "${NAMES[@]}"; do
    if alive "$name"; then
      echo "$name is already running (pid $(pid_of "$name")); run \`make prod-local-stop\` first" >&2
      exit 1
    fi
  done
  secret_key
  [[ $DATABASE_URL == postgres* ]] && create_database
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py collectstatic --noinput -v0
  "$ROOT/.venv/bin/gunicorn" ukeoi.wsgi:application \
    --bind "$BIND" --workers "$WORKERS" --daemon \
    --pid "$RUN/gunicorn.pid" --error-logfile "$LOG/gunicorn.log" --capture-output \
    --access-logfile "${GUNICORN_ACCESS_LOG:-/dev/null}" --graceful-timeout 10 --timeout 30
  "$ROOT/.venv/bin/celery" -A ukeoi worker --detach --concurrency "${CELERY_CONCURRENCY:-2}" \
    --hostname "ukeoi-worker@%h" \
    --pidfile "$RUN/celery-worker.pid" --logfile "$LOG/celery-worker.log" --loglevel INFO
  "$ROOT/.venv/bin/celery" -A ukeoi beat --detach \
    --schedule "$RUN/celerybeat-schedule" \
    --pidfile "$RUN/celery-beat.pid" --logfile "$LOG/celery-beat.log" --loglevel INFO
  for _ in $(seq 1 50); do
    [[ -s $RUN/gunicorn.pid && -s $RUN/celery-worker.pid && -s $RUN/celery-beat.pid ]] && break
    sleep 0.2
  done
  wait_http
  status
  echo "ukeoi (production shape) on http://$BIND/ — stop with \`make prod-local-stop\`"
}

stop() {
  local name pid
  for name in "${NAMES[@]}"; do
    pid=$(pid_of "$name") || { continue; }
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        echo "$name (pid $pid) ignored TERM; sending KILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
      echo "stopped $name (pid $pid)"
    fi
    rm -f "$RUN/$name.pid"
  done
}

status() {
  local name
  for name in "${NAMES[@]}"; do
    if alive "$name"; then echo "$name: running (pid $(pid_of "$name"))"; else echo "$name: stopped"; fi
  done
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
