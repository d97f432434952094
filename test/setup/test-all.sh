#!/usr/bin/env bash
# The README's test command (`npm run test:all`): sets up what the tests need on a fresh Debian machine
# with Node.js 20, then runs `npm test`. .ci/run calls it too, so CI proves the README.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash test/setup/ensure-packages.sh --install
[ -d node_modules ] || npm ci
exec npm test
