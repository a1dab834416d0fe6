/*
 * A small L1 hypervisor on AMD SVM (APM vol. 2, ch. 15): turning SVM on, a
 * VMCB for L2 code, the VMRUN loop, permission maps and exit decoding.
 */
#include "hvut.h"
#include <setjmp.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/svm.h>

#define VM_CR_SVMDIS (1ULL << 4)
#define L2_STACK_SIZE 16384

void svm_world_switch(uint64_t vmcb_pa, struct svm_gprs *g, uint64_t host_save_pa);
void svm_l2_entry(void);
extern const uint64_t svm_l2_vectors[32];

static void *hsave, *host_save;
static uint64_t *l2_idt;
static uint8_t l2_stack[L2_STACK_SIZE] __attribute__((aligned(16)));
volatile struct svm_l2_fault svm_l2_fault = { .vector = (uint64_t)-1 };

uint32_t svm_features(void)
{
	if (!this_cpu_has(X86_FEATURE_SVM) || cpuid_max_ext_leaf() < 0x8000000a)
		return 0;
	return cpuid(0x8000000a).d;
}

const char *svm_enable(void)
{
	uint64_t vm_cr;

	if (!this_cpu_has(X86_FEATURE_SVM))
		return "SVM: CPUID 0x80000001:ECX[2]=0";
	/* VM_CR.SVMDIS set by firmware makes EFER.SVME #GP (APM 15.4); some models #GP on VM_CR itself. */
	if (rdmsr_safe(MSR_VM_CR, &vm_cr) == NO_EXCEPTION && (vm_cr & VM_CR_SVMDIS))
		return "SVM: VM_CR.SVMDIS=1";
	if (!hsave) {
		hsave = alloc_page();
		host_save = alloc_page();
		assert(hsave && host_save);
	}
	if (wrmsr_safe(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME) != NO_EXCEPTION)
		return "SVM: setting EFER.SVME #GPs";
	wrmsr(MSR_VM_HSAVE_PA, (uintptr_t)hsave);
	return NULL;
}

uint16_t svm_seg_attrib(uint16_t sel)
{
	struct descriptor_ptr gdtr;
	uint64_t d;

	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	d = ((uint64_t *)gdtr.base)[sel >> 3];
	/* Type, S, DPL, P from bits 47:40; AVL, L, D/B, G from bits 55:52 (APM B.2). */
	return ((d >> 40) & 0xff) | ((d >> 44) & 0xf00);
}

static void set_seg(struct vmcb_seg *s, uint16_t sel)
{
	s->sel = sel;
	s->attrib = svm_seg_attrib(sel);
	s->limit = 0xffffffff;
	s->base = 0;
}

void svm_l2_idt_gate(uint64_t *idt, unsigned vector, uintptr_t handler)
{
	/* 64-bit interrupt gate, DPL0, present, IST 0 (Intel SDM / APM 4.8.4). */
	idt[2 * vector] = (handler & 0xffff) | ((uint64_t)KERNEL_CS << 16) | (0x8eULL << 40) |
			  ((uint64_t)(handler >> 16 & 0xffff) << 48);
	idt[2 * vector + 1] = (uint64_t)handler >> 32;
}

static void l2_idt_init(void)
{
	if (l2_idt)
		return;
	l2_idt = alloc_page();
	assert(l2_idt);
	for (unsigned i = 0; i < 32; i++)
		svm_l2_idt_gate(l2_idt, i, svm_l2_vectors[i]);
}

static void load_l2_start(struct svm_vcpu *v, svm_l2_fn fn, void *arg)
{
	struct vmcb_save *s = &v->vmcb->save;

	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rdi = (uintptr_t)arg;
	v->regs.rsi = (uintptr_t)fn;
	s->rip = (uintptr_t)svm_l2_entry;
	/* The CALL in svm_l2_entry leaves fn a standard frame: RSP+8 16-byte aligned. */
	s->rsp = (uintptr_t)l2_stack + L2_STACK_SIZE;
	s->rax = 0;
	s->rflags = 2;   /* bit 1 is reserved-one; IF=0 */
}

