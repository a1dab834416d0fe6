#!/usr/bin/env bash
# deps.sh WHAT...: make sure the host tools hvut needs are present.
#   build ARCH [CC]  compiler and binutils for ARCH (`make`, `make deps`)
#   run ARCH [VMM]   the VMM and firmware that run ARCH's tests, VMM qemu
#                    (default) or bochs (`make run`, `make deps-run`)
#   lane NAME...     what these `make check` parts need: project (linters,
#                    test tools), <arch>-<lane> (<testdir>/lanes.cfg),
#                    clang-<arch>, x86_64-harness-check (`make check-project`,
#                    `make check-lane`)
#   check, all       what the whole `make check` needs: every part above, for
#                    every arch (`make check`, `make deps-check`)
#   bochs            the Bochs lane alone
# Missing tools are installed with apt-get when we are root on Debian;
# otherwise we print the package names and fail.
set -euo pipefail

what=${1:-build}
# No ARCH (`make deps` before ./configure ran): the host's, as configure defaults.
case $(uname -m) in
aarch64 | arm64) host_arch=arm64 ;;
riscv64) host_arch=riscv64 ;;
ppc64 | ppc64le) host_arch=ppc64 ;;
*) host_arch=x86_64 ;;
esac
arch=${2:-$host_arch}
cc=${3:-gcc}

declare -A need=()   # tool -> Debian package
srcdir=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lanes.sh
source "$srcdir/scripts/lanes.sh"   # HVUT_CHECK_KVM's meaning

want() { need[$1]=$2; }

cross_tools() {
	case $1 in
	x86_64)
		if [ "$(uname -m)" = x86_64 ]; then want gcc gcc; want ld binutils
		else want x86_64-linux-gnu-gcc gcc-x86-64-linux-gnu; fi ;;
	arm64) want aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu ;;
	riscv64) want riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu ;;
	ppc64) want powerpc64le-linux-gnu-gcc gcc-powerpc64le-linux-gnu ;;
	esac
}

vmm_tools() {
	case $1 in
	x86_64) want qemu-system-x86_64 qemu-system-x86 ;;
	arm64) want qemu-system-aarch64 qemu-system-arm ;;
	riscv64) want qemu-system-riscv64 qemu-system-misc
		want flock util-linux   # scripts/opensbi-new.sh
		want /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin opensbi ;;
	ppc64) want qemu-system-ppc64 qemu-system-ppc ;;
	esac
	# Migration entries talk QMP through socat (scripts/migrate-vmm.sh).
	want socat socat
	# The console filter: gawk streams a pipe as it comes, where mawk needs
	# stdbuf + tr beside it (scripts/runtime.sh hvut_probe).
	want gawk gawk
}

bochs_tools() {
	want bochs-bin bochs
	want /usr/share/bochs/BIOS-bochs-latest bochsbios
	want /usr/share/vgabios/vgabios.bin vgabios
	want /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so.0.0.0 bochs-term
	want grub-mkrescue grub-common
	want /usr/lib/grub/i386-pc/moddep.lst grub-pc-bin
	want xorriso xorriso
	want mformat mtools
	# scripts/bochs-run.sh: a private network namespace for the display, and the ISO cache key
	want unshare util-linux
	want setpriv util-linux
	want sha256sum coreutils
}

check_tools() {
	want shellcheck shellcheck
	want xmllint libxml2-utils
	want prove perl
	want yamllint yamllint
	want cc gcc
	want objcopy binutils   # tests/unit/run.sh
	want make make
	want timeout coreutils
}

clang_tools() { want clang clang; want ld.lld lld; }

# migrates_to_provider ARCH: does a cfg entry of ARCH migrate to another lane
# (`migration = LANE`, not yes/no)? All such lanes are trixie-root providers.
migrates_to_provider() {
	local t
	case $1 in x86_64) t=x86 ;; arm64) t=arm ;; riscv64) t=riscv ;; ppc64) t=powerpc ;; *) return 1 ;; esac
	sed -n 's/^[[:space:]]*migration[[:space:]]*=[[:space:]]*\([A-Za-z0-9_.+-]*\).*/\1/p' \
		"$srcdir/$t"/unittests*.cfg 2>/dev/null | grep -qvxE 'yes|no'
}

usage() {
	echo "usage: $0 build ARCH [gcc|clang] | run ARCH [qemu|bochs] | lane NAME... | check | all | bochs" >&2
	exit 2
}

