/*
 * VMX root operation for tests: VMXON, VMCS set-up from the running CPU and
 * the capability MSRs, and the L2 run loop. See asm/vmx.h; the SDM vol. 3
 * chapters on VMX are the reference for every value written here.
 */
#include "hvut.h"
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/cpufeature.h>
#include <asm/vmx.h>

#define MAX_EXITS_PER_RUN 1000
#define L2_STACK_SIZE 8192

/* One VMXON region per logical processor (SDM vol. 3C VMXON: each enters VMX operation with its own). */
static void *vmxon_region[MAX_CPUS];

/* ---- instructions ---------------------------------------------------------- */

/* CF=1: VMfailInvalid; ZF=1: VMfailValid (SDM vol. 3, "Conventions" of the VMX instructions). */
static enum vmx_status status(bool cf, bool zf)
{
	return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_OK;
}

#define VMX_INSN(insn_and_operands, ...)                                              \
	({                                                                            \
		bool cf_, zf_;                                                        \
		__asm__ volatile(insn_and_operands "; setc %[cf]; setz %[zf]"        \
				 : [cf] "=qm"(cf_), [zf] "=qm"(zf_) __VA_ARGS__       \
				 : "cc", "memory");                                   \
		status(cf_, zf_);                                                     \
	})

enum vmx_status vmxon(uint64_t pa) { return VMX_INSN("vmxon %[pa]", : [pa] "m"(pa)); }
enum vmx_status vmxoff(void) { return VMX_INSN("vmxoff", :); }
enum vmx_status vmclear(uint64_t pa) { return VMX_INSN("vmclear %[pa]", : [pa] "m"(pa)); }
enum vmx_status vmptrld(uint64_t pa) { return VMX_INSN("vmptrld %[pa]", : [pa] "m"(pa)); }

enum vmx_status vmptrst(uint64_t *pa)
{
	return VMX_INSN("vmptrst %[pa]", , [pa] "=m"(*pa) :);
}

enum vmx_status vmread_status(enum vmcs_field f, uint64_t *val)
{
	uint64_t v = 0;
	enum vmx_status st = VMX_INSN("vmread %[f], %[v]", , [v] "=r"(v) : [f] "r"((uint64_t)f));

	*val = v;
	return st;
}

enum vmx_status vmwrite_status(enum vmcs_field f, uint64_t val)
{
	return VMX_INSN("vmwrite %[v], %[f]", : [f] "r"((uint64_t)f), [v] "rm"(val));
}

enum vmx_status invept(unsigned type, uint64_t eptp)
{
	struct { uint64_t eptp, zero; } desc = { eptp, 0 };

	return VMX_INSN("invept %[d], %[t]", : [d] "m"(desc), [t] "r"((uint64_t)type));
}

enum vmx_status invvpid(unsigned type, uint16_t vpid, uint64_t gla)
{
	struct { uint64_t vpid, gla; } desc = { vpid, gla };

	return VMX_INSN("invvpid %[d], %[t]", : [d] "m"(desc), [t] "r"((uint64_t)type));
}

static const char *const insn_errors[] = {
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "Invalid operand to INVEPT/INVVPID",
};

const char *vmx_insn_error_name(unsigned error)
{
	if (error < ARRAY_SIZE(insn_errors) && insn_errors[error])
		return insn_errors[error];
	return "reserved error number";
}

