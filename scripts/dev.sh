#!/usr/bin/env bash
# Run the API on 127.0.0.1:8000 (with reload) and, when client/ exists, the dashboard on :5173.
# Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

# The dashboard's default callback URL is the API's own demo inbox on this machine, which the
# URL guard blocks unless it is allowed explicitly. Production keeps CALLBACK_ALLOWED_HOSTS empty.
# A value in the environment or in a .env file wins over this default.
if [ -z "${CALLBACK_ALLOWED_HOSTS:-}" ] && ! grep -qsE '^CALLBACK_ALLOWED_HOSTS=.+' .env server/.env; then
  export CALLBACK_ALLOWED_HOSTS="127.0.0.1:8000,localhost:8000"
fi

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# --no-proxy-headers: the app reads X-Forwarded-For itself, only from FORWARDED_ALLOW_IPS.
(cd server && exec .venv/bin/uvicorn src.app:app --reload --no-proxy-headers --host 127.0.0.1 --port 8000) &
pids+=($!)

if [ -f client/package.json ]; then
  (cd client && exec npm run dev) &
  pids+=($!)
  echo "Dashboard: http://localhost:5173   API docs: http://127.0.0.1:8000/docs"
else
  echo "API docs: http://127.0.0.1:8000/docs"
fi

wait -n "${pids[@]}"
