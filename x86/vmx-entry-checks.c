/*
 * entry-checks: VM-entry consistency checks (Intel SDM vol. 3C ch. 27 "VM
 * Entries", numbering of the 2024 editions, order no. 326019): each case
 * breaks one field of a VMCS that runs L2 (the control), and VMLAUNCH must
 *   - fail with VMfailValid 7 ("VM entry with invalid control field(s)") for
 *     27.2.1 Checks on VMX Controls;
 *   - fail with VMfailValid 8 ("VM entry with invalid host-state field(s)")
 *     for 27.2.2-27.2.4 Checks on the host-state area;
 *   - exit with reason 33 | bit 31 (VM-entry failure due to invalid guest
 *     state) for 27.3.1 Checks on the Guest State Area, exit qualification 0,
 *     or 4 for the VMCS link pointer (27.8 "VM-Entry Failures During or After
 *     Loading Guest State").
 * x86/vmx-basic.c has the first three (CR3-target count, host CR4.VMXE,
 * guest RFLAGS bit 1); a case whose prerequisite control the model does not
 * allow SKIPs naming it.
 */
#include "vmx-tests.h"
#include <asm/desc.h>
#include <asm/paging.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define ERR_CONTROLS 7
#define ERR_HOST 8
#define GUEST_STATE 33
#define QUAL_LINK_PTR 4

#define CPU_USE_TPR_SHADOW (1U << 21)
#define CPU2_VIRT_APIC_ACCESS (1U << 0)
#define EXIT_ACK_INTR (1U << 15)
#define AR_L (1U << 13)
#define AR_DB (1U << 14)
#define INTR_TYPE_RESERVED (1U << 8)
#define INTERRUPTIBILITY_STI (1U << 0)
#define INTERRUPTIBILITY_MOV_SS (1U << 1)

struct entry_check {
	const char *what;
	const char *rule;       /* SDM vol. 3C section */
	unsigned expect;        /* ERR_CONTROLS, ERR_HOST or GUEST_STATE */
	unsigned qual;          /* for GUEST_STATE */
	const char *(*breakit)(void);   /* returns a SKIP reason, or NULL once the field is broken */
	const char *deviation;  /* row of lib/x86/deviations.c where a VMM deviates, else NULL */
};

static void *scratch_page(void)
{
	static void *p;

	if (!p)
		p = alloc_page();
	assert(p);
	return p;
}

/* The allowed-0/allowed-1 capability (true MSR when IA32_VMX_BASIC[55]) of the pin-based controls. */
static uint64_t pin_cap(void)
{
	return vmx_cap(vmx_cap(MSR_IA32_VMX_BASIC) & VMX_BASIC_TRUE_CTLS ? MSR_IA32_VMX_TRUE_PINBASED_CTLS
									: MSR_IA32_VMX_PINBASED_CTLS);
}

/* --- 27.2.1 controls ------------------------------------------------------ */

static const char *pin_must_be_zero(void)
{
	uint32_t allowed1 = pin_cap() >> 32;

	if (allowed1 == ~0U)
		return "pin-based controls: every bit may be 1";
	vmwrite(PIN_CONTROLS, vmread(PIN_CONTROLS) | (1U << __builtin_ctz(~allowed1)));
	return NULL;
}

static const char *pin_must_be_one(void)
{
	uint32_t allowed0 = (uint32_t)pin_cap();

	if (!allowed0)
		return "pin-based controls: no bit must be 1";
	vmwrite(PIN_CONTROLS, vmread(PIN_CONTROLS) & ~(1U << __builtin_ctz(allowed0)));
	return NULL;
}

/*
 * 27.2.1.1-27.2.1.3: every control field against its capability MSR (the
 * TRUE one when IA32_VMX_BASIC[55] is 1, SDM vol. 3D A.3-A.5): a bit whose
 * allowed-1 setting is 0 set, or a bit whose allowed-0 setting is 1 cleared.
 * The secondary controls are checked only with "activate secondary
 * controls" (primary bit 31) set, which vmx_vcpu_new() does where allowed.
 */
