/*
 * debug: self-hosted debug at EL1 and EL0, from the Arm ARM (DDI 0487) part D
 * "AArch64 Self-hosted Debug": chapters on breakpoint, watchpoint, software
 * step and Breakpoint Instruction exceptions, the OS lock, and the ESR_EL1
 * ISS encodings of those exceptions.
 *
 *   brk    BRK #imm: EC 0x3C, ISS.Comment = imm, ELR at the BRK
 *   bp     an address-match breakpoint (DBGBVR0/DBGBCR0, BAS=0xF) on an EL1
 *          instruction: EC 0x31 before it runs, ELR at it; with the OS lock
 *          set (OSLAR_EL1) it does not fire
 *   ctx    Context ID breakpoints: unlinked (any instruction while
 *          CONTEXTIDR_EL1 matches), and an address breakpoint linked to one
 *   wp     a watchpoint (DBGWVR0/DBGWCR0) on a byte: a store is EC 0x35 with
 *          ISS.WnR=1 and FAR in the watched doubleword; a load with LSC=store
 *          does not fire; LSC=load fires on a load with WnR=0
 *   wpctx  a watchpoint linked to a Context ID breakpoint (WT, LBN)
 *   wpmask DBGWCR.MASK: a watchpoint on a 64-byte block, not past it
 *   step   MDSCR_EL1.SS with SPSR_EL1.SS=1 on ERET to EL0: one instruction
 *          runs, then EC 0x32 with ELR at the next one
 *   step-exc  the stepped instruction takes an exception: an SVC completes
 *          (SPSR_EL1.SS = 0), an aborting load does not (SPSR_EL1.SS = 1)
 *   el0    EL0 reads of DBGBVR0_EL1 and MDSCR_EL1 are UNDEFINED (EC 0x00)
 * Debug exceptions at EL1 need MDSCR_EL1.MDE and KDE and PSTATE.D clear; the
 * test unmasks D only around the instruction it expects to trap.
 */
#include "hvut.h"
#include <asm/sysreg.h>

#define EC_BREAKPT_LOW 0x30
#define EC_BREAKPT_CUR 0x31
#define EC_SOFTSTP_LOW 0x32
#define EC_WATCHPT_CUR 0x35
#define MDSCR_SS (1UL << 0)
#define MDSCR_TDCC (1UL << 12)
#define EC_SYSREG 0x18
#define MDSCR_KDE (1UL << 13)
#define MDSCR_MDE (1UL << 15)
#define BCR_E 1UL
#define BCR_PMC_EL1_EL0 (3UL << 1)
#define BCR_BAS_ALL (0xfUL << 5)
#define WCR_E 1UL
#define WCR_PAC_EL1_EL0 (3UL << 1)
#define WCR_LSC_LOAD (1UL << 3)
#define WCR_LSC_STORE (2UL << 3)
#define WCR_BAS(b) ((unsigned long)(b) << 5)
#define ESR_WNR (1UL << 6)

static void set_debug(unsigned long mdscr)
{
	write_sysreg(mdscr, mdscr_el1);
	write_sysreg(0, oslar_el1);   /* OS lock off */
	isb();
}

static void clear_debug(void)
{
	write_sysreg(0, dbgbcr0_el1);
	write_sysreg(0, dbgwcr0_el1);
	write_sysreg(0, mdscr_el1);
	isb();
}

/* --- brk ------------------------------------------------------------------ */

extern char brk_insn[];
static void do_brk(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl brk_insn\nbrk_insn: brk #0x123");
}

static void test_brk(void)
{
	struct fault f;
	int v = catch_exception(do_brk, NULL, &f);

	report(v == EC_BRK64 && (f.error_code & 0xffff) == 0x123 && f.pc == (unsigned long)brk_insn,
	       "brk: BRK #0x123: EC 0x3c, comment 0x123, ELR at the BRK (got EC %#x, ESR %#lx, ELR %#lx) [DDI 0487 D2.8 Breakpoint Instruction exceptions]",
	       v, f.error_code, f.pc);
}

/* --- bp -------------------------------------------------------------------- */

