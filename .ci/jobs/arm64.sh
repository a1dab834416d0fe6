#!/usr/bin/env bash
# CI job for the arm64 port: from a clean clone's root, an out-of-tree build
# with gcc and with clang, then `make check` (host tests, harness tests, lint,
# and the guest suite under TCG compared with tests/expected/arm64.txt).
set -euo pipefail

root=$(pwd)

# clang first: it only has to build warning-free; the gcc build is the one checked.
mkdir build-arm64-clang
(cd build-arm64-clang && "$root/configure" --arch=arm64 --cc=clang && make deps && make)

mkdir build-arm64
cd build-arm64
"$root/configure" --arch=arm64
make deps
make
ACCEL=tcg make check
