#!/usr/bin/env bash
# CI job for ppc64 (QEMU pseries, TCG), run from a clean clone's root: an
# out-of-tree gcc build and its guest lane (`make check-lane LANE=ppc64`:
# run_tests.sh under TCG, states compared with tests/expected/ppc64.txt; the
# project part of `make check` is another job's), then a clang build, which
# must be warning-free too.
set -euo pipefail

export ACCEL=${ACCEL:-tcg}
rm -rf build-ppc64 build-ppc64-clang
mkdir build-ppc64
(cd build-ppc64 && ../configure --arch=ppc64 && make && make check-lane LANE=ppc64)
mkdir build-ppc64-clang
(cd build-ppc64-clang && ../configure --arch=ppc64 --cc=clang && make)