# lane_tools NAME: what one part of scripts/check.sh needs.
lane_tools() {
	case $1 in
	project) check_tools ;;
	x86_64 | arm64 | riscv64 | ppc64) cross_tools "$1"; vmm_tools "$1" ;;
	clang-x86_64 | clang-arm64 | clang-riscv64 | clang-ppc64)
		# clang compiles; the arch's binutils (with its gcc) link.
		cross_tools "${1#clang-}"; clang_tools ;;
	x86_64-harness-check) cross_tools x86_64; vmm_tools x86_64 ;;
	bochs) cross_tools x86_64; bochs_tools ;;
	# Bochs 3.0 runs from a Debian 13 root that scripts/bochs3.sh debootstraps.
	bochs3) cross_tools x86_64; bochs_tools; want debootstrap debootstrap ;;
	# KVM in an L1 Linux under TCG (scripts/kvm-lane.sh): the host's QEMU boots
	# L1; Debian 13's packages are unpacked with dpkg-deb, modules with xz, the
	# initrd is a cpio archive.
	kvm-x86_64 | kvm-arm64 | kvm-riscv64)
		cross_tools "${1#kvm-}"; vmm_tools "${1#kvm-}"; want xz xz-utils; want cpio cpio ;;
	# Lanes named <arch>-<lane> after <testdir>/lanes.cfg (docs/lanes.md).
	*-kvm) lane_tools "kvm-${1%-kvm}" ;;
	x86_64-bochs | x86_64-bochs-grub) lane_tools bochs ;;
	x86_64-bochs3) lane_tools bochs3 ;;
	# QEMU 10 runs from a Debian 13 root (scripts/qemu10.sh debootstraps it).
	*-tcg-qemu10) cross_tools "${1%-tcg-qemu10}"; want debootstrap debootstrap ;;
	# QEMU lanes whose entries migrate to another lane's QEMU (cfg `migration
	# = tcg-qemu10`): scripts/check.sh sets that lane's trixie root up first.
	*-tcg | x86_64-seabios)
		lane_tools "${1%-*}"
		if migrates_to_provider "${1%%-*}"; then want debootstrap debootstrap; fi ;;
	# Another lane of an arch's lanes.cfg: that arch's compiler and QEMU.
	x86_64-* | arm64-* | riscv64-* | ppc64-*) lane_tools "${1%%-*}" ;;
	*) echo "$0: unknown lane '$1'" >&2; usage ;;
	esac
}

case $what in
build) cross_tools "$arch"; [ "$cc" = clang ] && clang_tools ;;
run)
	if [ "${3:-qemu}" = bochs ]; then bochs_tools; else vmm_tools "$arch"; fi ;;
bochs) bochs_tools ;;
lane)
	shift
	[ $# -gt 0 ] || usage
	for l in "$@"; do lane_tools "$l"; done ;;
check | all)
	why=$(hvut_check_kvm_valid) || { echo "deps: $why" >&2; exit 2; }
	# Every lane `make check` runs: each of <testdir>/lanes.cfg, clang-<arch>.
	lane_tools project
	for a in x86_64 arm64 riscv64 ppc64; do
		case $a in x86_64) t=x86 ;; arm64) t=arm ;; riscv64) t=riscv ;; ppc64) t=powerpc ;; esac
		lane_tools "$a"; lane_tools "clang-$a"
		[ -f "$srcdir/$t/lanes.cfg" ] || continue
		while read -r l; do
			[ "$l" != kvm ] || hvut_check_kvm_wants "$a" || continue
			lane_tools "$a-$l"
		done < <(sed -n 's/^[[:space:]]*\[\([A-Za-z0-9_.+-]*\)\].*/\1/p' "$srcdir/$t/lanes.cfg")
	done ;;
*) usage ;;
esac

missing=()
for tool in "${!need[@]}"; do
	if [[ $tool == /* ]]; then [ -e "$tool" ] && continue
	else command -v "$tool" >/dev/null 2>&1 && continue; fi
	missing+=("${need[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

mapfile -t pkgs < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "hvut: installing ${pkgs[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	# A fresh machine has no package lists yet; refresh at most once an hour.
	if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -60 2>/dev/null | head -n 1)" ]; then
		apt-get update -q >&2 || true
	fi
	if apt-get install -y -q --no-install-recommends "${pkgs[@]}" >&2; then
		exit 0
	fi
fi
echo "hvut: missing packages: ${pkgs[*]}" >&2
echo "hvut: install them with: apt-get install ${pkgs[*]}" >&2
exit 1
