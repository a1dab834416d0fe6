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

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = {
		{ "sizes", test_sizes }, { "noreserve", test_noreserve }, { "lost", test_lost },
		{ "contend", test_contend }, { "align", test_align },
	};

	(void)envp;
	report_prefix_push("atomics");
	run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	report_prefix_pop();
	return report_summary();
}
