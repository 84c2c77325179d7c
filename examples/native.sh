#!/usr/bin/env bash
# Native API (/v1, seed 000): submit a video, poll it, download the MP4.
set -euo pipefail
. "$(dirname "$0")/_common.sh"

JOB=$(curl -sf -X POST "$BASE/v1/videos/generate" -H "$AUTH" -H "Content-Type: application/json" \
  -H "Idempotency-Key: example-native-$(date +%s)-$$" \
  -d '{"prompt":"cinematic drone shot over a futuristic city at dusk","size":"16:9_SMALL","duration":4}' | field j.jobId)
echo "submitted $JOB"

while :; do
  STATUS=$(curl -sf "$BASE/v1/jobs/$JOB" -H "$AUTH" | field j.status)
  echo "$JOB: $STATUS"
  case $STATUS in succeeded) break ;; failed|cancelled) exit 3 ;; esac
  sleep 1
done

URL=$(curl -sf "$BASE/v1/jobs/$JOB/result" -H "$AUTH" | field 'j.outputs[0].url')
curl -sf -o "$OUT_DIR/native.mp4" "$URL"
echo "saved $OUT_DIR/native.mp4"
