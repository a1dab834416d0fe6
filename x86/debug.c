/*
 * debug: the debug registers and single-step, from the SDM vol. 3B chapter
 * "Debug, Branch Profile, TSC, and Intel Resource Director Technology
 * Features" (section "Debug Registers" and its subsections) and vol. 2A "MOV
 * -- Move to/from Debug Registers".
 *
 *   access  DR4/DR5 alias DR6/DR7 with CR4.DE=0 and #UD with CR4.DE=1; bits
 *           63:32 of DR6/DR7 #GP; DR6/DR7 read their fixed bits
 *   gd      DR7.GD: the next MOV DR is a #DB fault with DR6.BD, GD cleared
 *   insn    an execute breakpoint is a fault before the instruction, DR6.Bn,
 *           through each of DR0-DR3 (only its own Bn set) and with the global
 *           enable alone (G=1, L=0); RF=1 (through IRETQ) suppresses it for
 *           one instruction
 *   data    write breakpoints of length 1, 2, 4, 8 and read/write ones of
 *           length 2, 4, 8 (aligned) are traps after the access, for every
 *           byte they cover and none beyond; a read trips RW=11, not RW=01
 *   io      I/O breakpoints (R/W=10 with CR4.DE=1): IN and OUT touching a
 *           covered port are traps after the instruction with DR6.Bn; ports
 *           outside the LEN range are not
 *   step    TF: a trap after one instruction with DR6.BS; after STI too (IF
 *           does not mask #DB); after MOV SS it is held for one instruction
 *           (vol. 3A "Masking Exceptions and Interrupts When Switching Stacks");
 *           IRETQ that sets TF traps after the instruction it returns to
 *
 * Arguments select parts (default: all).
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/processor.h>

#define DR6_B(n) (1UL << (n))
#define DR6_BD (1UL << 13)
#define DR6_BS (1UL << 14)
#define DR7_L(n) (1UL << (2 * (n)))
#define DR7_G(n) (2UL << (2 * (n)))
#define DR7_GD (1UL << 13)
#define DR7_RW(n, rw) ((unsigned long)(rw) << (16 + 4 * (n)))
#define DR7_LEN(n, len) ((unsigned long)(len) << (18 + 4 * (n)))
#define DR7_FIXED1 (1UL << 10)
#define RW_EXEC 0
#define RW_WRITE 1
#define RW_IO 2
#define RW_READWRITE 3
#define EFLAGS_TF (1UL << 8)
#define EFLAGS_RF (1UL << 16)

#define DR_ACCESSORS(n)                                                                          \
	static inline __attribute__((unused)) unsigned long read_dr##n(void)                     \
	{                                                                                        \
		unsigned long v;                                                                 \
		__asm__ volatile("mov %%dr" #n ", %0" : "=r"(v));                                \
		return v;                                                                        \
	}                                                                                        \
	static inline __attribute__((unused)) void write_dr##n(unsigned long v) { __asm__ volatile("mov %0, %%dr" #n :: "r"(v)); }
DR_ACCESSORS(0)
DR_ACCESSORS(1)
DR_ACCESSORS(2)
DR_ACCESSORS(3)
DR_ACCESSORS(6)
DR_ACCESSORS(7)

/* DR0-DR3 at address 0, which no test executes or touches: no condition of theirs is met. */
static void clear_dr_addrs(void)
{
	write_dr0(0);
	write_dr1(0);
	write_dr2(0);
	write_dr3(0);
}

static void reset_debug(void)
{
	write_dr7(0);
	write_dr6(0);
}

/* --- access ------------------------------------------------------------ */

static unsigned long dr_value;

static void mov_to_dr4(void *arg) { (void)arg; __asm__ volatile("mov %0, %%dr4" :: "r"(dr_value)); }
static void mov_from_dr5(void *arg) { (void)arg; __asm__ volatile("mov %%dr5, %0" : "=r"(dr_value)); }
static void mov_to_dr6(void *arg) { (void)arg; __asm__ volatile("mov %0, %%dr6" :: "r"(dr_value)); }
static void mov_to_dr7(void *arg) { (void)arg; __asm__ volatile("mov %0, %%dr7" :: "r"(dr_value)); }

