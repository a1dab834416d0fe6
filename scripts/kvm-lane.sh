#!/usr/bin/env bash
# scripts/kvm-lane.sh: the kvm lane. hvut's guests run under a real KVM: an L1
# Debian 13 Linux booted under QEMU TCG with the virtualization extension
# emulated (x86_64: SVM of `-cpu max`, kvm_amd nested=1; arm64: EL2 with VHE),
# ONE L1 per lane run, with run_tests.sh running inside it against /dev/kvm.
# See docs/kvm.md.
#
#   scripts/kvm-lane.sh setup ARCH              fetch and build (cached, redone
#                                               when Debian's versions change)
#   scripts/kvm-lane.sh run ARCH [run_tests.sh args]
#                                               boot L1, run the suite, leave
#                                               states.txt, logs/, TAP, JUnit as
#                                               a normal run does
#   scripts/kvm-lane.sh version ARCH            "<L1 kernel> <inner QEMU>"
#
# run: the build is the current directory when its config.mak is for ARCH,
# else HVUT_KVM_BUILDDIR, else <srcdir>/build-kvm-ARCH (configured and made
# here). Results go to HVUT_LOGDIR (default: logs, in the current directory),
# shared with L1 over 9p; so does `--junit FILE`; `-t` TAP comes out on stdout.
# Also written there: kvm-l1.log (L1's console) and kvm-lane.times (L1 boot and
# lane wall times). Environment: HVUT_CACHE, HVUT_KVM_MEM (MiB, default 3072),
# HVUT_KVM_TIMEOUT (whole lane, s, default 3600), HVUT_KVM_HOST_QEMU (the
# outer QEMU), and, passed into L1: TIMEOUT (every test's limit, default 300 s:
# the cfg's limits are for TCG, not for KVM nested in TCG; 900 s for arm64 and
# riscv64), HVUT_ENV.
# Exit: run_tests.sh's status from inside L1; 3 when L1 gave none.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
srcdir=$(cd "$here/.." && pwd)
cache=${HVUT_CACHE:-$HOME/.cache/hvut}

die() { echo "kvm-lane: $*" >&2; exit 3; }
usage() { echo "usage: $0 setup|run|version ARCH [run_tests.sh args]" >&2; exit 2; }

cmd=${1:-}
arch=${2:-}
test_timeout=300
{ [ -n "$cmd" ] && [ -n "$arch" ]; } || usage
shift 2
case $arch in
x86_64)
	host_qemu=${HVUT_KVM_HOST_QEMU:-qemu-system-x86_64}
	inner_qemu=/usr/bin/qemu-system-x86_64
	# no_timer_check: on a loaded host TCG is too slow for Linux's IO-APIC
	# timer check, which then panics L1 ("setup_IO_APIC").
	console="ttyS0 no_timer_check"
	# shellcheck disable=SC2054 # commas are QEMU option syntax
	machine=(-machine q35 -cpu max)
	;;
arm64)
	# Every guest console character is an MMIO exit to the inner QEMU, and the
	# SMP tests' idle vCPUs spin: at load 30 a test took 150-300 s (docs/kvm.md).
	test_timeout=900
	host_qemu=${HVUT_KVM_HOST_QEMU:-qemu-system-aarch64}
	inner_qemu=/usr/bin/qemu-system-aarch64
	console=ttyAMA0
	# pauth-impdef: QEMU's own pointer-authentication algorithm, far cheaper
	# under TCG than QARMA (halves L1's boot).
	# shellcheck disable=SC2054 # commas are QEMU option syntax
	machine=(-machine virt,virtualization=on,gic-version=3 -cpu max,pauth-impdef=on)
	;;
riscv64)
	test_timeout=900   # as arm64: 150-280 s per test at load 30 (docs/kvm.md)
	host_qemu=${HVUT_KVM_HOST_QEMU:-qemu-system-riscv64}
	inner_qemu=/usr/bin/qemu-system-riscv64
	console=ttyS0
	# h=true: the hypervisor extension (KVM's requirement); the host QEMU's
	# OpenSBI runs L1's M mode.
	# shellcheck disable=SC2054 # commas are QEMU option syntax
	machine=(-machine virt -cpu rv64,h=true -bios default)
	;;
