#!/usr/bin/env bash
# Install the pinned real n8n (e2e/n8n-runtime: n8n 2.41.1 + Node 24, versions fixed by its
# package-lock.json) into .cache/n8n (or $AURA_N8N_DIR). Idempotent:
# does nothing when .cache/n8n already holds an install of the committed lockfile with sqlite3 rebuilt.
# Needs only Node >= 20, npm, and a C++ toolchain (for sqlite3) — works offline from the npm registry.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/n8n-env.sh
source "$ROOT/scripts/n8n-env.sh"
SRC="$ROOT/e2e/n8n-runtime"
DEST="$AURA_N8N_DIR"
MARKER="$DEST/.aura-install-complete"
log() { echo "[n8n-install] $*"; }

lock_hash="$(sha256sum "$SRC/package-lock.json" | cut -d' ' -f1)"
want="lock=$lock_hash sqlite3=rebuilt"

if [[ -f "$MARKER" && "$(cat "$MARKER")" == "$want" ]] &&
	cmp -s "$SRC/package-lock.json" "$DEST/.committed-package-lock.json" &&
	cmp -s "$SRC/package.json" "$DEST/package.json" &&
	[[ -x "$AURA_NODE24" && -f "$AURA_N8N_BIN" ]]; then
	log "n8n $(node -p "require('$DEST/node_modules/n8n/package.json').version") already installed in ${DEST#"$ROOT"/} (cached)"
	exit 0
fi

start=$SECONDS
mkdir -p "$DEST"
rm -f "$MARKER"
if cmp -s "$SRC/package-lock.json" "$DEST/.committed-package-lock.json" && cmp -s "$SRC/package.json" "$DEST/package.json" &&
	[[ -f "$DEST/node_modules/.package-lock.json" && -x "$AURA_NODE24" && -f "$AURA_N8N_BIN" ]]; then
	log "node_modules already matches the lockfile; skipping the download"
else
	rm -f "$DEST/.committed-package-lock.json"
	cp "$SRC/package.json" "$SRC/package-lock.json" "$DEST/"
	log "installing n8n 2.41.1 + Node 24 from the lockfile into ${DEST#"$ROOT"/} (about 6-7 min, ~3 GB)..."
	# `npm ci` refuses this lockfile: n8n's optional platform packages that the registry does not serve
	# (e.g. @msgpackr-extract/*-darwin-*) are absent from it. `npm install` with the lockfile present
	# installs exactly the locked versions and skips those optional ones; --no-save keeps the lock as is.
	# --ignore-scripts: kafka's native build downloads sources and fails offline (sqlite3 is rebuilt below).
	(cd "$DEST" && npm install --ignore-scripts --no-save --no-audit --no-fund --loglevel=error) >"$DEST/install.log" 2>&1 || {
		tail -n 30 "$DEST/install.log" >&2
		log "npm install failed (full log: $DEST/install.log)"
		exit 1
	}
	cp "$SRC/package-lock.json" "$DEST/.committed-package-lock.json"
	log "packages installed in $((SECONDS - start)) s"
fi

log "rebuilding sqlite3 for Node $("$AURA_NODE24" -v) (about 1.5 min)..."
t=$SECONDS
(
	cd "$DEST"
	export PATH="$AURA_NODE24_DIR/bin:$PATH"
	export npm_config_nodedir="$AURA_NODE24_DIR"
	# Run from `npm test`/`npm run`, npm exports this repository's .npmrc (ignore-scripts=true)
	# as npm_config_ignore_scripts, which would make the rebuild a silent no-op.
	export npm_config_ignore_scripts=false
	npm rebuild sqlite3 --no-audit --no-fund --loglevel=error
) >"$DEST/rebuild.log" 2>&1 || {
	tail -n 30 "$DEST/rebuild.log" >&2
	log "sqlite3 rebuild failed (full log: $DEST/rebuild.log)"
	exit 1
}
# Prove the native module loads under Node 24.
(cd "$DEST" && "$AURA_NODE24" -e "require('sqlite3'); require('isolated-vm')") || {
	log "sqlite3/isolated-vm do not load under Node 24"
	exit 1
}
log "sqlite3 rebuilt in $((SECONDS - t)) s"
echo "$want" >"$MARKER"
log "n8n ready in ${DEST#"$ROOT"/} ($((SECONDS - start)) s)"