static void test_access(void)
{
	unsigned long cr4 = read_cr4(), fixed6 = 0xffff0ff0UL, got;
	struct fault f;
	int v;

	report_prefix_push("access");
	/* DR6 reserved bits read 1; RTM (bit 16) and BLD (bit 11) are writable where enumerated. */
	if (this_cpu_has(X86_FEATURE_RTM))
		fixed6 &= ~(1UL << 16);
	if (this_cpu_has(X86_FEATURE_BUS_LOCK_DETECT))
		fixed6 &= ~(1UL << 11);
	write_dr6(0);
	got = read_dr6();
	report((got & ~((1UL << 16) | (1UL << 11))) == (fixed6 & ~((1UL << 16) | (1UL << 11))) && (got & fixed6) == fixed6,
	       "DR6 written 0 reads its fixed-1 bits %#lx (got %#lx) [SDM vol. 3B Debug Status Register]", fixed6, got);
	write_dr7(0);
	got = read_dr7();
	report(got == DR7_FIXED1, "DR7 written 0 reads %#lx (got %#lx) [SDM vol. 3B Debug Control Register]",
	       DR7_FIXED1, got);

	write_cr4(cr4 & ~X86_CR4_DE);
	dr_value = 0x0f;   /* B0-B3 */
	v = catch_exception(mov_to_dr4, NULL, &f);
	got = read_dr6();
	report(v == NO_EXCEPTION && (got & 0xf) == 0xf,
	       "CR4.DE=0: MOV to DR4 writes DR6 (got %s, DR6 %#lx) [SDM vol. 2A MOV DR: DR4/DR5 alias]",
	       exception_name(v), got);
	write_dr6(0);
	write_dr7(DR7_FIXED1 | DR7_L(3));
	dr_value = 0;
	v = catch_exception(mov_from_dr5, NULL, &f);
	report(v == NO_EXCEPTION && dr_value == (DR7_FIXED1 | DR7_L(3)),
	       "CR4.DE=0: MOV from DR5 reads DR7 (got %s, %#lx)", exception_name(v), dr_value);
	write_dr7(0);
	if (write_cr4_safe(cr4 | X86_CR4_DE) == NO_EXCEPTION) {
		v = catch_exception(mov_to_dr4, NULL, &f);
		report(v == UD_VECTOR, "CR4.DE=1: MOV to DR4 #UD (got %s) [SDM vol. 2A MOV DR]", exception_name(v));
		v = catch_exception(mov_from_dr5, NULL, &f);
		report(v == UD_VECTOR, "CR4.DE=1: MOV from DR5 #UD (got %s)", exception_name(v));
	} else {
		report_skip("CR4.DE=1: CPUID.1:EDX.DE=0");
	}
	write_cr4(cr4);

	dr_value = 1UL << 32;
	v = catch_exception(mov_to_dr6, NULL, &f);
	report(v == GP_VECTOR && f.error_code == 0, "DR6 bit 32 set: #GP(0) (got %s(%#lx)) [SDM vol. 2A MOV DR]",
	       exception_name(v), f.error_code);
	v = catch_exception(mov_to_dr7, NULL, &f);
	report(v == GP_VECTOR && f.error_code == 0, "DR7 bit 32 set: #GP(0) (got %s(%#lx))", exception_name(v),
	       f.error_code);
	reset_debug();
	report_prefix_pop();
}

/* --- gd ------------------------------------------------------------------ */

extern char gd_mov[];
static void gd_trip(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl gd_mov\ngd_mov: mov %%dr0, %%rax" ::: "rax");
}

static void test_gd(void)
{
	struct fault f;
	unsigned long dr6, dr7;
	int v;

	report_prefix_push("gd");
	write_dr6(0);
	write_dr7(DR7_FIXED1 | DR7_GD);
	v = catch_exception(gd_trip, NULL, &f);
	/* The handler's own MOV DR would trip again if GD were still set: the SDM says it is cleared. */
	dr7 = read_dr7();
	dr6 = read_dr6();
	report_deviation("dr7-gd-ignored", v == DB_VECTOR && f.pc == (unsigned long)gd_mov,
	       "MOV DR with DR7.GD=1: #DB fault at the MOV (got %s at %#lx, MOV at %p) [SDM vol. 3B General-Detect Exception Condition]",
	       exception_name(v), f.pc, gd_mov);
	report_deviation("dr7-gd-ignored", dr6 & DR6_BD, "DR6.BD set (DR6 %#lx)", dr6);
	report_deviation("dr7-gd-ignored", !(dr7 & DR7_GD), "DR7.GD cleared on entry to the #DB handler (DR7 %#lx)", dr7);
	reset_debug();
	report_prefix_pop();
}

/* --- insn ---------------------------------------------------------------- */

