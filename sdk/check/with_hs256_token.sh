#!/usr/bin/env bash
# with_hs256_token.sh SECRET KID ISSUER COMMAND [ARGS...] — runs COMMAND with
# every "@HS256_TOKEN@" in ARGS replaced by a compact JWS (HS256, header kid
# KID) keyed with SECRET: iss ISSUER, sub "nexus-check", scope
# "storage:read", iat now, exp in an hour, a random jti — what the bearer
# plugin mints, made here so the kit can check that it is ALLOWed. Used by
# the plugin_check.bearer ctest; SECRET is a made-up test key.
set -euo pipefail
secret=$1 kid=$2 issuer=$3
shift 3
b64url() { basenc --base64url -w0 | tr -d '='; }
now=$(date +%s)
jti=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
header=$(printf '{"alg":"HS256","typ":"JWT","kid":"%s"}' "$kid" | b64url)
claims=$(printf '{"iss":"%s","sub":"nexus-check","scope":"storage:read","iat":%d,"exp":%d,"jti":"%s"}' \
  "$issuer" "$now" "$((now + 3600))" "$jti" | b64url)
signature=$(printf '%s' "$header.$claims" | openssl dgst -sha256 -mac HMAC -macopt "key:$secret" -binary | b64url)
token="$header.$claims.$signature"
args=()
for a in "$@"; do args+=("${a//@HS256_TOKEN@/$token}"); done
exec "${args[@]}"
