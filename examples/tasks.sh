#!/usr/bin/env bash
# Tasks API (/api/v1, seeds 001 / 003): submit a Seedance video task, poll it, download the MP4.
set -euo pipefail
. "$(dirname "$0")/_common.sh"

TASK=$(curl -sf -X POST "$BASE/api/v1/video/seedance" -H "$AUTH" -H "Content-Type: application/json" \
  -H "Idempotency-Key: example-tasks-$(date +%s)-$$" \
  -d '{"mode":"text-to-video","prompt":"A glass train crossing a snowy mountain bridge","aspect_ratio":"16:9","duration":"4","resolution":"720p"}' | field j.id)
echo "submitted $TASK"

while :; do
  TASK_JSON=$(curl -sf "$BASE/api/v1/tasks/$TASK" -H "$AUTH")
  STATUS=$(echo "$TASK_JSON" | field j.status)
  echo "$TASK: $STATUS"
  case $STATUS in completed) break ;; failed) exit 3 ;; esac
  sleep 1
done

curl -sf -o "$OUT_DIR/tasks.mp4" "$(echo "$TASK_JSON" | field j.output.video_url)"
echo "saved $OUT_DIR/tasks.mp4"