extern char bp_target[], bp_after[];
static void run_bp_target(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl bp_target, bp_after\nbp_target: nop\nbp_after: nop");
}

/*
 * rf_target: nop; rf_after: nop; ret -- entered by IRETQ with RFLAGS.RF=1 (CPL0,
 * same stack, the return address pushed first), so RF covers rf_target only.
 */
extern char rf_target[], rf_after[];
__asm__(".pushsection .text\n"
	".globl rf_target, rf_after\n"
	"rf_target: nop\n"
	"rf_after: nop\n"
	"ret\n"
	".popsection");

/* IRETQ to rf_target with RFLAGS | *(unsigned long *)flags (RF or TF). */
static void iret_to_target(void *flags)
{
	__asm__ volatile("lea 1f(%%rip), %%rcx\n\t"
			 "push %%rcx\n\t"
			 "mov %%rsp, %%rax\n\t"
			 "mov %%ss, %%ecx\n\t"
			 "push %%rcx\n\t"
			 "push %%rax\n\t"
			 "pushfq\n\t"
			 "orq %0, (%%rsp)\n\t"
			 "mov %%cs, %%ecx\n\t"
			 "push %%rcx\n\t"
			 "lea rf_target(%%rip), %%rcx\n\t"
			 "push %%rcx\n\t"
			 "iretq\n"
			 "1:"
			 :: "r"(*(unsigned long *)flags) : "rax", "rcx", "memory", "cc");
}

static void test_insn(void)
{
	struct fault f;
	unsigned long dr6;
	int v;

	report_prefix_push("insn");
	write_dr6(0);
	write_dr0((unsigned long)bp_target);
	write_dr7(DR7_FIXED1 | DR7_L(0) | DR7_RW(0, RW_EXEC) | DR7_LEN(0, 0));
	v = catch_exception(run_bp_target, NULL, &f);
	dr6 = read_dr6();
	write_dr7(0);
	report(v == DB_VECTOR && f.pc == (unsigned long)bp_target,
	       "execute breakpoint: #DB fault before the instruction (got %s at %#lx, want %p) [SDM vol. 3B Instruction-Breakpoint Exception Condition]",
	       exception_name(v), f.pc, bp_target);
	report(dr6 & DR6_B(0), "DR6.B0 set (DR6 %#lx)", dr6);

	/*
	 * DR2 and DR3 work as DR0 does, and DR6 names the one that matched. The
	 * other address registers hold 0, so their conditions are not met and
	 * their Bn stay 0 (vol. 3B 17.2.3 lets Bn be set for a disabled
	 * breakpoint only when its condition is met).
	 */
	for (unsigned n = 2; n <= 3; n++) {
		clear_dr_addrs();
		write_dr6(0);
		if (n == 2)
			write_dr2((unsigned long)bp_target);
		else
			write_dr3((unsigned long)bp_target);
		write_dr7(DR7_FIXED1 | DR7_L(n) | DR7_RW(n, RW_EXEC) | DR7_LEN(n, 0));
		v = catch_exception(run_bp_target, NULL, &f);
		dr6 = read_dr6();
		write_dr7(0);
		report(v == DB_VECTOR && f.pc == (unsigned long)bp_target && (dr6 & 0xf) == DR6_B(n),
		       "execute breakpoint in DR%u: #DB fault before the instruction, DR6.B%u alone of B0-B3 (got %s at %#lx, want %p; DR6 %#lx) [SDM vol. 3B Debug Address Registers, Debug Status Register]",
		       n, n, exception_name(v), f.pc, bp_target, dr6);
	}

	/* G0 alone (L0=0) enables the breakpoint too: L and G differ only in task switches clearing L. */
	clear_dr_addrs();
	write_dr0((unsigned long)bp_target);
	write_dr6(0);
	write_dr7(DR7_FIXED1 | DR7_G(0) | DR7_RW(0, RW_EXEC) | DR7_LEN(0, 0));
	v = catch_exception(run_bp_target, NULL, &f);
	dr6 = read_dr6();
	write_dr7(0);
	report(v == DB_VECTOR && f.pc == (unsigned long)bp_target && (dr6 & DR6_B(0)),
	       "G0=1, L0=0: the breakpoint fires, DR6.B0 (got %s at %#lx, want %p; DR6 %#lx) [SDM vol. 3B Debug Control Register: G0-G3 global breakpoint enable]",
	       exception_name(v), f.pc, bp_target, dr6);

	/* A disabled breakpoint (L0=G0=0) never fires. */
	write_dr6(0);
	write_dr7(DR7_FIXED1 | DR7_RW(0, RW_EXEC));
	v = catch_exception(run_bp_target, NULL, &f);
	write_dr7(0);
	report(v == NO_EXCEPTION, "the same breakpoint with L0=G0=0: no #DB (got %s)", exception_name(v));

	/*
	 * RF=1 suppresses instruction breakpoints for one instruction: with
	 * breakpoints on both rf_target (DR0) and the next instruction (DR1),
	 * only DR1's fires.
	 */
	write_dr6(0);
	write_dr0((unsigned long)rf_target);
	write_dr1((unsigned long)rf_after);
	write_dr7(DR7_FIXED1 | DR7_L(0) | DR7_RW(0, RW_EXEC) | DR7_L(1) | DR7_RW(1, RW_EXEC));
	v = catch_exception(iret_to_target, &(unsigned long){ EFLAGS_RF }, &f);
	dr6 = read_dr6();
	write_dr7(0);
	report(v == DB_VECTOR && f.pc == (unsigned long)rf_after && (dr6 & 3) == DR6_B(1),
	       "RF=1 suppresses the first instruction's breakpoint only (got %s at %#lx, want %p; DR6 %#lx) [SDM vol. 3B Resume Flag (RF) in EFLAGS]",
	       exception_name(v), f.pc, rf_after, dr6);
	reset_debug();
	report_prefix_pop();
}

