#!/usr/bin/env bash
# OpenAI-compatible Images API (/v1/images/generations): one request, the PNG comes back inline.
set -euo pipefail
. "$(dirname "$0")/_common.sh"

curl -sf "$BASE/v1/images/generations" -H "$AUTH" -H "Content-Type: application/json" \
  -H "Idempotency-Key: example-openai-images-$(date +%s)-$$" \
  -d '{"model":"gpt-image-1","prompt":"a cozy reading nook, soft morning light","size":"1536x1024","quality":"low"}' \
  | field 'j.data[0].b64_json' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(Buffer.from(s.trim(),"base64")))' > "$OUT_DIR/openai-image.png"
echo "saved $OUT_DIR/openai-image.png"
