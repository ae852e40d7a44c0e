#!/usr/bin/env bash
# npm run main: build the package, install it as a community node into a real n8n 2.41 (Node 24),
# and run examples/generate-and-save.json against the local Segmind emulator (or the real API when
# SEGMIND_API_KEY is set). The image(s) are left in ./output/. Extra arguments name other examples
# to run instead (e.g. `npm run main -- batch-prompts submit-wait-fetch`).
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"
start=$SECONDS
step "running the example workflow(s) in n8n"
node_modules/.bin/ts-node --transpile-only scripts/n8n-run.ts main "$@"
step "done in $((SECONDS - start)) s; images are in ./output/"