extern char bp_here[];
static void run_bp_target(void *arg)
{
	(void)arg;
	__asm__ volatile("msr daifclr, #8\n\tisb\n"
			 ".globl bp_here\nbp_here: nop\n\t"
			 "msr daifset, #8" ::: "memory");
}

static void test_bp(void)
{
	unsigned brps = (unsigned)ID_FIELD(read_sysreg(id_aa64dfr0_el1), 12) + 1;
	struct fault f;
	int v;

	report_prefix_push("bp");
	report_info("%u breakpoints, %u watchpoints (ID_AA64DFR0_EL1)", brps,
		    (unsigned)ID_FIELD(read_sysreg(id_aa64dfr0_el1), 20) + 1);
	set_debug(MDSCR_MDE | MDSCR_KDE);
	write_sysreg((unsigned long)bp_here, dbgbvr0_el1);
	write_sysreg(BCR_E | BCR_PMC_EL1_EL0 | BCR_BAS_ALL, dbgbcr0_el1);
	isb();
	v = catch_exception(run_bp_target, NULL, &f);
	report(v == EC_BREAKPT_CUR && f.pc == (unsigned long)bp_here,
	       "an address breakpoint on an EL1 instruction: EC 0x31, ELR at it (got EC %#x at %#lx, want %p) [DDI 0487 D2.9 Breakpoint exceptions]",
	       v, f.pc, bp_here);

	write_sysreg(1, oslar_el1);   /* OS lock on: breakpoint exceptions are disabled */
	isb();
	v = catch_exception(run_bp_target, NULL, &f);
	report(read_sysreg(oslsr_el1) & 2, "OSLAR_EL1=1 sets OSLSR_EL1.OSLK (OSLSR %#lx)", read_sysreg(oslsr_el1));
	/* AArch64.GenerateDebugExceptionsFrom() is FALSE while OSLK=1 (BRK excepted). */
	report_deviation("oslock-bp-fires", v == NO_EXCEPTION,
			 "with the OS lock set the breakpoint does not fire (got EC %#x) [DDI 0487 D2.5 The OS Lock]", v);
	write_sysreg(0, oslar_el1);
	isb();
	write_sysreg(0, dbgbcr0_el1);
	isb();
	v = catch_exception(run_bp_target, NULL, &f);
	report(v == NO_EXCEPTION, "disabled (DBGBCR0_EL1.E=0) it does not fire (got EC %#x)", v);
	clear_debug();
	report_prefix_pop();
}

/* --- ctx: context ID breakpoints, unlinked and linked to an address one ---- */

#define BCR_BT_LINKED_ADDR (1UL << 20)
#define BCR_BT_CTX (2UL << 20)
#define BCR_BT_LINKED_CTX (3UL << 20)
#define BCR_LBN(n) ((unsigned long)(n) << 16)

/* DBGBVR<n>_EL1/DBGBCR<n>_EL1 by number: the encoding holds n. */
#define BP_CASE(n) case n: write_sysreg(bvr, dbgbvr##n##_el1); write_sysreg(bcr, dbgbcr##n##_el1); break;
static void set_bp(unsigned n, unsigned long bvr, unsigned long bcr)
{
	switch (n) {
	BP_CASE(0) BP_CASE(1) BP_CASE(2) BP_CASE(3) BP_CASE(4) BP_CASE(5) BP_CASE(6) BP_CASE(7)
	BP_CASE(8) BP_CASE(9) BP_CASE(10) BP_CASE(11) BP_CASE(12) BP_CASE(13) BP_CASE(14) BP_CASE(15)
	}
	isb();
}

extern char ctx_here[];
static void run_ctx_target(void *arg)
{
	(void)arg;
	__asm__ volatile("msr daifclr, #8\n\t"
			 ".globl ctx_here\nctx_here: isb\n\t"
			 "nop\n\t"
			 "msr daifset, #8" ::: "memory");
}

static void set_contextidr(unsigned long v)
{
	write_sysreg(v, contextidr_el1);
	isb();
}

/*
 * DDI 0487 D2.9 (Breakpoint exceptions): the context-aware breakpoints are
 * the highest-numbered CTX_CMPs + 1 (ID_AA64DFR0_EL1); DBGBCR<n>_EL1.BT
 * 0b0010 is an unlinked Context ID match (any instruction while
 * CONTEXTIDR_EL1 equals DBGBVR<n>_EL1[31:0]), 0b0001 a linked address match
 * that fires only when the context breakpoint LBN names (BT 0b0011) matches.
 */
