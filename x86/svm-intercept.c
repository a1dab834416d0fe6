/*
 * svm intercept: CPUID, HLT, VMMCALL, RDMSR/WRMSR through the MSR permission
 * map, IN/OUT through the I/O permission map, exceptions, INTR and VINTR
 * (APM vol. 2, 15.7-15.13, 15.21).
 */
#include "svm-tests.h"
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

static const u8 *insn_at(struct svm_vcpu *v)
{
	return (const u8 *)(uintptr_t)v->vmcb->save.rip;
}

/* --- CPUID, HLT, VMMCALL ---------------------------------------------- */

static struct cpuid l2_cpuid_out;

static void l2_cpuid(void *arg)
{
	(void)arg;
	l2_cpuid_out = cpuid(0x80000000);
}

static void cpuid_intercept(void)
{
	struct svm_vcpu v;
	struct cpuid real = cpuid(0x80000000);

	svm_vcpu_init(&v, l2_cpuid, NULL);
	v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_CPUID;
	svm_vmrun(&v);
	if (expect_exit(&v, SVM_EXIT_CPUID, "CPUID intercepted")) {
		report(insn_at(&v)[0] == 0x0f && insn_at(&v)[1] == 0xa2 && v.vmcb->save.rax == 0x80000000,
		       "RIP at CPUID (0F A2), RAX = the leaf (%#llx)", (unsigned long long)v.vmcb->save.rax);
		/* Emulate: L2 must see what L1 put into its registers. */
		v.vmcb->save.rax = 0x11111111;
		v.regs.rbx = 0x22222222;
		v.regs.rcx = 0x33333333;
		v.regs.rdx = 0x44444444;
		svm_skip(&v, 2);
		svm_vmrun(&v);
		expect_exit(&v, SVM_EXIT_VMMCALL, "L2 finishes after the emulated CPUID");
		report(l2_cpuid_out.a == 0x11111111 && l2_cpuid_out.b == 0x22222222 &&
		       l2_cpuid_out.c == 0x33333333 && l2_cpuid_out.d == 0x44444444,
		       "L2 got L1's emulated CPUID result (%#x %#x %#x %#x)", l2_cpuid_out.a,
		       l2_cpuid_out.b, l2_cpuid_out.c, l2_cpuid_out.d);
	}
	/* Intercept off: CPUID runs in L2 without an exit. */
	svm_vcpu_init(&v, l2_cpuid, NULL);
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "CPUID not intercepted: no exit before L2's end");
	report(l2_cpuid_out.a == real.a, "L2's own CPUID 0x80000000 gives EAX %#x (L1: %#x)",
	       l2_cpuid_out.a, real.a);
}

static void l2_hlt(void *arg)
{
	(void)arg;
	__asm__ volatile("hlt");
}

static volatile int l2_vmmcall_vector;

static void l2_vmmcall_insn(void *arg)
{
	(void)arg;
	svm_vmmcall();
}

/* VMMCALL without its intercept is #UD (APM vol. 3, VMMCALL); HLT ends L2 instead. */
static void l2_vmmcall_ud(void *arg)
{
	(void)arg;
	l2_vmmcall_vector = svm_l2_catch(l2_vmmcall_insn, NULL);
	__asm__ volatile("hlt");
}

static void hlt_vmmcall_intercept(void)
{
	struct svm_vcpu v;

	svm_vcpu_init(&v, l2_hlt, NULL);
	v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_HLT;
	svm_vmrun(&v);
	if (expect_exit(&v, SVM_EXIT_HLT, "HLT intercepted")) {
		report(insn_at(&v)[0] == 0xf4, "RIP at HLT (byte %#x)", insn_at(&v)[0]);
		svm_skip(&v, 1);
		svm_vmrun(&v);
		expect_exit(&v, SVM_EXIT_VMMCALL, "L2 resumes after HLT and returns");
	}

	l2_vmmcall_vector = -2;
	svm_vcpu_init(&v, l2_vmmcall_ud, NULL);
	v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_HLT;
	v.vmcb->control.intercept_misc2 &= ~SVM_INTERCEPT2_VMMCALL;
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_HLT, "VMMCALL not intercepted: L2 goes on to its HLT");
	report(l2_vmmcall_vector == UD_VECTOR, "VMMCALL without intercept raises #UD in L2 (got %s)",
	       exception_name(l2_vmmcall_vector));
}

/* --- MSR permission map ------------------------------------------------ */

#define MSR_OUTSIDE_MAP 0x40000000   /* in no MSRPM range: always intercepted (APM 15.11) */

static volatile u64 msr_r1, msr_r2, msr_r3;