static const char *const exit_reasons[] = {
	[0] = "exception or NMI", [1] = "external interrupt", [2] = "triple fault",
	[7] = "interrupt window", [8] = "NMI window", [9] = "task switch", [10] = "CPUID", [12] = "HLT",
	[13] = "INVD", [14] = "INVLPG", [15] = "RDPMC", [16] = "RDTSC", [18] = "VMCALL",
	[19] = "VMCLEAR", [20] = "VMLAUNCH", [21] = "VMPTRLD", [22] = "VMPTRST",
	[23] = "VMREAD", [24] = "VMRESUME", [25] = "VMWRITE", [26] = "VMXOFF", [27] = "VMXON",
	[28] = "control-register access", [29] = "MOV DR", [30] = "I/O instruction",
	[31] = "RDMSR", [32] = "WRMSR", [33] = "VM-entry failure: invalid guest state",
	[34] = "VM-entry failure: MSR loading", [36] = "MWAIT", [37] = "monitor trap flag",
	[39] = "MONITOR", [40] = "PAUSE", [41] = "VM-entry failure: machine-check event",
	[43] = "TPR below threshold", [44] = "APIC access", [45] = "virtualized EOI",
	[48] = "EPT violation", [49] = "EPT misconfiguration", [50] = "INVEPT", [51] = "RDTSCP",
	[52] = "VMX-preemption timer expired", [53] = "INVVPID", [54] = "WBINVD",
	[55] = "XSETBV", [62] = "page-modification log full", [76] = "SEAMCALL", [77] = "TDCALL",
};

const char *vmx_exit_reason_name(unsigned reason)
{
	reason &= 0xffff;
	if (reason < ARRAY_SIZE(exit_reasons) && exit_reasons[reason])
		return exit_reasons[reason];
	return "other exit reason";
}

const char *vmx_status_str(enum vmx_status st, char *buf, unsigned size)
{
	uint64_t err = 0;

	switch (st) {
	case VMX_OK:
		snprintf(buf, size, "VMsucceed");
		break;
	case VMX_FAIL_INVALID:
		snprintf(buf, size, "VMfailInvalid");
		break;
	case VMX_FAIL_VALID:
		vmread_status(VM_INSN_ERROR, &err);
		snprintf(buf, size, "VMfailValid, error %lu (%s)", (unsigned long)err,
			 vmx_insn_error_name(err));
		break;
	default:
		snprintf(buf, size, "no VMX status (RFLAGS CF=ZF=0 after a failed entry)");
	}
	return buf;
}

uint64_t vmread(enum vmcs_field f)
{
	uint64_t v;
	enum vmx_status st = vmread_status(f, &v);
	char buf[100];

	if (st != VMX_OK)
		report_fail("VMREAD %#x: %s", f, vmx_status_str(st, buf, sizeof(buf)));
	return v;
}

void vmwrite(enum vmcs_field f, uint64_t val)
{
	enum vmx_status st = vmwrite_status(f, val);
	char buf[100];

	if (st != VMX_OK)
		report_fail("VMWRITE %#x = %#lx: %s", f, (unsigned long)val,
			    vmx_status_str(st, buf, sizeof(buf)));
}

/* ---- capabilities and VMXON ------------------------------------------------- */

uint64_t vmx_cap(uint32_t msr)
{
	uint64_t v;

	return rdmsr_safe(msr, &v) == NO_EXCEPTION ? v : 0;
}

uint32_t vmx_revision(void)
{
	return vmx_cap(MSR_IA32_VMX_BASIC) & 0x7fffffff;
}

static bool true_ctls(void)
{
	return vmx_cap(MSR_IA32_VMX_BASIC) & VMX_BASIC_TRUE_CTLS;
}

/* The capability MSR that governs a control field; the TRUE one when BASIC[55] says so. */
static uint64_t ctl_cap(enum vmcs_field ctl)
{
	bool t = true_ctls();

	switch (ctl) {
	case PIN_CONTROLS:
		return vmx_cap(t ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS);
	case CPU_CONTROLS:
		return vmx_cap(t ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS);
	case EXIT_CONTROLS:
		return vmx_cap(t ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS);
	case ENTRY_CONTROLS:
		return vmx_cap(t ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS);
	case CPU_CONTROLS2:
		/* Only meaningful when the primary controls allow "activate secondary controls". */
		if (!(vmx_cap(MSR_IA32_VMX_PROCBASED_CTLS) >> 32 & CPU_SECONDARY))
			return 0;
		return vmx_cap(MSR_IA32_VMX_PROCBASED_CTLS2);
	default:
		return 0;
	}
}