static uint64_t ctl_cap_of(enum vmcs_field ctl)
{
	bool t = vmx_cap(MSR_IA32_VMX_BASIC) & VMX_BASIC_TRUE_CTLS;

	switch (ctl) {
	case CPU_CONTROLS:
		return vmx_cap(t ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS);
	case CPU_CONTROLS2:
		return vmx_cap(MSR_IA32_VMX_PROCBASED_CTLS2);
	case EXIT_CONTROLS:
		return vmx_cap(t ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS);
	case ENTRY_CONTROLS:
		return vmx_cap(t ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS);
	default:
		return pin_cap();
	}
}

static const char *ctl_set_must_be_zero(enum vmcs_field ctl, const char *name)
{
	static char why[80];
	uint32_t allowed1 = ctl_cap_of(ctl) >> 32;

	if (ctl == CPU_CONTROLS2 && !(vmread(CPU_CONTROLS) & CPU_SECONDARY))
		return "\"activate secondary controls\" (primary bit 31) not allowed";
	if (allowed1 == ~0U) {
		snprintf(why, sizeof(why), "%s: every bit may be 1", name);
		return why;
	}
	report_info("%s: bit %u set", name, __builtin_ctz(~allowed1));
	vmwrite(ctl, vmread(ctl) | (1U << __builtin_ctz(~allowed1)));
	return NULL;
}

static const char *ctl_clear_must_be_one(enum vmcs_field ctl, const char *name)
{
	static char why[80];
	uint32_t allowed0 = (uint32_t)ctl_cap_of(ctl);

	if (!allowed0) {
		snprintf(why, sizeof(why), "%s: no bit must be 1", name);
		return why;
	}
	report_info("%s: bit %u cleared", name, __builtin_ctz(allowed0));
	vmwrite(ctl, vmread(ctl) & ~(1U << __builtin_ctz(allowed0)));
	return NULL;
}

static const char *cpu_must_be_zero(void) { return ctl_set_must_be_zero(CPU_CONTROLS, "primary processor-based controls"); }
static const char *cpu_must_be_one(void) { return ctl_clear_must_be_one(CPU_CONTROLS, "primary processor-based controls"); }
static const char *cpu2_must_be_zero(void) { return ctl_set_must_be_zero(CPU_CONTROLS2, "secondary processor-based controls"); }
static const char *exit_must_be_zero(void) { return ctl_set_must_be_zero(EXIT_CONTROLS, "VM-exit controls"); }
static const char *exit_must_be_one(void) { return ctl_clear_must_be_one(EXIT_CONTROLS, "VM-exit controls"); }
static const char *entry_must_be_zero(void) { return ctl_set_must_be_zero(ENTRY_CONTROLS, "VM-entry controls"); }
static const char *entry_must_be_one(void) { return ctl_clear_must_be_one(ENTRY_CONTROLS, "VM-entry controls"); }

/* 27.2.1.1: the CR3-target count is at most IA32_VMX_MISC[24:16] (SDM vol. 3D A.6); vmx-basic has 255. */
static const char *cr3_target_one_too_many(void)
{
	vmwrite(CR3_TARGET_COUNT, ((vmx_cap(MSR_IA32_VMX_MISC) >> 16) & 0x1ff) + 1);
	return NULL;
}

/*
 * 27.2.1.2/27.2.1.3: with a count above 0, an MSR area address must have
 * bits 3:0 clear and neither it nor its last byte may set a bit beyond
 * MAXPHYADDR. 1 << MAXPHYADDR is 16-byte aligned, so only the width rule is
 * broken by it.
 */
static const char *beyond_maxphyaddr(enum vmcs_field count, enum vmcs_field addr)
{
	unsigned maxphy = pg_maxphyaddr();

	if (maxphy >= 64)
		return "MAXPHYADDR 64: no address beyond it";
	vmwrite(count, 1);
	vmwrite(addr, 1ULL << maxphy);
	return NULL;
}

static const char *exit_msr_store_beyond(void) { return beyond_maxphyaddr(EXIT_MSR_STORE_COUNT, 0x2006); }
static const char *exit_msr_load_beyond(void) { return beyond_maxphyaddr(EXIT_MSR_LOAD_COUNT, 0x2008); }
static const char *entry_msr_load_beyond(void) { return beyond_maxphyaddr(ENTRY_MSR_LOAD_COUNT, 0x200a); }

static const char *exit_msr_load_unaligned(void)
{
	vmwrite(EXIT_MSR_LOAD_COUNT, 1);
	vmwrite(0x2008, (uintptr_t)scratch_page() + 8);   /* VM-exit MSR-load address: bits 3:0 must be 0 */
	return NULL;
}

