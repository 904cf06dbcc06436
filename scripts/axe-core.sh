#!/usr/bin/env bash
# Install axe-core (the accessibility rules the browser tests run) from npm into .venv/axe/,
# only when that version is missing. Usage: scripts/axe-core.sh  (run by `make test`)
set -euo pipefail
VERSION=4.11.4
dest=.venv/axe
js="$dest/node_modules/axe-core/axe.min.js"
if [ -f "$js" ] && head -c 40 "$js" | grep -q "axe v$VERSION"; then exit 0; fi
command -v npm >/dev/null || scripts/system-deps.sh node
mkdir -p "$dest"
echo "axe-core: installing $VERSION from npm into $dest" >&2
npm install --prefix "$dest" --no-audit --no-fund --loglevel=error "axe-core@$VERSION" >/dev/null
head -c 40 "$js" | grep -q "axe v$VERSION" || { echo "axe-core: $js is missing after npm install" >&2; exit 1; }