bool vmx_ctl_allowed(enum vmcs_field ctl, uint32_t bits)
{
	return ((ctl_cap(ctl) >> 32) & bits) == bits;
}

/* Bits 31:0 of a capability MSR are the allowed-0 settings: those bits must be 1. */
static uint32_t ctl_fixup(enum vmcs_field ctl, uint32_t want)
{
	uint64_t cap = ctl_cap(ctl);

	return (want | (uint32_t)cap) & (uint32_t)(cap >> 32);
}

void vmx_set_ctl(enum vmcs_field ctl, uint32_t set, uint32_t clear)
{
	vmwrite(ctl, ctl_fixup(ctl, ((uint32_t)vmread(ctl) | set) & ~clear));
}

const char *vmx_unsupported(void)
{
	uint64_t fc;

	if (!this_cpu_has(X86_FEATURE_VMX))
		return "VMX: CPUID.1:ECX.VMX[5]=0";
	if (rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc) != NO_EXCEPTION)
		return "VMX: IA32_FEATURE_CONTROL (0x3a) not readable";
	if ((fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX))
		return "VMX: IA32_FEATURE_CONTROL locked with VMX outside SMX disabled";
	return NULL;
}

void *vmcs_alloc(void)
{
	uint32_t *p = alloc_page();

	assert(p);
	p[0] = vmx_revision();
	return p;
}

bool vmx_on(void)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	enum vmx_status st;
	char buf[100];

	/* Firmware normally locks it; ours does not, so do what it would. */
	if (!(fc & FEATURE_CONTROL_LOCK))
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX);
	/* The fixed-bit MSRs: our boot leaves CR0.NE clear, which VMX operation needs. */
	write_cr0((read_cr0() | vmx_cap(MSR_IA32_VMX_CR0_FIXED0)) & vmx_cap(MSR_IA32_VMX_CR0_FIXED1));
	write_cr4((read_cr4() | X86_CR4_VMXE | vmx_cap(MSR_IA32_VMX_CR4_FIXED0)) &
		  vmx_cap(MSR_IA32_VMX_CR4_FIXED1));
	if (!vmxon_region[smp_id()])
		vmxon_region[smp_id()] = vmcs_alloc();
	st = vmxon((uintptr_t)vmxon_region[smp_id()]);
	if (st != VMX_OK) {
		report_fail("VMXON: %s", vmx_status_str(st, buf, sizeof(buf)));
		return false;
	}
	return true;
}

void vmx_off(void)
{
	vmxoff();
	write_cr4(read_cr4() & ~X86_CR4_VMXE);
}

/* ---- the VMCS ------------------------------------------------------------------ */

static uint64_t l2_idt[64] __attribute__((aligned(16)));   /* 32 gates of 16 bytes */

static void build_l2_idt(void)
{
	for (unsigned v = 0; v < 32; v++) {
		uintptr_t a = (uintptr_t)vmx_l2_idt_stubs + 16 * v;

		/* present, DPL0, 64-bit interrupt gate, no IST (L2 has no IST stacks of its own) */
		l2_idt[2 * v] = (a & 0xffff) | ((uint64_t)KERNEL_CS << 16) | (0x8eULL << 40) |
				((uint64_t)(a >> 16 & 0xffff) << 48);
		l2_idt[2 * v + 1] = a >> 32;
	}
}

static uint16_t read_sel(int which)
{
	uint16_t s = 0;

	switch (which) {
	case 0: __asm__ volatile("mov %%fs, %0" : "=r"(s)); break;
	case 1: __asm__ volatile("mov %%gs, %0" : "=r"(s)); break;
	default: __asm__ volatile("str %0" : "=r"(s)); break;
	}
	return s;
}

static uint64_t tss_base(const struct descriptor_ptr *gdt, uint16_t tr)
{
	const uint64_t *d = (const uint64_t *)(gdt->base + (tr & ~7));

	return ((d[0] >> 16) & 0xffffff) | ((d[0] >> 56 & 0xff) << 24) | (d[1] << 32);
}

