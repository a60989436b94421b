#!/usr/bin/env bash
# Runs a command with Node.js >= 22 first on PATH (what @pulumi/pulumi 3.276 needs): the machine's own
# node when it is new enough, else the `node` package of the npm registry (node@22, which ships the
# official binary), installed once into a cache outside the repo.
#
#   scripts/with-node22.sh mocha        scripts/with-node22.sh node dist/scripts/demo.js
#
#   PULUMI_PINGONE_CACHE  cache folder (default ~/.cache/pulumi-pingone-oath)
set -euo pipefail

cache="${PULUMI_PINGONE_CACHE:-$HOME/.cache/pulumi-pingone-oath}"
major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(major node)" -lt 22 ]; then
    prefix="$cache/node22"
    if [ ! -x "$prefix/node_modules/.bin/node" ] || [ "$(major "$prefix/node_modules/.bin/node")" -lt 22 ]; then
        echo "with-node22: node $(node --version 2>/dev/null || echo '(none)') is older than 22; installing node@22 from the npm registry into $prefix" >&2
        mkdir -p "$prefix"
        npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error node@22 >&2
    fi
    export PATH="$prefix/node_modules/.bin:$PATH"
fi
exec "$@"
