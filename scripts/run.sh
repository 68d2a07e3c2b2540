#!/usr/bin/env bash
# Starts the action server, Rasa and the web page, waits until they answer,
# stays in the foreground; Ctrl-C (or TERM) stops exactly the processes started here.
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
WEB_PORT=${WEB_PORT:-8000}
BIND=${BIND_ADDRESS:-127.0.0.1}
MODEL=${MODEL:-models/assistant.tar.gz}
export RASA_PORT WEB_PORT
export ACTIONS_URL="http://127.0.0.1:${ACTIONS_PORT}/webhook"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

# Conversations (endpoints.yml): SQLite in .state/ unless a production store is set.
mkdir -p .state
export TRACKER_STORE_URL=${TRACKER_STORE_URL:-sqlite:///$PWD/.state/conversations.db}
export LOCK_STORE_TYPE=${LOCK_STORE_TYPE:-in_memory}
export LOCK_STORE_HOST=${LOCK_STORE_HOST:-127.0.0.1}
export LOCK_STORE_PORT=${LOCK_STORE_PORT:-6379}
export LOCK_STORE_DB=${LOCK_STORE_DB:-1}

# Browsers may talk to Rasa only from the web page (CORS and socket.io origin check).
export WEB_ORIGINS=${WEB_ORIGINS:-http://127.0.0.1:${WEB_PORT},http://localhost:${WEB_PORT}}
IFS=, read -r -a cors_origins <<< "$WEB_ORIGINS"

if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  RASA_AUTH_TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')
  echo "RASA_AUTH_TOKEN was not set; generated one for this run: $RASA_AUTH_TOKEN"
fi

# Each server runs in its own process group (setsid), so that stopping it also stops
# the Sanic workers it forked (SANIC_WORKERS > 1); TERM first, KILL after 20 s.
pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 1 40); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
interrupted=0
trap 'interrupted=1' INT TERM
trap stop EXIT

wait_for() { # url, name, pid
  for _ in $(seq 1 240); do
    if curl -fs -o /dev/null "$1"; then echo "$2 ready: $1"; return 0; fi
    kill -0 "$3" 2>/dev/null || { echo "$2 exited during start-up" >&2; return 1; }
    sleep 0.5
  done
  echo "$2 did not answer at $1" >&2
  return 1
}

# The action server is only for Rasa: loopback whatever BIND_ADDRESS says.
SANIC_HOST=127.0.0.1 setsid .venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" &
pids+=($!)
wait_for "http://127.0.0.1:${ACTIONS_PORT}/health" "Action server" "${pids[-1]}"

# python -m rasa_overrides.serving: `rasa run` with per-message work done once at start-up (rasa_overrides/README.md).
setsid .venv/bin/python -m rasa_overrides.serving run --model "$MODEL" --endpoints endpoints.yml --credentials credentials.yml \
  --interface "$BIND" --port "$RASA_PORT" --enable-api --auth-token="$RASA_AUTH_TOKEN" \
  --cors "${cors_origins[@]}" &
pids+=($!)
wait_for "http://127.0.0.1:${RASA_PORT}/" "Rasa" "${pids[-1]}"

setsid .venv/bin/python scripts/serve_web.py --host "$BIND" --port "$WEB_PORT" --rasa-port "$RASA_PORT" &
pids+=($!)
wait_for "http://127.0.0.1:${WEB_PORT}/" "Web page" "${pids[-1]}"

echo "Chat over REST: curl -s -XPOST http://127.0.0.1:${RASA_PORT}/webhooks/rest/webhook -d '{\"sender\":\"moi\",\"message\":\"Bonjour\"}'"
echo "Web page with the chat widget: http://127.0.0.1:${WEB_PORT}/"
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}" || true
if [ "$interrupted" = 1 ]; then
  echo "Stopping."
  exit 0
fi
echo "A server stopped; stopping the others." >&2
exit 1
