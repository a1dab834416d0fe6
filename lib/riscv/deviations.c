/*
 * riscv64: known deviations of VMMs from the architecture manuals
 * (lib/deviation.h). One row per (deviation, VMM layer); versions [from, until),
 * NULL = unbounded. The lanes run QEMU 7.2 and 10.0 (docs/lanes.md): until
 * "10.0" = fixed after 7.2, in 10.0 or earlier.
 */
#include "hvut.h"

const struct deviation arch_deviations[] = {
	/* riscv/sbi-pmu.c */
	{ "sbi-pmu-stopped-counter-moves", "qemu-tcg", NULL, "8.0", NULL,
	  "a counter stopped with counter_stop (mcountinhibit set) keeps counting when read",
	  "SBI spec PMU extension counter_stop; RISC-V privileged spec mcountinhibit: an inhibited counter does not increment" },
	{ "sbi-pmu-mode-inhibit-ignored", "qemu-tcg", NULL, "10.0", NULL,
	  "hpmcounters count in S-mode although mhpmevent.SINH is set (Sscofpmf mode filtering not implemented)",
	  "RISC-V privileged spec Sscofpmf: mhpmevent.SINH inhibits counting in S-mode; SBI PMU SET_SINH" },
	/* riscv/zicbo.c (the fixes are upstream QEMU work items 4225 and 4416, after 10.0) */
	{ "senvcfg-cbo-fields-writable", "qemu-tcg", NULL, NULL, NULL,
	  "senvcfg CBIE/CBCFE/CBZE keep 1s written on a hart without Zicbom/Zicboz",
	  "RISC-V privileged spec senvcfg: CBZE read-only zero without Zicboz, CBIE/CBCFE without Zicbom" },
	{ "senvcfg-cbie-reserved-kept", "qemu-tcg", NULL, NULL, NULL,
	  "senvcfg.CBIE (WARL) reads back the reserved encoding 10b after it is written",
	  "CMO spec 1.0 Control and Status Register State: CBIE is WARL, 10b reserved" },
	/*
	 * riscv/migration-hsm.c on the kvm lane (QEMU 10.0 with KVM 6.12): the
	 * harts' HSM state is KVM's vCPU mp_state; the destination's harts come
	 * out of QEMU's reset (boot hart runnable, the others stopped) and the
	 * state is not among what QEMU moves. Also seen there: hart_start of the
	 * STOPPED hart after the move not reaching STARTED in time (1 of 1 runs).
	 */
	{ "hsm-state-not-migrated", "kvm", NULL, NULL, NULL,
	  "after a migration every hart but the boot hart is STOPPED: STARTED and SUSPENDED harts are not carried over",
	  "SBI v2.0 HSM extension: a hart's state changes only by HSM calls (and a migration is not one)" },
	/*
	 * riscv/sbi*.c as the sbi-kvm entry: KVM is the SBI implementation of its
	 * guests (arch/riscv/kvm/vcpu_sbi*.c); DBCN's console_write goes on to
	 * the VMM (QEMU 10.0 on the kvm lane). Seen 2026-12-02, Linux 6.12.117.
	 */
	{ "sbi-rfence-unknown-hart", "kvm", NULL, NULL, NULL,
	  "remote fences with a hart ID no hart has (as base, or in the mask) return SUCCESS",
	  "SBI v2.0 RFENCE Extension: SBI_ERR_INVALID_PARAM when a hart ID from hart_mask and hart_mask_base is not valid" },
	{ "sbi-hsm-idle-suspended", "kvm", NULL, NULL, NULL,
	  "hart_get_status says SUSPENDED (4) for a started hart waiting in wfi",
	  "SBI v2.0 HSM Extension, hart states: SUSPENDED only after hart_suspend; a started hart is STARTED" },
	{ "sbi-dbcn-high-base", "kvm", NULL, NULL, NULL,
	  "console_write with base_addr_hi = 1 (an address beyond 2^64 on RV64) returns SUCCESS",
	  "SBI v2.0 DBCN Extension, Console Write: SBI_ERR_INVALID_PARAM when the memory is not accessible" },
	{ "sbi-srst-reserved-type", "kvm", NULL, NULL, NULL,
	  "system_reset with a reserved reset_type returns NOT_SUPPORTED",
	  "SBI v2.0 SRST Extension: SBI_ERR_INVALID_PARAM when reset_type is not valid (0x3-0xEFFFFFFF are reserved)" },
	{ "sbi-srst-reserved-reason", "kvm", NULL, NULL, NULL,
	  "system_reset(shutdown) with a reserved reset_reason shuts the VM down (not attempted there)",
	  "SBI v2.0 SRST Extension: SBI_ERR_INVALID_PARAM when reset_reason is not valid (0x2-0xDFFFFFFF are reserved)" },
	/*
	 * riscv/isa.c (Sstc) and riscv/sbi-time.c under KVM on QEMU 7.2 TCG, not
	 * on QEMU 10.0 as L0 (HVUT_KVM_L0=qemu10): a compare value in the past
	 * never made STIP pending (3 of 3 runs), and one set_timer interrupt in
	 * 3 runs never came. The likely mechanism (not proven): QEMU 7.2 keeps
	 * the Sstc-raised VSTIP in mip, where KVM's write of hvip on every entry
	 * clears it. Both checks use the row only when they fail (intermittent).
	 */
	{ "vstip-lost-on-hvip-write", "kvm/qemu-tcg", NULL, "10.0", NULL,
	  "a supervisor timer interrupt raised by vstimecmp is lost (a compare value in the past leaves sip.STIP 0; a set_timer interrupt may never come)",
	  "RISC-V privileged spec Sstc: STIP is pending whenever time >= stimecmp; SBI v2.0 TIME set_timer" },
	/*
	 * riscv/isa.c: QEMU 7.2 has no Zvfh/Zvfhmin and runs vector floating
	 * point on SEW = 16 wherever it has V (seen with -cpu rv64,v=true, with
	 * and without Zfh); QEMU 10.0 traps both where riscv,isa does not list them.
	 */
	{ "vector-f16-without-zvfh", "qemu-tcg", NULL, "10.0", NULL,
	  "vfadd.vv and vfwcvt.f.f.v on SEW = 16 execute on a hart whose riscv,isa lists V but not Zvfh/Zvfhmin",
	  "RISC-V V spec 1.0 Vector Floating-Point Instructions: V supports SEW 32 and 64; SEW 16 is Zvfh (Zvfhmin for the conversions), else the instruction is reserved" },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