/* --- data ---------------------------------------------------------------- */

static volatile uint8_t watched[32] __attribute__((aligned(16)));

struct data_access {
	unsigned offset;
	bool write;
};

extern char data_access_next[], data_read_next[];
static void do_data_access(void *arg)
{
	struct data_access *a = arg;
	volatile uint8_t *p = &watched[a->offset];

	if (a->write)
		__asm__ volatile("movb $1, (%0)\n.globl data_access_next\ndata_access_next:" :: "r"(p) : "memory");
	else
		__asm__ volatile("movb (%0), %%al\n.globl data_read_next\ndata_read_next:" :: "r"(p) : "rax", "memory");
}

/* LEN encodings: 00 = 1 byte, 01 = 2, 11 = 4, 10 = 8 (64-bit mode). */
static const struct { unsigned bytes, len; } lengths[] = { { 1, 0 }, { 2, 1 }, { 4, 3 }, { 8, 2 } };

static void test_data(void)
{
	struct fault f;
	unsigned long dr6, base = (unsigned long)&watched[8];
	struct data_access a;
	int v;

	report_prefix_push("data");
	for (unsigned i = 0; i < ARRAY_SIZE(lengths); i++) {
		unsigned n = lengths[i].bytes;
		bool all_hit = true, none_beyond = true, trap_after = true, b1 = true;

		/* Every byte the breakpoint covers triggers a trap; the byte after it and the one before never do. */
		for (int off = -1; off <= (int)n; off++) {
			bool inside = off >= 0 && off < (int)n;

			a.offset = 8 + off;
			a.write = true;
			write_dr6(0);
			write_dr1(base);
			write_dr7(DR7_FIXED1 | DR7_L(1) | DR7_RW(1, RW_WRITE) | DR7_LEN(1, lengths[i].len));
			v = catch_exception(do_data_access, &a, &f);
			dr6 = read_dr6();
			write_dr7(0);
			if (inside) {
				all_hit &= v == DB_VECTOR;
				trap_after &= v == DB_VECTOR && f.pc == (unsigned long)data_access_next;
				b1 &= !!(dr6 & DR6_B(1));
			} else {
				none_beyond &= v == NO_EXCEPTION;
			}
		}
		report(all_hit, "LEN %u write breakpoint: a write to each covered byte is a #DB [SDM vol. 3B Data Memory and I/O Breakpoint Exception Conditions]", n);
		report(trap_after, "LEN %u: a trap, RIP after the write", n);
		report(b1, "LEN %u: DR6.B1 set", n);
		report(none_beyond, "LEN %u: writes to the byte before and after are not", n);
	}
	/*
	 * Read/write breakpoints (RW=11) of LEN 2, 4 and 8 in DR3, at an address
	 * aligned to the length (vol. 3B 17.2.5: the unaligned low bits are
	 * ignored): a one-byte read of each covered byte is a trap after the read
	 * with DR6.B3; the bytes before and after are not.
	 */
	for (unsigned i = 1; i < ARRAY_SIZE(lengths); i++) {
		unsigned n = lengths[i].bytes;
		bool all_hit = true, none_beyond = true;
		unsigned long got_pc = 0, got_dr6 = 0;

		clear_dr_addrs();
		for (int off = -1; off <= (int)n; off++) {
			bool inside = off >= 0 && off < (int)n;

			a.offset = 8 + off;
			a.write = false;
			write_dr6(0);
			write_dr3(base);
			write_dr7(DR7_FIXED1 | DR7_L(3) | DR7_RW(3, RW_READWRITE) | DR7_LEN(3, lengths[i].len));
			v = catch_exception(do_data_access, &a, &f);
			dr6 = read_dr6();
			write_dr7(0);
			if (inside) {
				bool ok = v == DB_VECTOR && f.pc == (unsigned long)data_read_next && (dr6 & 0xf) == DR6_B(3);

				if (!ok && all_hit) {
					got_pc = v == DB_VECTOR ? f.pc : 0;
					got_dr6 = dr6;
				}
				all_hit &= ok;
			} else {
				none_beyond &= v == NO_EXCEPTION;
			}
		}
		report(all_hit,
		       "LEN %u read/write breakpoint in DR3: a read of each covered byte is a trap after the read, DR6.B3 (first miss: RIP %#lx, DR6 %#lx) [SDM vol. 3B Debug Control Register R/W=11, Data Memory and I/O Breakpoint Exception Conditions]",
		       n, got_pc, got_dr6);
		report(none_beyond, "LEN %u read/write: reads of the byte before and after are not", n);
	}

	/* RW=01 is write-only: a read does not trigger; RW=11 triggers on a read. */
	a.offset = 8;
	a.write = false;
	write_dr6(0);
	write_dr1(base);
	write_dr7(DR7_FIXED1 | DR7_L(1) | DR7_RW(1, RW_WRITE) | DR7_LEN(1, 0));
	v = catch_exception(do_data_access, &a, &f);
	write_dr7(0);
	report(v == NO_EXCEPTION, "a read does not trip a write breakpoint (got %s)", exception_name(v));
	write_dr6(0);
	write_dr7(DR7_FIXED1 | DR7_L(1) | DR7_RW(1, RW_READWRITE) | DR7_LEN(1, 0));
	v = catch_exception(do_data_access, &a, &f);
	dr6 = read_dr6();
	write_dr7(0);
	report(v == DB_VECTOR && (dr6 & DR6_B(1)), "a read trips a read/write breakpoint (got %s, DR6 %#lx)",
	       exception_name(v), dr6);
	reset_debug();
	report_prefix_pop();
}

