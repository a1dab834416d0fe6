/*
 * eventinj: how events are delivered (SDM vol. 3A 'Interrupt and Exception
 * Handling'): the STI and MOV SS shadows, HLT woken by an interrupt, an
 * exception while delivering another (#NP for a not-present gate, #DF when
 * the #GP gate is not present), interrupts taken at CPL3 after IRET, and the
 * gate DPL check that INT n and INT3 make and INT1 skips. x86/exceptions.c
 * covers the exceptions themselves; this file covers their delivery.
 * Parts (arguments): shadow, hlt, nested, cpl3, dpl.
 */
#include "hvut.h"
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/processor.h>

#define VEC 0xa0
#define VEC_SOFT 0x50
#define VEC_BACKSTOP 0xb0   /* test_hlt's backstop timer */
#define NONCANONICAL "0x0000800000000000"

static volatile unsigned got;
static volatile unsigned long got_rip, got_cs, got_ss, got_frame;

static void on_vec(struct ex_regs *r)
{
	got++;
	got_rip = r->rip;
	got_cs = r->cs;
	got_ss = r->ss;
	got_frame = (unsigned long)r;
	apic_eoi();
}

/* A software-interrupt handler: no EOI. */
static void on_soft(struct ex_regs *r)
{
	got++;
	got_cs = r->cs;
}

/* The IDT gate's attribute byte (P, DPL, type), found through SIDT. */
static volatile uint8_t *gate_attr(unsigned vector)
{
	struct descriptor_ptr p;

	__asm__ volatile("sidt %0" : "=m"(p));
	return (volatile uint8_t *)(p.base + 16 * vector + 5);
}

/* ---------------------------------------------------------------- shadow */
extern char sti_after[], movss_l1[], movss_l2[], movss_l3[];
static unsigned long db_rips[8];
static volatile unsigned n_db;

static void on_db(struct ex_regs *r)
{
	if (n_db < ARRAY_SIZE(db_rips))
		db_rips[n_db] = r->rip;
	n_db++;
	if (r->rip == (unsigned long)movss_l3 || n_db >= ARRAY_SIZE(db_rips))
		r->rflags &= ~X86_EFLAGS_TF;
}

static void test_shadows(void)
{
	report_prefix_push("shadow");
	/* SDM vol. 2B STI: with IF=0 before, interrupts are recognized only after the next instruction. */
	got = 0;
	irq_disable();
	apic_icr_write(APIC_DEST_SELF | VEC, 0);
	__asm__ volatile("sti\n\tnop\n.globl sti_after\nsti_after: nop\n\tcli" ::: "memory");
	report(got == 1 && got_rip == (unsigned long)sti_after,
	       "STI; NOP with an interrupt pending: taken after the NOP (RIP %#lx, expected %#lx)", got_rip,
	       (unsigned long)sti_after);

	/* SDM vol. 2B MOV (to SS) and vol. 3A 'Single-Step Exception Condition': after MOV SS,
	 * debug exceptions are held until the next instruction completes. POPF sets TF; the
	 * first trap follows MOV from SS, none follows MOV to SS, the next follows the NOP. */
	handle_exception(DB_VECTOR, on_db);
	n_db = 0;
	__asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
			 "mov %%ss, %%ax\n"
			 ".globl movss_l1\nmovss_l1: mov %%ax, %%ss\n"
			 ".globl movss_l2\nmovss_l2: nop\n"
			 ".globl movss_l3\nmovss_l3: nop"
			 ::: "rax", "memory", "cc");
	handle_exception(DB_VECTOR, NULL);
	report(n_db == 2 && db_rips[0] == (unsigned long)movss_l1 && db_rips[1] == (unsigned long)movss_l3,
	       "single-step over MOV SS: traps at %#lx and %#lx, none at %#lx (got %u: %#lx %#lx)",
	       (unsigned long)movss_l1, (unsigned long)movss_l3, (unsigned long)movss_l2, n_db, db_rips[0],
	       db_rips[1]);
	report_prefix_pop();
}

/* ------------------------------------------------------------------ hlt */
extern char hlt_after[];

static volatile unsigned backstop;

static void on_backstop(struct ex_regs *r)
{
	(void)r;
	backstop++;
	apic_eoi();
}

