# Shared by the curl examples: the server, the key, and a JSON field reader (node, no jq needed).
BASE=${REELAY_BASE_URL:-http://127.0.0.1:8080}
: "${REELAY_API_KEY:?set REELAY_API_KEY to your sk_live_… key}"
AUTH="Authorization: Bearer $REELAY_API_KEY"
OUT_DIR=${OUT_DIR:-.}
# field '<js expression on j>' < json  →  the value, e.g. field 'j.outputs[0].url'
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);const v=eval(process.argv[1]);if(v===undefined){console.error(s);process.exit(1)}console.log(v)})' "$1"; }