static const char *io_bitmap_unaligned(void)
{
	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_IO_BITMAP))
		return "\"use I/O bitmaps\" (primary bit 25) not allowed";
	vmx_set_ctl(CPU_CONTROLS, CPU_IO_BITMAP, 0);
	vmwrite(IO_BITMAP_A, (uintptr_t)scratch_page() + 0x800);
	vmwrite(IO_BITMAP_B, (uintptr_t)scratch_page());
	return NULL;
}

static const char *msr_bitmap_unaligned(void)
{
	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_MSR_BITMAP))
		return "\"use MSR bitmaps\" (primary bit 28) not allowed";
	vmx_set_ctl(CPU_CONTROLS, CPU_MSR_BITMAP, 0);
	vmwrite(MSR_BITMAP, (uintptr_t)scratch_page() + 0x10);
	return NULL;
}

static const char *tpr_shadow_no_page(void)
{
	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_USE_TPR_SHADOW))
		return "\"use TPR shadow\" (primary bit 21) not allowed";
	/* Virtual-APIC address 0x2012: not 4 KiB aligned. */
	vmx_set_ctl(CPU_CONTROLS, CPU_USE_TPR_SHADOW, 0);
	vmwrite(0x2012, (uintptr_t)scratch_page() + 0x100);
	return NULL;
}

static const char *vpid_zero(void)
{
	if (!vmx_ctl_allowed(CPU_CONTROLS2, CPU2_VPID))
		return "\"enable VPID\" (secondary bit 5) not allowed";
	vmx_set_ctl(CPU_CONTROLS2, CPU2_VPID, 0);
	vmwrite(VPID, 0);
	return NULL;
}

static const char *ug_without_ept(void)
{
	if (!vmx_ctl_allowed(CPU_CONTROLS2, CPU2_UNRESTRICTED))
		return "\"unrestricted guest\" (secondary bit 7) not allowed";
	vmx_set_ctl(CPU_CONTROLS2, CPU2_UNRESTRICTED, CPU2_EPT);
	return NULL;
}

static const char *eptp_bad_type(void)
{
	if (!vmx_ctl_allowed(CPU_CONTROLS2, CPU2_EPT))
		return "\"enable EPT\" (secondary bit 1) not allowed";
	/* Memory type 2 is reserved; page-walk length 4 (bits 5:3 = 3). */
	vmx_set_ctl(CPU_CONTROLS2, CPU2_EPT, 0);
	vmwrite(EPT_POINTER, (uintptr_t)scratch_page() | (3 << 3) | 2);
	return NULL;
}

static const char *entry_msr_load_unaligned(void)
{
	vmwrite(ENTRY_MSR_LOAD_COUNT, 1);
	vmwrite(0x200a, (uintptr_t)scratch_page() + 8);   /* VM-entry MSR-load address: bits 3:0 must be 0 */
	return NULL;
}

static const char *exit_msr_store_unaligned(void)
{
	vmwrite(EXIT_MSR_STORE_COUNT, 1);
	vmwrite(0x2006, (uintptr_t)scratch_page() + 4);   /* VM-exit MSR-store address */
	return NULL;
}

static const char *entry_intr_reserved_type(void)
{
	/* Interruption type 1 is reserved. */
	vmwrite(ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_RESERVED | 0x20);
	return NULL;
}

static const char *entry_intr_nmi_vector(void)
{
	/* Type 2 (NMI) requires vector 2. */
	vmwrite(ENTRY_INTR_INFO, INTR_INFO_VALID | (2U << 8) | 3);
	return NULL;
}

static const char *exit_host_32(void)
{
	/* 27.2.1.2/27.2.4: in IA-32e mode "host address-space size" must be 1. */
	vmwrite(EXIT_CONTROLS, vmread(EXIT_CONTROLS) & ~EXIT_HOST_64);
	return NULL;
}

/* --- 27.2.2-27.2.4 host state ----------------------------------------------- */

static const char *host_cr0_ne(void) { vmwrite(HOST_CR0, vmread(HOST_CR0) & ~X86_CR0_NE); return NULL; }
static const char *host_cs_null(void) { vmwrite(HOST_CS_SEL, 0); return NULL; }
static const char *host_tr_null(void) { vmwrite(HOST_TR_SEL, 0); return NULL; }
static const char *host_ss_rpl(void) { vmwrite(HOST_SS_SEL, vmread(HOST_SS_SEL) | 1); return NULL; }
static const char *host_fs_base(void) { vmwrite(HOST_FS_BASE, 0x8000000000000000ULL); return NULL; }
static const char *host_rip(void) { vmwrite(HOST_RIP, 0x8000000000000000ULL); return NULL; }

