# shellcheck shell=bash
# lanes.sh: lanes, the VMM dimension of the suite (docs/lanes.md). A lane is
# one section of <testdir>/lanes.cfg: the VMM kind (accel), what the guest is
# told it runs on (vmm), the CPU model(s), and where the VMM comes from (the
# host's packages, or a provider script such as scripts/qemu10.sh). Sourced by
# run_tests.sh and check.sh after scripts/cfg.sh; only functions.
#
# After hvut_lane_load FILE NAME:
#   LANE_NAME LANE_ACCEL LANE_VMM LANE_CPU LANE_PROVIDER LANE_RUNNER LANE_ENV
#   LANE_ABOUT
# After hvut_lane_activate SRCDIR (the lane's VMM set up and chosen):
#   ACCEL, QEMU (QEMU lanes), PROCESSOR (QEMU lanes, unless already set), PATH
#   (a provider's bindir first), HVUT_LANE and the lane's env words. From
#   them hvut_probe and hvut_envfile (scripts/runtime.sh) tell the guest what
#   it runs on: HVUT_VMM, HVUT_ACCEL, HVUT_VMM_VERSION (probed once per lane
#   run), HVUT_CPU (the lane's cpu; on Bochs each run's model).

# hvut_lane_names FILE: the lane names, one per line (in file order).
hvut_lane_names() {
	local rec
	rec=$(hvut_parse_lanes "$1") || return 2
	[ -z "$rec" ] || cut -d $'\037' -f 1 <<<"$rec"
}

# hvut_lane_qualifiers FILE: every lane name and CPU model, one line
# (what a unittests.cfg key may be qualified with, besides the VMM kinds).
hvut_lane_qualifiers() {
	local rec
	rec=$(hvut_parse_lanes "$1") || return 2
	[ -z "$rec" ] || awk -F '\037' '{ printf "%s %s ", $1, $4 }' <<<"$rec"
}

hvut_lane_load() {
	local file=$1 want=$2 rec name accel vmm cpu provider runner env about _line
	rec=$(hvut_parse_lanes "$file") || return 2
	while IFS=$'\037' read -r name accel vmm cpu provider runner env about _line; do
		if [ "$name" = "$want" ]; then
			LANE_NAME=$name LANE_ACCEL=$accel LANE_VMM=$vmm LANE_CPU=$cpu
			LANE_PROVIDER=$provider LANE_RUNNER=$runner LANE_ENV=$env LANE_ABOUT=$about
			return 0
		fi
	done <<<"$rec"
	return 1
}

# hvut_lane_default FILE ACCEL: the first lane of kind ACCEL whose VMM is the
# host's own (no provider, no runner): what a plain `run_tests.sh` runs.
hvut_lane_default() {
	local rec name accel _vmm _cpu provider runner _rest
	rec=$(hvut_parse_lanes "$1") || return 2
	while IFS=$'\037' read -r name accel _vmm _cpu provider runner _rest; do
		if [ "$accel" = "$2" ] && [ -z "$provider" ] && [ -z "$runner" ]; then
			echo "$name"
			return 0
		fi
	done <<<"$rec"
	return 1
}

# HVUT_CHECK_KVM: the kvm lanes `make check` runs: 1 (the default: every
# one this machine can), 0 (none), or the arches whose kvm lane runs
# ("arm64", "x86_64 arm64"). hvut_check_kvm_valid prints why a value is
# wrong (a typo must not quietly run fewer lanes); hvut_check_kvm_wants ARCH
# says whether ARCH's kvm lane runs.
hvut_check_kvm_valid() {
	local w
	for w in ${HVUT_CHECK_KVM:-1}; do
		case $w in
		0 | 1 | x86_64 | arm64 | riscv64 | ppc64) ;;
		*) echo "HVUT_CHECK_KVM: '$w' is not 0, 1 or an arch (x86_64 arm64 riscv64 ppc64)"; return 1 ;;
		esac
	done
}
hvut_check_kvm_wants() {
	local w
	for w in ${HVUT_CHECK_KVM:-1}; do
		case $w in 1 | "$1") return 0 ;; esac
	done
	return 1
}

