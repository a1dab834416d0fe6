/*
 * atomics: load-and-reserve / store-conditional, from the Power ISA v3.1
 * Book II section "Load And Reserve and Store Conditional Instructions" and
 * Book III "Alignment Interrupt".
 *
 *   sizes     lbarx/stbcx., lharx/sthcx., lwarx/stwcx., ldarx/stdcx.: a
 *             store-conditional right after its load-and-reserve succeeds
 *             (CR0.EQ=1) and stores exactly its size
 *   noreserve a store-conditional with no reservation (the previous one
 *             consumed it) fails (CR0.EQ=0) and stores nothing
 *   lost      another CPU's store to the reservation granule ends the
 *             reservation: the store-conditional fails, when it stores a new
 *             value to the reserved doubleword, the value already there (the
 *             reservation is lost by the store, not by a change of value), or
 *             to the other doubleword of the same 16 bytes (the granule is at
 *             least 16 bytes)
 *   contend   two CPUs each add 1 to one word 200000 times with lwarx/stwcx.
 *             loops, starting together: the word ends at exactly 400000
 *   align     lwarx of a misaligned address is an Alignment interrupt (0x600)
 *   quad      lqarx/stqcx. (Book II "Load Quadword And Reserve Indexed",
 *             "Store Quadword Conditional Indexed"): the even/odd register
 *             pair holds the doublewords at EA and EA+8 in big-endian mode and
 *             at EA+8 and EA (each byte-reversed, i.e. read in the LE order)
 *             in little-endian mode, both for the load and the store; CR0 is
 *             0b00 || store-performed || XER[SO]; a stqcx. without reservation
 *             stores nothing; another CPU's store to either doubleword of the
 *             quadword ends the reservation; lqarx of an address 8 mod 16 is
 *             an Alignment interrupt
 *   ci        a larx to Caching Inhibited storage: the outcome is printed, not
 *             asserted (see test_ci())
 */
#include "hvut.h"
#include <asm/processor.h>

#define ALIGNMENT_INTERRUPT 0x600
#define CONTEND_ROUNDS 200000

static volatile uint64_t cell[4] __attribute__((aligned(128)));

/* 1 when stcx. succeeded (CR0.EQ), after a larx of the same size at p. */
#define LARX_STCX(sz, larx, stcx)                                                      \
	static int pair_##sz(volatile void *p, unsigned long v)                           \
	{                                                                                 \
		unsigned long old, cr;                                                    \
		__asm__ volatile(larx " %0, 0, %2\n\t" stcx " %3, 0, %2\n\tmfcr %1"      \
				 : "=&r"(old), "=r"(cr) : "r"(p), "r"(v) : "cr0", "memory");   \
		(void)old;                                                                \
		return !!(cr & 0x20000000);                                               \
	}
LARX_STCX(8, "lbarx", "stbcx.")
LARX_STCX(16, "lharx", "sthcx.")
LARX_STCX(32, "lwarx", "stwcx.")
LARX_STCX(64, "ldarx", "stdcx.")

/*
 * The store-conditional stores its size at the address and no more: the
 * first bits/8 bytes in memory become 0xa5, the rest of the doubleword keeps
 * 0x11. Counted in bytes at increasing addresses, so the check holds in both
 * endiannesses (which bytes of the register are stored differs, not where).
 */
static void test_sizes(void)
{
	static const struct { unsigned bits; int (*fn)(volatile void *, unsigned long); } s[] = {
		{ 8, pair_8 }, { 16, pair_16 }, { 32, pair_32 }, { 64, pair_64 },
	};
	volatile uint8_t *bytes = (volatile uint8_t *)&cell[0];

	report_prefix_push("sizes");
	for (unsigned i = 0; i < ARRAY_SIZE(s); i++) {
		unsigned stored = 0, kept = 0;
		int ok;

		cell[0] = 0x1111111111111111ULL;
		ok = s[i].fn(&cell[0], 0xa5a5a5a5a5a5a5a5ULL);
		for (unsigned b = 0; b < 8; b++) {
			if (b < s[i].bits / 8)
				stored += bytes[b] == 0xa5;
			else
				kept += bytes[b] == 0x11;
		}
		report(ok && stored == s[i].bits / 8 && kept == 8 - s[i].bits / 8,
		       "%u-bit: store-conditional after its load-and-reserve succeeds and stores %u bits (CR0.EQ %d, %#llx) [Power ISA v3.1 Book II 4.4.2]",
		       s[i].bits, s[i].bits, ok, (unsigned long long)cell[0]);
	}
	report_prefix_pop();
}

