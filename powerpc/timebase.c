/*
 * timebase: the Time Base and the Decrementer (Power ISA v3.1 Book II 6.2
 * "Time Base", Book III 9 "Time Base, Decrementer..." and 9.4 "Decrementer").
 *   - TB never goes backwards on one CPU, nor from one CPU to another: a
 *     value read after another CPU's read (ordered by a flag) is not smaller;
 *   - the DEC counts down at the TB rate: over a stretch both move by the
 *     same amount (within the few instructions between the reads);
 *   - the DEC's width is what the device tree says ("ibm,dec-bits" in the
 *     cpu node, 32 when absent; PAPR): with 32 bits a value above 2^31 - 1
 *     reads back negative (bit 32 copies into the upper half); with a large
 *     decrementer (LPCR[LD], more bits) 2^40 reads back as itself, counting
 *     down.
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/processor.h>
#include <asm/smp.h>

static volatile uint64_t handoff_tb;
static volatile int handoff_state;
static volatile uint64_t seen_by_1;

static void read_after(void *arg)
{
	(void)arg;
	while (handoff_state != 1)
		cpu_relax();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	seen_by_1 = mftb();
	handoff_state = 2;
}

static void monotonic(void)
{
	uint64_t prev = mftb(), now, backwards = 0;

	for (int i = 0; i < 100000; i++) {
		now = mftb();
		backwards += now < prev;
		prev = now;
	}
	report(!backwards, "TB read 100000 times on CPU 0 never goes backwards (%lu) [Book II 6.2]",
	       (unsigned long)backwards);
	if (nr_cpus() < 2) {
		report_skip("TB across CPUs: needs 2 CPUs");
		return;
	}
	handoff_state = 0;
	on_cpu_async(1, read_after, NULL);
	handoff_tb = mftb();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	handoff_state = 1;
	on_cpu_wait(1);
	report(seen_by_1 >= handoff_tb, "CPU 1 reads a TB not below the one CPU 0 read before telling it (%lu >= %lu)",
	       (unsigned long)seen_by_1, (unsigned long)handoff_tb);
}

static int dec_bits(void)
{
	int cpus = fdt_path_offset("/cpus"), cpu;
	uint32_t bits;

	fdt_for_each_child(cpu, cpus)
		if (fdt_getprop_u32(cpu, "ibm,dec-bits", &bits))
			return (int)bits;
	return 32;
}

static void decrementer(void)
{
	int bits = dec_bits();
	uint64_t a, b, c, d;
	long d0, d1, moved;

	irq_disable();   /* the DEC runs out below: no interrupt wanted */
	mtspr(SPR_DEC, 0x7fffffff);
	/*
	 * Each DEC read sits between two TB reads, so whatever the host does
	 * between instructions: TB(c) - TB(b) <= DEC moved <= TB(d) - TB(a).
	 */
	a = mftb();
	d0 = (long)mfspr(SPR_DEC);
	b = mftb();
	udelay(2000);
	c = mftb();
	d1 = (long)mfspr(SPR_DEC);
	d = mftb();
	moved = d0 - d1;
	report(moved >= (long)(c - b) - 16 && moved <= (long)(d - a) + 16,
	       "DEC counts down at the TB rate: it moved %ld, the TB between %lu and %lu [Book III 9.4]", moved,
	       (unsigned long)(c - b), (unsigned long)(d - a));
	report_info("ibm,dec-bits: %d", bits);
	if (bits <= 32) {
		mtspr(SPR_DEC, 0x80000010UL);
		d0 = (long)mfspr(SPR_DEC);
		report(d0 < 0 && d0 >= (long)(int32_t)0x80000000,
		       "32-bit DEC: 0x80000010 reads back negative, sign-extended (%#lx) [Book III 9.4]", (unsigned long)d0);
	} else {
		mtspr(SPR_DEC, 1UL << 40);
		d0 = (long)mfspr(SPR_DEC);
		report(d0 > 0 && d0 <= (1L << 40) && d0 > (1L << 40) - (long)tb_hz,
		       "large DEC (%d bits): 2^40 reads back as itself, counting down (%#lx) [Book III 9.4, LPCR[LD]]",
		       bits, (unsigned long)d0);
	}
	mtspr(SPR_DEC, 0x7fffffff);
}

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	report_prefix_push("timebase");
	monotonic();
	decrementer();
	report_prefix_pop();
	return report_summary();
}
