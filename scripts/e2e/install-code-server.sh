#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the last release for node 20) into a cache folder
# outside the repo, offline-safe: its @vscode/ripgrep postinstall would download rg from GitHub, so
# we pre-seed the tarball it looks for with Debian's /usr/bin/rg. Idempotent: a finished install is reused.
set -euo pipefail
CACHE="${DAILIES_E2E_CACHE:-$HOME/.cache/dailies-e2e}"
VERSION=4.100.3
BIN="$CACHE/node_modules/.bin/code-server"
if [[ -x "$BIN" && -f "$CACHE/.installed-$VERSION" ]]; then
  echo "code-server $VERSION already installed in $CACHE"; exit 0
fi
# No browser here: the run drives a system Chromium if there is one, else the npm one
# (test/helpers/chromium.ts).
if ! command -v rg >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libkrb5-dev pkg-config ripgrep >/dev/null
  else
    echo "need ripgrep and libkrb5-dev (run as root or install them)" >&2; exit 1
  fi
fi
mkdir -p "$CACHE"
TMPDIR="${TMPDIR:-/tmp}"
RG_CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"
RG_TAR="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -f "$RG_TAR" ]]; then
  mkdir -p "$RG_CACHE/stage"
  cp /usr/bin/rg "$RG_CACHE/stage/rg"
  tar -C "$RG_CACHE/stage" -czf "$RG_TAR" rg
fi
cd "$CACHE"
[[ -f package.json ]] || echo '{"name":"dailies-e2e-cache","private":true}' > package.json
npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --loglevel=error "code-server@$VERSION"
touch "$CACHE/.installed-$VERSION"
echo "code-server $VERSION installed in $CACHE"