static void test_ctx(void)
{
	unsigned long dfr0 = read_sysreg(id_aa64dfr0_el1);
	unsigned brps = (unsigned)ID_FIELD(dfr0, 12) + 1, ctx = brps - 1;
	unsigned long ctl = BCR_E | BCR_PMC_EL1_EL0 | BCR_BAS_ALL;
	struct fault f;
	int v;

	report_prefix_push("ctx");
	report_info("%u breakpoints, the last %u context-aware: using %u and 0", brps,
		    (unsigned)ID_FIELD(dfr0, 28) + 1, ctx);
	set_debug(MDSCR_MDE | MDSCR_KDE);
	set_contextidr(0x42);
	set_bp(ctx, 0x42, ctl | BCR_BT_CTX);
	v = catch_exception(run_ctx_target, NULL, &f);
	report_deviation("bp-ctx-unlinked-ignored",
			 v == EC_BREAKPT_CUR && f.pc >= (unsigned long)ctx_here - 4 && f.pc <= (unsigned long)ctx_here + 4,
			 "unlinked Context ID match, CONTEXTIDR_EL1 equal: EC 0x31 at the first instruction with D unmasked (got EC %#x at %#lx, near %p)",
			 v, f.pc, ctx_here);
	set_contextidr(0x43);
	v = catch_exception(run_ctx_target, NULL, &f);
	report(v == NO_EXCEPTION, "CONTEXTIDR_EL1 different: no breakpoint (got EC %#x)", v);

	set_bp(ctx, 0x42, ctl | BCR_BT_LINKED_CTX);
	set_bp(0, (unsigned long)bp_here, ctl | BCR_BT_LINKED_ADDR | BCR_LBN(ctx));
	v = catch_exception(run_bp_target, NULL, &f);
	report(v == NO_EXCEPTION, "linked address match, its context breakpoint not matching: no breakpoint (got EC %#x)", v);
	set_contextidr(0x42);
	v = catch_exception(run_bp_target, NULL, &f);
	report(v == EC_BREAKPT_CUR && f.pc == (unsigned long)bp_here,
	       "linked address match with its context breakpoint matching: EC 0x31 at the address (got EC %#x at %#lx, want %p)",
	       v, f.pc, bp_here);
	set_bp(ctx, 0, 0);
	set_bp(0, 0, 0);
	set_contextidr(0);
	clear_debug();
	report_prefix_pop();
}

/* --- wp -------------------------------------------------------------------- */

static volatile uint8_t watched[16] __attribute__((aligned(8)));

static void store_watched(void *arg)
{
	(void)arg;
	__asm__ volatile("msr daifclr, #8\n\tisb\n\t"
			 "strb wzr, [%0]\n\t"
			 "msr daifset, #8" :: "r"(&watched[3]) : "memory");
}

static void load_watched(void *arg)
{
	(void)arg;
	__asm__ volatile("msr daifclr, #8\n\tisb\n\t"
			 "ldrb w9, [%0]\n\t"
			 "msr daifset, #8" :: "r"(&watched[3]) : "memory", "x9");
}

static bool far_in_block(unsigned long far)
{
	return far >= (uintptr_t)watched && far < (uintptr_t)watched + 8;
}

