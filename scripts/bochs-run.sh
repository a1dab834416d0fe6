#!/usr/bin/env bash
# bochs-run.sh: boot one hvut test ELF under Bochs, headless, and stream the
# guest's serial console to stdout as it appears. Ends when Bochs ends.
#
# Usage: bochs-run.sh [--cpu MODEL] [--smp N] [--mem MB] [--args STRING]
#                     [--firmware ROM] [--workdir DIR] [--rc LINE]... ELF ENVFILE
#
# scripts/bochs.sh builds this command line (bochs_vmm_command); docs/bochs.md
# explains the design. In short:
#  - Boot, with --firmware (hvut's x86/firmware.bin, the default): the ROM is
#    Bochs' romimage; optramimage puts the ELF file and a small blob (RAM size,
#    CPU count, command line, environment) in RAM before reset; the firmware
#    loads the ELF and enters it (docs/x86-boot.md). No BIOS, no disk.
#  - Boot, without --firmware (HVUT_FIRMWARE=bios): the Bochs BIOS starts GRUB
#    from an ISO cached per ELF content under ${HVUT_CACHE:-~/.cache/hvut}/bochs/;
#    the per-run part (the multiboot command line and the environment file)
#    sits in a private temp directory that Bochs shows to GRUB as a FAT floppy
#    (vvfat), so no ISO is built per run.
#  - Console: with --firmware COM1 writes straight to our stdout (fd 3 of
#    Bochs); through GRUB it goes to a file that tail and sed follow, to drop
#    GRUB's carriage returns and screen escapes.
#  - Display: Bochs 2.7 on Debian has no 'nogui'. Default: the rfb display inside
#    a private network namespace (unshare -rn), so its listener is unreachable
#    from anywhere. Fallback when user namespaces are unavailable: the 'term'
#    display, whose private pty we keep drained (Bochs blocks once ~12 KB of
#    screen updates are unread). BOCHS_DISPLAY=rfb|term forces one (bochs.sh's
#    probe sets it once per suite).
#  - Exit status: 0 when the guest asked for the power-off (port 0x8900), 3 when
#    Bochs ended otherwise (the harness calls that CRASH; we print Bochs' log),
#    128+n on signal n. The harness does not trust this status anyway: it
#    reads the lines.
#  - SIGTERM/SIGINT/SIGHUP kill Bochs and the helpers and remove the temp
#    directory. If this script is SIGKILLed, Bochs
#    and tail get SIGKILL from the kernel (parent-death signal), sed sees EOF;
#    only the temp directory is left, and the next run removes it.
set -uo pipefail

# Bump when the ISO layout or its grub.cfg changes: older cache entries are ignored.
ISO_LAYOUT=1
# GRUB modules on the ISO: what grub.cfg and run.cfg use, nothing more (a full
# grub-mkrescue image is 9 MB and GRUB then probes every filesystem module).
GRUB_MODULES="biosdisk iso9660 fat part_msdos configfile normal echo test serial terminal multiboot halt"

me=hvut-bochs
die() { echo "$me: $*" >&2; exit 3; }
usage() { echo "usage: $0 [--cpu MODEL] [--smp N] [--mem MB] [--args STRING] [--firmware ROM] [--workdir DIR] [--rc LINE]... ELF ENVFILE" >&2; exit 3; }