# hvut_lane_unavailable SRCDIR QEMU ARCH: why the loaded lane cannot run
# here (one line), or nothing. A provider lane counts as available when its
# VMM is installed or this machine can install it (root and apt); a runner
# lane (KVM in a nested L1) when root can build what it needs or it is built
# ("<runner> version ARCH" answers). HVUT_CHECK_KVM leaves kvm lanes out.
hvut_lane_unavailable() {
	local src=$1 qemu=$2 arch=$3
	if [ -n "$LANE_RUNNER" ]; then
		[ -x "$src/$LANE_RUNNER" ] || { echo "no $LANE_RUNNER"; return; }
		if [ "$LANE_ACCEL" = kvm ] && ! hvut_check_kvm_wants "$arch"; then
			echo "HVUT_CHECK_KVM=${HVUT_CHECK_KVM:-1}"
		elif [ "$(id -u)" != 0 ] && ! "$src/$LANE_RUNNER" version "$arch" >/dev/null 2>&1; then
			echo "not built, and '$LANE_RUNNER setup $arch' needs root once"
		fi
		return
	fi
	if [ -n "$LANE_PROVIDER" ]; then
		[ -x "$src/$LANE_PROVIDER" ] || { echo "no $LANE_PROVIDER"; return; }
		"$src/$LANE_PROVIDER" ready >/dev/null 2>&1 && return
		"$src/$LANE_PROVIDER" can-setup >/dev/null 2>&1 ||
			echo "not installed, and '$LANE_PROVIDER setup' needs root and apt-get"
		return
	fi
	case $LANE_VMM in
	bochs) command -v bochs-bin >/dev/null || echo "no bochs-bin (package bochs)" ;;
	kvm) [ -w /dev/kvm ] || echo "no usable /dev/kvm" ;;
	*) command -v "$qemu" >/dev/null || echo "no $qemu" ;;
	esac
}

# hvut_vmm_version VMM [QEMU]: the version of the VMM that would run now
# (first in PATH), e.g. "7.2.22", or nothing when it cannot tell; for -L
# (a suite asks hvut_probe, which caches it, scripts/runtime.sh).
hvut_vmm_version() {
	case $1 in
	qemu) "$2" --version 2>/dev/null | sed -n 's/^QEMU emulator version \([0-9][0-9.]*\).*/\1/p' | head -n 1 ;;
	bochs) bochs-bin -q -n </dev/null 2>&1 | sed -n 's/.*Bochs x86 Emulator \([0-9][0-9.]*\).*/\1/p' | head -n 1 ;;
	kvm) uname -r | sed 's/[^0-9.].*//' ;;
	esac
}