static void test_wp(void)
{
	struct fault f;
	int v;

	report_prefix_push("wp");
	set_debug(MDSCR_MDE | MDSCR_KDE);
	write_sysreg((uintptr_t)watched, dbgwvr0_el1);
	write_sysreg(WCR_E | WCR_PAC_EL1_EL0 | WCR_LSC_STORE | WCR_BAS(1 << 3), dbgwcr0_el1);
	isb();
	v = catch_exception(store_watched, NULL, &f);
	report(v == EC_WATCHPT_CUR && (f.error_code & ESR_WNR) && far_in_block(f.addr),
	       "a store to the watched byte: EC 0x35, WnR=1, FAR in its doubleword (got EC %#x, ESR %#lx, FAR %#lx) [DDI 0487 D2.10 Watchpoint exceptions]",
	       v, f.error_code, f.addr);
	v = catch_exception(load_watched, NULL, &f);
	report(v == NO_EXCEPTION, "a load does not trip a store watchpoint (got EC %#x)", v);
	write_sysreg(WCR_E | WCR_PAC_EL1_EL0 | WCR_LSC_LOAD | WCR_BAS(1 << 3), dbgwcr0_el1);
	isb();
	v = catch_exception(load_watched, NULL, &f);
	report(v == EC_WATCHPT_CUR && !(f.error_code & ESR_WNR) && far_in_block(f.addr),
	       "a load watchpoint fires on a load with WnR=0 (got EC %#x, ESR %#lx, FAR %#lx)", v, f.error_code, f.addr);
	write_sysreg(WCR_E | WCR_PAC_EL1_EL0 | WCR_LSC_STORE | WCR_BAS(1 << 4), dbgwcr0_el1);
	isb();
	v = catch_exception(store_watched, NULL, &f);
	report(v == NO_EXCEPTION, "a store to the next byte of the doubleword does not fire (BAS selects byte 4; got EC %#x)", v);
	clear_debug();
	report_prefix_pop();
}

/*
 * --- wpctx: a watchpoint linked to a Context ID breakpoint -----------------
 * DDI 0487 D2.10 and DBGWCR<n>_EL1.WT = 1, LBN: the watchpoint fires only
 * while the linked Context ID breakpoint (BT 0b0011) matches.
 */
static void test_wpctx(void)
{
	unsigned ctx = (unsigned)ID_FIELD(read_sysreg(id_aa64dfr0_el1), 12);   /* the last breakpoint */
	struct fault f;
	int v;

	report_prefix_push("wpctx");
	set_debug(MDSCR_MDE | MDSCR_KDE);
	set_bp(ctx, 0x42, BCR_E | BCR_PMC_EL1_EL0 | BCR_BAS_ALL | BCR_BT_LINKED_CTX);
	write_sysreg((uintptr_t)watched, dbgwvr0_el1);
	write_sysreg(WCR_E | WCR_PAC_EL1_EL0 | WCR_LSC_STORE | WCR_BAS(1 << 3) | (1UL << 20) | ((unsigned long)ctx << 16),
		     dbgwcr0_el1);
	isb();
	set_contextidr(0x43);
	v = catch_exception(store_watched, NULL, &f);
	report(v == NO_EXCEPTION, "linked, CONTEXTIDR_EL1 not matching: the store does not fire (got EC %#x)", v);
	set_contextidr(0x42);
	v = catch_exception(store_watched, NULL, &f);
	report(v == EC_WATCHPT_CUR && far_in_block(f.addr),
	       "linked, CONTEXTIDR_EL1 matching: EC 0x35, FAR in the doubleword (got EC %#x, FAR %#lx)", v, f.addr);
	set_bp(ctx, 0, 0);
	set_contextidr(0);
	clear_debug();
	report_prefix_pop();
}

/*
 * --- wpmask: an address-range watchpoint -------------------------------------
 * DDI 0487 D2.10 and DBGWCR<n>_EL1.MASK: MASK = m (3..31) watches the
 * 2^m-byte block DBGWVR<n>_EL1 names (aligned; BAS all ones).
 */
static volatile uint8_t range[128] __attribute__((aligned(64)));

static void store_at(void *arg)
{
	__asm__ volatile("msr daifclr, #8\n\tisb\n\t"
			 "strb wzr, [%0]\n\t"
			 "msr daifset, #8" :: "r"(arg) : "memory");
}

static void test_wpmask(void)
{
	struct fault f;
	int v;

	report_prefix_push("wpmask");
	set_debug(MDSCR_MDE | MDSCR_KDE);
	write_sysreg((uintptr_t)range, dbgwvr0_el1);
	write_sysreg(WCR_E | WCR_PAC_EL1_EL0 | WCR_LSC_STORE | WCR_BAS(0xff) | (6UL << 24), dbgwcr0_el1);
	isb();
	v = catch_exception(store_at, (void *)&range[40], &f);
	report(v == EC_WATCHPT_CUR && f.addr >= (uintptr_t)range && f.addr < (uintptr_t)range + 64,
	       "MASK = 6: a store 40 bytes into the 64-byte block fires, FAR in it (got EC %#x, FAR %#lx, block %p)", v,
	       f.addr, range);
	v = catch_exception(store_at, (void *)&range[64], &f);
	report(v == NO_EXCEPTION, "a store just past the block does not (got EC %#x)", v);
	clear_debug();
	report_prefix_pop();
}

