# shellcheck shell=bash
# Sourced by main-job.sh and editor.sh: build the package, install the pinned n8n, and pick the API
# (the local emulator, or Segmind itself when SEGMIND_API_KEY is set). Exports AURA_API_KEY and
# AURA_BASE_URL for scripts/n8n-run.ts and installs an EXIT trap that stops what it started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
step() { echo "==> $*"; }

AURA_TMP="$(mktemp -d "${TMPDIR:-/tmp}/aura-flow-main.XXXXXX")"
EMULATOR_PID=""
cleanup() {
	local rc=$?
	if [[ -n "$EMULATOR_PID" ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
		kill "$EMULATOR_PID" 2>/dev/null || true
		wait "$EMULATOR_PID" 2>/dev/null || true
	fi
	rm -rf "$AURA_TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ! -d node_modules ]]; then
	step "npm ci (node_modules is missing)"
	npm ci --no-audit --no-fund
fi

step "npm run build"
npm run build --silent

step "n8n runtime (scripts/n8n-install.sh)"
bash scripts/n8n-install.sh

if [[ -n "${SEGMIND_API_KEY:-}" ]]; then
	export AURA_API_KEY="$SEGMIND_API_KEY"
	export AURA_BASE_URL="${SEGMIND_BASE_URL:-https://api.segmind.com}"
	step "using the real Segmind API at $AURA_BASE_URL (SEGMIND_API_KEY is set; each image costs credits)"
else
	step "starting the local Segmind emulator (set SEGMIND_API_KEY to use the real API)"
	ready="$AURA_TMP/emulator-ready.json"
	node_modules/.bin/ts-node --transpile-only test/emulator/cli.ts --port 0 --once-ready-file "$ready" \
		>"$AURA_TMP/emulator.log" 2>&1 &
	EMULATOR_PID=$!
	for _ in $(seq 1 120); do
		[[ -s "$ready" ]] && break
		if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
			cat "$AURA_TMP/emulator.log" >&2
			echo "the emulator exited before it was ready" >&2
			exit 1
		fi
		sleep 0.5
	done
	[[ -s "$ready" ]] || { cat "$AURA_TMP/emulator.log" >&2; echo "the emulator did not get ready in 60 s" >&2; exit 1; }
	AURA_BASE_URL="$(node -p "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).baseUrl" "$ready")"
	AURA_API_KEY="$(node -p "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).apiKey" "$ready")"
	export AURA_BASE_URL AURA_API_KEY
	echo "    emulator at $AURA_BASE_URL"
fi