/* --- io -------------------------------------------------------------------- */

/*
 * Port 0x80 (the POST code port) takes any byte and word without side
 * effects on QEMU and Bochs. Each access is one instruction followed by a
 * label: an I/O breakpoint is a trap, so the #DB's RIP is the label.
 */
struct io_access {
	uint16_t port;
	bool in, word;
};

extern char io_access_next[];
static void do_io_access(void *arg)
{
	struct io_access *a = arg;

	if (a->in && a->word)
		__asm__ volatile("inw %%dx, %%ax\n.globl io_access_next\nio_access_next:" :: "d"(a->port) : "rax");
	else if (a->in)
		__asm__ volatile("inb %%dx, %%al\n1:" :: "d"(a->port) : "rax");
	else if (a->word)
		__asm__ volatile("outw %%ax, %%dx\n1:" :: "d"(a->port), "a"(0) : "memory");
	else
		__asm__ volatile("outb %%al, %%dx\n1:" :: "d"(a->port), "a"(0) : "memory");
}

/* The #DB (or none) of one access with DR0 = port 0x80, LEN len, R/W=10. */
static int io_try(unsigned len, uint16_t port, bool in, bool word, unsigned long *dr6, struct fault *f)
{
	struct io_access a = { port, in, word };
	int v;

	write_dr6(0);
	write_dr0(0x80);
	write_dr7(DR7_FIXED1 | DR7_L(0) | DR7_RW(0, RW_IO) | DR7_LEN(0, len));
	v = catch_exception(do_io_access, &a, f);
	*dr6 = read_dr6();
	write_dr7(0);
	return v;
}