/* --- step: ERET to two EL0 instructions with SPSR_EL1.SS=1 ----------------- */

extern char step_first[], step_second[];
__asm__(".pushsection .text\n"
	".globl step_first, step_second\n"
	"step_first: nop\n"
	"step_second: nop\n"
	"svc #0\n"   /* not reached when the step works: the step exception comes first */
	".popsection");

static void eret_stepping(void *arg)
{
	(void)arg;
	/* EL0t, DAIF masked except D, SS=1: step the first instruction. */
	__asm__ volatile("msr elr_el1, %0\n\t"
			 "msr spsr_el1, %1\n\t"
			 "isb\n\t"
			 "eret" :: "r"(step_first), "r"((1UL << 21) | 0x1c0) : "memory");
}

static void test_step(void)
{
	struct fault f;
	int v;

	set_debug(MDSCR_MDE | MDSCR_KDE | MDSCR_SS);
	v = catch_exception(eret_stepping, NULL, &f);
	clear_debug();
	report(v == EC_SOFTSTP_LOW && f.pc == (unsigned long)step_second,
	       "step: one EL0 instruction, then EC 0x32 with ELR at the next (got EC %#x at %#lx, want %p) [DDI 0487 D2.12 Software Step exceptions]",
	       v, f.pc, step_second);
}

/*
 * --- step across an exception: the stepped EL0 instruction takes one ------
 * DDI 0487 D2.12 (Software Step exceptions) and the pseudocode: an
 * exception-generating instruction completes (SSAdvance() in
 * AArch64.CallSupervisor()), so SPSR_EL1.SS = 0 and an ERET with it takes the
 * step exception at once (active-pending); an instruction that aborts did
 * not complete, so SPSR_EL1.SS stays 1 and it is stepped again.
 */
extern char step_svc[], step_abort[];
__asm__(".pushsection .text\n"
	".globl step_svc, step_abort\n"
	"step_svc: svc #5\n"
	"	nop\n"
	"step_abort: ldr x0, [x1]\n"   /* x1 = an address outside the 32-bit VA range */
	"	nop\n"
	".popsection");

static void eret_stepping_to(void *target)
{
	register unsigned long x1 __asm__("x1") = 1UL << 32;

	__asm__ volatile("msr elr_el1, %0\n\t"
			 "msr spsr_el1, %1\n\t"
			 "isb\n\t"
			 "eret" :: "r"(target), "r"((1UL << 21) | 0x1c0), "r"(x1) : "memory");
}

/*
 * ERET to target at EL0 with SPSR_EL1.SS = 0 and MDSCR_EL1.SS = 1: software
 * step is active-pending, so the step exception comes before target runs.
 * x1 as above: if no step exception comes, the load after target aborts.
 */
static void eret_pending_to(void *target)
{
	register unsigned long x1 __asm__("x1") = 1UL << 32;

	__asm__ volatile("msr elr_el1, %0\n\t"
			 "msr spsr_el1, %1\n\t"
			 "isb\n\t"
			 "eret" :: "r"(target), "r"(0x1c0UL), "r"(x1) : "memory");
}

