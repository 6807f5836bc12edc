#!/usr/bin/env bash
# The test command: OS packages the tests need, then the locked npm dependencies, then the suite.
# Extra arguments go to vitest, e.g. `scripts/test.sh rng/`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-test-deps.sh
npm ci
npm test -- "$@"
