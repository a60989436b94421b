#!/usr/bin/env bash
# Prints the path of a working `pulumi` CLI (exit 0), building it from the Go module proxy when none is
# installed. The result is cached outside the repo, keyed by version, so later runs take seconds.
#
#   PULUMI_VERSION        version to build (default below)
#   PULUMI_PINGONE_CACHE  cache folder (default ~/.cache/pulumi-pingone-oath)
#
# Everything but the final path goes to stderr.
set -euo pipefail

version="${PULUMI_VERSION:-3.274.1}"
min_version="3.139.0"   # configure() with stack config reaches dynamic providers from 3.139
cache="${PULUMI_PINGONE_CACHE:-$HOME/.cache/pulumi-pingone-oath}"
bin="$cache/pulumi-v$version/bin"
repo="$(cd "$(dirname "$0")/.." && pwd)"

say() { echo "ensure-pulumi: $*" >&2; }

version_ok() { # $1 = pulumi binary
    local v
    v="$("$1" version 2>/dev/null | sed 's/^v//')" || return 1
    [ -n "$v" ] && [ "$(printf '%s\n%s\n' "$min_version" "$v" | sort -V | head -n1)" = "$min_version" ]
}

# The dynamic provider shim ships in @pulumi/pulumi; the engine looks for it next to pulumi or on PATH.
add_shim() { # $1 = bin folder
    local shim="$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
    if [ -f "$shim" ] && [ -w "$1" ] && [ ! -e "$1/pulumi-resource-pulumi-nodejs" ]; then
        cp "$shim" "$1/" && chmod +x "$1/pulumi-resource-pulumi-nodejs"
    fi
}

for candidate in "$(command -v pulumi 2>/dev/null || true)" "$HOME/.pulumi/bin/pulumi" "$bin/pulumi"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && version_ok "$candidate"; then
        add_shim "$(dirname "$candidate")"
        say "using $candidate ($("$candidate" version))"
        echo "$candidate"
        exit 0
    fi
done

if ! command -v go >/dev/null 2>&1; then
    say "no pulumi CLI (>= v$min_version) and no Go toolchain to build one."
    say "Install the CLI with the official installer: curl -fsSL https://get.pulumi.com | sh   (then re-run)"
    exit 1
fi

say "building pulumi v$version from the Go module proxy into $bin (a cold build takes a few minutes)"
started=$(date +%s)
work="$cache/build-v$version"
mkdir -p "$work" "$bin"
# A wrapper module: `go install pkg@version` refuses modules with replace directives, so the
# non-local replaces of pulumi's own go.mod (pkg/v3 and sdk/v3 at this version) are copied here.
cat > "$work/go.mod" <<GOMOD
module pulumicli

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 v$version
	github.com/pulumi/pulumi/sdk/v3 v$version
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e

replace golang.org/x/text => golang.org/x/text v0.41.0
GOMOD
cat > "$work/tools.go" <<'GOSRC'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GOSRC
(
    cd "$work"
    GOFLAGS=-mod=mod go mod tidy >&2
    GOFLAGS=-mod=mod go build -tags osusergo,grpcnotrace \
        -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
        -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
) || { say "building pulumi failed; install the CLI with the official installer: curl -fsSL https://get.pulumi.com | sh"; exit 1; }
add_shim "$bin"
version_ok "$bin/pulumi" || { say "the built pulumi does not report a usable version"; exit 1; }
say "built $("$bin/pulumi" version) in $(( $(date +%s) - started )) s"
echo "$bin/pulumi"
