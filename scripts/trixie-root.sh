#!/usr/bin/env bash
# scripts/trixie-root.sh: newer VMMs from Debian 13 "trixie" on a Debian 12 host.
#
# The lanes that run a newer VMM than the host's (Bochs 3.0, QEMU 10.0) take
# it from ONE minimal trixie root kept outside the repository, built once with
# debootstrap and grown by package sets on demand:
#     ${HVUT_CACHE:-$HOME/.cache/hvut}/trixie-root
# Nothing is chrooted at run time: `wrap` writes a small script that runs a
# binary of the root through the root's own dynamic loader and libraries,
# which needs no privileges once the root exists. Building it needs root and
# Debian's mirror (the one the host's apt uses).
#
#   trixie-root.sh setup SET...   build the root unless there, install each SET
#                                 (bochs3, qemu10) unless installed; serialised
#   trixie-root.sh ready SET...   exit 0 when the root has every SET
#   trixie-root.sh can-setup      exit 0 when `setup` could run here (root, apt)
#   trixie-root.sh dir            print the root's path
#   trixie-root.sh wrap BIN DIR [NAME=VALUE... --] [ARG...]
#                                 write DIR/<basename BIN>, a script that runs
#                                 the root's BIN (a path inside the root) with
#                                 the environment NAME=VALUE and ARGs before
#                                 its own arguments; prints DIR
set -euo pipefail

cache=${HVUT_CACHE:-$HOME/.cache/hvut}
root=$cache/trixie-root
triplet=x86_64-linux-gnu
# Bump when the base (debootstrap) step changes: the root is rebuilt.
ROOT_LAYOUT=1

# The package sets. Recommends stay out (--no-install-recommends): the GUI
# front ends' postinst scripts fail in a bare root, and the lanes need none.
set_packages() {
	case $1 in
	# Bochs 3.0: bochs-term satisfies bochs' display dependency.
	bochs3) echo bochs bochsbios vgabios bochs-term ;;
	# QEMU 10.0 for the four arches and the firmware the lanes boot:
	# SeaBIOS and the option ROMs (x86), OpenSBI (riscv64); SLOF (ppc64,
	# for `HVUT_PPC_FIRMWARE=slof`) is in qemu-system-data.
	qemu10) echo qemu-system-x86 qemu-system-arm qemu-system-misc qemu-system-ppc \
		qemu-system-data seabios opensbi ;;
	*) return 1 ;;
	esac
}

die() { echo "trixie-root: $*" >&2; exit 1; }