static void test_noreserve(void)
{
	unsigned long cr;

	cell[0] = 7;
	pair_64(&cell[0], 8);   /* consumes the reservation */
	__asm__ volatile("stdcx. %1, 0, %2\n\tmfcr %0" : "=r"(cr) : "r"(9UL), "r"(&cell[0]) : "cr0", "memory");
	report(!(cr & 0x20000000) && cell[0] == 8,
	       "noreserve: stdcx. with no reservation fails and stores nothing (CR0.EQ %d, cell %llu)",
	       !!(cr & 0x20000000), (unsigned long long)cell[0]);
}

/* --- lost: CPU 1 stores into the granule between CPU 0's ldarx and stdcx. -- */

static volatile int phase;
static volatile uint64_t store_value;
static volatile uint64_t *store_target;

static void remote_store(void *arg)
{
	(void)arg;
	while (phase != 1)
		cpu_relax();
	*store_target = store_value;
	__asm__ volatile("sync" ::: "memory");
	phase = 2;
}

static int reserve_then_wait(void)
{
	unsigned long old, cr;

	/* ldarx, let CPU 1 store, then stdcx.: no stores of our own in between. */
	__asm__ volatile("ldarx %0, 0, %2\n\t"
			 "li 9, 1\n\t"
			 "stw 9, 0(%3)\n\t"     /* phase = 1: a store, but not into the granule */
			 "sync\n"
			 "1:\tlwz 9, 0(%3)\n\t"
			 "cmpwi 9, 2\n\t"
			 "bne 1b\n\t"
			 "stdcx. %0, 0, %2\n\t"
			 "mfcr %1"
			 : "=&r"(old), "=r"(cr) : "r"(&cell[0]), "r"(&phase) : "r9", "cr0", "memory");
	return !!(cr & 0x20000000);
}

/* CPU 1 stores v to *target while CPU 0 holds a reservation on cell[0]: did stdcx. succeed? */
static int stdcx_after_remote_store(volatile uint64_t *target, uint64_t v)
{
	int ok;

	cell[0] = 5;
	cell[1] = 6;
	store_target = target;
	store_value = v;
	phase = 0;
	on_cpu_async(1, remote_store, NULL);
	ok = reserve_then_wait();
	on_cpu_wait(1);
	return ok;
}

static void test_lost(void)
{
	if (nr_cpus() < 2) {
		report_skip("lost: needs 2 CPUs (smp = 2)");
		return;
	}
	report_prefix_push("lost");
	report(!stdcx_after_remote_store(&cell[0], 1234),
	       "another CPU stores a new value to the reserved doubleword: stdcx. fails [Power ISA v3.1 Book II 4.4.2]");
	report_deviation("ppc-reservation-by-value", !stdcx_after_remote_store(&cell[0], 5),
			 "another CPU stores the value already there: stdcx. still fails");
	report_deviation("ppc-reservation-by-value", !stdcx_after_remote_store(&cell[1], 1234),
			 "another CPU stores to the other doubleword of the same 16-byte granule: stdcx. fails");
	report_prefix_pop();
}

/* --- contend --------------------------------------------------------------- */

static volatile uint32_t counter;
static volatile int go, ready;

static void add_many(void *arg)
{
	(void)arg;
	if (smp_id())
		ready = 1;
	while (!go)
		cpu_relax();
	for (int i = 0; i < CONTEND_ROUNDS; i++) {
		unsigned long t;

		__asm__ volatile("1:\tlwarx %0, 0, %1\n\taddi %0, %0, 1\n\tstwcx. %0, 0, %1\n\tbne- 1b"
				 : "=&r"(t) : "r"(&counter) : "cr0", "memory");
	}
}

