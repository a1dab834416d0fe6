#!/usr/bin/env bash
# CI job for the arm64 port: from a clean clone's root, out-of-tree builds
# with clang (must build warning-free) and gcc, then `make check` in the gcc
# build (host tests, harness tests, lint, and the guest suite under TCG
# compared with tests/expected/arm64.txt).
set -euo pipefail

root=$(pwd)

mkdir build-arm64-clang
(cd build-arm64-clang && "$root/configure" --arch=arm64 --cc=clang && make)

mkdir build-arm64
cd build-arm64
"$root/configure" --arch=arm64
make
ACCEL=tcg make check
