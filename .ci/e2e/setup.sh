#!/usr/bin/env bash
# Installs the browser harness: the npm packages pinned in package-lock.json
# (no install scripts run), and Mirador's self-contained build, taken alone
# from the mirador package tarball after checking its sha512 integrity (a
# normal install of mirador pulls some 400 MB this one file does not use).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
MIRADOR_VERSION=4.0.0
MIRADOR_INTEGRITY=sha512-uWsE9e2oqSc/lUu+vVwDGhTsycuhGsfZ2KfX6CLfXiT3wgGy6qT9+q5M3V9Zz72hkdIgsJugKesaowmRtYmvrA==
dest=vendor/mirador-$MIRADOR_VERSION.min.js
if [ ! -s "$dest" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  npm pack "mirador@$MIRADOR_VERSION" --pack-destination "$tmp" --silent >/dev/null
  tgz="$tmp/mirador-$MIRADOR_VERSION.tgz"
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  if [ "$got" != "$MIRADOR_INTEGRITY" ]; then
    echo "mirador-$MIRADOR_VERSION.tgz: integrity $got, want $MIRADOR_INTEGRITY" >&2
    exit 1
  fi
  tar -xzf "$tgz" -C "$tmp" package/dist/mirador.min.js
  mkdir -p vendor
  mv "$tmp/package/dist/mirador.min.js" "$dest"
fi
