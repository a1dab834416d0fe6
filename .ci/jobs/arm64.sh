#!/usr/bin/env bash
# CI job for the arm64 port, from a clean clone's root: the same make target
# as the other ports' CI jobs (check.sh lanes). Lane arm64 builds out of tree
# in build-arm64/ and compares the TCG suite with tests/expected/arm64.txt;
# lane clang-arm64 builds with clang in build-arm64-clang/, warnings as errors.
set -euo pipefail

make check-lane LANE="arm64 clang-arm64"
