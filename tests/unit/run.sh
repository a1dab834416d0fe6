#!/usr/bin/env bash
# Builds the host-side unit tests of hvut's libc into BUILDDIR (default:
# tests/host-bin under the current directory) and runs them.
#   tests/unit/run.sh [BUILDDIR]      CC=clang tests/unit/run.sh [BUILDDIR]
# Sources are found relative to this script, so any BUILDDIR works and nothing
# is written into the source tree unless BUILDDIR points there.
#
# Linking our libc next to glibc: the libc objects are compiled exactly as for a
# guest (freestanding, the top Makefile's flags), then objcopy --prefix-symbols
# renames every symbol they define or use to hvut_*. So the test program calls
# hvut_printf next to glibc's printf, calls the compiler makes inside our libc
# (memcpy for a struct copy, say) stay inside our libc, and console_write becomes
# hvut_console_write, which the driver provides to capture output. -D renames
# would miss those compiler-made calls and would test different code.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-tests/host-bin}
cc=${CC:-cc}
objcopy=${OBJCOPY:-objcopy}

mkdir -p "$build/libc"
build=$(cd "$build" && pwd)

inc=$("$cc" -print-file-name=include)
# Keep in step with CFLAGS in the top Makefile (minus -g and the target flags).
libc_cflags=(-std=gnu11 -O2 -ffreestanding -nostdinc -isystem "$inc"
	-fno-stack-protector -fno-pic -fno-pie -fno-omit-frame-pointer -fno-common
	-fno-strict-aliasing -Wall -Wextra -Werror
	-I"$top/lib/libc/include" -I"$top/lib")
# -fno-builtin: the expected results must come from glibc at run time, not from
# the compiler folding snprintf/strlen calls on constant arguments.
test_cflags=(-std=gnu11 -O2 -fno-builtin -Wall -Wextra -Werror -D_GNU_SOURCE)

objs=()
for src in string ctype strtol printf; do
	"$cc" "${libc_cflags[@]}" -c -o "$build/libc/$src.o" "$top/lib/libc/$src.c"
	"$objcopy" --prefix-symbols=hvut_ "$build/libc/$src.o" "$build/libc/hvut_$src.o"
	objs+=("$build/libc/hvut_$src.o")
done
for src in check test_ctype test_string test_strtol test_printf; do
	"$cc" "${test_cflags[@]}" -c -o "$build/$src.o" "$here/$src.c"
	objs+=("$build/$src.o")
done
# -no-pie: the libc objects are built -fno-pic, as for guests.
"$cc" -no-pie -o "$build/libc-unit" "${objs[@]}"

exec "$build/libc-unit"
