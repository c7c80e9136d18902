#!/usr/bin/env bash
# The fresh-clone check: clone the committed tree into an empty temporary folder with nothing
# beside it (no ../shared, LIOUVILLE_REFERENCE_DATA unset), install from the lockfile, and run a
# short reproduction on the reference data: what a new user does, proving the data travel with
# the code. The pnpm store of the main install makes the second install fast and offline.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone -q "$root" "$work/liouville"
cd "$work/liouville"
unset LIOUVILLE_REFERENCE_DATA
npx -y pnpm@10 install --frozen-lockfile --prefer-offline > "$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
npx -y pnpm@10 liouville reproduce --task spring --seeds 1 --data reference --steps 20 --out "$work/out"
test -s "$work/out/results.json" || { echo "fresh clone: results.json was not written"; exit 1; }
if [ -e "$work/shared" ]; then echo "fresh clone: something created $work/shared"; exit 1; fi
echo "fresh clone: reproduce --task spring ran from a clone with nothing beside it"