static void test_contend(void)
{
	if (nr_cpus() < 2) {
		report_skip("contend: needs 2 CPUs (smp = 2)");
		return;
	}
	counter = 0;
	go = ready = 0;
	on_cpu_async(1, add_many, NULL);
	while (!ready)
		cpu_relax();
	go = 1;
	add_many(NULL);
	on_cpu_wait(1);
	report(counter == 2 * CONTEND_ROUNDS, "contend: two CPUs x %d lwarx/stwcx. increments = %u (want %d)",
	       CONTEND_ROUNDS, counter, 2 * CONTEND_ROUNDS);
}

/* --- align ----------------------------------------------------------------- */

static void misaligned_lwarx(void *arg)
{
	unsigned long v;

	__asm__ volatile("lwarx %0, 0, %1" : "=r"(v) : "r"((uintptr_t)arg) : "memory");
}

static void test_align(void)
{
	struct fault f;
	int v = catch_exception(misaligned_lwarx, (void *)((uintptr_t)&cell[2] + 2), &f);

	report(v == ALIGNMENT_INTERRUPT, "align: lwarx of an address 2 mod 4: Alignment interrupt 0x600 (got %#x) [Power ISA v3.1 Book III 7.5.8]",
	       v);
}

/* --- quad: lqarx / stqcx. ------------------------------------------------- */

/*
 * Encoded by hand so that gcc and clang assemble the same thing (X-form 31:
 * RT 6:10, RA 11:15, RB 16:20, XO 21:30, bit 31 EH / Rc): lqarx r10, 0, r9
 * (XO 276) and stqcx. r6, 0, r9 (XO 182, Rc = 1). RTp and RSp must be even.
 */
#define LQARX_R10_R9 ".long (31 << 26) | (10 << 21) | (9 << 11) | (276 << 1)"
#define STQCX_R6_R9 ".long (31 << 26) | (6 << 21) | (9 << 11) | (182 << 1) | 1"
#define CR0_LT 8
#define CR0_GT 4
#define CR0_EQ 2
#define CR0_SO 1
#define XER_SO (1UL << 31)

static volatile uint64_t quad[4] __attribute__((aligned(64)));

/*
 * Which doubleword of storage goes with the even register (Book II lqarx,
 * stqcx.): the one at EA in big-endian mode, the one at EA+8 in little-endian
 * mode (the odd register takes the other). In memory order, as this build
 * reads them with ld.
 */
#ifdef __LITTLE_ENDIAN__
#define EVEN_DW 1
#else
#define EVEN_DW 0
#endif

struct quad_op {
	volatile void *ea;
	uint64_t even, odd;      /* stqcx. sources (r6, r7) */
	uint64_t got_even, got_odd;
	unsigned cr0;
};

/* lqarx r10:r11, then stqcx. r6:r7 at the same EA, with XER[SO] = so; CR0 after stqcx. */
static void lq_stq(struct quad_op *q, bool so)
{
	register unsigned long ea __asm__("r9") = (uintptr_t)q->ea;
	register uint64_t s0 __asm__("r6") = q->even, s1 __asm__("r7") = q->odd;
	register uint64_t t0 __asm__("r10"), t1 __asm__("r11");
	unsigned long cr;

	__asm__ volatile("mtxer %[xer]\n\t" LQARX_R10_R9 "\n\t" STQCX_R6_R9 "\n\tmfcr %[cr]\n\tli 0, 0\n\tmtxer 0"
			 : [cr] "=&r"(cr), "=&r"(t0), "=&r"(t1)
			 : "r"(ea), "r"(s0), "r"(s1), [xer] "r"(so ? XER_SO : 0UL)
			 : "r0", "xer", "cr0", "memory");
	q->got_even = t0;
	q->got_odd = t1;
	q->cr0 = (cr >> 28) & 0xf;
}

/* stqcx. alone: CR0 after it. */
static unsigned stq_only(volatile void *p, uint64_t even, uint64_t odd)
{
	register unsigned long ea __asm__("r9") = (uintptr_t)p;
	register uint64_t s0 __asm__("r6") = even, s1 __asm__("r7") = odd;
	unsigned long cr;

	__asm__ volatile(STQCX_R6_R9 "\n\tmfcr %0" : "=r"(cr) : "r"(ea), "r"(s0), "r"(s1) : "cr0", "memory");
	return (cr >> 28) & 0xf;
}

