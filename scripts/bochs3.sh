#!/usr/bin/env bash
# scripts/bochs3.sh: Bochs 3.0 (Debian 13 "trixie") for the bochs3 lane.
#
# The host is Debian 12, whose Bochs 2.7 has no CPU model with MBEC. Bochs 3.0
# needs trixie's libraries, so it runs from the trixie root of
# scripts/trixie-root.sh (package set bochs3), kept OUTSIDE the repository and
# built once. Nothing is chrooted: bochs-bin runs through the root's own
# dynamic loader with the root's libraries. The ISO/GRUB step of the Bochs
# lane stays on the host.
#
#   scripts/bochs3.sh setup     build the root unless it is there (needs root
#                               privileges and the Debian mirror via apt)
#   scripts/bochs3.sh ready     exit 0 when the root has Bochs 3.0
#   scripts/bochs3.sh can-setup exit 0 when `setup` could build it here
#   scripts/bochs3.sh bindir    print a directory holding a `bochs-bin` that
#                               runs Bochs 3.0: put it first in PATH
#   scripts/bochs3.sh rc        print the bochsrc lines that point Bochs 3.0 at
#                               the root's BIOS images
#   scripts/bochs3.sh version   print the Bochs version in the root
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tr=$here/trixie-root.sh
cache=${HVUT_CACHE:-$HOME/.cache/hvut}

need_root() { "$tr" ready bochs3 || { echo "bochs3: no Bochs 3.0 root: run $0 setup" >&2; exit 1; }; }

# Bochs 3.0 finds its plugins through LTDL_LIBRARY_PATH when set.
bindir() {
	need_root
	local root
	root=$("$tr" dir)
	"$tr" wrap /usr/bin/bochs-bin "$cache/bochs3-bin" \
		"LTDL_LIBRARY_PATH=$root/usr/lib/x86_64-linux-gnu/bochs/plugins" --
}

rc() {
	need_root
	local root
	root=$("$tr" dir)
	echo "romimage: file=$root/usr/share/bochs/BIOS-bochs-latest"
	echo "vgaromimage: file=$root/usr/share/vgabios/vgabios.bin"
}

case ${1:-} in
setup) "$tr" setup bochs3 ;;
ready) "$tr" ready bochs3 ;;
can-setup) "$tr" can-setup ;;
bindir) bindir ;;
rc) rc ;;
version) "$(bindir)/bochs-bin" --help 2>&1 | sed -n 's/.*Bochs x86 Emulator \([0-9.]*\).*/\1/p' | head -n 1 ;;
*) echo "usage: $0 setup|ready|can-setup|bindir|rc|version" >&2; exit 2 ;;
esac
