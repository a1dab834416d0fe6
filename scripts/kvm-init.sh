#!/bin/busybox sh
# scripts/kvm-init.sh: /init of the kvm lane's L1 Linux (busybox sh, in the
# initrd kvm-root.sh builds). It loads KVM, mounts the 9p shares the host
# named on the kernel command line, runs the job (a bash script the host wrote
# into the writable share) in a chroot of the Debian userland, and powers off.
#
# Kernel command line (from scripts/kvm-lane.sh):
#   hvut.ro=TAG:PATH[,TAG:PATH...]  read-only shares, mounted at PATH in the chroot
#   hvut.rw=TAG:PATH                the writable share (results)
#   hvut.job=PATH                   the job script, run with bash in the chroot
#   hvut.modparams=MOD:P=V[,...]    extra parameters for the modules loaded (optional)
# Console protocol back to the host, one line each (scripts/kvm-lane.sh reads it):
#   "B|<seconds since L1 booted>"  about to start the job
#   "O|<line>", "E|<line>"         the job's stdout / stderr
#   "R|<exit code>"                the job ended
# shellcheck shell=sh
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

fail() {
	echo "kvm-init: $*"
	echo "R|3"
	poweroff -f
}

# Module parameters the host adds for this run (kvm-lane.sh), MODULE:PARAM=VALUE
# words: kvm:force_emulation_prefix=1 (the emulator-fep and access-fep
# entries), kvm_amd:npt=0 (KVM's shadow MMU, HVUT_KVM_NPT=0).
read -r cmdline < /proc/cmdline
modparams=''
for w in $cmdline; do
	case $w in hvut.modparams=*) modparams=$(echo "${w#hvut.modparams=}" | tr , ' ') ;; esac
done
while read -r ko params; do
	mod=$(echo "${ko%.ko}" | tr - _)
	for p in $modparams; do
		case $p in "$mod":*) params="$params ${p#*:}" ;; esac
	done
	[ -z "$modparams" ] || echo "kvm-init: insmod $ko $params"
	# shellcheck disable=SC2086 # params are words
	insmod "/modules/$ko" $params || fail "insmod $ko $params failed"
done < /modules/load
# What KVM said about itself, for kvm-l1.log (VHE/nVHE, nested, the PMU).
dmesg | grep -iE 'kvm|svm|vhe|nested|pmu' | tail -n 20
[ -c /dev/kvm ] || fail "no /dev/kvm after loading KVM: $(dmesg | grep -i kvm | tail -n 3)"

ro='' rw='' job=''
for w in $cmdline; do
	case $w in
	hvut.ro=*) ro=${w#hvut.ro=} ;;
	hvut.rw=*) rw=${w#hvut.rw=} ;;
	hvut.job=*) job=${w#hvut.job=} ;;
	esac
done
if [ -z "$ro" ] || [ -z "$rw" ] || [ -z "$job" ]; then
	fail "hvut.ro/rw/job missing on the command line"
fi

opts=trans=virtio,version=9p2000.L,msize=262144
share() { # TAG PATH OPTIONS
	mkdir -p "/newroot$2" 2>/dev/null
	mount -t 9p -o "$opts,$3" "$1" "/newroot$2" || fail "mounting 9p share $1 at $2 failed"
}
# The first read-only share is the Debian userland: the chroot's /.
mount -t 9p -o "$opts,cache=loose,ro" "${ro%%:*}" /newroot || fail "mounting the L1 root failed"
mount -t proc proc /newroot/proc
mount -t sysfs sys /newroot/sys
mount -o bind /dev /newroot/dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs tmpfs /newroot/tmp
mount -t tmpfs tmpfs /newroot/dev/shm
# ftrace, for HVUT_KVM_TRACE (kvm-lane.sh); nothing is traced unless asked.
mount -t tracefs tracefs /newroot/sys/kernel/tracing 2>/dev/null || true
ln -sf /proc/self/fd /dev/fd

# The others (under /tmp too: on the tmpfs, mounted first).
case $ro in *,*) others=${ro#*,} ;; *) others='' ;; esac
for s in $(echo "$others" | tr , ' '); do
	share "${s%%:*}" "${s#*:}" cache=loose,ro
done
# No cache on the results: every write reaches the host before poweroff.
share "${rw%%:*}" "${rw#*:}" cache=none

echo "B|$(cut -d' ' -f1 /proc/uptime)"
# stdout and stderr go back on one console: each line carries its stream
# (GNU sed -u from the userland: busybox sed does not flush per line).
rcfile=/newroot/tmp/.kvm-rc
# shellcheck disable=SC2016 # expanded by the chroot's bash
chroot /newroot /bin/bash -c '
	{ { bash "$0"; echo $? > /tmp/.kvm-rc; } 2>&1 1>&3 3>&- | sed -u "s/^/E|/"; } 3>&1 |
		sed -u "s/^/O|/; s/^O|E|/E|/"' "$job"
rc=$(cat "$rcfile" 2>/dev/null || echo 3)
# L1's kernel log (the console is quiet: loglevel=1), for KVM warnings, OOM
# kills and the like that end an inner QEMU without a word.
dmesg > "/newroot${rw#*:}/kvm-l1-dmesg.log" 2>/dev/null
sync
echo "R|$rc"
poweroff -f