static void lq_stq_plain(void *arg)
{
	lq_stq(arg, false);
}

/* Returns false when stqcx. did not complete (the rest then cannot run). */
static bool quad_roundtrip(void)
{
	struct quad_op q = { .ea = &quad[0], .even = 0xc0c1c2c3c4c5c6c7UL, .odd = 0xd0d1d2d3d4d5d6d7UL };
	uint64_t want_even, want_odd;
	struct fault f;
	int vec;

	quad[0] = 0xa0a1a2a3a4a5a6a7UL;
	quad[1] = 0xb0b1b2b3b4b5b6b7UL;
	want_even = quad[EVEN_DW];
	want_odd = quad[1 - EVEN_DW];
	/* Real mode, aligned, reserved: nothing here may interrupt (Book III 7.5.2/7.5.3 need translation). */
	vec = catch_exception(lq_stq_plain, &q, &f);
	if (!report_deviation("ppc-stqcx-data-segment", vec == NO_EXCEPTION,
			      "lqarx + stqcx. of an aligned quadword in real mode: no interrupt (got %s at %#lx)",
			      vec == NO_EXCEPTION ? "none" : exception_name(vec), (unsigned long)f.pc))
		return false;
	report(q.got_even == want_even && q.got_odd == want_odd,
	       "lqarx loads the even register with the doubleword at EA%s, the odd one with the other (%#lx %#lx) [Power ISA v3.1 Book II lqarx]",
	       EVEN_DW ? "+8 (little-endian)" : " (big-endian)", (unsigned long)q.got_even, (unsigned long)q.got_odd);
	report(q.cr0 == CR0_EQ, "stqcx. right after lqarx: CR0 = 0b0010 (LT GT EQ SO = %u%u%u%u) [Book II stqcx.: CR0 = 0b00 || n || XER[SO]]",
	       !!(q.cr0 & CR0_LT), !!(q.cr0 & CR0_GT), !!(q.cr0 & CR0_EQ), !!(q.cr0 & CR0_SO));
	report(quad[EVEN_DW] == q.even && quad[1 - EVEN_DW] == q.odd,
	       "and stores the even register at EA%s, the odd one beside it (%#lx %#lx)",
	       EVEN_DW ? "+8" : "", (unsigned long)quad[0], (unsigned long)quad[1]);

	q.even = 1;
	q.odd = 2;
	lq_stq(&q, true);
	report(q.cr0 == (CR0_EQ | CR0_SO) && quad[EVEN_DW] == 1 && quad[1 - EVEN_DW] == 2,
	       "with XER[SO] = 1: CR0 = 0b0011, stored (CR0 %#x)", q.cr0);

	/* Nothing reserved now: the last stqcx. consumed it (Book II 4.4.2). */
	q.cr0 = stq_only(&quad[0], 3, 4);
	report(q.cr0 == 0 && quad[EVEN_DW] == 1 && quad[1 - EVEN_DW] == 2,
	       "stqcx. with no reservation: CR0 = 0b0000, the quadword unchanged (CR0 %#x, %#lx %#lx)",
	       q.cr0, (unsigned long)quad[0], (unsigned long)quad[1]);
	return true;
}

/* CPU 0 holds a quadword reservation while CPU 1 stores v to *target; did stqcx. succeed? */
static int quad_phase;
static void quad_remote_store(void *arg)
{
	uint64_t end = mftb() + 10 * tb_hz;

	(void)arg;
	while (__atomic_load_n(&quad_phase, __ATOMIC_ACQUIRE) != 1 && mftb() < end)
		cpu_relax();
	*store_target = store_value;
	__asm__ volatile("sync" ::: "memory");
	__atomic_store_n(&quad_phase, 2, __ATOMIC_RELEASE);
}