/* 27.2.2: "The CR0 field must not set any bit to a value not supported in VMX operation" (A.7, A.8). */
static const char *host_cr0_pg(void) { vmwrite(HOST_CR0, vmread(HOST_CR0) & ~X86_CR0_PG); return NULL; }

static const char *host_cr4_fixed1(void)
{
	uint64_t fixed1 = vmx_cap(MSR_IA32_VMX_CR4_FIXED1);

	/* A bit that is 0 in IA32_VMX_CR4_FIXED1 is fixed to 0 in VMX operation. */
	if ((uint32_t)~fixed1 == 0)
		return "IA32_VMX_CR4_FIXED1: no bit of 31:0 fixed to 0";
	report_info("host CR4: bit %u set (IA32_VMX_CR4_FIXED1 %#lx)", __builtin_ctz((uint32_t)~fixed1),
		    (unsigned long)fixed1);
	vmwrite(HOST_CR4, vmread(HOST_CR4) | (1ULL << __builtin_ctz((uint32_t)~fixed1)));
	return NULL;
}

/* 27.2.2: host CR3 bits 63:52 and bits 51:32 beyond the physical-address width must be 0. */
static const char *host_cr3_beyond(void)
{
	unsigned maxphy = pg_maxphyaddr();

	if (maxphy >= 52)
		return "MAXPHYADDR 52: no CR3 address bit beyond it";
	vmwrite(HOST_CR3, vmread(HOST_CR3) | (1ULL << maxphy));
	return NULL;
}

static const char *host_efer_lma(void)
{
	if (!(vmread(EXIT_CONTROLS) & EXIT_LOAD_EFER))
		return "\"load IA32_EFER\" VM-exit control (bit 21) not in use";
	vmwrite(HOST_EFER, vmread(HOST_EFER) & ~(EFER_LMA | EFER_LME));
	return NULL;
}

/* --- 27.3.1 guest state -------------------------------------------------------- */

static const char *guest_cr0_ne(void) { vmwrite(GUEST_CR0, vmread(GUEST_CR0) & ~X86_CR0_NE); return NULL; }
static const char *guest_cr4_pae(void) { vmwrite(GUEST_CR4, vmread(GUEST_CR4) & ~X86_CR4_PAE); return NULL; }
/*
 * DR7[63:32] is checked only with "load debug controls", which the TRUE
 * VM-entry capability lets be 0 and vmx_vcpu_new() leaves 0 then: set it.
 */
static const char *guest_dr7_high(void)
{
	if (!vmx_ctl_allowed(ENTRY_CONTROLS, ENTRY_LOAD_DEBUG))
		return "\"load debug controls\" VM-entry control (bit 2) not allowed";
	vmx_set_ctl(ENTRY_CONTROLS, ENTRY_LOAD_DEBUG, 0);
	vmwrite(GUEST_DR7, 0x400 | (1ULL << 32));
	return NULL;
}
static const char *guest_cs_l_db(void) { vmwrite(GUEST_CS_AR, vmread(GUEST_CS_AR) | AR_L | AR_DB); return NULL; }
static const char *guest_tr_avail(void) { vmwrite(GUEST_TR_AR, (vmread(GUEST_TR_AR) & ~0xfULL) | 9); return NULL; }
static const char *guest_rflags_vm(void) { vmwrite(GUEST_RFLAGS, 0x2 | (1U << 17)); return NULL; }
static const char *guest_activity(void) { vmwrite(GUEST_ACTIVITY, 4); return NULL; }
static const char *guest_sti_movss(void)
{
	vmwrite(GUEST_INTERRUPTIBILITY, INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS);
	return NULL;
}
static const char *guest_rip_noncanonical(void) { vmwrite(GUEST_RIP, 0x8000000000000000ULL); return NULL; }

