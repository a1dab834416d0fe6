/*
 * x86_64: known deviations of VMMs from the SDM/APM (lib/deviation.h).
 * One row per (deviation, VMM layer). A row for "kvm/qemu-tcg" is a TCG
 * deviation that leaks through KVM running nested in QEMU TCG: KVM does not
 * intercept the instruction, so TCG's "silicon" executes it.
 * Versions: [from, until); NULL = unbounded. Narrow a range when a VMM
 * release fixes the bug (its check then runs as a plain check there).
 * The lanes run QEMU 7.2 and 10.0 only (docs/lanes.md): until = "10.0" says
 * "fixed in 10.0 or earlier, after 7.2", from = "10.0" "seen first on 10.0,
 * absent from 7.2"; the 8.x-9.x releases were not run.
 */
#include "hvut.h"

#define SDM_WRMSR "SDM vol. 2B WRMSR: #GP(0) for reserved bits or a non-canonical address"
#define SDM_RDMSR "SDM vol. 2B RDMSR: #GP(0) for a reserved or unimplemented MSR"

const struct deviation arch_deviations[] = {
	/* x86/msr.c */
	{ "msr-efer-reserved", "qemu-tcg", NULL, NULL, NULL, "reserved EFER bits accepted",
	  "SDM vol. 4 Table 2-2 IA32_EFER; " SDM_WRMSR },
	{ "msr-efer-lme-paging", "qemu-tcg", NULL, NULL, NULL, "EFER.LME cleared while paging is on",
	  "SDM vol. 3A 'Initializing IA-32e Mode': writing EFER.LME with CR0.PG=1 #GPs" },
	{ "msr-noncanonical-base", "qemu-tcg", NULL, NULL, NULL, "non-canonical address written without #GP",
	  SDM_WRMSR },
	{ "msr-noncanonical-base", "kvm/qemu-tcg", NULL, NULL, NULL,
	  "non-canonical address written without #GP (WRMSR not intercepted: TCG executes it)", SDM_WRMSR },
	{ "msr-tsc-aux-without-rdtscp", "qemu-tcg", NULL, NULL, NULL, "TSC_AUX readable without RDTSCP/RDPID",
	  "SDM vol. 4 Table 2-2 IA32_TSC_AUX (if CPUID.80000001H:EDX[27] or CPUID.(7,0):ECX[22]); " SDM_RDMSR },
	{ "msr-tsc-aux-high", "qemu-tcg", NULL, NULL, NULL, "TSC_AUX bits 63:32 accepted and kept",
	  "SDM vol. 4 Table 2-2 IA32_TSC_AUX: bits 63:32 reserved" },
	{ "msr-tsc-aux-high-gp", "qemu-tcg", NULL, NULL, NULL, "TSC_AUX bits 63:32 accepted",
	  "SDM vol. 4 Table 2-2 IA32_TSC_AUX: bits 63:32 reserved; " SDM_WRMSR },
	{ "msr-tsc-aux-high-gp", "bochs", NULL, NULL, NULL, "TSC_AUX bits 63:32 accepted (and dropped)",
	  "SDM vol. 4 Table 2-2 IA32_TSC_AUX: bits 63:32 reserved; " SDM_WRMSR },
	{ "msr-pat-reserved", "qemu-tcg", NULL, NULL, NULL, "reserved PAT memory types accepted",
	  "SDM vol. 3A 'IA32_PAT MSR': reserved memory-type encodings #GP" },
	{ "msr-apic-base-reserved", "qemu-tcg", NULL, "10.0", NULL, "reserved APIC_BASE bit accepted",
	  "SDM vol. 3A 'Local APIC Status and Location'; " SDM_WRMSR },
	{ "msr-tsc-write-ignored", "qemu-tcg", NULL, NULL, NULL, "WRMSR to IA32_TSC does not move RDTSC",
	  "SDM vol. 3B 'Time-Stamp Counter': WRMSR to IA32_TSC sets the counter" },
	{ "msr-unknown-no-gp", "qemu-tcg", NULL, NULL, NULL, "unknown MSRs read 0 and ignore writes",
	  SDM_RDMSR },

	/* x86/exceptions.c */
	{ "int1-ud", "qemu-tcg", NULL, "10.0", NULL, "INT1 (F1) raises #UD",
	  "SDM vol. 2A INT n/INTO/INT3/INT1: INT1 generates a #DB trap in 64-bit mode" },
	{ "int1-ud", "kvm/qemu-tcg", NULL, "10.0", NULL, "INT1 (F1) raises #UD (not intercepted: TCG executes it)",
	  "SDM vol. 2A INT n/INTO/INT3/INT1: INT1 generates a #DB trap in 64-bit mode" },
	{ "into-64-no-ud", "qemu-tcg", "10.0", NULL, NULL, "INTO (CE) in 64-bit mode runs (no #UD)",
	  "SDM vol. 2A INT n/INTO/INT3/INT1: INTO raises #UD in 64-bit mode (opcode CE invalid)" },
	{ "noncanonical-ss-gp", "qemu-tcg", NULL, NULL, NULL, "#GP instead of #SS for a non-canonical stack reference",
	  "SDM vol. 3A 'Interrupt 12-Stack Fault Exception (#SS)': non-canonical stack reference" },
	{ "noncanonical-ss-gp", "kvm/qemu-tcg", NULL, NULL, NULL,
	  "#GP instead of #SS for a non-canonical stack reference (TCG executes it)",
	  "SDM vol. 3A 'Interrupt 12-Stack Fault Exception (#SS)': non-canonical stack reference" },
	{ "idt-error-code", "qemu-tcg", NULL, "10.0", NULL, "IDT-gate #GP error code is vector*16+2, not vector*8+2",
	  "SDM vol. 3A 'Error Code': selector index = IDT vector, IDT flag bit 1" },
	{ "idt-error-code", "kvm/qemu-tcg", NULL, "10.0", NULL,
	  "IDT-gate #GP error code is vector*16+2 (TCG delivers the event)",
	  "SDM vol. 3A 'Error Code': selector index = IDT vector, IDT flag bit 1" },

	/* x86/cpu-model.c */
	{ "vmx-msrs-without-vmx", "qemu-tcg", NULL, NULL, NULL, "VMX capability MSRs read without VMX",
	  "SDM vol. 4 Table 2-2 IA32_VMX_* (if CPUID.01H:ECX[5]=1); " SDM_RDMSR },
	{ "vmx-msrs-without-vmx", "bochs", NULL, NULL, NULL, "VMX capability MSRs read without VMX",
	  "SDM vol. 4 Table 2-2 IA32_VMX_* (if CPUID.01H:ECX[5]=1); " SDM_RDMSR },
	/* The same rule for the MSRs Bochs gets right (0x48C, 0x491). */
	{ "vmx-more-msrs-without-vmx", "qemu-tcg", NULL, NULL, NULL, "VMX capability MSRs read without VMX",
	  "SDM vol. 4 Table 2-2 IA32_VMX_* (if CPUID.01H:ECX[5]=1); " SDM_RDMSR },
	{ "vm-cr-gp", "bochs", NULL, NULL, NULL, "RDMSR VM_CR #GPs although SVM is enumerated",
	  "APM vol. 2 15.30.1 VM_CR MSR (C001_0114h)" },

	/* x86/svm*.c: hvut's L1 hypervisor on nested SVM */
	{ "svm-cet-msrs-l2", "qemu-tcg", NULL, NULL, NULL, "CET MSRs read 0 and ignore writes without CET",
	  "SDM vol. 2B RDMSR/WRMSR: #GP(0) for an unimplemented MSR (CET MSRs need CPUID.(7,0):ECX[7] or EDX[20])" },
	{ "svm-invalid-exitcode", "qemu-tcg", NULL, "10.0", NULL, "EXITCODE of a failed VMRUN is 0xffffffff",
	  "APM vol. 2 Appendix C Table C-1: VMEXIT_INVALID is -1 (64 bits)" },
	{ "svm-intr-l2-if", "bochs", NULL, NULL, NULL, "physical INTR masked by L2's IF with V_INTR_MASKING=1",
	  "APM vol. 2 15.21.1 Virtualizing Interrupt Masking (V_INTR_MASKING)" },
	{ "svm-vintr-pending", "bochs", NULL, NULL, NULL, "no VINTR exit for V_IRQ already pending at VMRUN",
	  "APM vol. 2 15.21.4 Injecting Virtual (INTR) Interrupts" },

	/* x86/vmx-ept.c */
	{ "mbec-xu-qual-bit13", "bochs", "3", NULL, NULL,
	  "EPT violation on a data access to an XU=1 entry sets qualification bit 13, not bit 6",
	  "SDM vol. 3C 'Exit Qualification for EPT Violations': bit 6 is XU with MBEC, bit 13 shadow-stack" },
	/* x86/debug.c */
	{ "dr7-gd-ignored", "qemu-tcg", NULL, "10.0", NULL, "DR7.GD=1: MOV DR runs with no #DB",
	  "SDM vol. 3B 'General-Detect Exception Condition': MOV DR with GD=1 is a #DB fault with DR6.BD" },
	{ "tf-sti-delayed", "qemu-tcg", NULL, "10.0", NULL, "the single-step #DB after STI comes one instruction late",
	  "SDM vol. 2B STI: IF does not inhibit exceptions; vol. 3B 'Single-Step Exception Condition'" },
	/* x86/syscall.c */
	{ "sysenter-long-mode-amd", "bochs", NULL, NULL, "ryzen", "SYSENTER runs in long mode on an AMD model",
	  "APM vol. 3 SYSENTER: #UD in long mode" },
	/* x86/tsc.c */
	{ "cpuid-15h-rate", "bochs", NULL, NULL, NULL,
	  "CPUID 15H gives the modelled CPU's TSC rate; the TSC counts at the emulator's ips (4 MHz against the PIT)",
	  "SDM vol. 2A CPUID leaf 15H: TSC frequency = crystal clock * EBX / EAX" },
	/* x86/xsave.c */
	{ "xrstor-compacted-gp", "bochs", NULL, NULL, NULL,
	  "XRSTOR #GPs on the compacted area XSAVEC just wrote (XCOMP_BV 0x8000000000000007)",
	  "SDM vol. 1 'Operation of XRSTOR': the compacted form restores an area with XCOMP_BV[63]=1" },

	/* x86/cet.c */
	{ "cet-msrs-without-cet", "qemu-tcg", NULL, NULL, NULL, "CET MSRs read 0 and ignore writes without CET",
	  "SDM vol. 2B RDMSR/WRMSR: #GP(0) for an unimplemented MSR (CET MSRs need CPUID.(7,0):ECX[7] or EDX[20])" },
	{ "cet-xss-without-xsaves", "qemu-tcg", NULL, NULL, NULL, "IA32_XSS accessible without XSAVES",
	  "SDM vol. 4 table 2-2 IA32_XSS (if CPUID.(0DH,1):EAX[3]=1); " SDM_RDMSR },
	{ "cet-xss-unenumerated-bits", "bochs", NULL, "3", "tigerlake",
	  "IA32_XSS accepts CET_U/CET_S that CPUID.(0xD,1):ECX does not enumerate",
	  "SDM vol. 1 13.3: setting an XSS bit that CPUID.(0DH,1):ECX does not enumerate #GPs" },
	{ "cet-xss-not-enumerated", "bochs", NULL, "3", "tigerlake",
	  "CET and XSAVES enumerated, CPUID.(0xD,1):ECX[12:11] = 0",
	  "SDM vol. 1 13.2, 17.x: CET_U/CET_S are XSAVES-managed state components 11/12" },
	{ "cet-clrssbsy-cf", "bochs", NULL, NULL, NULL, "CLRSSBSY sets CF=1 for a valid busy token",
	  "SDM vol. 2A CLRSSBSY: RFLAGS.CF = invalid_token (0 for a valid token)" },

	/* x86/pmu.c */
	{ "pmu-rdpmc-bad-index", "qemu-tcg", NULL, NULL, NULL, "RDPMC raises #UD for every counter index",
	  "SDM vol. 2B / APM vol. 3 RDPMC: #GP(0) for an unsupported counter" },
	{ "pmu-rdpmc-bad-index", "bochs", NULL, NULL, NULL, "RDPMC of an unsupported index returns 0",
	  "SDM vol. 2B RDPMC: #GP(0) for an unsupported counter" },
	{ "pmu-rdpmc-ud", "qemu-tcg", NULL, NULL, NULL, "RDPMC raises #UD for every counter index",
	  "APM vol. 3 RDPMC: legacy counters 0-3 always exist; SDM vol. 2B RDPMC" },
	{ "pmu-counter-msrs-gp", "bochs", NULL, NULL, "tigerlake",
	  "CPUID.0AH enumerates version 5 with 8 counters, but IA32_PMC0/PERFEVTSEL0 #GP",
	  "SDM vol. 4 table 2-2: IA32_PMCx/IA32_PERFEVTSELx exist when CPUID.0AH:EAX[15:8] > x" },

	/* x86/apic*.c, x2apic.c, ioapic.c, nmi.c, eventinj.c (docs/x86-interrupts.md) */
	{ "apic-sw-disable-lvt-mask", "qemu-tcg", NULL, NULL, NULL,
	  "software-disabling the APIC (SVR[8]=0) leaves LVT mask bits clear and clearable",
	  "SDM vol. 3A 'Local APIC State After It Has Been Software Disabled'" },
	{ "apic-spurious-blocked-class", "bochs", NULL, NULL, NULL,
	  "spurious vector delivered for a fixed interrupt held back by an in-service vector of its class",
	  "SDM vol. 3A 'Spurious Interrupt': only when TPR rises while INTR is asserted" },
	{ "apic-base-extd-no-x2apic", "qemu-tcg", NULL, NULL, NULL,
	  "IA32_APIC_BASE.EXTD written without #GP on a CPU without x2APIC",
	  "SDM vol. 3A 'Local APIC Status and Location': EXTD reserved without CPUID.1:ECX[21]; SDM vol. 2B WRMSR" },
	{ "apic-global-reenable", "bochs", NULL, NULL, NULL,
	  "a globally disabled APIC ignores IA32_APIC_BASE writes without #GP: EN=1 does not re-enable it",
	  "SDM vol. 3A 'Enabling or Disabling the Local APIC' and 'x2APIC State Transitions': disabled -> xAPIC is valid" },
	{ "x2apic-ldr-derived", "bochs", NULL, "3", NULL, "x2APIC LDR reads 0 instead of the ID-derived logical ID",
	  "SDM vol. 3A 'Deriving Logical x2APIC ID from the Local x2APIC ID'" },
	{ "x2apic-self-ipi-reserved", "bochs", NULL, NULL, NULL, "SELF IPI write with reserved bits 31:8 set accepted",
	  "SDM vol. 3A 'Reserved Bit Checking' and 'SELF IPI Register'" },

	/* x86/access*.c, x86/paging*.c, x86/pcid*.c, x86/umip*.c, x86/la57*.c, x86/lam*.c (docs/x86-paging.md) */
	{ "pf-rsvd-without-p", "qemu-tcg", NULL, NULL, NULL, "#PF for a reserved bit has error-code P=0",
	  "SDM vol. 3A 4.7: RSVD can be set only if P (bit 0) is also set" },
	{ "tsc-deadline-not-cleared", "bochs", NULL, NULL, NULL, "IA32_TSC_DEADLINE keeps the deadline after the timer fired",
	  "SDM vol. 3A 'TSC-Deadline Mode': the timer disarms itself and clears IA32_TSC_DEADLINE" },
	{ "ioapic-edge-without-rising-edge", "qemu-tcg", NULL, NULL, NULL,
	  "edge pin delivers with no new rising edge (masked edge latched, or a re-raise of a high RTC line)",
	  "82093AA datasheet 3.2.4: edge interrupts on a rising edge; masked edges are ignored, not held pending" },
	{ "ioapic-level-no-redelivery", "bochs", NULL, NULL, NULL,
	  "a level interrupt whose line stays asserted is not delivered again after the EOI",
	  "82093AA datasheet 3.2.4 Remote IRR; SDM vol. 3A 'End-of-Interrupt (EOI)' broadcast to the I/O APIC" },
	{ "ioapic-no-remote-irr", "bochs", NULL, NULL, NULL, "Remote IRR never reads 1 for an accepted level interrupt",
	  "82093AA datasheet 3.2.4: Remote IRR set when the local APIC accepts a level interrupt" },
	{ "ioapic-polarity-ignored", "qemu-tcg", NULL, NULL, NULL,
	  "INTPOL ignored: an active-low level pin whose line is low is not asserted",
	  "82093AA datasheet 3.2.4 Interrupt Input Pin Polarity (INTPOL): 1 = low active" },
	{ "ioapic-polarity-ignored", "bochs", NULL, NULL, NULL,
	  "INTPOL ignored: an active-low level pin whose line is low is not asserted",
	  "82093AA datasheet 3.2.4 Interrupt Input Pin Polarity (INTPOL): 1 = low active" },
	{ "x2apic-msrs-in-xapic-mode", "qemu-tcg", NULL, NULL, NULL,
	  "x2APIC MSRs (800H-8FFH) accessed without #GP in xAPIC mode",
	  "SDM vol. 3A 'x2APIC Register Availability': RDMSR/WRMSR of 800H-BFFH #GP outside x2APIC mode" },
	{ "idt-error-code-ext", "qemu-tcg", NULL, NULL, NULL,
	  "#NP for a not-present gate met while delivering an exception has EXT=0",
	  "SDM vol. 3A 'Error Code': EXT set when the exception occurred during delivery of an earlier event" },
	{ "cr4-pcide-without-pcid", "qemu-tcg", NULL, NULL, NULL, "CR4.PCIDE set without #GP on a CPU without PCID",
	  "SDM vol. 3A 2.5 (CR4 bits of unsupported features are reserved; CPUID.01H:ECX[17]); vol. 2B MOV CR: #GP(0) for a reserved CR4 bit" },
	{ "invpcid-type-64bit", "bochs", NULL, NULL, NULL, "INVPCID type 2^32 accepted (bits 63:32 of the type ignored)",
	  "SDM vol. 2A INVPCID: the type is the 64-bit register in 64-bit mode; #GP(0) if it is above 3" },
	{ "pkru-scope", "bochs", NULL, NULL, NULL,
	  "PKRU applied whatever the address's U/S (PK set for supervisor-mode addresses), AD only for user-mode accesses",
	  "SDM vol. 3A 4.6.1, 4.6.2 (PKRU governs user-mode addresses, for supervisor accesses too); 4.7 PK flag" },
	{ "cr4-reserved-bit", "qemu-tcg", NULL, NULL, NULL, "MOV to CR4 with a reserved bit set hangs the vCPU",
	  "SDM vol. 2B MOV CR: #GP(0) for an attempt to write 1 to a reserved bit of CR4" },
	{ "cr3-reserved-bit", "qemu-tcg", NULL, NULL, NULL, "MOV to CR3 with a reserved bit set hangs the vCPU",
	  "SDM vol. 2B MOV CR: #GP(0) for an attempt to write 1 to a reserved bit of CR3" },
	{ "cr3-reserved-bit", "kvm/qemu-tcg", NULL, NULL, NULL,
	  "MOV to CR3 with a reserved bit accepted (not intercepted with NPT: TCG executes it); KVM's next VMRUN fails",
	  "SDM vol. 2B MOV CR: #GP(0) for an attempt to write 1 to a reserved bit of CR3" },
	{ "wp0-dirty-ro-leaf-panic", "bochs", "3", NULL, NULL,
	  "panics (\"asked to set dirty on paging leaf entry with R/W bit clear\") on a supervisor write allowed by CR0.WP=0",
	  "SDM vol. 3A 4.6.1 (CR0.WP=0: supervisor writes to read-only pages allowed), 4.8 (a write sets D)" },
	{ "pkrs-scope", "bochs", NULL, NULL, NULL,
	  "IA32_PKRS applied to supervisor accesses to user-mode addresses too",
	  "SDM vol. 3A 4.6.2: IA32_PKRS governs supervisor-mode addresses; 4.7 PK flag" },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