*) usage ;;
esac
top=$cache/kvm-$arch

ready() { [ -f "$top/initrd.img" ] && [ -f "$top/vmlinuz" ] && [ -d "$top/root" ] && [ -f "$top/version.txt" ]; }

setup() {
	mkdir -p "$top"
	# One setup at a time per arch (CI and make check may start two lanes).
	exec 9> "$top/lock"
	flock 9
	"$here/kvm-fetch.sh" "$arch"
	"$here/kvm-root.sh" "$arch"
	exec 9>&-
}

host_qemu_version() {
	"$host_qemu" --version | sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p' | head -n 1
}

# config_var NAME FILE: a "NAME := value" line of config.mak.
config_var() { sed -n "s/^$1[[:space:]]*:\{0,1\}=[[:space:]]*//p" "$2" | head -n 1; }

# The build to test: see the header.
find_build() {
	if [ -f config.mak ] && [ "$(config_var ARCH config.mak)" = "$arch" ]; then
		pwd
		return
	fi
	if [ -n "${HVUT_KVM_BUILDDIR:-}" ]; then
		(cd "$HVUT_KVM_BUILDDIR" && pwd)
		return
	fi
	local b=$srcdir/build-kvm-$arch
	mkdir -p "$b"
	(
		cd "$b"
		[ -f config.mak ] || "$srcdir/configure" --arch="$arch" > /dev/null
		make -s -j2 > /dev/null
	) >&2 || die "building $b failed"
	echo "$b"
}