static void test_hlt(void)
{
	report_prefix_push("hlt");
	/*
	 * The STI shadow covers HLT: the pending interrupt wakes it, RIP after the HLT.
	 * A backstop, so that a lost wake-up is a FAIL that says so and not a hang
	 * until the harness' time limit (seen once on the kvm lane): the APIC timer,
	 * one-shot, divide by 1, the largest count (seconds at GHz timer rates), on
	 * its own vector.
	 */
	handle_exception(VEC_BACKSTOP, on_backstop);
	backstop = 0;
	got = 0;
	irq_disable();
	apic_write(APIC_TIMER_DIV, 0xb);
	apic_write(APIC_LVT_TIMER, VEC_BACKSTOP);
	apic_write(APIC_TIMER_INIT, 0xffffffff);
	apic_icr_write(APIC_DEST_SELF | VEC, 0);
	__asm__ volatile("sti\n\thlt\n.globl hlt_after\nhlt_after: cli" ::: "memory");
	apic_write(APIC_TIMER_INIT, 0);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC);
	if (backstop)
		report_info("the HLT was woken by the backstop timer, not by the pending interrupt (%u taken)", got);
	report(got == 1 && got_rip == (unsigned long)hlt_after,
	       "STI; HLT with an interrupt pending: it is taken with RIP after the HLT (%#lx) [SDM vol. 2A HLT, STI]",
	       got_rip);

	/* SDM vol. 2A HLT: an enabled interrupt resumes execution after HLT. The APIC timer is
	 * the wake-up; a few tries, in case the interrupt comes before the HLT. */
	got = 0;
	apic_write(APIC_TIMER_DIV, 0xb);
	apic_write(APIC_TIMER_INIT, 100000);
	apic_write(APIC_LVT_TIMER, VEC);
	for (int i = 0; i < 10 && !got; i++)
		__asm__ volatile("sti\n\thlt\n\tcli" ::: "memory");
	apic_write(APIC_TIMER_INIT, 0);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC);
	report(got == 1, "HLT with IF=1 is woken by the APIC timer interrupt");
	report_prefix_pop();
}

/* --------------------------------------------------------------- nested */
static void do_int_soft(void *arg) { (void)arg; __asm__ volatile("int $0x50"); }
static void do_ud2(void *arg) { (void)arg; __asm__ volatile("ud2"); }
static void do_noncanon(void *arg)
{
	(void)arg;
	__asm__ volatile("movabs $" NONCANONICAL ", %%rax\n\tmovq (%%rax), %%rax" ::: "rax");
}

static void test_nested(void)
{
	volatile uint8_t *attr;
	struct fault f;
	int v;

	report_prefix_push("nested");
	/* SDM 'Interrupt 11—Segment Not Present (#NP)' and 'Error Code': a not-present IDT gate is
	 * #NP with the gate's index, IDT=1; EXT=0 for INT n, EXT=1 while delivering an exception. */
	attr = gate_attr(VEC_SOFT);
	*attr &= ~0x80;
	v = catch_exception(do_int_soft, NULL, &f);
	*attr |= 0x80;
	report_deviation("idt-error-code", v == NP_VECTOR && f.error_code == ((VEC_SOFT << 3) | 2),
			 "INT 50H through a not-present gate: #NP(%#x) (got %s(%#lx))", (VEC_SOFT << 3) | 2,
			 exception_name(v), f.error_code);
	attr = gate_attr(UD_VECTOR);
	*attr &= ~0x80;
	v = catch_exception(do_ud2, NULL, &f);
	*attr |= 0x80;
	/* SDM table 'Conditions for Generating a Double Fault': #UD is benign, so #NP is handled serially. */
	report_deviation("idt-error-code", v == NP_VECTOR && (f.error_code & ~1UL) == ((UD_VECTOR << 3) | 2),
			 "UD2 with the #UD gate not present: #NP(%#x) (got %s(%#lx))", (UD_VECTOR << 3) | 3,
			 exception_name(v), f.error_code);
	report_deviation("idt-error-code-ext", v == NP_VECTOR && (f.error_code & 1),
			 "... its error code has EXT=1: the #NP came while delivering an exception (%#lx)", f.error_code);
	/* The same table: #GP then #NP (contributory, contributory) is a double fault, #DF(0). */
	attr = gate_attr(GP_VECTOR);
	*attr &= ~0x80;
	v = catch_exception(do_noncanon, NULL, &f);
	*attr |= 0x80;
	report(v == DF_VECTOR && f.error_code == 0, "#GP with the #GP gate not present: #DF(0) (got %s(%#lx))",
	       exception_name(v), f.error_code);
	report_prefix_pop();
}