/* 27.3.1.1: with "load debug controls", reserved IA32_DEBUGCTL bits must be 0 in the guest field. */
static const char *guest_debugctl_reserved(void)
{
	if (!vmx_ctl_allowed(ENTRY_CONTROLS, ENTRY_LOAD_DEBUG))
		return "\"load debug controls\" VM-entry control (bit 2) not allowed";
	vmx_set_ctl(ENTRY_CONTROLS, ENTRY_LOAD_DEBUG, 0);
	vmwrite(GUEST_DEBUGCTL, 1ULL << 63);   /* bits 63:16 reserved (SDM vol. 4 table 2-2) */
	return NULL;
}

static const char *guest_efer_lma(void)
{
	if (!(vmread(ENTRY_CONTROLS) & ENTRY_LOAD_EFER))
		return "\"load IA32_EFER\" VM-entry control (bit 15) not in use";
	vmwrite(GUEST_EFER, vmread(GUEST_EFER) & ~EFER_LMA);
	return NULL;
}

static const char *guest_pat_type2(void)
{
	if (!vmx_ctl_allowed(ENTRY_CONTROLS, ENTRY_LOAD_PAT))
		return "\"load IA32_PAT\" VM-entry control (bit 14) not allowed";
	vmx_set_ctl(ENTRY_CONTROLS, ENTRY_LOAD_PAT, 0);
	/* PAT entry 0 = 2: a reserved memory type, which WRMSR would #GP on. */
	vmwrite(GUEST_PAT, (vmread(GUEST_PAT) & ~0xffULL) | 2);
	return NULL;
}

static const char *guest_efer_reserved(void)
{
	if (!(vmread(ENTRY_CONTROLS) & ENTRY_LOAD_EFER))
		return "\"load IA32_EFER\" VM-entry control (bit 15) not in use";
	vmwrite(GUEST_EFER, vmread(GUEST_EFER) | (1ULL << 9));   /* EFER bit 9: reserved */
	return NULL;
}

static const char *host_pat_type2(void)
{
	if (!vmx_ctl_allowed(EXIT_CONTROLS, EXIT_LOAD_PAT))
		return "\"load IA32_PAT\" VM-exit control (bit 19) not allowed";
	vmx_set_ctl(EXIT_CONTROLS, EXIT_LOAD_PAT, 0);
	vmwrite(HOST_PAT, (rdmsr(MSR_IA32_CR_PAT) & ~0xffULL) | 2);
	return NULL;
}

static const char *guest_link_ptr(void)
{
	/* A page of zeros: no VMCS revision identifier there. */
	memset(scratch_page(), 0, PAGE_SIZE);
	vmwrite(VMCS_LINK_PTR, (uintptr_t)scratch_page());
	return NULL;
}

#define C27_2_1_1 "SDM vol. 3C 27.2.1.1 Checks on VM-Execution Control Fields"
#define C27_2_1_2 "SDM vol. 3C 27.2.1.2 Checks on VM-Exit Control Fields"
#define C27_2_1_3 "SDM vol. 3C 27.2.1.3 Checks on VM-Entry Control Fields"
#define C27_2_2 "SDM vol. 3C 27.2.2 Checks on Host Control Registers, MSRs, and SSP"
#define C27_2_3 "SDM vol. 3C 27.2.3 Checks on Host Segment and Descriptor-Table Registers"
#define C27_2_4 "SDM vol. 3C 27.2.4 Checks Related to Address-Space Size"
#define C27_3_1_1 "SDM vol. 3C 27.3.1.1 Checks on Guest Control Registers, Debug Registers, and MSRs"
#define C27_3_1_2 "SDM vol. 3C 27.3.1.2 Checks on Guest Segment Registers"
#define C27_3_1_4 "SDM vol. 3C 27.3.1.4 Checks on Guest RIP, RFLAGS, and SSP"
#define C27_3_1_5 "SDM vol. 3C 27.3.1.5 Checks on Guest Non-Register State"