static void test_step_exc(void)
{
	struct fault f;
	int v;

	report_prefix_push("step-exc");
	set_debug(MDSCR_MDE | MDSCR_KDE | MDSCR_SS);
	v = catch_exception(eret_stepping_to, step_svc, &f);
	report(v == EC_SVC64 && !(f.aux & (1UL << 21)),
	       "a stepped SVC takes its exception with SPSR_EL1.SS = 0 (got EC %#x, SPSR %#lx) [DDI 0487 D2.12, AArch64.CallSupervisor() SSAdvance()]",
	       v, f.aux);
	/* What the SVC's handler would do next: return to the instruction after it with SS = 0. */
	v = catch_exception(eret_pending_to, step_svc + 4, &f);
	report(v == EC_SOFTSTP_LOW && f.pc == (unsigned long)(step_svc + 4),
	       "the ERET back with SPSR_EL1.SS = 0 takes the step exception before the next instruction runs "
	       "(active-pending): EC 0x32 at %p (got EC %#x at %#lx) [DDI 0487 D2.12 Software Step, active-pending state]",
	       step_svc + 4, v, f.pc);
	v = catch_exception(eret_stepping_to, step_abort, &f);
	report(v == EC_DABT_LOW && (f.aux & (1UL << 21)) && f.pc == (unsigned long)step_abort,
	       "a stepped load that aborts: EC 0x24 at it with SPSR_EL1.SS = 1, it did not complete (got EC %#x at %#lx, SPSR %#lx)",
	       v, f.pc, f.aux);
	clear_debug();
	report_prefix_pop();
}

/* --- el0 ------------------------------------------------------------------- */

static void el0_read_bvr(void *arg) { (void)arg; (void)read_sysreg(dbgbvr0_el1); }
static void el0_read_mdscr(void *arg) { (void)arg; (void)read_sysreg(mdscr_el1); }
static void el0_read_mdccsr(void *arg) { (void)arg; (void)read_sysreg(S2_3_C0_C1_0); }   /* MDCCSR_EL0 */
static void el0_read_dbgdtr(void *arg) { (void)arg; (void)read_sysreg(S2_3_C0_C4_0); }   /* DBGDTR_EL0 */

static void test_el0(void)
{
	struct fault f;
	int v;

	report_prefix_push("el0");
	v = run_in_user(el0_read_bvr, NULL, &f);
	report(v == EC_UNKNOWN, "MRS DBGBVR0_EL1 at EL0 is UNDEFINED (got EC %#x) [DDI 0487 D13 register access at EL0]", v);
	v = run_in_user(el0_read_mdscr, NULL, &f);
	report(v == EC_UNKNOWN, "MRS MDSCR_EL1 at EL0 is UNDEFINED (got EC %#x)", v);
	/*
	 * The debug communications channel is EL0's to use unless
	 * MDSCR_EL1.TDCC = 1, which traps EL0's accesses to MDCCSR_EL0 and
	 * DBGDTR_EL0 to EL1 with EC 0x18 [DDI 0487 MDSCR_EL1.TDCC].
	 */
	set_debug(0);
	v = run_in_user(el0_read_mdccsr, NULL, &f);
	report(v == NO_EXCEPTION, "TDCC=0: MRS MDCCSR_EL0 at EL0 runs (got EC %#x) [DDI 0487 MDSCR_EL1.TDCC, MDCCSR_EL0]", v);
	v = run_in_user(el0_read_dbgdtr, NULL, &f);
	report_deviation("dbgdtr-el0-missing", v == NO_EXCEPTION,
			 "TDCC=0: MRS DBGDTR_EL0 at EL0 runs (got EC %#x) [DDI 0487 DBGDTR_EL0]", v);
	set_debug(MDSCR_TDCC);
	v = run_in_user(el0_read_mdccsr, NULL, &f);
	report_deviation("dcc-tdcc-ignored", v == EC_SYSREG,
			 "TDCC=1: MRS MDCCSR_EL0 at EL0 traps to EL1, EC 0x18 (got EC %#x) [DDI 0487 MDSCR_EL1.TDCC]", v);
	v = run_in_user(el0_read_dbgdtr, NULL, &f);
	/* An UNDEFINED DBGDTR_EL0 (EC 0x00) is the missing register's row, not TDCC's. */
	report_deviation(v == 0 ? "dbgdtr-el0-missing" : "dcc-tdcc-ignored", v == EC_SYSREG,
			 "TDCC=1: MRS DBGDTR_EL0 at EL0 traps to EL1, EC 0x18 (got EC %#x)", v);
	clear_debug();
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = {
		{ "brk", test_brk }, { "bp", test_bp }, { "ctx", test_ctx }, { "wp", test_wp }, { "wpctx", test_wpctx }, { "wpmask", test_wpmask }, { "step", test_step }, { "step-exc", test_step_exc }, { "el0", test_el0 },
	};

	(void)envp;
	report_prefix_push("debug");
	run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	report_prefix_pop();
	return report_summary();
}
