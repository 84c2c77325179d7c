#!/usr/bin/env bash
# OpenAI-compatible Videos API (/v1/videos, Sora 2 shape): create, retrieve until completed, download.
set -euo pipefail
. "$(dirname "$0")/_common.sh"

VIDEO=$(curl -sf "$BASE/v1/videos" -H "$AUTH" -H "Content-Type: application/json" \
  -H "Idempotency-Key: example-openai-videos-$(date +%s)-$$" \
  -d '{"model":"sora-2","prompt":"a corgi surfing a small wave, golden hour","seconds":"4","size":"1280x720"}' | field j.id)
echo "submitted $VIDEO"

while :; do
  STATUS=$(curl -sf "$BASE/v1/videos/$VIDEO" -H "$AUTH" | field j.status)
  echo "$VIDEO: $STATUS"
  case $STATUS in completed) break ;; failed) exit 3 ;; esac
  sleep 1
done

curl -sf -o "$OUT_DIR/openai-video.mp4" "$BASE/v1/videos/$VIDEO/content" -H "$AUTH"
echo "saved $OUT_DIR/openai-video.mp4"
