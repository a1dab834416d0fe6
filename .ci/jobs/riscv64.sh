#!/usr/bin/env bash
# CI job for riscv64, run from a clean clone's root: an out-of-tree gcc build
# and its guest lane (`make check-lane LANE=riscv64`: run_tests.sh under TCG,
# states compared with tests/expected/riscv64.txt; the project part of
# `make check` is another job's), then a clang build, which must be warning-free too.
# The sbi-opensbi-1.6 entry fetches Debian 13's OpenSBI through apt on first
# use (scripts/opensbi-new.sh; cache in ${HVUT_CACHE:-$HOME/.cache/hvut}).
set -euo pipefail

export ACCEL=${ACCEL:-tcg}
rm -rf build-riscv64 build-riscv64-clang
mkdir build-riscv64
(cd build-riscv64 && ../configure --arch=riscv64 && make && make check-lane LANE=riscv64)
mkdir build-riscv64-clang
(cd build-riscv64-clang && ../configure --arch=riscv64 --cc=clang && make)