# hvut_lane_activate SRCDIR: make the loaded lane's VMM the one that runs.
# Sets up a provider's VMM first (may take minutes the first time). Returns
# non-zero, having said why on stderr, when it cannot. hvut_probe then asks
# that VMM its version, once per suite (HVUT_VMM_VERSION, scripts/runtime.sh).
hvut_lane_activate() {
	local src=$1 bindir w
	if [ -n "$LANE_PROVIDER" ]; then
		if ! "$src/$LANE_PROVIDER" ready >/dev/null 2>&1; then
			# Listing (-l) builds nothing: the commands name the host's VMM then.
			[ "${HVUT_LANE_NO_SETUP:-0}" = 0 ] || return 0
			echo "hvut: lane $LANE_NAME: setting up its VMM ($LANE_PROVIDER setup; minutes the first time)" >&2
			"$src/$LANE_PROVIDER" setup >&2 || return 1
		fi
		bindir=$("$src/$LANE_PROVIDER" bindir) || return 1
		PATH=$bindir:$PATH
		export PATH
		# A QEMU named in config.mak by its bare name resolves in bindir.
		[ "$LANE_VMM" != qemu ] || QEMU=$bindir/${QEMU##*/}
	fi
	ACCEL=$LANE_ACCEL HVUT_LANE=$LANE_NAME
	local -a words=()
	read -r -a words <<<"$LANE_ENV" || true
	for w in "${words[@]}"; do export "${w?}"; done
	[ "$LANE_VMM" != qemu ] || : "${PROCESSOR:=$LANE_CPU}"
	export ACCEL QEMU PROCESSOR HVUT_LANE
}

# hvut_lane_list FILE SRCDIR QEMU ARCH: the table `run_tests.sh -L` prints.
hvut_lane_list() {
	local file=$1 src=$2 qemu=$3 arch=$4 name why version
	local -a names=()
	mapfile -t names < <(hvut_lane_names "$file") || return 2
	printf '%-12s %-6s %-6s %-16s %-10s %s\n' LANE ACCEL VMM CPU VERSION "AVAILABLE / ABOUT"
	for name in "${names[@]}"; do
		hvut_lane_load "$file" "$name" || return 2
		why=$(hvut_lane_unavailable "$src" "$qemu" "$arch")
		version=-
		if [ -n "$why" ]; then
			:
		elif [ -n "$LANE_RUNNER" ]; then
			version=$("$src/$LANE_RUNNER" version "$arch" 2>/dev/null | tr ' ' /) || version="(to build)"
		elif [ -n "$LANE_PROVIDER" ]; then
			if "$src/$LANE_PROVIDER" ready >/dev/null 2>&1; then
				version=$("$src/$LANE_PROVIDER" version 2>/dev/null) || version="?"
			else
				version="(to build)"
			fi
		else
			version=$(hvut_vmm_version "$LANE_VMM" "$qemu")
		fi
		printf '%-12s %-6s %-6s %-16s %-10s %s\n' "$name" "$LANE_ACCEL" "$LANE_VMM" "${LANE_CPU:-default}" \
			"${version:-?}" "$([ -z "$why" ] && echo yes || echo "no: $why") / $LANE_ABOUT"
	done
}

# hvut_parse_tests CFG LANES_FILE KIND [LANE CPUS]: hvut_parse_cfg with the
# lane names and qualifiers of LANES_FILE (when it exists) to check against.
hvut_parse_tests() {
	local lane_names="" quals=""
	if [ -f "$2" ]; then
		lane_names=$(hvut_lane_names "$2" | tr '\n' ' ') || return 2
		quals=$(hvut_lane_qualifiers "$2") || return 2
	fi
	hvut_parse_cfg "$1" "$3" "${4:-}" "${5:-}" "$lane_names" "$quals"
}

# hvut_migration_dest FILE LANE SRCDIR QEMU: for a cfg entry's `migration =
# LANE` (cross-version migration), the QEMU binary of lane LANE on stdout,
# or "why: ..." when it cannot be used here (not a QEMU lane, or its provider
# is not set up: no setup is started for a destination). Run it in a
# subshell: it loads LANE over the current lane's LANE_* variables.
hvut_migration_dest() {
	local file=$1 want=$2 src=$3 qemu=$4 bindir
	hvut_lane_load "$file" "$want" || { echo "why: no lane $want"; return 0; }
	if [ "$LANE_VMM" != qemu ] || [ -n "$LANE_RUNNER" ]; then
		echo "why: lane $want is not a QEMU lane"
	elif [ -z "$LANE_PROVIDER" ]; then
		command -v "${qemu##*/}"
	elif "$src/$LANE_PROVIDER" ready >/dev/null 2>&1 && bindir=$("$src/$LANE_PROVIDER" bindir 2>/dev/null); then
		echo "$bindir/${qemu##*/}"
	else
		echo "why: lane $want is not set up ($LANE_PROVIDER setup)"
	fi
}
