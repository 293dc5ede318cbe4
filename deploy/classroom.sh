#!/usr/bin/env bash
# Classroom-server mode: WORKERS Streamlit processes on one data folder, behind nginx
# with sticky sessions (by browser), all answering on one address.
#
#   deploy/classroom.sh [WORKERS] [PORT]      # default: 3 workers, nginx on port 8501
#
# The workers listen on 127.0.0.1 from WORKBENCH_WORKER_BASE_PORT (default 8601) up; nginx
# (Debian: apt-get install nginx) listens on PORT on all addresses. The workspace is the data
# folder's SQLite file, or the PostgreSQL of WORKBENCH_WORKSPACE_URL (several machines: run this
# on each, all with the same URL).
#
# Supervised: a worker (or nginx) that dies is started again after a second; only the users of
# that worker reconnect, nginx keeps serving the others. Ctrl+C or SIGTERM stops everything.
# As a system service: deploy/workbench-classroom.service. Logs, pid files and the generated
# nginx.conf are in <data folder>/classroom/.
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

# supervise NAME COMMAND...: run COMMAND, and run it again whenever it exits, until this
# subshell gets SIGTERM (then COMMAND gets it too). The current pid is in $run_dir/NAME.pid.
supervise() {
  local name="$1" child=""
  shift
  trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait; exit 0' TERM
  while true; do
    "$@" >>"$run_dir/$name.log" 2>&1 &
    child=$!
    echo "$child" >"$run_dir/$name.pid"
    status=0
    wait "$child" || status=$?
    echo "$(date '+%F %T') $name が止まりました（終了コード $status）。1 秒後に起動し直します。" \
      | tee -a "$run_dir/supervisor.log" >&2
    sleep 1
  done
}

# One cookie secret for every worker, kept across restarts: Streamlit signs its XSRF cookie with
# it, and a browser whose worker was restarted (or that another worker serves meanwhile) must still
# be able to upload.
secret_file="$run_dir/cookie-secret"
if [ ! -s "$secret_file" ]; then
  (umask 077; python -c 'import secrets; print(secrets.token_hex(32))' >"$secret_file")
fi
STREAMLIT_SERVER_COOKIE_SECRET="$(cat "$secret_file")"
export STREAMLIT_SERVER_COOKIE_SECRET
# nginx (on this machine) tells the workers each browser's address in X-Forwarded-For: the passcode
# guard and "is this the server's own screen" read it from there (lib/workspace/client_address.py).
export WORKBENCH_TRUSTED_PROXIES="${WORKBENCH_TRUSTED_PROXIES:-127.0.0.1}"

supervisors=()
stop() {
  trap - EXIT INT TERM
  kill -TERM "${supervisors[@]}" 2>/dev/null || true
  wait
  exit 0
}
trap stop EXIT INT TERM

servers=""
for i in $(seq 0 $((workers - 1))); do
  worker_port=$((base + i))
  supervise "worker-$worker_port" python -m streamlit run app.py \
    --server.address 127.0.0.1 --server.port "$worker_port" &
  supervisors+=("$!")
  servers+="        server 127.0.0.1:$worker_port max_fails=1 fail_timeout=5s;"$'\n'
done

sed -e "s|@LISTEN@|$port|" -e "s|@RUN_DIR@|$run_dir|g" deploy/nginx-classroom.conf \
  | python -c 'import sys; print(sys.stdin.read().replace("@WORKERS@", sys.argv[1].rstrip()))' "$servers" \
  > "$run_dir/nginx.conf"
nginx -t -q -c "$run_dir/nginx.conf"
echo "ワークベンチ: http://<このサーバーのアドレス>:$port （ワーカー $workers 個。止めるには Ctrl+C）"
supervise nginx nginx -c "$run_dir/nginx.conf" -g 'daemon off;' &
supervisors+=("$!")
# Until Ctrl+C or SIGTERM (the trap stops everything); a worker that dies is its supervisor's.
wait