cpu=tigerlake smp=1 mem=256 args='' extra=() firmware='' workdir=''
# Where hvut's firmware finds what optramimage loads (x86/fw.h: FW_BOCHS_ELF, FW_BLOB).
ELF_AT=0x2000000 BLOB_AT=0x80000
while [ $# -gt 0 ]; do
	case $1 in
	--cpu) [ $# -ge 2 ] || usage; cpu=$2; shift 2 ;;
	--smp) [ $# -ge 2 ] || usage; smp=$2; shift 2 ;;
	--mem) [ $# -ge 2 ] || usage; mem=$2; shift 2 ;;
	--args) [ $# -ge 2 ] || usage; args=$2; shift 2 ;;
	--rc) [ $# -ge 2 ] || usage; extra+=("$2"); shift 2 ;;
	--firmware) [ $# -ge 2 ] || usage; firmware=$2; shift 2 ;;
	# A private directory the caller removes (the harness's run directory):
	# files go there, which saves a mktemp and an rm per run.
	--workdir) [ $# -ge 2 ] || usage; workdir=$2; shift 2 ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || usage
elf=$1 envfile=$2
[[ $cpu =~ ^[a-z0-9_]+$ ]] || die "bad CPU model '$cpu'"
[[ $smp =~ ^[1-9][0-9]*$ ]] || die "bad SMP count '$smp'"
[[ $mem =~ ^[1-9][0-9]*$ ]] || die "bad memory size '$mem'"
[ -r "$elf" ] || die "no such test binary: $elf"
[ -r "$envfile" ] || die "no such environment file: $envfile"
[ -z "$firmware" ] || [ -r "$firmware" ] || die "no such firmware image: $firmware"
# The ELF file sits at 32 MiB until the firmware has copied it out.
[ -z "$firmware" ] || [ "$mem" -ge 64 ] || die "--mem $mem: hvut's firmware needs at least 64 MB"

tmp='' p='' build='' bochs_pid='' stream_pid='' drain_pid=''
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local rc=$?
	# Ignore, not default: timeout sends SIGTERM to us and then to its process
	# group, so a second one arrives while we clean up and must not kill us.
	trap - EXIT
	trap '' INT TERM HUP
	if [ -n "$bochs_pid" ]; then
		# Bochs catches SIGTERM (and blocks in it when its screen is stuck): KILL it.
		kill -KILL "$bochs_pid" 2>/dev/null
		wait "$bochs_pid" 2>/dev/null
	fi
	# tail --pid notices the dead Bochs within 0.1 s; cat sees the pty close.
	[ -n "$drain_pid" ] && { kill -KILL "$drain_pid" 2>/dev/null; wait "$drain_pid" 2>/dev/null; }
	[ -n "$stream_pid" ] && wait "$stream_pid" 2>/dev/null
	[ -n "$build" ] && rm -rf "$build"
	# BOCHS_KEEP_LOG=FILE: keep Bochs' log of this run (debugging the lane).
	[ -n "${BOCHS_KEEP_LOG:-}" ] && [ -n "$p" ] && cp "${p}bochs.log" "$BOCHS_KEEP_LOG" 2>/dev/null
	# In the background: the harness's verdict does not wait for it.
	[ -n "$tmp" ] && { rm -rf "$tmp" & }
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

tmproot=${TMPDIR:-/tmp}
# Remove what runs killed with SIGKILL left behind (their owner pid is gone).
for d in "$tmproot"/hvut-bochs.*; do
	[ -f "$d/owner" ] || continue
	read -r pid < "$d/owner" 2>/dev/null || continue
	[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && rm -rf "$d"
done
# p: the prefix of every file of this run: in our own temp directory, or
# named by our pid in the caller's (shared between parallel runs).
if [ -n "$workdir" ]; then
	{ [ -d "$workdir" ] && [ -w "$workdir" ]; } || die "--workdir $workdir is not a writable directory"
	p=$workdir/bochs.$$.
else
	tmp=$(mktemp -d "$tmproot/hvut-bochs.XXXXXX") || die "cannot create a temp directory in $tmproot"
	p=$tmp/
	echo $$ > "${p}owner"
fi
name=${elf##*/}

# --- through the Bochs BIOS and GRUB: the ISO, cached per ELF content -------
prepare_grub() {
	cache=${HVUT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hvut}/bochs
	mkdir -p "$cache" || die "cannot create the cache directory $cache"
	cp "$elf" "${p}test.elf" || die "cannot read $elf"
	sum=$(sha256sum < "${p}test.elf") || die "sha256sum failed"
	iso=$cache/${sum%% *}-$ISO_LAYOUT.iso
	if [ ! -s "$iso" ]; then
		build=$(mktemp -d "$cache/build.XXXXXX") || die "cannot write to $cache"
		mkdir -p "$build/root/boot/grub"
		cp "${p}test.elf" "$build/root/boot/hvut.elf"
		# The ISO's grub.cfg turns the serial console on (8N1, so GRUB's errors show
		# in the test's log), then runs the per-run run.cfg from the floppy. The echo
		# ends the line that carries GRUB's terminal set-up escapes.
		cat > "$build/root/boot/grub/grub.cfg" <<'CFG'
set timeout=0
insmod fat
serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1
terminal_output --append serial
echo "hvut-bochs: GRUB is loading the test"
source (fd0)/run.cfg
echo "hvut-bochs: no run.cfg on the floppy"
halt
CFG
		if ! grub-mkrescue --install-modules="$GRUB_MODULES" --modules="" --locales="" --fonts="" \
			--themes="" -o "$build/hvut.iso" "$build/root" > "$build/log" 2>&1; then
			cat "$build/log" >&2
			die "grub-mkrescue failed"
		fi
		mv -f "$build/hvut.iso" "$iso" || die "cannot write $iso"
		rm -rf "$build"
		build=''
		# Keep the cache small: drop ISOs unused for two weeks and abandoned builds.
		find "$cache" -maxdepth 1 -name '*.iso' -mtime +14 -delete 2>/dev/null
		find "$cache" -maxdepth 1 -name 'build.*' -mmin +60 -exec rm -rf {} + 2>/dev/null
	fi
	touch "$iso" 2>/dev/null

	# The per-run floppy: command line and environment.
	# GRUB script quoting: '...' is literal, a ' is written as '\''. GRUB joins the
	# words with single spaces (and quotes words holding blanks) into the multiboot
	# command line; argv[0] is the test's file name.
	grub_quote() { local s=${1//\'/\'\\\'\'}; printf "'%s'" "$s"; }
	mkdir "${p}fd" || die "cannot create ${p}fd"
	cmdline=$(grub_quote "$name")
	read -r -a words <<< "$args"
	for w in "${words[@]}"; do cmdline+=" $(grub_quote "$w")"; done
	cp "$envfile" "${p}fd/env" || die "cannot read $envfile"
	cat > "${p}fd/run.cfg" <<CFG
if multiboot (\$root)/boot/hvut.elf $cmdline; then
	if module (fd0)/env env; then
		boot
	fi
fi
echo "$me: GRUB could not load the test"
halt
CFG
}

# --- through hvut's firmware: the boot blob (layout: x86/fw-bochs.c) ---------
# le32 N: appends the four bytes of N, little-endian, as printf %b escapes to hdr.
le32() { printf -v hdr '%s\\x%02x\\x%02x\\x%02x\\x%02x' "$hdr" $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
prepare_blob() {
	# Byte lengths, whatever the locale; builtins only (no fork per run).
	local LC_ALL=C env='' cmdline=$name hdr=''
	[ -n "$args" ] && cmdline+=" $args"
	IFS= read -r -d '' env < "$envfile" || true
	le32 "$mem"
	le32 "$smp"
	le32 "${#cmdline}"
	le32 "${#env}"
	le32 "$elf_loaded"
	printf 'HVUTBOOT%b%s\0%s\0' "$hdr" "$cmdline" "$env" > "${p}blob" || die "cannot write ${p}blob"
}

# --- display -------------------------------------------------------------------
display=${BOCHS_DISPLAY:-auto}
netns=()
case $display in
auto) if unshare -rn true 2>/dev/null; then display=rfb; else display=term; fi ;;  # bochs_probe does this once per suite
rfb|term) ;;
*) die "BOCHS_DISPLAY must be auto, rfb or term, not '$display'" ;;
esac
if [ "$display" = rfb ]; then
	# rfb listens on 0.0.0.0:5900: only ever inside a fresh network namespace.
	netns=(unshare -rn)
	display_line='display_library: rfb, options="timeout=0"'
else
	display_line='display_library: term'
fi

# --- bochsrc -------------------------------------------------------------------
if [ -n "$firmware" ]; then
	# Bochs copies an optramimage into its RAM with one read() into the host
	# block of the image's first address; blocks are 128 KiB and the host
	# block after it is not the guest's next one (Bochs hands blocks out in
	# the order they are first touched), so bytes past 128 KiB land elsewhere
	# (seen: a 200 KB image, a triple fault). The ELF goes in as 128 KiB
	# pieces at 128 KiB-aligned addresses, in the three slots the blob leaves;
	# the firmware refuses a segment beyond what was loaded.
	split -b 128K -a 2 -d "$elf" "${p}elf." || die "cannot read $elf"
	elf_lines='' elf_loaded=0
	for k in 0 1 2; do
		[ -e "${p}elf.0$k" ] || break
		printf -v addr '%#x' $((ELF_AT + k * 0x20000))
		elf_lines+="optramimage$((k + 1)): file=\"${p}elf.0$k\", address=$addr
"
	done
	[ ! -e "${p}elf.03" ] || elf_loaded=$((3 * 0x20000))
	prepare_blob
	# COM1 writes to fd 3, which is our stdout: no file and no follower process.
	# Plain VGA: the default VBE adapter zeroes 16 MB at every start. Bochs 3.0
	# insists on a VGA ROM image even though nothing runs it.
	boot_lines="romimage: file=\"$firmware\"
${elf_lines}optramimage4: file=\"${p}blob\", address=$BLOB_AT
vgaromimage: file=/usr/share/vgabios/vgabios.bin
vga: extension=none
com1: enabled=1, mode=file, dev=/dev/fd/3"
else
	prepare_grub
	boot_lines="romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
boot: cdrom
ata0-master: type=cdrom, path=\"$iso\", status=inserted
floppya: 1_44=\"vvfat:${p}fd\", status=inserted
com1: enabled=1, mode=file, dev=\"${p}serial\""
fi
# printf, not a here-document: cat would be one more process per run.
printf '%s\n' "# Generated by $0 for $name" "$display_line" \
	"cpu: model=$cpu, count=$smp, ignore_bad_msrs=0, reset_on_triple_fault=0" \
	"memory: guest=$mem, host=$mem" "$boot_lines" "port_e9_hack: enabled=0" "sound: driver=dummy" \
	"speaker: enabled=0" "mouse: enabled=0" "clock: sync=none, time0=1704067200" \
	"panic: action=fatal" "error: action=report" "log: ${p}bochs.log" "${extra[@]}" > "${p}bochsrc"
# The debugger is compiled in: continue at once; 'q' in case the simulation stops.
printf 'c\nq\n' > "${p}debug.rc"

# --- run -----------------------------------------------------------------------
deathsig=()
case ${BOCHS_PDEATHSIG:-probe} in
1) deathsig=(setpriv --pdeathsig KILL) ;;
probe) setpriv --help 2>/dev/null | grep -q -- --pdeathsig && deathsig=(setpriv --pdeathsig KILL) ;;
esac
[ -n "$firmware" ] || : > "${p}serial"
TERM=vt100 "${netns[@]}" "${deathsig[@]}" bochs-bin -q -f "${p}bochsrc" -rc "${p}debug.rc" \
	< /dev/null 3>&1 > "${p}bochs.out" 2>&1 &
bochs_pid=$!

if [ -z "$firmware" ]; then
	# GRUB's serial terminal ends lines with \n\r; drop every \r so the guest's
	# lines start at column 0, and drop the escapes GRUB's terminal set-up puts
	# before our first line. sed -u, not tr: tr would hold the output in a buffer
	# until it ends, and a hanging guest's lines would never show.
	"${deathsig[@]}" tail -n +1 -s 0.1 --pid="$bochs_pid" -f "${p}serial" |
		sed -u -e 's/\r//g' -e '1s/^.*\('"$me"': GRUB\)/\1/' &
	stream_pid=$!
fi

if [ "$display" = term ]; then
	# The term display draws on a pty Bochs opens itself and announces on stderr.
	pts=''
	for _ in $(seq 100); do
		pts=$(sed -n 's|^Bochs connected to screen "\(/dev/pts/[0-9]*\)".*|\1|p' "${p}bochs.out")
		[ -n "$pts" ] && break
		kill -0 "$bochs_pid" 2>/dev/null || break
		sleep 0.05
	done
	if [ -n "$pts" ]; then
		cat "$pts" > /dev/null 2>&1 &
		drain_pid=$!
		stty -F "$pts" raw -echo 2>/dev/null
	fi
fi

wait "$bochs_pid"
bochs_rc=$?
bochs_pid=''
if [ -n "$stream_pid" ]; then
	wait "$stream_pid"
	stream_pid=''
fi

if [ -n "$firmware" ]; then
	# The guest powers off through the shutdown port after its EXIT line; Bochs
	# reports that as a (fatal) panic on stderr. Anything else ended the run
	# early. mapfile, not grep: one process less per run.
	mapfile -t out < "${p}bochs.out"
	[[ "${out[*]: -8}" == *"Shutdown port: shutdown requested"* ]] && exit 0
	# The guest's last line may lack its newline.
	echo
else
	# A guest that powers off before its UART drained loses the last bytes: end
	# the partial line so that what follows starts at column 0.
	[ -n "$(tail -c 1 "${p}serial")" ] && echo
	status=$(tr -d '\r' < "${p}serial" | sed -n 's/^EXIT: STATUS=\([0-9]*\).*/\1/p' | tail -n 1)
	if [ -n "$status" ]; then
		exit "$status"
	fi
fi
# No EXIT line: say why Bochs ended, where the harness log shows it: the log's
# panics and errors, its last lines (on a triple fault: the CPU state), and
# last, Bochs' own parting message (the harness quotes a test's last line).
why=$(sed -n '/^Bochs is exiting with the following message:/{n;p;q}' "${p}bochs.out")
if [ -f "${p}bochs.log" ]; then
	echo "$me: Bochs' log, its panics and errors, then its last lines:"
	{
		grep -E '^[0-9]+[pe]\[' "${p}bochs.log" | tail -n 5
		tail -n 12 "${p}bochs.log"
	} | sed "s/^/$me: /"
fi
echo "$me: Bochs (exit code $bochs_rc) ended without the guest's EXIT line: ${why:-no message (killed?)}"
exit 3