static void l2_msr(void *arg)
{
	(void)arg;
	msr_r1 = rdmsr(MSR_IA32_SYSENTER_CS);       /* read intercepted: L1 emulates */
	svm_vmmcall();                               /* L1: reads pass, writes intercepted */
	msr_r2 = rdmsr(MSR_IA32_SYSENTER_CS);
	wrmsr(MSR_IA32_SYSENTER_CS, 0x77);           /* exit */
	svm_vmmcall();                               /* L1: nothing intercepted */
	wrmsr(MSR_IA32_SYSENTER_CS, 0x99);
	msr_r3 = rdmsr(MSR_IA32_SYSENTER_CS);
	(void)rdmsr(MSR_STAR);                       /* second MSRPM range, read intercepted */
	(void)rdmsr(MSR_VM_HSAVE_PA);                /* third range, read intercepted */
	(void)rdmsr(MSR_OUTSIDE_MAP);
}

static void expect_msr_exit(struct svm_vcpu *v, u32 msr, bool write, const char *what)
{
	if (expect_exit(v, SVM_EXIT_MSR, "%s %s %#x", what, write ? "WRMSR" : "RDMSR", msr))
		report(v->vmcb->control.exit_info_1 == write && (u32)v->regs.rcx == msr,
		       "%s: EXITINFO1 %llu (want %d), ECX %#x", what,
		       (unsigned long long)v->vmcb->control.exit_info_1, write, (u32)v->regs.rcx);
}

static void msr_intercept(void)
{
	struct svm_vcpu v;
	u64 l1_value = rdmsr(MSR_IA32_SYSENTER_CS);

	svm_vcpu_init(&v, l2_msr, NULL);
	v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_MSR;
	svm_msr_intercept(&v, MSR_IA32_SYSENTER_CS, true, false);
	svm_msr_intercept(&v, MSR_STAR, true, false);
	svm_msr_intercept(&v, MSR_VM_HSAVE_PA, true, false);
	svm_vmrun(&v);
	expect_msr_exit(&v, MSR_IA32_SYSENTER_CS, false, "read bit set");
	v.vmcb->save.rax = 0x5a5a;
	v.regs.rdx = 0;
	svm_skip(&v, 2);
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "L2 after the emulated RDMSR");
	report(msr_r1 == 0x5a5a, "L2 read L1's emulated value (%#llx)", (unsigned long long)msr_r1);

	/* Map changes take effect on the next VMRUN. */
	svm_msr_intercept(&v, MSR_IA32_SYSENTER_CS, false, true);
	svm_skip(&v, 3);
	svm_vmrun(&v);
	expect_msr_exit(&v, MSR_IA32_SYSENTER_CS, true, "write bit set after the change");
	report(msr_r2 == l1_value, "RDMSR passed through: L2 read the VMCB's SYSENTER_CS (%#llx, want %#llx)",
	       (unsigned long long)msr_r2, (unsigned long long)l1_value);
	report((u32)v.vmcb->save.rax == 0x77 && (u32)v.regs.rdx == 0,
	       "WRMSR exit carries EDX:EAX (%#x:%#x)", (u32)v.regs.rdx, (u32)v.vmcb->save.rax);
	svm_skip(&v, 2);
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "L2 after the intercepted WRMSR");

	svm_msr_intercept(&v, MSR_IA32_SYSENTER_CS, false, false);
	svm_skip(&v, 3);
	svm_vmrun(&v);
	expect_msr_exit(&v, MSR_STAR, false, "second range (0xC0000000)");
	report(msr_r3 == 0x99, "both bits clear: L2's WRMSR and RDMSR ran without exits (read %#llx)",
	       (unsigned long long)msr_r3);
	svm_skip(&v, 2);
	svm_vmrun(&v);
	expect_msr_exit(&v, MSR_VM_HSAVE_PA, false, "third range (0xC0010000)");
	svm_skip(&v, 2);
	svm_vmrun(&v);
	expect_msr_exit(&v, MSR_OUTSIDE_MAP, false, "MSR outside the map");
	svm_skip(&v, 2);
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "L2 ends");
	report(v.vmcb->save.sysenter_cs == 0x99 && rdmsr(MSR_IA32_SYSENTER_CS) == l1_value,
	       "L2's SYSENTER_CS stays in its VMCB (%#llx), L1 keeps its own (%#llx)",
	       (unsigned long long)v.vmcb->save.sysenter_cs,
	       (unsigned long long)rdmsr(MSR_IA32_SYSENTER_CS));
}

/* --- I/O permission map ------------------------------------------------ */