static const struct entry_check checks[] = {
	{ "pin-based control with a must-be-0 bit set", C27_2_1_1, ERR_CONTROLS, 0, pin_must_be_zero, NULL },
	{ "pin-based control with a must-be-1 bit clear", C27_2_1_1, ERR_CONTROLS, 0, pin_must_be_one, NULL },
	{ "primary processor-based control with a must-be-0 bit set", C27_2_1_1, ERR_CONTROLS, 0, cpu_must_be_zero, NULL },
	{ "primary processor-based control with a must-be-1 bit clear", C27_2_1_1, ERR_CONTROLS, 0, cpu_must_be_one, NULL },
	{ "secondary processor-based control with a must-be-0 bit set", C27_2_1_1, ERR_CONTROLS, 0, cpu2_must_be_zero, NULL },
	{ "CR3-target count IA32_VMX_MISC[24:16] + 1", C27_2_1_1, ERR_CONTROLS, 0, cr3_target_one_too_many, NULL },
	{ "I/O bitmap A not 4 KiB aligned", C27_2_1_1, ERR_CONTROLS, 0, io_bitmap_unaligned, NULL },
	{ "MSR bitmap not 4 KiB aligned", C27_2_1_1, ERR_CONTROLS, 0, msr_bitmap_unaligned, NULL },
	{ "virtual-APIC address not 4 KiB aligned with TPR shadow", C27_2_1_1, ERR_CONTROLS, 0, tpr_shadow_no_page, NULL },
	{ "enable VPID with VPID 0", C27_2_1_1, ERR_CONTROLS, 0, vpid_zero, NULL },
	{ "unrestricted guest without enable EPT", C27_2_1_1, ERR_CONTROLS, 0, ug_without_ept, NULL },
	{ "EPTP memory type 2 (reserved)", C27_2_1_1, ERR_CONTROLS, 0, eptp_bad_type, NULL },
	{ "VM-exit MSR-store address bits 3:0 not 0", C27_2_1_2, ERR_CONTROLS, 0, exit_msr_store_unaligned, NULL },
	{ "VM-exit control with a must-be-0 bit set", C27_2_1_2, ERR_CONTROLS, 0, exit_must_be_zero, NULL },
	{ "VM-exit control with a must-be-1 bit clear", C27_2_1_2, ERR_CONTROLS, 0, exit_must_be_one, NULL },
	{ "VM-exit MSR-store address beyond MAXPHYADDR", C27_2_1_2, ERR_CONTROLS, 0, exit_msr_store_beyond, NULL },
	{ "VM-exit MSR-load address bits 3:0 not 0", C27_2_1_2, ERR_CONTROLS, 0, exit_msr_load_unaligned, NULL },
	{ "VM-exit MSR-load address beyond MAXPHYADDR", C27_2_1_2, ERR_CONTROLS, 0, exit_msr_load_beyond, NULL },
	{ "VM-entry control with a must-be-0 bit set", C27_2_1_3, ERR_CONTROLS, 0, entry_must_be_zero, NULL },
	{ "VM-entry control with a must-be-1 bit clear", C27_2_1_3, ERR_CONTROLS, 0, entry_must_be_one, NULL },
	{ "VM-entry MSR-load address beyond MAXPHYADDR", C27_2_1_3, ERR_CONTROLS, 0, entry_msr_load_beyond, NULL },
	{ "VM-entry MSR-load address bits 3:0 not 0", C27_2_1_3, ERR_CONTROLS, 0, entry_msr_load_unaligned, NULL },
	{ "VM-entry interruption type 1 (reserved)", C27_2_1_3, ERR_CONTROLS, 0, entry_intr_reserved_type, NULL },
	{ "VM-entry interruption type NMI with vector 3", C27_2_1_3, ERR_CONTROLS, 0, entry_intr_nmi_vector, NULL },
	{ "host CR0.NE=0 (IA32_VMX_CR0_FIXED0)", C27_2_2, ERR_HOST, 0, host_cr0_ne, NULL },
	{ "host CR0.PG=0 (IA32_VMX_CR0_FIXED0)", C27_2_2, ERR_HOST, 0, host_cr0_pg, NULL },
	{ "host CR4 bit fixed to 0 by IA32_VMX_CR4_FIXED1 set", C27_2_2, ERR_HOST, 0, host_cr4_fixed1, NULL },
	{ "host CR3 bit MAXPHYADDR set", C27_2_2, ERR_HOST, 0, host_cr3_beyond, NULL },
	{ "host EFER.LMA=LME=0 with host address-space size 1", C27_2_2, ERR_HOST, 0, host_efer_lma, NULL },
	{ "host IA32_PAT entry 0 = 2 (reserved type) with load IA32_PAT", C27_2_2, ERR_HOST, 0, host_pat_type2, NULL },
	{ "host CS selector 0", C27_2_3, ERR_HOST, 0, host_cs_null, NULL },
	{ "host TR selector 0", C27_2_3, ERR_HOST, 0, host_tr_null, NULL },
	{ "host SS selector RPL 1", C27_2_3, ERR_HOST, 0, host_ss_rpl, NULL },
	{ "host FS base not canonical", C27_2_3, ERR_HOST, 0, host_fs_base, NULL },
	{ "host address-space size 0 in IA-32e mode", C27_2_4, ERR_HOST, 0, exit_host_32, NULL },
	{ "host RIP not canonical", C27_2_4, ERR_HOST, 0, host_rip, NULL },
	{ "guest CR0.NE=0 (IA32_VMX_CR0_FIXED0)", C27_3_1_1, GUEST_STATE, 0, guest_cr0_ne, NULL },
	{ "guest CR4.PAE=0 with IA-32e mode guest", C27_3_1_1, GUEST_STATE, 0, guest_cr4_pae, NULL },
	{ "guest DR7[63:32] not 0 (load debug controls)", C27_3_1_1, GUEST_STATE, 0, guest_dr7_high, NULL },
	{ "guest IA32_DEBUGCTL bit 63 (reserved) with load debug controls", C27_3_1_1, GUEST_STATE, 0,
	  guest_debugctl_reserved, "vmx-entry-guest-debugctl-reserved" },
	{ "guest EFER.LMA=0 with IA-32e mode guest (load IA32_EFER)", C27_3_1_1, GUEST_STATE, 0, guest_efer_lma, NULL },
	{ "guest IA32_PAT entry 0 = 2 (reserved type) with load IA32_PAT", C27_3_1_1, GUEST_STATE, 0, guest_pat_type2,
	  NULL },
	{ "guest EFER bit 9 (reserved) with load IA32_EFER", C27_3_1_1, GUEST_STATE, 0, guest_efer_reserved, NULL },
	{ "guest CS.L=CS.D/B=1 in IA-32e mode", C27_3_1_2, GUEST_STATE, 0, guest_cs_l_db, NULL },
	{ "guest TR type 9 (available TSS)", C27_3_1_2, GUEST_STATE, 0, guest_tr_avail, NULL },
	{ "guest RIP not canonical with CS.L=1", C27_3_1_4, GUEST_STATE, 0, guest_rip_noncanonical,
	  "vmx-entry-guest-rip-canonical" },
	{ "guest RFLAGS.VM=1 in IA-32e mode", C27_3_1_4, GUEST_STATE, 0, guest_rflags_vm, NULL },
	{ "guest activity state 4", C27_3_1_5, GUEST_STATE, 0, guest_activity, NULL },
	{ "guest blocking by STI and by MOV SS both set", C27_3_1_5, GUEST_STATE, 0, guest_sti_movss, NULL },
	{ "VMCS link pointer to a page without the revision identifier", C27_3_1_5, GUEST_STATE, QUAL_LINK_PTR,
	  guest_link_ptr, NULL },
};