void svm_vcpu_init(struct svm_vcpu *v, svm_l2_fn fn, void *arg)
{
	struct vmcb *vmcb = alloc_page();
	struct vmcb_control *c = &vmcb->control;
	struct vmcb_save *s = &vmcb->save;
	struct descriptor_ptr gdtr;
	void *msrpm = alloc_pages(1), *iopm = alloc_pages(2);

	assert(vmcb && msrpm && iopm);
	l2_idt_init();
	memset(v, 0, sizeof(*v));
	v->vmcb = vmcb;
	/* FS, GS, TR, LDTR and the syscall MSRs as L1 has them: VMLOAD gives them to L2. */
	svm_vmsave((uintptr_t)vmcb);

	c->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_SHUTDOWN;
	c->intercept_misc2 = SVM_INTERCEPT2_VMRUN | SVM_INTERCEPT2_VMMCALL;
	c->iopm_base_pa = (uintptr_t)iopm;
	c->msrpm_base_pa = (uintptr_t)msrpm;
	c->asid = 1;
	c->tlb_control = TLB_CONTROL_FLUSH_ALL;
	c->int_ctl = V_INTR_MASKING;

	set_seg(&s->cs, KERNEL_CS);
	set_seg(&s->ss, KERNEL_DS);
	set_seg(&s->ds, KERNEL_DS);
	set_seg(&s->es, KERNEL_DS);
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	s->gdtr.base = gdtr.base;
	s->gdtr.limit = gdtr.limit;
	s->idtr.base = (uintptr_t)l2_idt;
	s->idtr.limit = 32 * 16 - 1;
	s->cpl = 0;
	s->efer = rdmsr(MSR_EFER);
	s->cr0 = read_cr0();
	s->cr3 = read_cr3();
	s->cr4 = read_cr4();
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = rdmsr(MSR_IA32_CR_PAT);
	load_l2_start(v, fn, arg);
}

void svm_vcpu_restart(struct svm_vcpu *v, svm_l2_fn fn, void *arg)
{
	load_l2_start(v, fn, arg);
}

uint64_t svm_vmrun(struct svm_vcpu *v)
{
	/* GIF=0 across the switch: no interrupt may hit L1 with L2's GPRs loaded. */
	svm_clgi();
	if (v->host_if)
		irq_enable();
	svm_world_switch((uintptr_t)v->vmcb, &v->regs, (uintptr_t)host_save);
	if (v->host_if)
		irq_disable();
	svm_stgi();
	v->exits++;
	return v->vmcb->control.exit_code;
}

uint64_t svm_run(struct svm_vcpu *v)
{
	for (;;) {
		svm_vmrun(v);
		if (!v->handler || !v->handler(v))
			return v->vmcb->control.exit_code;
		/* Bound runaway loops: a test that never stops is a bug in the test. */
		if (v->exits > 100000) {
			report_fail("svm: more than 100000 #VMEXITs, giving up");
			return v->vmcb->control.exit_code;
		}
	}
}

void svm_skip(struct svm_vcpu *v, unsigned len)
{
	if (svm_features() & SVM_FEAT_NRIPS)
		v->vmcb->save.rip = v->vmcb->control.next_rip;
	else
		v->vmcb->save.rip += len;
}

static const struct { uint64_t code; const char *name; } exit_names[] = {
	{ SVM_EXIT_INTR, "INTR" }, { SVM_EXIT_NMI, "NMI" }, { 0x62, "SMI" }, { 0x63, "INIT" },
	{ SVM_EXIT_VINTR, "VINTR" }, { 0x6e, "RDTSC" }, { 0x6f, "RDPMC" }, { 0x70, "PUSHF" },
	{ 0x71, "POPF" }, { SVM_EXIT_CPUID, "CPUID" }, { 0x74, "IRET" }, { 0x75, "INTn" },
	{ 0x77, "PAUSE" }, { SVM_EXIT_HLT, "HLT" }, { 0x79, "INVLPG" }, { 0x7a, "INVLPGA" },
	{ SVM_EXIT_IOIO, "IOIO" }, { SVM_EXIT_MSR, "MSR" }, { 0x7d, "TASK_SWITCH" },
	{ SVM_EXIT_SHUTDOWN, "SHUTDOWN" }, { SVM_EXIT_VMRUN, "VMRUN" },
	{ SVM_EXIT_VMMCALL, "VMMCALL" }, { 0x82, "VMLOAD" }, { 0x83, "VMSAVE" }, { 0x84, "STGI" },
	{ 0x85, "CLGI" }, { 0x86, "SKINIT" }, { 0x87, "RDTSCP" }, { 0x88, "ICEBP" },
	{ 0x89, "WBINVD" }, { 0x8d, "XSETBV" }, { SVM_EXIT_NPF, "NPF" },
	{ SVM_EXIT_INVALID, "INVALID" },
};

const char *svm_exit_name(uint64_t code, char *buf, size_t size)
{
	if (code < 0x10)
		snprintf(buf, size, "CR%u_READ (%#llx)", (unsigned)code, (unsigned long long)code);
	else if (code < 0x20)
		snprintf(buf, size, "CR%u_WRITE (%#llx)", (unsigned)code - 0x10, (unsigned long long)code);
	else if (code >= SVM_EXIT_EXCP_BASE && code < SVM_EXIT_EXCP_BASE + 32)
		snprintf(buf, size, "EXCP %s (%#llx)", exception_name(code - SVM_EXIT_EXCP_BASE),
			 (unsigned long long)code);
	else {
		for (unsigned i = 0; i < ARRAY_SIZE(exit_names); i++) {
			if (exit_names[i].code == code) {
				if (code == SVM_EXIT_INVALID)
					snprintf(buf, size, "INVALID (-1)");
				else
					snprintf(buf, size, "%s (%#llx)", exit_names[i].name,
						 (unsigned long long)code);
				return buf;
			}
		}
		snprintf(buf, size, "exit %#llx", (unsigned long long)code);
	}
	return buf;
}