static int stqcx_after_remote_store(volatile uint64_t *target, uint64_t v, bool *timed_out)
{
	unsigned long cr, end;

	quad[0] = 5;
	quad[1] = 6;
	store_target = target;
	store_value = v;
	quad_phase = 0;
	on_cpu_async(1, quad_remote_store, NULL);
	end = mftb() + 10 * tb_hz;
	/*
	 * The register variables only now, after the calls: a call may use
	 * r6/r7/r9, and gcc then did not load them again for the asm.
	 */
	register unsigned long ea __asm__("r9") = (uintptr_t)&quad[0];
	register uint64_t s0 __asm__("r6") = 0x77, s1 __asm__("r7") = 0x88;
	/*
	 * lqarx, phase = 1, wait (at most 10 s of timebase) for CPU 1's
	 * phase = 2, stqcx.: no store of ours into the quadword in between.
	 */
	__asm__ volatile(LQARX_R10_R9 "\n\t"
			 "li 8, 1\n\t"
			 "stw 8, 0(%[ph])\n\t"
			 "sync\n"
			 "1:\tlwz 8, 0(%[ph])\n\t"
			 "cmpwi 8, 2\n\t"
			 "beq 2f\n\t"
			 "mftb 8\n\t"
			 "cmpld 8, %[end]\n\t"
			 "blt 1b\n"
			 "2:\t" STQCX_R6_R9 "\n\t"
			 "mfcr %[cr]"
			 : [cr] "=r"(cr)
			 : "r"(ea), "r"(s0), "r"(s1), [ph] "b"(&quad_phase), [end] "r"(end)
			 : "r8", "r10", "r11", "cr0", "memory");
	on_cpu_wait(1);
	*timed_out = quad_phase != 2;
	return !!((cr >> 28) & CR0_EQ);
}

static void quad_lost(void)
{
	static const struct { int dw; bool same; const char *what; } cases[] = {
		{ 0, false, "a new value to the doubleword at EA" },
		{ 1, false, "a new value to the doubleword at EA+8" },
		{ 0, true, "the value already in the doubleword at EA" },
	};

	if (nr_cpus() < 2) {
		report_skip("lost: needs 2 CPUs (smp = 2)");
		return;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		bool late;
		uint64_t v = cases[i].same ? 5 : 1234;
		int ok = stqcx_after_remote_store(&quad[cases[i].dw], v, &late);

		if (late) {
			report_fail("quad lost: CPU 1 did not store within 10 s of timebase");
			continue;
		}
		if (cases[i].same) {
			report_deviation("ppc-reservation-by-value", !ok,
					 "another CPU stores %s: stqcx. fails", cases[i].what);
			continue;
		}
		/* The store was not performed: CR0.EQ = 0 and CPU 1's store stays (Book II stqcx.). */
		report(quad[cases[i].dw] == v && quad[1 - cases[i].dw] == (cases[i].dw ? 5 : 6),
		       "another CPU stores %s: stqcx. stores nothing (memory %#lx %#lx)",
		       cases[i].what, (unsigned long)quad[0], (unsigned long)quad[1]);
		report(!ok, "another CPU stores %s: stqcx. reports failure, CR0.EQ = 0 (%d) [Power ISA v3.1 Book II 4.4.2]",
		       cases[i].what, ok);
	}
}

static void misaligned_lqarx(void *arg)
{
	register unsigned long ea __asm__("r9") = (uintptr_t)arg;

	__asm__ volatile(LQARX_R10_R9 :: "r"(ea) : "r10", "r11", "memory");
}

static void test_quad(void)
{
	struct fault f;
	int v;

	report_prefix_push("quad");
	if (quad_roundtrip())
		quad_lost();
	else
		report_skip("the reservation checks need a stqcx. that completes");
	v = catch_exception(misaligned_lqarx, (void *)&quad[1], &f);
	report(v == ALIGNMENT_INTERRUPT && f.addr == (uintptr_t)&quad[1],
	       "lqarx of an address 8 mod 16: Alignment interrupt 0x600, DAR = EA (got %#x, DAR %#lx) [Power ISA v3.1 Book III 7.5.8]",
	       v, (unsigned long)f.addr);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = {
		{ "sizes", test_sizes }, { "noreserve", test_noreserve }, { "lost", test_lost },
		{ "contend", test_contend }, { "align", test_align }, { "quad", test_quad },
	};

	(void)envp;
	report_prefix_push("atomics");
	run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	report_prefix_pop();
	return report_summary();
}
