#!/usr/bin/env bash
# The last step of `make start`: serve the portal on 127.0.0.1:PORT and, when a broker is
# configured (CELERY_BROKER_URL or REDIS_URL), a Celery worker with beat beside it.
#
#   BIN=.venv/bin PORT=8000 ops/serve.sh
#
# The two live and die together: if either exits (a crash, a kill, the out-of-memory
# killer), the other is stopped and this script exits with status 1 saying which one
# stopped. A web server whose worker has died would keep accepting large imports and
# recomputes that nothing runs. Ctrl-C (or SIGTERM) stops both and exits with status 130.
set -uo pipefail

BIN="${BIN:-.venv/bin}"
PORT="${PORT:-8000}"
set -m  # each child in a process group of its own: stopping it stops its children too
worker="" web=""

stop_all() {
  for pid in $worker $web; do kill -TERM -- "-$pid" 2>/dev/null; done
  wait
}
trap 'echo "make start: stopping."; stop_all; exit 130' INT TERM

if [ -n "${CELERY_BROKER_URL:-${REDIS_URL:-}}" ]; then
  echo "Broker configured: starting a Celery worker with beat"
  "$BIN/celery" -A ssa_portal worker --beat --loglevel=INFO --concurrency=2 &
  worker=$!
else
  echo "No broker configured: background tasks run in process"
fi
"$BIN/python" manage.py runserver "127.0.0.1:$PORT" &
web=$!

wait -n  # bash 4.3 or later: the first child to exit
status=$?
if ! kill -0 "$web" 2>/dev/null; then
  echo "make start: the web server stopped (exit status $status)${worker:+; stopping the Celery worker too}." >&2
else
  echo "make start: the Celery worker stopped (exit status $status); stopping the web server too," \
       "since large imports and background recomputes would wait for ever. Read the worker's log" \
       "above, then run make start again." >&2
fi
stop_all
exit 1