/* ----------------------------------------------------------------- cpl3 */
/*
 * CPL3 code lowers TPR itself (the 1:1 map is user-accessible, APIC page
 * included), so the pending interrupt is recognized at CPL3 whatever the
 * host's timing.
 */
static void user_unblock_and_wait(void *arg)
{
	uint64_t t = rdtsc();

	(void)arg;
	apic_mmio_write(APIC_TPR, 0);
	while (!got && rdtsc() - t < APIC_WAIT_TSC)
		cpu_relax();
}

static void test_cpl3(void)
{
	unsigned long rsp0 = this_cpu_tss()->rsp0;
	struct fault f;
	int v;

	report_prefix_push("cpl3");
	got = 0;
	got_cs = got_ss = 0;
	/* Pending in IRR, held back by TPR F0H; IF=1 goes along through IRET to CPL3. */
	apic_write(APIC_TPR, 0xf0);
	apic_icr_write(APIC_DEST_SELF | VEC, 0);
	irq_enable();
	v = run_in_user(user_unblock_and_wait, NULL, &f);
	irq_disable();
	apic_write(APIC_TPR, 0);
	report(v == NO_EXCEPTION && got == 1, "an interrupt through a DPL0 gate is taken at CPL3 (%s, %u)",
	       exception_name(v), got);
	/* SDM 'Stack Switching in IA-32e Mode': a privilege change loads RSP from the TSS's RSP0
	 * and pushes the old SS:RSP. */
	report((got_cs & 3) == 3 && (got_ss & 3) == 3, "the frame holds the CPL3 CS %#lx and SS %#lx", got_cs, got_ss);
	report(got_frame < rsp0 && got_frame > rsp0 - 8192, "the handler runs on the TSS RSP0 stack (%#lx, RSP0 %#lx)",
	       got_frame, rsp0);
	report_prefix_pop();
}

/* ------------------------------------------------------------------ dpl */
static void do_int3_cc(void *arg) { (void)arg; __asm__ volatile("int3"); }
static void do_int3_cd(void *arg) { (void)arg; __asm__ volatile(".byte 0xcd, 0x03"); }
static void do_int1(void *arg) { (void)arg; __asm__ volatile(".byte 0xf1"); }

static void test_dpl(void)
{
	struct fault f;
	int v;

	report_prefix_push("dpl");
	/* SDM vol. 2A INT n/INTO/INT3/INT1: a software interrupt whose gate DPL < CPL is #GP with
	 * the gate's selector error code; INT1 and hardware events skip the check. */
	handle_exception(VEC_SOFT, on_soft);
	set_idt_dpl(VEC_SOFT, 3);
	got = 0;
	v = run_in_user(do_int_soft, NULL, &f);
	report(v == NO_EXCEPTION && got == 1 && (got_cs & 3) == 3, "INT 50H through a DPL3 gate from CPL3 (CS %#lx)",
	       got_cs);
	set_idt_dpl(VEC_SOFT, 0);
	handle_exception(VEC_SOFT, NULL);

	set_idt_dpl(BP_VECTOR, 0);
	v = run_in_user(do_int3_cc, NULL, &f);
	report_deviation("idt-error-code", v == GP_VECTOR && f.error_code == ((BP_VECTOR << 3) | 2),
			 "INT3 (CC) through a DPL0 gate from CPL3: #GP(%#x) (got %s(%#lx))", (BP_VECTOR << 3) | 2,
			 exception_name(v), f.error_code);
	v = run_in_user(do_int3_cd, NULL, &f);
	report_deviation("idt-error-code", v == GP_VECTOR && f.error_code == ((BP_VECTOR << 3) | 2),
			 "INT 3 (CD 03) through a DPL0 gate from CPL3: #GP(%#x) (got %s(%#lx))", (BP_VECTOR << 3) | 2,
			 exception_name(v), f.error_code);
	set_idt_dpl(BP_VECTOR, 3);

	v = run_in_user(do_int1, NULL, &f);
	report_deviation("int1-ud", v == DB_VECTOR, "INT1 (F1) from CPL3 through the DPL0 #DB gate: #DB (got %s)",
			 exception_name(v));
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = {
		{ "shadow", test_shadows },
		{ "hlt", test_hlt },
		{ "nested", test_nested },
		{ "cpl3", test_cpl3 },
		{ "dpl", test_dpl },
	};

	(void)envp;
	report_info("running on %s", vmm_description());
	apic_enable();
	apic_quiet_legacy();
	handle_exception(VEC, on_vec);
	run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	return report_summary();
}