# The mirror the host's apt uses (deb822 or one-line sources), else Debian's CDN.
mirror() {
	local m
	m=$(sed -n 's/^URIs:[[:space:]]*\(http[^[:space:]]*\/debian\)[[:space:]]*$/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	[ -n "$m" ] || m=$(sed -n 's/^deb[[:space:]]\+\(http[^[:space:]]*\/debian\)[[:space:]].*/\1/p' \
		/etc/apt/sources.list 2>/dev/null | head -n 1)
	echo "${m:-http://deb.debian.org/debian}"
}

base_ready() { [ "$(cat "$root/.hvut-layout" 2>/dev/null)" = "$ROOT_LAYOUT" ]; }

# A set is installed when its marker holds its current package list.
set_ready() {
	local want
	want=$(set_packages "$1") || die "unknown package set '$1' (known: bochs3 qemu10)"
	base_ready && [ "$(cat "$root/.hvut-set-$1" 2>/dev/null)" = "$want" ]
}

ready() {
	local s
	base_ready || return 1
	for s in "$@"; do set_ready "$s" || return 1; done
}

can_setup() {
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null
}

log() { echo "$*" >>"$cache/trixie-root.log"; }

build_base() {
	if ! command -v debootstrap >/dev/null; then
		apt-get install -y debootstrap >/dev/null || die "cannot install debootstrap"
	fi
	local tmp
	tmp=$(mktemp -d "$cache/trixie-root.build.XXXXXX")
	log "== debootstrap --variant=minbase trixie $(mirror) ($(date -u +%FT%TZ))"
	if ! debootstrap --variant=minbase trixie "$tmp" "$(mirror)" >>"$cache/trixie-root.log" 2>&1; then
		tail -n 20 "$cache/trixie-root.log" >&2
		rm -rf "$tmp"
		die "debootstrap failed (log: $cache/trixie-root.log)"
	fi
	cp /etc/resolv.conf "$tmp/etc/resolv.conf"
	echo "$ROOT_LAYOUT" >"$tmp/.hvut-layout"
	rm -rf "$root"
	mv "$tmp" "$root"
}

# Absolute symlinks inside the root (QEMU's data dir links its firmware from
# /usr/share/seabios, /usr/lib/.../opensbi, ...) would resolve on the host,
# to Debian 12's older files: make each one relative, inside the root.
relink_absolute() {
	local link target
	while IFS= read -r -d '' link; do
		target=$(readlink "$link")
		case $target in /*) ;; *) continue ;; esac
		if [ -e "$root$target" ] || [ -L "$root$target" ]; then
			ln -sfnr "$root$target" "$link"
		fi
	done < <(find "$@" -type l -print0 2>/dev/null)
}

install_set() {
	local s=$1 pkgs
	pkgs=$(set_packages "$s")
	log "== set $s: $pkgs ($(date -u +%FT%TZ))"
	# Package lists older than the archive make apt fetch files that are gone.
	# shellcheck disable=SC2086 # the package list is words
	if ! chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get -q update >>"$cache/trixie-root.log" 2>&1 ||
		! chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $pkgs >>"$cache/trixie-root.log" 2>&1; then
		tail -n 20 "$cache/trixie-root.log" >&2
		die "apt-get install of set $s in the trixie root failed (log: $cache/trixie-root.log)"
	fi
	# The root is only a file store: drop apt's downloaded archives.
	rm -rf "$root"/var/cache/apt/archives/*.deb
	relink_absolute "$root/usr/share/qemu" "$root/usr/lib64" "$root/lib64"
	echo "$pkgs" >"$root/.hvut-set-$s"
}

setup() {
	local s
	[ $# -gt 0 ] || die "setup needs a package set (bochs3, qemu10)"
	for s in "$@"; do set_packages "$s" >/dev/null || die "unknown package set '$s' (known: bochs3 qemu10)"; done
	ready "$@" && return 0
	can_setup || die "building $root needs root and apt-get; run: sudo $0 setup $*"
	mkdir -p "$cache"
	# One builder at a time: lanes set up in parallel wait, then find it ready.
	exec 9>"$cache/trixie-root.lock"
	flock 9
	base_ready || build_base
	for s in "$@"; do set_ready "$s" || install_set "$s"; done
	exec 9>&-
}

# The loader by its real path: /lib64's link is absolute, to the host's.
loader() { echo "$root/usr/lib/$triplet/ld-linux-x86-64.so.2"; }

wrap() {
	local bin=$1 dir=$2 name
	shift 2
	base_ready || die "no trixie root at $root: run $0 setup"
	[ -x "$root$bin" ] || die "no $bin in $root"
	local -a envs=() args=()
	if [[ " $* " == *" -- "* ]]; then
		while [ "$1" != -- ]; do envs+=("$1"); shift; done
		shift
	fi
	args=("$@")
	name=${bin##*/}
	mkdir -p "$dir"
	{
		echo "#!/bin/sh"
		echo "# Generated by scripts/trixie-root.sh: $bin from $root (Debian 13)"
		for e in "${envs[@]}"; do printf 'export %q\n' "$e"; done
		printf 'exec %q --library-path %q %q' "$(loader)" "$root/lib/$triplet:$root/usr/lib/$triplet" "$root$bin"
		[ ${#args[@]} -eq 0 ] || printf ' %q' "${args[@]}"
		echo ' "$@"'
	} >"$dir/$name.new"
	chmod +x "$dir/$name.new"
	mv -f "$dir/$name.new" "$dir/$name"
	echo "$dir"
}

case ${1:-} in
setup) shift; setup "$@" ;;
ready) shift; ready "$@" ;;
can-setup) can_setup ;;
dir) echo "$root" ;;
wrap) shift; [ $# -ge 2 ] || die "usage: $0 wrap BIN DIR [NAME=VALUE... --] [ARG...]"; wrap "$@" ;;
*) echo "usage: $0 setup SET... | ready SET... | can-setup | dir | wrap BIN DIR [NAME=VALUE... --] [ARG...]" >&2; exit 2 ;;
esac