static void run_check(const struct entry_check *c)
{
	struct vmx_vcpu *v = vmx_vcpu_new();
	const char *skip;
	enum vmx_end end;

	if (!v)
		return;
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	skip = c->breakit();
	if (skip) {
		report_skip("%s: %s", c->what, skip);
		return;
	}
	end = vmx_run(v);
	if (c->expect == GUEST_STATE)
		report_deviation(c->deviation, end == VMX_END_EXIT &&
				 v->exit.reason == (EXIT_REASON_ENTRY_FAIL | EXIT_INVALID_GUEST) &&
				 v->exit.qual == c->qual,
				 "%s: exit reason 0x80000021 (invalid guest state), qualification %u [got %s] [%s]",
				 c->what, c->qual, end_str(v, end), c->rule);
	else
		report(end == VMX_END_ENTRY_FAIL && v->entry_status == VMX_FAIL_VALID && v->insn_error == c->expect,
		       "%s: VMfailValid %u (%s) [got %s] [%s]", c->what, c->expect, vmx_insn_error_name(c->expect),
		       end_str(v, end), c->rule);
}

void vmx_test_entry_checks(void)
{
	struct vmx_vcpu *v = vmx_vcpu_new();
	enum vmx_end end;

	if (!v)
		return;
	/* The control: the unbroken VMCS runs L2 to its end. */
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "the unbroken VMCS runs L2 to its end [got %s]", end_str(v, end));
	for (unsigned i = 0; i < ARRAY_SIZE(checks); i++)
		run_check(&checks[i]);
}
