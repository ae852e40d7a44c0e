#!/usr/bin/env bash
# npm run editor: the same setup as `npm run main`, then `n8n start` with the node installed, the
# "Segmind account" credential and the example workflows imported, and an owner account created.
# Prints the editor URL and runs until Ctrl-C (the EXIT trap then stops the emulator).
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"
step "starting n8n"
node_modules/.bin/ts-node --transpile-only scripts/n8n-run.ts editor