static volatile u16 io_in_value;
static u8 io_buf[4];

static void l2_io(void *arg)
{
	u64 count = 2;
	void *dst = io_buf;

	(void)arg;
	outb(0x80, 0x5a);
	io_in_value = inw(0x1234);
	__asm__ volatile("rep insb" : "+D"(dst), "+c"(count) : "d"(0x80) : "memory");
	(void)inb(0x84);   /* not in the map */
}

static void expect_ioio(struct svm_vcpu *v, u32 want, unsigned len, const char *what)
{
	u64 i1 = v->vmcb->control.exit_info_1;

	if (!expect_exit(v, SVM_EXIT_IOIO, "%s", what))
		return;
	report((i1 & 0xffff007dULL) == want, "%s: EXITINFO1 %#llx (want %#x: port, type, size, string, rep)",
	       what, (unsigned long long)i1, want);
	report(v->vmcb->control.exit_info_2 == v->vmcb->save.rip + len,
	       "%s: EXITINFO2 is the next RIP (%#llx, RIP %#llx + %u)", what,
	       (unsigned long long)v->vmcb->control.exit_info_2, (unsigned long long)v->vmcb->save.rip, len);
	v->vmcb->save.rip = v->vmcb->control.exit_info_2;
}

static void io_intercept(void)
{
	struct svm_vcpu v;

	svm_vcpu_init(&v, l2_io, NULL);
	v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_IOIO;
	svm_io_intercept(&v, 0x80, true);
	svm_io_intercept(&v, 0x1234, true);
	svm_vmrun(&v);
	expect_ioio(&v, (0x80 << IOIO_PORT_SHIFT) | IOIO_SZ8, 2, "OUT imm8 to 0x80");
	svm_vmrun(&v);
	expect_ioio(&v, (0x1234u << IOIO_PORT_SHIFT) | IOIO_SZ16 | IOIO_IN, 2, "IN AX,DX from 0x1234");
	v.vmcb->save.rax = 0xbeef;
	svm_vmrun(&v);
	report(io_in_value == 0xbeef, "L2's IN got L1's emulated value (%#x)", io_in_value);
	expect_ioio(&v, (0x80 << IOIO_PORT_SHIFT) | IOIO_SZ8 | IOIO_IN | IOIO_STR | IOIO_REP, 2,
		    "REP INSB from 0x80");
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "IN from 0x84 (bit clear) does not exit");
}

/* --- exceptions -------------------------------------------------------- */

#define UNMAPPED_VA 0x180000000ULL   /* 6 GiB: beyond the boot map's 4 GiB */

void l2_ud2(void *arg);
extern char l2_ud2_insn[];
__asm__(".text\n.globl l2_ud2\nl2_ud2:\n.globl l2_ud2_insn\nl2_ud2_insn:\n\tud2\n\tret\n");

static void l2_read_unmapped(void *arg)
{
	(void)arg;
	(void)*(volatile u64 *)UNMAPPED_VA;
}

static void l2_divide(void *arg)
{
	unsigned long a = 1, d = 0, zero = 0;

	(void)arg;
	__asm__ volatile("div %2" : "+a"(a), "+d"(d) : "r"(zero));
}

static volatile int l2_de_vector;

static void l2_catch_de(void *arg)
{
	(void)arg;
	l2_de_vector = svm_l2_catch(l2_divide, NULL);
}

static void exception_intercept(void)
{
	struct svm_vcpu v;

	svm_vcpu_init(&v, l2_ud2, NULL);
	v.vmcb->control.intercept_exceptions = 1U << UD_VECTOR;
	svm_vmrun(&v);
	if (expect_exit(&v, SVM_EXIT_EXCP_BASE + UD_VECTOR, "#UD intercepted"))
		report(v.vmcb->save.rip == (uintptr_t)l2_ud2_insn, "RIP at the UD2 (%#llx, want %p)",
		       (unsigned long long)v.vmcb->save.rip, l2_ud2_insn);

	svm_vcpu_init(&v, l2_read_unmapped, NULL);
	v.vmcb->control.intercept_exceptions = 1U << PF_VECTOR;
	svm_vmrun(&v);
	if (expect_exit(&v, SVM_EXIT_EXCP_BASE + PF_VECTOR, "#PF intercepted"))
		report(v.vmcb->control.exit_info_1 == 0 && v.vmcb->control.exit_info_2 == UNMAPPED_VA,
		       "#PF: EXITINFO1 = error code 0 (read, not present), EXITINFO2 = address (%#llx, %#llx)",
		       (unsigned long long)v.vmcb->control.exit_info_1,
		       (unsigned long long)v.vmcb->control.exit_info_2);

	/* Not intercepted: delivered through L2's IDT, no exit. */
	l2_de_vector = -2;
	svm_vcpu_init(&v, l2_catch_de, NULL);
	v.vmcb->control.intercept_exceptions = 1U << UD_VECTOR;
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "#DE not intercepted: the next exit is L2's end");
	report(l2_de_vector == DE_VECTOR, "#DE went to L2's own handler (got %s)", exception_name(l2_de_vector));
}