run() {
	# Fetch only when nothing is there (setup checks Debian for new versions);
	# the local rebuild when kvm-init.sh or the layout changed costs nothing.
	if ready; then "$here/kvm-root.sh" "$arch"; else setup; fi
	local build logdir junit='' t0 boot_us='' rc='' qver kver qemu10 args=() ro=() rw
	build=$(find_build)
	logdir=${HVUT_LOGDIR:-logs}
	mkdir -p "$logdir"
	logdir=$(cd "$logdir" && pwd)
	# --junit FILE is written into the shared results and copied out after.
	while [ $# -gt 0 ]; do
		case $1 in
		--junit) [ $# -ge 2 ] || die "--junit needs a file"; junit=$2; shift ;;
		--junit=*) junit=${1#--junit=} ;;
		*) args+=("$1") ;;
		esac
		shift
	done
	[ -n "$junit" ] && args=(--junit "$logdir/.kvm-junit.xml" "${args[@]}")

	local src
	src=$(config_var SRCDIR "$build/config.mak")
	src=${src:-$srcdir}
	# The shares: L1's root first, then the source and build trees (read-only,
	# parents before children), then the results (writable).
	ro=("$top/root" "$src")
	case $build/ in "$src"/*) ;; *) ro+=("$build") ;; esac
	for p in "${ro[@]}" "$logdir"; do
		[[ $p =~ ^/[A-Za-z0-9_./+-]*$ ]] || die "path '$p' has characters the L1 command line cannot carry"
	done
	# Mount points for the shares, in the cached root (L1 mounts it read-only).
	for p in "${ro[@]:1}" "$logdir"; do mkdir -p "$top/root$p"; done

	read -r kver qemu10 < "$top/version.txt"
	qver=$(host_qemu_version)
	# What the guest is told (docs/protocol.md, lib/deviation.h): KVM of this
	# kernel, over QEMU TCG as the "silicon"; the inner QEMU is userspace only.
	# HVUT_VMM=kvm and HVUT_VMM_VERSION (uname -r in L1) come from runtime.sh.
	local env="HVUT_KVM_VERSION=${kver%%[+-]*} HVUT_HOST_VMM=qemu-tcg HVUT_HOST_VMM_VERSION=$qver"
	env+=" HVUT_KVM_QEMU_VERSION=$qemu10"
	{
		echo "# written by scripts/kvm-lane.sh for L1; run with bash in L1's chroot"
		printf 'cd %q\n' "$build"
		echo "export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/tmp LANG=C.UTF-8"
		printf 'export ACCEL=kvm QEMU=%q HVUT_LOGDIR=%q\n' "$inner_qemu" "$logdir"
		# QEMU refuses M-mode firmware with KVM: KVM itself is the SBI
		# implementation, so riscv/vmm.sh's -bios becomes "none".
		[ "$arch" = riscv64 ] && echo "export OPENSBI=none"
		printf 'export HVUT_ENV=%q\n' "$env${HVUT_ENV:+ $HVUT_ENV}"
		# unittests.cfg's limits are sized for TCG; a test under KVM nested in
		# TCG on a busy 2-core host runs 5-20x longer, so one lane-wide limit.
		printf 'export TIMEOUT=%q\n' "${TIMEOUT:-$test_timeout}"
		printf 'exec %q' "$src/run_tests.sh"
		[ ${#args[@]} -gt 0 ] && printf ' %q' "${args[@]}"
		echo
	} > "$logdir/.kvm-job.sh"

	# shellcheck disable=SC2054 # commas are QEMU option syntax
	local qemu_cmd=("$host_qemu" "${machine[@]}" -accel tcg,thread=multi -m "${HVUT_KVM_MEM:-3072}"
		-smp 2 -nodefaults -display none -no-reboot -serial stdio
		-kernel "$top/vmlinuz" -initrd "$top/initrd.img")
	local i=0 ro_arg='' p
	for p in "${ro[@]}"; do
		qemu_cmd+=(-virtfs "local,path=$p,mount_tag=r$i,security_model=none,readonly=on,multidevs=remap")
		ro_arg+=${ro_arg:+,}r$i:$p
		i=$((i + 1))
	done
	qemu_cmd+=(-virtfs "local,path=$logdir,mount_tag=w0,security_model=none,multidevs=remap")
	rw=w0:$logdir
	qemu_cmd+=(-append "console=$console quiet loglevel=1 panic=-1 mitigations=off tsc=reliable hvut.ro=$ro_arg hvut.rw=$rw hvut.job=$logdir/.kvm-job.sh")

	echo "kvm-lane: $arch: KVM of Linux $kver (QEMU $qemu10 inside) on QEMU $qver TCG; results in $logdir" >&2
	hvut_now
	t0=$now
	local line
	rm -f "$logdir/.kvm-junit.xml"
	: > "$logdir/kvm-l1.log"
	# L1's console: lines tagged by kvm-init.sh go to our stdout/stderr, the
	# rest (kernel, init) to kvm-l1.log.
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		O\|*) printf '%s\n' "${line#O|}" ;;
		E\|*) printf '%s\n' "${line#E|}" >&2 ;;
		B\|*)
			hvut_now
			boot_us=$((now - t0))
			echo "kvm-lane: L1 up in $(fmt "$boot_us") s (L1 uptime ${line#B|} s)" >&2
			;;
		R\|*) rc=${line#R|} ;;
		*) printf '%s\n' "$line" >> "$logdir/kvm-l1.log" ;;
		esac
	done < <(timeout -k 10 "${HVUT_KVM_TIMEOUT:-3600}" "${qemu_cmd[@]}" < /dev/null 2>> "$logdir/kvm-l1.log")
	hvut_now
	printf 'l1_boot_s=%s\nlane_s=%s\nload=%s\n' "${boot_us:+$(fmt "$boot_us")}" "$(fmt $((now - t0)))" \
		"$(cut -d' ' -f1-3 /proc/loadavg)" > "$logdir/kvm-lane.times"
	echo "kvm-lane: lane took $(fmt $((now - t0))) s (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
	if [ -n "$junit" ] && [ -f "$logdir/.kvm-junit.xml" ]; then
		mv -f "$logdir/.kvm-junit.xml" "$junit"
	fi
	if [ -z "$rc" ]; then
		echo "kvm-lane: L1 ended without a result; its console is in $logdir/kvm-l1.log:" >&2
		tail -n 15 "$logdir/kvm-l1.log" >&2
		return 3
	fi
	return "$rc"
}

hvut_now() { now=${EPOCHREALTIME/[.,]/}; }
fmt() { printf '%d.%d' "$(($1 / 1000000))" "$(($1 % 1000000 / 100000))"; }

case $cmd in
setup) setup ;;
run) run "$@" ;;
version) ready || die "not set up: run $0 setup $arch"; cat "$top/version.txt" ;;
*) usage ;;
esac
