#!/usr/bin/env bash
# scripts/kvm-root.sh ARCH: turn the packages kvm-fetch.sh downloaded into what
# the kvm lane boots, under ${HVUT_CACHE:-$HOME/.cache/hvut}/kvm-ARCH:
#
#   root/        the L1 userland (inner QEMU, bash, coreutils, awk...), every
#                .deb unpacked with dpkg-deb, never installed. L1 mounts it
#                read-only over 9p and chroots into it to run run_tests.sh.
#   vmlinuz      L1's kernel, as Debian ships it.
#   initrd.img   busybox (L1's init), scripts/kvm-init.sh as /init, and the
#                kernel modules KVM and 9p need, decompressed, with their
#                load order (the .deb has no modules.dep: each module's
#                .modinfo "depends=" gives the order).
#   version.txt  "<kernel release> <inner QEMU version>" for the lane's environ.
#
# Each part is rebuilt when its inputs change (debs/versions.txt, kvm-init.sh,
# this script's LAYOUT), and only then.
set -euo pipefail

arch=${1:-}
cache=${HVUT_CACHE:-$HOME/.cache/hvut}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Bump when what this script builds changes: older builds are redone.
LAYOUT=2

die() { echo "kvm-root: $*" >&2; exit 1; }

case $arch in
x86_64) modules="kvm-amd 9p 9pnet_virtio virtio_pci" qemu_bin=qemu-system-x86_64 ;;
arm64) modules="9p 9pnet_virtio virtio_pci" qemu_bin=qemu-system-aarch64 ;;
riscv64) modules="kvm 9p 9pnet_virtio virtio_pci" qemu_bin=qemu-system-riscv64 ;;
*) die "usage: $0 x86_64|arm64|riscv64" ;;
esac

top=$cache/kvm-$arch
debs=$top/debs
[ -f "$debs/versions.txt" ] || die "no $debs/versions.txt: run scripts/kvm-fetch.sh $arch"
kpkg=$(cat "$debs/kernel.txt")
kdeb=$(ls "$debs/${kpkg}"_*.deb)

stamp() { # the inputs of one part, as one line
	{ echo "$LAYOUT"; cat "$debs/versions.txt"; cat "$@" 2>/dev/null; } | sha256sum | cut -d' ' -f1
}

build_root() {
	local want tmp deb
	want=$(stamp)
	[ "$(cat "$top/root.stamp" 2>/dev/null)" = "$want" ] && [ -d "$top/root" ] && return 0
	tmp=$(mktemp -d "$top/root.build.XXXXXX")
	# merged /usr, as Debian 13 is: packages' /lib and /bin paths land in /usr.
	mkdir -p "$tmp"/usr/{bin,sbin,lib,lib64} "$tmp"/{proc,sys,dev,tmp,run,etc,root}
	for d in bin sbin lib lib64; do ln -s "usr/$d" "$tmp/$d"; done
	for deb in "$debs"/*.deb; do
		[ "$deb" = "$kdeb" ] && continue
		dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$tmp" ||
			die "unpacking $deb failed"
	done
	[ -x "$tmp/usr/bin/$qemu_bin" ] || die "no $qemu_bin in the unpacked packages"
	# What maintainer scripts would have done: the alternatives the harness uses.
	[ -e "$tmp/usr/bin/awk" ] || ln -s gawk "$tmp/usr/bin/awk"
	echo "root:x:0:0:root:/root:/bin/bash" > "$tmp/etc/passwd"
	echo "root:x:0:" > "$tmp/etc/group"
	rm -rf "$top/root"
	mv "$tmp" "$top/root"
	echo "$want" > "$top/root.stamp"
}

# module_depends KO: the "depends=" entry of the module's .modinfo (no kmod
# needed on the host: the strings are NUL-separated in the file).
module_depends() {
	local f=$1
	case $f in
	*.xz) xz -dc "$f" ;;
	*.zst) zstd -qdc "$f" ;;
	*) cat "$f" ;;
	esac | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n 1
}

# module_closure MODDIR NAME...: the .ko paths (relative to the modules dir) in load order.
module_closure() {
	local mdir=$1
	shift
	declare -A file_of=() done_=()
	local f n
	while IFS= read -r f; do
		n=${f##*/}
		n=${n%%.ko*}
		file_of[${n//-/_}]=$f
	done < <(cd "$mdir" && find kernel -name '*.ko*')
	visit() {
		local m=${1//-/_} dep deps
		[ -n "${done_[$m]+x}" ] && return 0
		done_[$m]=1
		# built in: nothing to load
		[ -n "${file_of[$m]+x}" ] || return 0
		deps=$(module_depends "$mdir/${file_of[$m]}")
		for dep in ${deps//,/ }; do visit "$dep"; done
		echo "${file_of[$m]}"
	}
	for n in "$@"; do visit "$n"; done
}

build_initrd() {
	local want tmp kdir kver mdir ko name params
	want=$(stamp "$here/kvm-init.sh")
	[ "$(cat "$top/initrd.stamp" 2>/dev/null)" = "$want" ] && [ -f "$top/initrd.img" ] && return 0
	command -v cpio > /dev/null || {
		[ "$(id -u)" = 0 ] || die "cpio is missing (apt-get install cpio)"
		apt-get install -y cpio > /dev/null || die "cannot install cpio"
	}
	tmp=$(mktemp -d "$top/initrd.build.XXXXXX")
	kdir=$tmp/kernel
	mkdir -p "$kdir" "$tmp/img/bin" "$tmp/img/modules" "$tmp/img"/{proc,sys,dev,newroot}
	dpkg-deb -x "$kdeb" "$kdir"
	mdir=$(echo "$kdir"/usr/lib/modules/*)
	kver=${mdir##*/}
	# riscv64's image is called vmlinux (a flat Image, not an ELF).
	cp "$kdir/boot/vmlinuz-$kver" "$tmp/vmlinuz" 2>/dev/null || cp "$kdir/boot/vmlinux-$kver" "$tmp/vmlinuz"
	cp "$top/root/usr/bin/busybox" "$tmp/img/bin/busybox"
	cp "$here/kvm-init.sh" "$tmp/img/init"
	chmod +x "$tmp/img/init"
	# shellcheck disable=SC2086 # a word list
	module_closure "$mdir" $modules > "$tmp/closure"
	: > "$tmp/img/modules/load"
	while IFS= read -r ko; do
		name=${ko##*/}
		name=${name%%.ko*}
		case $ko in
		*.xz) xz -dc "$mdir/$ko" > "$tmp/img/modules/$name.ko" ;;
		*.zst) zstd -qdc "$mdir/$ko" > "$tmp/img/modules/$name.ko" ;;
		*) cp "$mdir/$ko" "$tmp/img/modules/$name.ko" ;;
		esac
		params=
		# nested=1: hvut's svm tests are an L1 hypervisor on KVM's nested SVM.
		[ "$name" = kvm-amd ] && params="nested=1"
		echo "$name.ko $params" >> "$tmp/img/modules/load"
	done < "$tmp/closure"
	(cd "$tmp/img" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$tmp/initrd.img"
	mv -f "$tmp/vmlinuz" "$top/vmlinuz"
	mv -f "$tmp/initrd.img" "$top/initrd.img"
	echo "$kver $(sed -n 's/^qemu-system-common [0-9]*:\{0,1\}\([0-9.]*\).*/\1/p' "$debs/versions.txt")" \
		> "$top/version.txt"
	rm -rf "$tmp"
	echo "$want" > "$top/initrd.stamp"
}

build_root
build_initrd