const char *svm_exit_describe(const struct vmcb *vmcb, char *buf, size_t size)
{
	const struct vmcb_control *c = &vmcb->control;
	uint64_t i1 = c->exit_info_1, i2 = c->exit_info_2;
	char name[40];
	int n;

	svm_exit_name(c->exit_code, name, sizeof(name));
	n = snprintf(buf, size, "%s", name);
	if (c->exit_code == SVM_EXIT_NPF)
		snprintf(buf + n, size - n, " GPA %#llx EXITINFO1 %#llx [%s%s%s%s%s%s%s]",
			 (unsigned long long)i2, (unsigned long long)i1,
			 i1 & NPF_P ? "P " : "not-present ", i1 & NPF_RW ? "write " : "read ",
			 i1 & NPF_US ? "user " : "supervisor ", i1 & NPF_RSV ? "reserved " : "",
			 i1 & NPF_ID ? "fetch " : "", i1 & NPF_FINAL_GPA ? "final-GPA" : "",
			 i1 & NPF_TABLE_WALK ? "table-walk" : "");
	else if (c->exit_code == SVM_EXIT_IOIO)
		snprintf(buf + n, size - n, " port %#x %s size %u%s%s (EXITINFO1 %#llx)",
			 (unsigned)(i1 >> IOIO_PORT_SHIFT), i1 & IOIO_IN ? "IN" : "OUT",
			 i1 & IOIO_SZ8 ? 1 : i1 & IOIO_SZ16 ? 2 : i1 & IOIO_SZ32 ? 4 : 0,
			 i1 & IOIO_STR ? " string" : "", i1 & IOIO_REP ? " rep" : "",
			 (unsigned long long)i1);
	else if (c->exit_code == SVM_EXIT_MSR)
		snprintf(buf + n, size - n, " %s (EXITINFO1 %#llx)", i1 == 1 ? "WRMSR" : i1 == 0 ? "RDMSR" : "?",
			 (unsigned long long)i1);
	else if (c->exit_code >= SVM_EXIT_EXCP_BASE && c->exit_code < SVM_EXIT_EXCP_BASE + 32)
		snprintf(buf + n, size - n, " at RIP %#llx EXITINFO1 %#llx", (unsigned long long)vmcb->save.rip,
			 (unsigned long long)i1);
	else if (c->exit_code == SVM_EXIT_INVALID)
		snprintf(buf + n, size - n, " (VMRUN refused the VMCB)");
	else
		snprintf(buf + n, size - n, " at RIP %#llx", (unsigned long long)vmcb->save.rip);
	return buf;
}

/*
 * MSRPM (APM 15.11): three 2 KiB vectors for MSRs 0-0x1FFF, 0xC0000000-0xC0001FFF
 * and 0xC0010000-0xC0011FFF, two bits per MSR (read, then write). Other MSRs
 * are always intercepted.
 */
void svm_msr_intercept(struct svm_vcpu *v, uint32_t msr, bool read, bool write)
{
	uint8_t *map = (uint8_t *)v->vmcb->control.msrpm_base_pa;
	uint32_t base;
	unsigned bit;

	if (msr < 0x2000)
		base = 0;
	else if (msr - 0xc0000000 < 0x2000)
		base = 0x800;
	else if (msr - 0xc0010000 < 0x2000)
		base = 0x1000;
	else
		assert(!"MSR outside the MSR permission map");
	bit = (msr & 0x1fff) * 2;
	map[base + bit / 8] = (map[base + bit / 8] & ~(3U << (bit % 8))) |
			      ((read ? 1U : 0U) << (bit % 8)) | ((write ? 2U : 0U) << (bit % 8));
}

/* IOPM (APM 15.10.1): one bit per port. */
void svm_io_intercept(struct svm_vcpu *v, uint16_t port, bool intercept)
{
	uint8_t *map = (uint8_t *)v->vmcb->control.iopm_base_pa;

	if (intercept)
		map[port / 8] |= 1U << (port % 8);
	else
		map[port / 8] &= ~(1U << (port % 8));
}

/* L2's exception path: catch or report, never return to the faulting code. */
static jmp_buf l2_jmp;
static bool l2_catching;

void svm_l2_exception(const uint64_t *frame) __attribute__((noreturn));
void svm_l2_exception(const uint64_t *frame)
{
	svm_l2_fault.vector = frame[0];
	svm_l2_fault.error_code = frame[1];
	svm_l2_fault.rip = frame[2];
	if (l2_catching)
		longjmp(l2_jmp, 1);
	/* Nobody in L2 expected it: end L2; L1 finds svm_l2_fault set. */
	for (;;)
		svm_vmmcall();
}

int svm_l2_catch(svm_l2_fn fn, void *arg)
{
	svm_l2_fault.vector = (uint64_t)-1;
	l2_catching = true;
	if (setjmp(l2_jmp) == 0)
		fn(arg);
	l2_catching = false;
	return (int)svm_l2_fault.vector;
}