/* --- INTR and VINTR ---------------------------------------------------- */

#define TEST_VECTOR 0xe0

static volatile unsigned l1_irqs;
static volatile bool l2_started;

static void l1_irq(struct ex_regs *r)
{
	(void)r;
	l1_irqs++;
	apic_eoi();
}

static void l2_mark(void *arg)
{
	(void)arg;
	l2_started = true;
}

static void intr_intercept(void)
{
	struct svm_vcpu v;
	exception_handler old = handle_exception(TEST_VECTOR, l1_irq);
	char name[40];

	apic_enable();
	irq_disable();
	/* The legacy PIC's timer would also interrupt (vector 8 by BIOS setup): mask it. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	l1_irqs = 0;
	l2_started = false;
	svm_vcpu_init(&v, l2_mark, NULL);
	v.host_if = true;
	/* Pending in the APIC, held by L1's IF=0 until VMRUN opens the guest. */
	report(apic_self_ipi_pending(TEST_VECTOR), "self-IPI vector %#x pending in the APIC's IRR before VMRUN",
	       TEST_VECTOR);
	svm_vmrun(&v);
	/*
	 * With V_INTR_MASKING=1 L2's IF=0 masks only virtual interrupts; the host's
	 * IF masks physical ones (APM 15.21.1).
	 */
	report_deviation("svm-intr-l2-if", v.vmcb->control.exit_code == SVM_EXIT_INTR,
		     "pending physical interrupt, L2's IF=0, V_INTR_MASKING=1: #VMEXIT INTR (got %s)",
		     svm_exit_name(v.vmcb->control.exit_code, name, sizeof(name)));
	report(l1_irqs == 0, "the interrupt was not delivered during the exit (%u)", l1_irqs);
	report_info("L2 %s before that exit", l2_started ? "ran" : "did not run");
	irq_enable();
	__asm__ volatile("nop");
	irq_disable();
	report(l1_irqs == 1, "L1 takes the interrupt once it sets IF (%u)", l1_irqs);
	handle_exception(TEST_VECTOR, old);
}

/* L2 opens its interrupt window itself. */
static void l2_sti(void *arg)
{
	(void)arg;
	__asm__ volatile("sti; nop; nop; cli");
	l2_started = true;
}

/* A virtual interrupt, highest priority, vector 0x30, VINTR intercepted. */
static void vintr_setup(struct svm_vcpu *v, svm_l2_fn fn)
{
	svm_vcpu_init(v, fn, NULL);
	v->vmcb->control.intercept_misc1 |= SVM_INTERCEPT_VINTR;
	v->vmcb->control.int_ctl = V_INTR_MASKING | V_IRQ | (0xfULL << V_INTR_PRIO_SHIFT) |
				   (0x30ULL << V_INTR_VECTOR_SHIFT);
}

static void vintr_intercept(void)
{
	struct svm_vcpu v;
	char name[40];

	vintr_setup(&v, l2_sti);
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VINTR, "V_IRQ pending, L2 executes STI");
	report(v.vmcb->control.int_ctl & V_IRQ, "V_IRQ still pending at the VINTR exit (int_ctl %#llx)",
	       (unsigned long long)v.vmcb->control.int_ctl);

	/*
	 * Already pending with IF=1 at VMRUN: taken at the first instruction
	 * boundary (APM 15.21.4). Bochs 2.7 only looks after an event like STI.
	 */
	vintr_setup(&v, l2_mark);
	v.vmcb->save.rflags |= X86_EFLAGS_IF;
	svm_vmrun(&v);
	report_deviation("svm-vintr-pending", v.vmcb->control.exit_code == SVM_EXIT_VINTR,
		     "V_IRQ pending with L2's IF=1 at VMRUN: #VMEXIT VINTR (got %s)",
		     svm_exit_name(v.vmcb->control.exit_code, name, sizeof(name)));
}

void test_intercepts(void)
{
	report_prefix_push("intercept");
	cpuid_intercept();
	hlt_vmmcall_intercept();
	msr_intercept();
	io_intercept();
	exception_intercept();
	intr_intercept();
	vintr_intercept();
	report_prefix_pop();
}
