#!/usr/bin/env bash
# Prints the path of a working `pulumi` CLI (exit 0) whose folder also holds the Node.js language host
# (`pulumi-language-nodejs`, needed to run a `runtime: nodejs` project) and the dynamic provider shim
# (`pulumi-resource-pulumi-nodejs`). Put that folder first on PATH. What is installed (PATH,
# ~/.pulumi/bin) wins; what is missing is built from the Go module proxy and cached outside the repo,
# keyed by version, so later runs take a fraction of a second.
#
#   PULUMI_VERSION         CLI version to build (default below)
#   PULUMI_PINGONE_CACHE   cache folder (default ~/.cache/pulumi-pingone-oath)
#
# The language host: its own module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
# is not served by the Go module proxy here, but up to v3.67.0 it was a package of the sdk module
# itself, which is. That older host runs projects with CLI v3.274.1 and @pulumi/pulumi 3.276.0. A regular Pulumi installation, which
# ships a current host, is preferred wherever the official installer can run.
#
# Everything but the final path goes to stderr.
set -euo pipefail

version="${PULUMI_VERSION:-3.274.1}"
host_version="3.67.0"
min_version="3.139.0"   # configure() with stack config reaches dynamic providers from 3.139
cache="${PULUMI_PINGONE_CACHE:-$HOME/.cache/pulumi-pingone-oath}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
shim_source="$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

say() { echo "ensure-pulumi: $*" >&2; }
install_hint="install the CLI with the official installer (curl -fsSL https://get.pulumi.com | sh), then re-run"

version_ok() { # $1 = pulumi binary
    local v
    v="$("$1" version 2>/dev/null | sed 's/^v//')" || return 1
    [ -n "$v" ] && [ "$(printf '%s\n%s\n' "$min_version" "$v" | sort -V | head -n1)" = "$min_version" ]
}

# go_build MODULE_DIR OUTPUT PACKAGE REQUIRE_LINES [LDFLAGS]: a wrapper module, because `go install
# pkg@version` refuses modules with replace directives; the callers copy the replaces they need.
go_build() {
    local dir="$1" out="$2" package="$3" requires="$4" ldflags="${5:-}"
    command -v go >/dev/null 2>&1 || { say "no Go toolchain to build $package; $install_hint"; return 1; }
    mkdir -p "$dir" "$(dirname "$out")"
    printf 'module wrapper\n\ngo 1.26\n\n%s\n' "$requires" > "$dir/go.mod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$package" > "$dir/tools.go"
    (
        cd "$dir"
        GOFLAGS=-mod=mod go mod tidy >&2
        GOFLAGS=-mod=mod go build -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$out" "$package" >&2
    ) || { say "building $package failed; $install_hint"; return 1; }
}

# --- the CLI
pulumi=""
for candidate in "$(command -v pulumi 2>/dev/null || true)" "$HOME/.pulumi/bin/pulumi" "$cache/pulumi-v$version/bin/pulumi"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && version_ok "$candidate"; then pulumi="$candidate"; break; fi
done
if [ -z "$pulumi" ]; then
    say "building pulumi v$version from the Go module proxy (a cold build takes a few minutes)"
    started=$(date +%s)
    pulumi="$cache/pulumi-v$version/bin/pulumi"
    go_build "$cache/build-v$version" "$pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "require (
	github.com/pulumi/pulumi/pkg/v3 v$version
	github.com/pulumi/pulumi/sdk/v3 v$version
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e

replace golang.org/x/text => golang.org/x/text v0.41.0" "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" || exit 1
    version_ok "$pulumi" || { say "the built pulumi does not report a usable version"; exit 1; }
    say "built $("$pulumi" version) in $(( $(date +%s) - started )) s"
fi

# --- the Node.js language host: beside the CLI, on PATH, in ~/.pulumi/bin, or built
host=""
for candidate in "$(dirname "$pulumi")/pulumi-language-nodejs" "$(command -v pulumi-language-nodejs 2>/dev/null || true)" \
    "$HOME/.pulumi/bin/pulumi-language-nodejs" "$cache/pulumi-language-nodejs-v$host_version/bin/pulumi-language-nodejs"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then host="$candidate"; break; fi
done
if [ -z "$host" ]; then
    say "building pulumi-language-nodejs v$host_version from the Go module proxy (about 30 s cold)"
    started=$(date +%s)
    host="$cache/pulumi-language-nodejs-v$host_version/bin/pulumi-language-nodejs"
    go_build "$cache/build-language-nodejs-v$host_version" "$host" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
        "require github.com/pulumi/pulumi/sdk/v3 v$host_version" || exit 1
    say "built pulumi-language-nodejs v$host_version in $(( $(date +%s) - started )) s"
fi

# --- one folder with all three, so one PATH entry serves the CLI, its plugins and the Automation API.
# Real files, not symlinks: the CLI looks for its bundled plugins beside its own resolved path, and warns
# "using pulumi-language-nodejs from $PATH" on every command when the copy on PATH is elsewhere (as a
# symlinked CLI makes it). Hard links cost no space; across filesystems it copies. Each file goes in under
# a temporary name and is renamed, so a run that uses the folder meanwhile never sees it missing.
bin="$(dirname "$pulumi")"
if [ "$(dirname "$host")" != "$bin" ] || { [ ! -e "$bin/pulumi-resource-pulumi-nodejs" ] && [ ! -w "$bin" ]; }; then
    # Named by the versions, so a checkout of an older script (which symlinked into $cache/bin) and this
    # one never rewrite each other's folder.
    bin="$cache/cli-v$version"
    mkdir -p "$bin"
    place() { # $1 = source file, $2 = name in $bin
        local target="$bin/$2" temp="$bin/.$2.$$"
        if [ -f "$target" ] && [ ! -L "$target" ] && [ "$target" -ef "$1" ]; then return 0; fi
        ln -f "$1" "$temp" 2>/dev/null || cp "$1" "$temp"
        mv -f "$temp" "$target"
    }
    place "$(readlink -f "$pulumi")" pulumi
    place "$(readlink -f "$host")" pulumi-language-nodejs
fi
# The dynamic provider shim ships in @pulumi/pulumi; it resolves the SDK from the project folder it runs in.
if [ ! -e "$bin/pulumi-resource-pulumi-nodejs" ]; then
    [ -f "$shim_source" ] || { say "run npm ci first: $shim_source is missing"; exit 1; }
    cp "$shim_source" "$bin/" && chmod +x "$bin/pulumi-resource-pulumi-nodejs"
fi
say "using $bin/pulumi ($("$bin/pulumi" version)) with pulumi-language-nodejs $(if [ "$host" = "$cache/pulumi-language-nodejs-v$host_version/bin/pulumi-language-nodejs" ]; then echo "v$host_version (built)"; else echo "from $host"; fi)"
echo "$bin/pulumi"
