#!/usr/bin/env bash
# scripts/kvm-fetch.sh ARCH: download the Debian 13 ("trixie") packages the kvm
# lane of ARCH needs, without installing anything on the host.
#
# A private apt state (sources, lists, status, archives) lives in
#     ${HVUT_CACHE:-$HOME/.cache/hvut}/kvm-ARCH/apt
# and is given to apt-get with -o options: the host's dpkg database and its
# architecture list are never touched (no `dpkg --add-architecture`). The empty
# private dpkg status makes `apt-get install --download-only` fetch the whole
# dependency closure of the L1 userland (the inner QEMU and what run_tests.sh
# needs). The kernel is fetched alone with `apt-get download`: its own
# dependencies (initramfs-tools, ...) are for installing it, which never happens.
#
# Output: kvm-ARCH/debs/*.deb (only the current versions) and
# kvm-ARCH/debs/versions.txt ("package version" lines, sorted): kvm-root.sh
# rebuilds the L1 root when that file changes.
set -euo pipefail

arch=${1:-}
cache=${HVUT_CACHE:-$HOME/.cache/hvut}

die() { echo "kvm-fetch: $*" >&2; exit 1; }

case $arch in
x86_64) debarch=amd64 kflavour=amd64 qemu_pkg=qemu-system-x86 ;;
arm64) debarch=arm64 kflavour=arm64 qemu_pkg=qemu-system-arm ;;
riscv64) debarch=riscv64 kflavour=riscv64 qemu_pkg=qemu-system-riscv ;;
*) die "usage: $0 x86_64|arm64|riscv64" ;;
esac

# The L1 userland: the inner VMM and the tools run_tests.sh uses (busybox covers
# the rest, and is L1's init); socat: scripts/migrate-vmm.sh (migration entries).
USERLAND="$qemu_pkg bash coreutils gawk sed grep findutils diffutils procps
	util-linux busybox-static socat"

# The mirror the host's apt uses (deb822 or one-line sources), else Debian's CDN.
mirror() {
	local m
	m=$(sed -n 's/^URIs:[[:space:]]*\(http[^[:space:]]*\/debian\)[[:space:]]*$/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	[ -n "$m" ] || m=$(sed -n 's/^deb[[:space:]]\+\(http[^[:space:]]*\/debian\)[[:space:]].*/\1/p' \
		/etc/apt/sources.list 2>/dev/null | head -n 1)
	echo "${m:-http://deb.debian.org/debian}"
}

top=$cache/kvm-$arch
apt=$top/apt
debs=$top/debs
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc/apt.conf.d" \
	"$apt/etc/preferences.d" "$apt/etc/sources.list.d" "$debs"
: > "$apt/status"
echo "deb [arch=$debarch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) trixie main" \
	> "$apt/etc/sources.list"

APT_OPTS=(
	-o "Dir::Etc=$apt/etc" -o "Dir::Etc::SourceList=$apt/etc/sources.list"
	-o "Dir::Etc::SourceParts=$apt/etc/sources.list.d" -o "Dir::Etc::Parts=$apt/etc/apt.conf.d"
	-o "Dir::Etc::PreferencesParts=$apt/etc/preferences.d"
	-o "Dir::State=$apt" -o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status"
	-o "Dir::Cache=$apt" -o "Dir::Cache::Archives=$apt/archives"
	-o "APT::Architecture=$debarch" -o "APT::Architectures=$debarch"
	-o "APT::Install-Recommends=false" -o "APT::Get::AllowUnauthenticated=false"
	-o "Debug::NoLocking=1" -q
)
apt_get() { apt-get "${APT_OPTS[@]}" "$@"; }

apt_get update > "$top/fetch.log" 2>&1 || { tail -n 20 "$top/fetch.log" >&2; die "apt-get update failed"; }

# linux-image-<flavour> is a metapackage: its dependency names the versioned image.
kpkg=$(apt-cache "${APT_OPTS[@]}" depends linux-image-"$kflavour" 2>/dev/null |
	sed -n "s/^ *Depends: \(linux-image-[0-9][^ ]*-$kflavour\)\$/\1/p" | head -n 1)
[ -n "$kpkg" ] || die "no linux-image-$kflavour in trixie"

# shellcheck disable=SC2086 # USERLAND is a word list
apt_get install -y --download-only $USERLAND >> "$top/fetch.log" 2>&1 ||
	{ tail -n 20 "$top/fetch.log" >&2; die "resolving the L1 userland failed"; }
(cd "$apt/archives" && apt_get download "$kpkg" >> "$top/fetch.log" 2>&1) ||
	{ tail -n 20 "$top/fetch.log" >&2; die "downloading $kpkg failed"; }

# debs/ holds exactly the current set: old versions go.
rm -f "$debs"/*.deb
ln -f "$apt/archives"/*.deb "$debs"/ 2>/dev/null || cp "$apt/archives"/*.deb "$debs"/
# apt keeps superseded versions in its archive dir: keep only the newest per package.
for deb in "$debs"/*.deb; do
	# shellcheck disable=SC2016 # dpkg's format, not the shell's
	dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb"
done | sort > "$debs/versions.new"
if [ "$(cut -d' ' -f1 "$debs/versions.new" | uniq -d | head -n 1)" ]; then
	die "two versions of one package in $apt/archives: run: rm -rf $apt/archives/*.deb"
fi
mv -f "$debs/versions.new" "$debs/versions.txt"
echo "$kpkg" > "$debs/kernel.txt"
