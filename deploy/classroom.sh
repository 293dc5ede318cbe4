#!/usr/bin/env bash
# Classroom-server mode: WORKERS Streamlit processes on one data folder, behind nginx
# with sticky sessions, all answering on one address.
#
#   deploy/classroom.sh [WORKERS] [PORT]      # default: 3 workers, nginx on port 8501
#
# The workers listen on 127.0.0.1 from WORKBENCH_WORKER_BASE_PORT (default 8601) up; nginx
# (Debian: apt-get install nginx) listens on PORT on all addresses. The workspace is the data
# folder's SQLite file, or the PostgreSQL of WORKBENCH_WORKSPACE_URL (several machines: run this
# on each, all with the same URL). Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
workers="${1:-3}"
port="${2:-8501}"
base="${WORKBENCH_WORKER_BASE_PORT:-8601}"
run_dir="$(python -c 'from lib import settings; print(settings.data_dir().resolve())')/classroom"
mkdir -p "$run_dir"

# Build the published database, open (or migrate) the workspace and seed the demo course
# once, before the workers start, so that they do not all do it at the same moment.
python -m lib.cli prepare

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; }
trap stop EXIT INT TERM

servers=""
for i in $(seq 0 $((workers - 1))); do
  worker_port=$((base + i))
  python -m streamlit run app.py --server.address 127.0.0.1 --server.port "$worker_port" \
    >"$run_dir/worker-$worker_port.log" 2>&1 &
  pids+=("$!")
  servers+="        server 127.0.0.1:$worker_port;"$'\n'
done

sed -e "s|@LISTEN@|$port|" -e "s|@RUN_DIR@|$run_dir|g" deploy/nginx-classroom.conf \
  | python -c 'import sys; print(sys.stdin.read().replace("@WORKERS@", sys.argv[1].rstrip()))' "$servers" \
  > "$run_dir/nginx.conf"
nginx -t -q -c "$run_dir/nginx.conf"
echo "ワークベンチ: http://<このサーバーのアドレス>:$port （ワーカー $workers 個。止めるには Ctrl+C）"
nginx -c "$run_dir/nginx.conf" -g 'daemon off;' &
pids+=("$!")
wait -n