static void test_io(void)
{
	unsigned long cr4 = read_cr4(), dr6;
	struct fault f;
	int v;

	report_prefix_push("io");
	write_cr4(cr4 | X86_CR4_DE);   /* R/W=10 is defined only with CR4.DE=1 */
	v = io_try(0, 0x80, false, false, &dr6, &f);
	report_deviation("io-breakpoint-ignored", v == DB_VECTOR && (dr6 & DR6_B(0)),
	       "OUT to the covered port: #DB with DR6.B0 (got %s, DR6 %#lx) [SDM vol. 3B Debug Control Register (DR7), R/W=10]",
	       exception_name(v), dr6);
	v = io_try(0, 0x80, true, true, &dr6, &f);
	report_deviation("io-breakpoint-ignored", v == DB_VECTOR && (dr6 & DR6_B(0)) && f.pc == (unsigned long)io_access_next,
	       "IN (word) from the covered port: a trap, RIP after the IN (got %s at %#lx, want %p; DR6 %#lx) [SDM vol. 3B Data Memory and I/O Breakpoint Exception Conditions]",
	       exception_name(v), f.pc, io_access_next, dr6);
	v = io_try(0, 0x81, false, false, &dr6, &f);
	report(v == NO_EXCEPTION, "LEN 1: OUT to the next port is not a #DB (got %s)", exception_name(v));
	v = io_try(1, 0x81, false, false, &dr6, &f);
	report_deviation("io-breakpoint-ignored", v == DB_VECTOR && (dr6 & DR6_B(0)), "LEN 2: OUT to port 0x81 is (got %s, DR6 %#lx)",
	       exception_name(v), dr6);
	v = io_try(0, 0x7f, false, true, &dr6, &f);
	report_deviation("io-breakpoint-ignored", v == DB_VECTOR && (dr6 & DR6_B(0)),
	       "LEN 1: a word OUT to 0x7f, whose second byte is port 0x80, is (got %s, DR6 %#lx)", exception_name(v), dr6);
	write_cr4(cr4);
	reset_debug();
	report_prefix_pop();
}

/* --- step ------------------------------------------------------------------ */

extern char step_sti_next[], step_movss_first[], step_movss_second[];
static void step_over_sti(void *arg)
{
	(void)arg;
	__asm__ volatile("cli\n\tpushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
			 "sti\n.globl step_sti_next\nstep_sti_next: nop\n\tnop" ::: "memory", "cc");
}

static void step_over_movss(void *arg)
{
	(void)arg;
	__asm__ volatile("mov %%ss, %%eax\n\tpushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
			 "mov %%eax, %%ss\n.globl step_movss_first\nstep_movss_first: nop\n"
			 ".globl step_movss_second\nstep_movss_second: nop" ::: "rax", "memory", "cc");
}

static void test_step(void)
{
	struct fault f;
	unsigned long dr6;
	int v;

	report_prefix_push("step");
	write_dr6(0);
	v = catch_exception(step_over_sti, NULL, &f);
	dr6 = read_dr6();
	irq_disable();
	report_deviation("tf-sti-delayed", v == DB_VECTOR && f.pc == (unsigned long)step_sti_next && (dr6 & DR6_BS),
	       "TF over STI: #DB right after STI, DR6.BS (got %s at %#lx, want %p; DR6 %#lx) [SDM vol. 3A: IF does not mask debug exceptions]",
	       exception_name(v), f.pc, step_sti_next, dr6);
	write_dr6(0);
	v = catch_exception(step_over_movss, NULL, &f);
	dr6 = read_dr6();
	report(v == DB_VECTOR && f.pc == (unsigned long)step_movss_second && (dr6 & DR6_BS),
	       "TF over MOV SS: the trap waits one instruction (got %s at %#lx, want %p; DR6 %#lx) [SDM vol. 3A Masking Exceptions and Interrupts When Switching Stacks]",
	       exception_name(v), f.pc, step_movss_second, dr6);
	/* IRET is an instruction that sets TF: no trap after it, one after the next. */
	write_dr6(0);
	v = catch_exception(iret_to_target, &(unsigned long){ EFLAGS_TF }, &f);
	dr6 = read_dr6();
	report(v == DB_VECTOR && f.pc == (unsigned long)rf_after && (dr6 & DR6_BS),
	       "IRETQ setting TF: the trap comes after the first instruction it returns to (got %s at %#lx, want %p; DR6 %#lx) [SDM vol. 3B Single-Step Exception Condition]",
	       exception_name(v), f.pc, rf_after, dr6);
	reset_debug();
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = {
		{ "access", test_access }, { "gd", test_gd }, { "insn", test_insn }, { "data", test_data },
		{ "io", test_io }, { "step", test_step },
	};

	(void)envp;
	report_prefix_push("debug");
	report_info("running on %s", vmm_description());
	run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	report_prefix_pop();
	return report_summary();
}
