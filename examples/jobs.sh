#!/usr/bin/env bash
# Jobs API (/api/v1/jobs, seed 002): create a task, query it, download the MP4, show the credits.
set -euo pipefail
. "$(dirname "$0")/_common.sh"

TASK=$(curl -sf -X POST "$BASE/api/v1/jobs/createTask" -H "$AUTH" -H "Content-Type: application/json" \
  -d '{"model":"seedance2-fast","inputs":{"prompt":"A golden retriever running on the beach at sunset","duration":"4s","resolution":"1280x720"}}' | field j.taskId)
echo "submitted $TASK"

while :; do
  TASK_JSON=$(curl -sf "$BASE/api/v1/jobs/queryTask?taskId=$TASK" -H "$AUTH")
  STATUS=$(echo "$TASK_JSON" | field j.status)
  echo "$TASK: $STATUS"
  case $STATUS in COMPLETED) break ;; FAILED) exit 3 ;; esac
  sleep 1
done

curl -sf -o "$OUT_DIR/jobs.mp4" "$(echo "$TASK_JSON" | field 'j.output[0].url')"
echo "saved $OUT_DIR/jobs.mp4"
curl -sf "$BASE/api/v1/account/credits" -H "$AUTH"; echo
