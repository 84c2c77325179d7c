#!/usr/bin/env bash
# Open API (/api/open/v1, seed 004): list models, submit a video generation, poll it, download.
set -euo pipefail
. "$(dirname "$0")/_common.sh"

curl -sf "$BASE/api/open/v1/models" | field 'j.data.map((m) => m.id).join(", ")'
REQ=$(curl -sf -X POST "$BASE/api/open/v1/video/generations" -H "$AUTH" -H "Content-Type: application/json" \
  -H "Idempotency-Key: example-open-$(date +%s)-$$" \
  -d '{"model":"seedance-2.0-fast","prompt":"A golden retriever running on the beach at sunset","duration":4,"aspectRatio":"16:9","resolution":"480p"}' | field j.requestId)
echo "submitted $REQ"

while :; do
  GEN=$(curl -sf "$BASE/api/open/v1/video/generations/$REQ" -H "$AUTH")
  STATUS=$(echo "$GEN" | field j.status)
  echo "$REQ: $STATUS"
  case $STATUS in succeeded) break ;; failed|cancelled) exit 3 ;; esac
  sleep 1
done

curl -sf -o "$OUT_DIR/open.mp4" "$(echo "$GEN" | field j.output.url)"
echo "saved $OUT_DIR/open.mp4"
