#!/usr/bin/env bash
# scripts/qemu10.sh: QEMU 10.0 (Debian 13 "trixie") for the tcg-qemu10 lanes.
#
# QEMU, its modules and its firmware (SeaBIOS and the option ROMs, OpenSBI
# 1.6, SLOF) come from the trixie root of scripts/trixie-root.sh (package set
# qemu10), built once outside the repository. The wrappers run the root's
# qemu-system-* through the root's loader and libraries, with
# QEMU_MODULE_DIR and -L (<root>/usr/share/qemu, .../seabios, ipxe: the
# firmware path Debian builds into QEMU, inside the root) pointing at the
# root's modules and firmware: nothing of the host's QEMU 7.2 is used.
#
#   scripts/qemu10.sh ready       exit 0 when the root has QEMU 10
#   scripts/qemu10.sh can-setup   exit 0 when `setup` could build it here
#   scripts/qemu10.sh setup       build the root / install QEMU unless there
#   scripts/qemu10.sh bindir      print a directory of qemu-system-{x86_64,
#                                 aarch64,riscv64,ppc64} wrappers: put it first
#                                 in PATH, or name the binary in QEMU=
#   scripts/qemu10.sh version     print the QEMU version in the root
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tr=$here/trixie-root.sh
cache=${HVUT_CACHE:-$HOME/.cache/hvut}

bindir() {
	"$tr" ready qemu10 || { echo "qemu10: no QEMU 10 root: run $0 setup" >&2; exit 1; }
	local root dir=$cache/qemu10-bin b
	root=$("$tr" dir)
	for b in qemu-system-x86_64 qemu-system-aarch64 qemu-system-riscv64 qemu-system-ppc64; do
		"$tr" wrap "/usr/bin/$b" "$dir" "QEMU_MODULE_DIR=$root/usr/lib/x86_64-linux-gnu/qemu" -- \
			-L "$root/usr/share/qemu" -L "$root/usr/share/seabios" -L "$root/usr/lib/ipxe/qemu" >/dev/null
	done
	echo "$dir"
}

case ${1:-} in
ready) "$tr" ready qemu10 ;;
can-setup) "$tr" can-setup ;;
setup) "$tr" setup qemu10 ;;
bindir) bindir ;;
version) "$(bindir)/qemu-system-x86_64" --version | sed -n 's/^QEMU emulator version \([0-9][0-9.]*\).*/\1/p' ;;
*) echo "usage: $0 ready|can-setup|setup|bindir|version" >&2; exit 2 ;;
esac