static void setup_host(void)
{
	struct descriptor_ptr gdt, idt;
	uint16_t tr = read_sel(2);

	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdt), "=m"(idt));
	vmwrite(HOST_CR0, read_cr0());
	vmwrite(HOST_CR3, read_cr3());
	vmwrite(HOST_CR4, read_cr4());
	vmwrite(HOST_CS_SEL, KERNEL_CS);
	vmwrite(HOST_SS_SEL, KERNEL_DS);
	vmwrite(HOST_DS_SEL, KERNEL_DS);
	vmwrite(HOST_ES_SEL, KERNEL_DS);
	/* Host selectors need RPL=TI=0: our FS/GS are 0 or KERNEL_DS. */
	vmwrite(HOST_FS_SEL, read_sel(0) & ~7);
	vmwrite(HOST_GS_SEL, read_sel(1) & ~7);
	vmwrite(HOST_TR_SEL, tr);
	vmwrite(HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmwrite(HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	vmwrite(HOST_TR_BASE, tss_base(&gdt, tr));
	vmwrite(HOST_GDTR_BASE, gdt.base);
	vmwrite(HOST_IDTR_BASE, idt.base);
	vmwrite(HOST_SYSENTER_CS, rdmsr(MSR_IA32_SYSENTER_CS));
	vmwrite(HOST_SYSENTER_ESP, rdmsr(MSR_IA32_SYSENTER_ESP));
	vmwrite(HOST_SYSENTER_EIP, rdmsr(MSR_IA32_SYSENTER_EIP));
	/*
	 * SDM vol. 3 appendix B "64-Bit Host-State Fields": host IA32_PAT and
	 * IA32_EFER exist only where the "load IA32_PAT"/"load IA32_EFER" VM-exit
	 * controls can be 1; a VMWRITE to a missing field fails.
	 */
	if (vmx_ctl_allowed(EXIT_CONTROLS, EXIT_LOAD_EFER))
		vmwrite(HOST_EFER, rdmsr(MSR_EFER));
	if (vmx_ctl_allowed(EXIT_CONTROLS, EXIT_LOAD_PAT))
		vmwrite(HOST_PAT, rdmsr(MSR_IA32_CR_PAT));
	vmwrite(HOST_RIP, (uintptr_t)vmx_host_rip);
	/* HOST_RSP: written by vmx_enter before each entry. */
}

/* Access rights: type | S<<4 | DPL<<5 | P<<7 | L<<13 | D/B<<14 | G<<15; bit 16 = unusable. */
#define AR_CODE64(dpl) (0xb | 1 << 4 | (dpl) << 5 | 1 << 7 | 1 << 13 | 1 << 15)
#define AR_DATA(dpl) (0x3 | 1 << 4 | (dpl) << 5 | 1 << 7 | 1 << 14 | 1 << 15)
#define AR_TSS_BUSY (0xb | 1 << 7)
#define AR_UNUSABLE (1 << 16)

static void set_guest_cpl(unsigned cpl)
{
	uint16_t cs = cpl ? USER_CS : KERNEL_CS, ds = cpl ? USER_DS : KERNEL_DS;

	vmwrite(GUEST_CS_SEL, cs);
	vmwrite(GUEST_CS_AR, AR_CODE64(cpl));
	vmwrite(GUEST_SS_SEL, ds);
	vmwrite(GUEST_SS_AR, AR_DATA(cpl));
	vmwrite(GUEST_DS_SEL, ds);
	vmwrite(GUEST_DS_AR, AR_DATA(cpl));
	vmwrite(GUEST_ES_SEL, ds);
	vmwrite(GUEST_ES_AR, AR_DATA(cpl));
	/*
	 * An exception from CPL3 left L2 with a null SS whose limit and base the
	 * exit saved: a flat 4 GiB again, or the entry fails its guest checks.
	 */
	for (enum vmcs_field f = GUEST_ES_LIMIT; f <= GUEST_DS_LIMIT; f += 2)
		vmwrite(f, 0xffffffff);
	for (enum vmcs_field f = GUEST_ES_BASE; f <= GUEST_DS_BASE; f += 2)
		vmwrite(f, 0);
}

static void setup_guest(void)
{
	struct descriptor_ptr gdt;
	uint16_t tr = read_sel(2);

	__asm__ volatile("sgdt %0" : "=m"(gdt));
	vmwrite(GUEST_CR0, read_cr0());
	vmwrite(GUEST_CR3, read_cr3());
	vmwrite(GUEST_CR4, read_cr4());
	vmwrite(GUEST_DR7, 0x400);
	vmwrite(GUEST_RFLAGS, 0x2);
	set_guest_cpl(0);
	for (enum vmcs_field f = GUEST_ES_LIMIT; f <= GUEST_GS_LIMIT; f += 2)
		vmwrite(f, 0xffffffff);
	for (enum vmcs_field f = GUEST_ES_BASE; f <= GUEST_GS_BASE; f += 2)
		vmwrite(f, 0);
	vmwrite(GUEST_FS_SEL, KERNEL_DS);
	vmwrite(GUEST_FS_AR, AR_DATA(0));
	vmwrite(GUEST_GS_SEL, KERNEL_DS);
	vmwrite(GUEST_GS_AR, AR_DATA(0));
	vmwrite(GUEST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmwrite(GUEST_GS_BASE, rdmsr(MSR_GS_BASE));
	vmwrite(GUEST_LDTR_SEL, 0);
	vmwrite(GUEST_LDTR_AR, AR_UNUSABLE);
	vmwrite(GUEST_LDTR_BASE, 0);
	vmwrite(GUEST_LDTR_LIMIT, 0);
	/* The same TSS as L1: its RSP0 stack is free while L1 waits for L2. */
	vmwrite(GUEST_TR_SEL, tr);
	vmwrite(GUEST_TR_BASE, tss_base(&gdt, tr));
	vmwrite(GUEST_TR_LIMIT, sizeof(struct tss64) - 1);
	vmwrite(GUEST_TR_AR, AR_TSS_BUSY);
	vmwrite(GUEST_GDTR_BASE, gdt.base);
	vmwrite(GUEST_GDTR_LIMIT, gdt.limit);
	vmwrite(GUEST_IDTR_BASE, (uintptr_t)l2_idt);
	vmwrite(GUEST_IDTR_LIMIT, sizeof(l2_idt) - 1);
	vmwrite(GUEST_SYSENTER_CS, 0);
	vmwrite(GUEST_SYSENTER_ESP, 0);
	vmwrite(GUEST_SYSENTER_EIP, 0);
	/*
	 * SDM vol. 3 appendix B "64-Bit Guest-State Fields": guest IA32_PAT and
	 * IA32_EFER exist only with the matching load (VM-entry) or save (VM-exit)
	 * control. Where they exist they are loaded when the entry control is 1,
	 * so they must hold L1's values, not whatever the VMCS region held.
	 */
	if (vmx_ctl_allowed(ENTRY_CONTROLS, ENTRY_LOAD_EFER) || vmx_ctl_allowed(EXIT_CONTROLS, EXIT_SAVE_EFER))
		vmwrite(GUEST_EFER, rdmsr(MSR_EFER));
	if (vmx_ctl_allowed(ENTRY_CONTROLS, ENTRY_LOAD_PAT) || vmx_ctl_allowed(EXIT_CONTROLS, EXIT_SAVE_PAT))
		vmwrite(GUEST_PAT, rdmsr(MSR_IA32_CR_PAT));
	/*
	 * "load debug controls" is a default1 VM-entry control (SDM vol. 3
	 * appendix A.5), so entries load DR7 and IA32_DEBUGCTL from the VMCS,
	 * whose guest IA32_DEBUGCTL field always exists; with the TRUE
	 * capability MSR (IA32_VMX_BASIC[55]) it may be 0, and setup_controls()
	 * leaves it 0 then. 0: no LBR, no BTF.
	 */
	vmwrite(GUEST_DEBUGCTL, 0);
	vmwrite(GUEST_INTERRUPTIBILITY, 0);
	vmwrite(GUEST_ACTIVITY, 0);
	vmwrite(GUEST_PENDING_DBG, 0);
	vmwrite(VMCS_LINK_PTR, ~0ULL);
}

static void setup_controls(void)
{
	vmwrite(PIN_CONTROLS, ctl_fixup(PIN_CONTROLS, 0));
	/* Secondary controls on when they exist, all off: tests turn bits on. */
	vmwrite(CPU_CONTROLS, ctl_fixup(CPU_CONTROLS,
					vmx_ctl_allowed(CPU_CONTROLS, CPU_SECONDARY) ? CPU_SECONDARY : 0));
	if (vmx_ctl_allowed(CPU_CONTROLS, CPU_SECONDARY))
		vmwrite(CPU_CONTROLS2, ctl_fixup(CPU_CONTROLS2, 0));
	vmwrite(EXIT_CONTROLS, ctl_fixup(EXIT_CONTROLS, EXIT_HOST_64 |
			(vmx_ctl_allowed(EXIT_CONTROLS, EXIT_LOAD_EFER) ? EXIT_LOAD_EFER : 0)));
	vmwrite(ENTRY_CONTROLS, ctl_fixup(ENTRY_CONTROLS, ENTRY_GUEST_64 |
			(vmx_ctl_allowed(ENTRY_CONTROLS, ENTRY_LOAD_EFER) ? ENTRY_LOAD_EFER : 0)));
	vmwrite(EXCEPTION_BITMAP, 0);
	vmwrite(PF_ERROR_MASK, 0);
	vmwrite(PF_ERROR_MATCH, 0);
	vmwrite(CR3_TARGET_COUNT, 0);
	vmwrite(EXIT_MSR_STORE_COUNT, 0);
	vmwrite(EXIT_MSR_LOAD_COUNT, 0);
	vmwrite(ENTRY_MSR_LOAD_COUNT, 0);
	vmwrite(ENTRY_INTR_INFO, 0);
	/* L2 owns CR0/CR4: no bit is intercepted. */
	vmwrite(CR0_MASK, 0);
	vmwrite(CR4_MASK, 0);
}

struct vmx_vcpu *vmx_vcpu_new(void)
{
	struct vmx_vcpu *v = calloc(1, sizeof(*v));
	enum vmx_status st;
	char buf[100];

	assert(v);
	v->vmcs = vmcs_alloc();
	v->stack = alloc_pages(1);
	assert(v->stack);
	build_l2_idt();
	st = vmclear((uintptr_t)v->vmcs);
	if (st == VMX_OK)
		st = vmptrld((uintptr_t)v->vmcs);
	if (st != VMX_OK) {
		report_fail("VMCLEAR/VMPTRLD of a new VMCS: %s", vmx_status_str(st, buf, sizeof(buf)));
		return NULL;
	}
	setup_controls();
	setup_host();
	setup_guest();
	return v;
}

void vmx_vcpu_load(struct vmx_vcpu *v)
{
	vmptrld((uintptr_t)v->vmcs);
}

void vmx_vcpu_set_entry(struct vmx_vcpu *v, void (*fn)(void *), void *arg, unsigned cpl)
{
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rsi = (uintptr_t)fn;
	v->regs.rdi = (uintptr_t)arg;
	vmwrite(GUEST_RIP, (uintptr_t)vmx_l2_entry);
	vmwrite(GUEST_RSP, (uintptr_t)v->stack + 2 * PAGE_SIZE);
	vmwrite(GUEST_RFLAGS, 0x2);
	set_guest_cpl(cpl);
}

void vmx_skip_insn(struct vmx_vcpu *v)
{
	vmwrite(GUEST_RIP, vmread(GUEST_RIP) + v->exit.insn_len);
}

void vmx_inject_exception(unsigned vector, bool has_error, uint32_t error)
{
	vmwrite(ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector |
			(has_error ? INTR_INFO_ERROR_CODE : 0));
	if (has_error)
		vmwrite(ENTRY_EXCEPTION_ERROR, error);
}

static void read_exit(struct vmx_exit *e)
{
	e->reason = vmread(EXIT_REASON);
	e->qual = vmread(EXIT_QUALIFICATION);
	e->gla = vmread(GUEST_LINEAR_ADDR);
	e->intr_info = vmread(EXIT_INTR_INFO);
	e->intr_error = vmread(EXIT_INTR_ERROR);
	e->insn_len = vmread(EXIT_INSN_LEN);
	e->insn_info = vmread(EXIT_INSN_INFO);
	e->rip = vmread(GUEST_RIP);
	/* The guest-physical address field exists only with EPT. */
	if (vmread_status(GUEST_PHYS_ADDR, &e->gpa) != VMX_OK)
		e->gpa = 0;
}

enum vmx_end vmx_run(struct vmx_vcpu *v)
{
	v->exits = 0;
	for (;;) {
		enum vmx_status st = vmx_enter(&v->regs, v->launched);
		struct vmx_exit *e = &v->exit;

		if (st != VMX_OK) {
			uint64_t err = 0;

			v->entry_status = st;
			vmread_status(VM_INSN_ERROR, &err);
			v->insn_error = st == VMX_FAIL_VALID ? err : 0;
			return VMX_END_ENTRY_FAIL;
		}
		read_exit(e);
		/* A VM-entry failure (bit 31) leaves the VMCS not launched. */
		if (!(e->reason & EXIT_REASON_ENTRY_FAIL))
			v->launched = true;
		/* An injected event was delivered (or the entry failed): do not inject it twice. */
		vmwrite(ENTRY_INTR_INFO, 0);
		if (e->reason == EXIT_VMCALL && e->rip == (uintptr_t)vmx_l2_done)
			return VMX_END_DONE;
		if (e->reason == EXIT_VMCALL && e->rip == (uintptr_t)vmx_l2_fault) {
			unsigned long *frame = (unsigned long *)vmread(GUEST_RSP);

			v->regs.rax = frame[0];
			v->fault = (struct vmx_l2_fault){ frame[1], frame[2], frame[3], frame[4],
							  frame[5], frame[6], frame[7] };
			return VMX_END_L2_FAULT;
		}
		if (!v->handler || v->handler(v, e) == VMX_STOP)
			return VMX_END_EXIT;
		if (++v->exits >= MAX_EXITS_PER_RUN)
			return VMX_END_TOO_MANY;
	}
}

const char *vmx_end_str(struct vmx_vcpu *v, enum vmx_end end, char *buf, unsigned size)
{
	char st[100];

	switch (end) {
	case VMX_END_DONE:
		snprintf(buf, size, "L2 ran to its end");
		break;
	case VMX_END_EXIT:
		snprintf(buf, size, "exit %u (%s%s) qual %#lx at RIP %#lx",
			 v->exit.reason & 0xffff, vmx_exit_reason_name(v->exit.reason),
			 v->exit.reason & EXIT_REASON_ENTRY_FAIL ? ", entry failure" : "",
			 (unsigned long)v->exit.qual, (unsigned long)v->exit.rip);
		break;
	case VMX_END_L2_FAULT:
		snprintf(buf, size, "L2 took %s (error code %#lx) at RIP %#lx CPL%lu",
			 exception_name(v->fault.vector), v->fault.error_code, v->fault.rip,
			 v->fault.cs & 3);
		break;
	case VMX_END_ENTRY_FAIL:
		snprintf(buf, size, "VM entry failed: %s", vmx_status_str(v->entry_status, st, sizeof(st)));
		break;
	case VMX_END_TOO_MANY:
		snprintf(buf, size, "more than %u exits: last %u (%s) at RIP %#lx", MAX_EXITS_PER_RUN,
			 v->exit.reason & 0xffff, vmx_exit_reason_name(v->exit.reason),
			 (unsigned long)v->exit.rip);
		break;
	}
	return buf;
}
