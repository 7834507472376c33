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

# Universal Viewer, the same way: its self-contained build (dist/umd, which
# loads its own chunks from beside UV.js, and dist/uv.css) taken from the
# pinned package tarball after checking its sha512 integrity; the package's
# dependencies (some 200 MB, esbuild and pdf.js among them) are only needed to
# build UV, not to run it.
install_uv() {
  local version=4.4.0
  local integrity=sha512-9OVs6uCzeQYw50jg8k2vEGq6hQFu7kEv9OOAlmqVH9duhrpg1xlIqcMIb2rhNQnAxTQd3R13gxJze9UYkiwdzg==
  local dest=vendor/universalviewer-$version
  [ -s "$dest/umd/UV.js" ] && [ -s "$dest/uv.css" ] && return 0
  local tmp
  tmp=$(mktemp -d)
  npm pack "universalviewer@$version" --pack-destination "$tmp" --silent >/dev/null
  local tgz="$tmp/universalviewer-$version.tgz"
  local got
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  if [ "$got" != "$integrity" ]; then
    echo "universalviewer-$version.tgz: integrity $got, want $integrity" >&2
    rm -rf "$tmp"
    exit 1
  fi
  tar -xzf "$tgz" -C "$tmp" package/dist/umd package/dist/uv.css
  rm -rf "$dest"
  mkdir -p vendor
  mv "$tmp/package/dist" "$dest"
  rm -rf "$tmp"
}
install_uv
