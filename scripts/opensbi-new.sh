#!/usr/bin/env bash
# opensbi-new.sh: fetch a newer OpenSBI than QEMU 7.2's own (1.1) and print the
# path of its fw_dynamic.bin, for OPENSBI=... riscv/run (riscv/vmm.sh passes it
# as -bios). The firmware is Debian 13 "trixie"'s opensbi package (1.6), taken
# with apt from a private apt configuration: the system's sources are not touched.
# The cache lives outside the repository: ${HVUT_CACHE:-$HOME/.cache/hvut}/opensbi-new/.
# Environment: HVUT_CACHE, OPENSBI_SUITE (default trixie),
#   OPENSBI_MIRROR (default: the URI of the system's Debian source, else deb.debian.org).
set -euo pipefail

suite=${OPENSBI_SUITE:-trixie}
cache=${HVUT_CACHE:-$HOME/.cache/hvut}/opensbi-$suite
fw_rel=usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin

if [ -f "$cache/root/$fw_rel" ]; then
	echo "$cache/root/$fw_rel"
	exit 0
fi

die() { echo "opensbi-new.sh: $*" >&2; exit 1; }
command -v apt-get >/dev/null || die "needs apt-get (Debian or a derivative)"
command -v dpkg >/dev/null || die "needs dpkg"

# Tests that want the firmware start in parallel: one fetches, the others wait
# for it and then find it in the cache. (Two apt-gets in one private lists
# dir break each other.)
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock 9
if [ -f "$cache/root/$fw_rel" ]; then
	echo "$cache/root/$fw_rel"
	exit 0
fi

# The same mirror the system already reaches, so proxies and firewalls agree.
mirror=${OPENSBI_MIRROR:-}
if [ -z "$mirror" ]; then
	# deb822 sources (Debian 12 images), else one-line ones (debootstrap). Either
	# file may be absent: under pipefail a failing sed ended the script silently.
	mirror=$({ sed -n 's/^URIs: *\(http[^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } | head -n 1)
	[ -n "$mirror" ] || mirror=$({ sed -n 's/^deb[[:space:]]\+\(http[^[:space:]]*\/debian\)[[:space:]].*/\1/p' \
		/etc/apt/sources.list 2>/dev/null || true; } | head -n 1)
	mirror=${mirror:-http://deb.debian.org/debian}
fi
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || die "no $keyring: install debian-archive-keyring"

mkdir -p "$cache/lists/partial" "$cache/apt-cache/archives/partial" "$cache/parts" "$cache/deb"
echo "deb [signed-by=$keyring] $mirror $suite main" > "$cache/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$cache/sources.list" -o "Dir::Etc::sourceparts=$cache/parts"
	-o "Dir::State::Lists=$cache/lists" -o "Dir::Cache=$cache/apt-cache"
	-o "APT::Get::List-Cleanup=0" -o "Debug::NoLocking=1")

echo "opensbi-new.sh: fetching opensbi from $mirror $suite into $cache" >&2
apt-get "${apt_opts[@]}" -q update >&2 || die "apt-get update of $suite failed"
(cd "$cache/deb" && apt-get "${apt_opts[@]}" -q download "opensbi/$suite" >&2) ||
	die "apt-get download opensbi/$suite failed"
deb=$(find "$cache/deb" -name 'opensbi_*.deb' | sort | tail -n 1)
[ -n "$deb" ] || die "no opensbi .deb downloaded"
rm -rf "$cache/root"
dpkg -x "$deb" "$cache/root"
[ -f "$cache/root/$fw_rel" ] || die "$deb has no $fw_rel"
echo "$cache/root/$fw_rel"
