/*
 * migration: the CPU state a guest set up is the same after a live migration
 * (docs/protocol.md "Migration"; the harness moves the VM to a new QEMU when
 * the guest asks, lib/migrate.h). What is compared, each against the SDM's
 * definition of the register (it must hold what was written):
 *   - MSRs: IA32_PAT, IA32_TSC_AUX, STAR, LSTAR, SFMASK, FS_BASE,
 *     KERNEL_GS_BASE, SYSENTER_CS/ESP/EIP, EFER;
 *   - CR0, CR3, CR4, DR0-DR3 and DR7, GDTR and IDTR;
 *   - the local APIC: TPR, the LVT timer, and an armed one-shot timer whose
 *     current count goes on counting down on the destination (it neither
 *     stops, restarts nor jumps up; SDM vol. 3A "APIC Timer");
 *   - a fixed self-IPI held pending in the IRR (IF=0) stays pending and is
 *     delivered once after STI (SDM vol. 3A "Interrupt Acceptance for Fixed
 *     Interrupts"); an IOAPIC redirection entry (masked) keeps its fields
 *     (82093AA datasheet 3.2.4);
 *   - IA32_TSC_ADJUST where CPUID.(7,0):EBX[1] lists it (SDM vol. 3B
 *     "Time-Stamp Counter Adjustment");
 *   - the CET MSRs where CPUID.(7,0) lists CET_SS (ECX[7]) or CET_IBT
 *     (EDX[20]): IA32_U_CET and IA32_S_CET, with shadow stacks also
 *     IA32_PL0_SSP..IA32_PL3_SSP and IA32_INTERRUPT_SSP_TABLE_ADDR (SDM vol. 4
 *     Table 2-2, 6A0H-6A8H: writable whenever CET is enumerated, CR4.CET or
 *     not); a SKIP naming both bits elsewhere;
 *   - the TSC never goes back across the migration;
 *   - 1 MiB of memory with a pattern.
 * SYSENTER_ESP/EIP: the SDM (vol. 4 Table 2-2, MSRs 175H/176H; vol. 3A
 * "SYSENTER and SYSEXIT Instructions in IA-32e Mode") makes them 64-bit on
 * Intel 64; the APM (vol. 2 "SYSENTER and SYSEXIT (Legacy Mode Only)") keeps
 * only bits 31:0 on AMD. With an AMD CPUID vendor only those are compared
 * (as x86/msr.c does), and a high half that changed is an INFO line.
 * Argument "corrupt": change IA32_PAT (and IA32_TSC_ADJUST) after the migration, before comparing,
 * so that the comparison is seen to fail (a nodefault entry expects FAIL).
 * Argument "continuous": the harness migrates it back to back while it checks
 * its state (continuous(), below).
 * Where the harness cannot migrate (Bochs, standalone scripts), one SKIP.
 */
#include "hvut.h"
#include "migrate.h"
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/ioapic.h>
#include <asm/msr.h>
#include <asm/processor.h>

static const uint32_t msrs[] = {
	MSR_IA32_CR_PAT, MSR_TSC_AUX, MSR_STAR, MSR_LSTAR, MSR_SYSCALL_MASK, MSR_FS_BASE,
	MSR_KERNEL_GS_BASE, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_EFER,
};
static const uint64_t values[] = {
	0x0007010600070106ULL, 0x1234abcd, 0x0023001000000000ULL, 0xffffffff81234560ULL, 0x47700,
	0x00007f1234560000ULL, 0xffff888012340000ULL, 0x10, 0xffffffff80001000ULL, 0xffffffff80002000ULL, 0,
};

#define MEM_BYTES (1 << 20)
#define TIMER_COUNT 0xf0000000U
#define PENDING_VECTOR 0x61     /* class 6: above the TPR of 0x20 set below */
#define RTE_PIN 23              /* a pin no device of the pc machine drives */
#define RTE_FIXED_FIELDS (~(IOAPIC_DELIVS | IOAPIC_REMOTE_IRR))   /* the rest is read-only status */
#define TSC_ADJUST_VALUE 0x100000000ULL

static volatile unsigned pending_hits;

static void on_pending(struct ex_regs *r)
{
	(void)r;
	pending_hits++;
	apic_eoi();
}

/*
 * Before: a self-IPI left pending with IF=0, a masked redirection entry
 * (destination 0x0f: the high word counts too). Returns the entry written.
 */
static uint64_t set_pending(void)
{
	uint64_t rte = IOAPIC_MASKED | IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW | IOAPIC_DEST(0x0f) | 0x62;

	irq_disable();
	/* SeaBIOS leaves the 8259s programmed (IRQ0 -> vector 8) and unmasked: the STI after the move must see only our IPI. */
	apic_quiet_legacy();
	handle_exception(PENDING_VECTOR, on_pending);
	apic_icr_write(APIC_DEST_SELF | APIC_ICR_FIXED | PENDING_VECTOR, 0);
	ioapic_redir_write(RTE_PIN, rte);
	return rte;
}

/* After: the IPI is still pending and arrives once; the entry kept its fields. */
static void check_pending(bool irr_before, uint64_t rte)
{
	bool irr_after = apic_vector_bit(APIC_IRR, PENDING_VECTOR);
	uint64_t rte_after = ioapic_redir_read(RTE_PIN);

	report(irr_before && irr_after, "a self-IPI pending with IF=0 is still in the IRR (vector %#x: %s before, %s after) "
	       "[SDM vol. 3A Interrupt Acceptance for Fixed Interrupts]", PENDING_VECTOR, irr_before ? "set" : "clear",
	       irr_after ? "set" : "clear");
	irq_enable();
	wait_count_at_least(&pending_hits, 1, APIC_WAIT_TSC);
	irq_disable();
	report(pending_hits == 1, "and is delivered once after STI (%u times)", pending_hits);
	report(!((rte ^ rte_after) & RTE_FIXED_FIELDS), "IOAPIC redirection entry %u kept (%#llx, then %#llx) "
	       "[82093AA 3.2.4]", RTE_PIN, (unsigned long long)rte, (unsigned long long)rte_after);
}

struct state {
	uint64_t msr[ARRAY_SIZE(msrs)];
	unsigned long cr0, cr3, cr4, dr[4], dr7;
	struct descriptor_ptr gdtr, idtr;
	uint32_t tpr, lvt_timer;
};

static void read_state(struct state *s)
{
	for (unsigned i = 0; i < ARRAY_SIZE(msrs); i++)
		s->msr[i] = rdmsr(msrs[i]);
	s->cr0 = read_cr0();
	s->cr3 = read_cr3();
	s->cr4 = read_cr4();
	__asm__ volatile("mov %%dr0, %0" : "=r"(s->dr[0]));
	__asm__ volatile("mov %%dr1, %0" : "=r"(s->dr[1]));
	__asm__ volatile("mov %%dr2, %0" : "=r"(s->dr[2]));
	__asm__ volatile("mov %%dr3, %0" : "=r"(s->dr[3]));
	__asm__ volatile("mov %%dr7, %0" : "=r"(s->dr7));
	__asm__ volatile("sgdt %0" : "=m"(s->gdtr));
	__asm__ volatile("sidt %0" : "=m"(s->idtr));
	s->tpr = apic_read(APIC_TPR);
	s->lvt_timer = apic_read(APIC_LVT_TIMER);
}

static void set_state(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(msrs); i++)
		if (msrs[i] != MSR_EFER)
			wrmsr(msrs[i], values[i]);
	/* DR0-3 hold addresses; DR7 with every enable bit clear: nothing fires. */
	__asm__ volatile("mov %0, %%dr0" :: "r"(0x1111000UL));
	__asm__ volatile("mov %0, %%dr1" :: "r"(0x2222000UL));
	__asm__ volatile("mov %0, %%dr2" :: "r"(0x3333000UL));
	__asm__ volatile("mov %0, %%dr3" :: "r"(0x4444000UL));
	__asm__ volatile("mov %0, %%dr7" :: "r"(0x400UL | (0x3UL << 16)));
	apic_write(APIC_TPR, 0x20);
	/*
	 * One-shot, masked (no interrupt is wanted), vector 0x40, divide by 128:
	 * minutes of counting at any APIC timer rate the VMMs here use, so a
	 * migration of tens of seconds on a loaded host does not end it.
	 */
	apic_write(APIC_TIMER_DIV, 0xa);
	apic_write(APIC_LVT_TIMER, (1U << 16) | 0x40);
	apic_write(APIC_TIMER_INIT, TIMER_COUNT);
}

/* The bits of MSR msr the vendor's manual says the register holds. */
static uint64_t held_bits(uint32_t msr)
{
	if ((msr == MSR_IA32_SYSENTER_ESP || msr == MSR_IA32_SYSENTER_EIP) && cpu_vendor() == X86_VENDOR_AMD)
		return 0xffffffffULL;   /* APM vol. 2 "SYSENTER and SYSEXIT (Legacy Mode Only)" */
	return ~0ULL;
}

static void compare(const struct state *a, const struct state *b)
{
	for (unsigned i = 0; i < ARRAY_SIZE(msrs); i++) {
		uint64_t held = held_bits(msrs[i]);

		if ((a->msr[i] ^ b->msr[i]) & ~held)
			report_info("MSR %#x: bits the AMD vendor's APM does not keep changed (%#llx, then %#llx): "
				    "not compared", msrs[i], (unsigned long long)a->msr[i], (unsigned long long)b->msr[i]);
		report(!((a->msr[i] ^ b->msr[i]) & held), "MSR %#x kept (%#llx, then %#llx)%s", msrs[i],
		       (unsigned long long)a->msr[i], (unsigned long long)b->msr[i],
		       held == ~0ULL ? "" : " [bits 31:0, AMD vendor]");
	}
	report(a->cr0 == b->cr0 && a->cr3 == b->cr3 && a->cr4 == b->cr4,
	       "CR0/CR3/CR4 kept (%#lx/%#lx/%#lx, then %#lx/%#lx/%#lx)", a->cr0, a->cr3, a->cr4, b->cr0, b->cr3, b->cr4);
	report(!memcmp(a->dr, b->dr, sizeof(a->dr)) && a->dr7 == b->dr7, "DR0-DR3 and DR7 kept (DR7 %#lx, then %#lx)",
	       a->dr7, b->dr7);
	report(a->gdtr.base == b->gdtr.base && a->gdtr.limit == b->gdtr.limit && a->idtr.base == b->idtr.base &&
	       a->idtr.limit == b->idtr.limit, "GDTR and IDTR kept");
	report(a->tpr == b->tpr && a->lvt_timer == b->lvt_timer, "APIC TPR and LVT timer kept (%#x %#x, then %#x %#x)",
	       a->tpr, a->lvt_timer, b->tpr, b->lvt_timer);
}

/* compare() without the lines: the same state, on the bits each register holds. */
static bool same_state(const struct state *a, const struct state *b)
{
	for (unsigned i = 0; i < ARRAY_SIZE(msrs); i++)
		if ((a->msr[i] ^ b->msr[i]) & held_bits(msrs[i]))
			return false;
	return a->cr0 == b->cr0 && a->cr3 == b->cr3 && a->cr4 == b->cr4 && !memcmp(a->dr, b->dr, sizeof(a->dr)) &&
	       a->dr7 == b->dr7 && a->gdtr.base == b->gdtr.base && a->gdtr.limit == b->gdtr.limit &&
	       a->idtr.base == b->idtr.base && a->idtr.limit == b->idtr.limit && a->tpr == b->tpr &&
	       a->lvt_timer == b->lvt_timer;
}

#define CONTINUOUS_MOVES 2
#define CONTINUOUS_TSC_LIMIT (1ULL << 42)   /* TSC ticks: many minutes at any rate here; the test's limit comes first */

/*
 * Argument "continuous": the harness migrates the VM back to back while the
 * guest keeps checking that its state, the memory pattern and the TSC's
 * direction hold between any two looks, until CONTINUOUS_MOVES migrations
 * completed under it.
 */
static void continuous(const uint8_t *mem)
{
	struct state before, now;
	uint64_t t_start, t_last, t;
	unsigned checks = 0, changed = 0, bad_mem = 0, tsc_back = 0, done = 0;
	unsigned total;

	set_state();
	read_state(&before);
	if (!migrate_continuous_start())
		return;
	t_start = t_last = rdtsc();
	while (done < CONTINUOUS_MOVES && t_last - t_start < CONTINUOUS_TSC_LIMIT) {
		read_state(&now);
		changed += !same_state(&before, &now);
		if (checks % 64 == 0)
			bad_mem += migrate_pattern_diff(mem, MEM_BYTES) != 0;
		t = rdtsc();
		tsc_back += t < t_last;
		t_last = t;
		checks++;
		done = migrate_continuous_poll();
	}
	total = migrate_continuous_stop();
	report(total >= CONTINUOUS_MOVES, "%u migrations completed while the guest ran (%u checks)", total, checks);
	report(!changed, "the state was the same at every check (%u of %u differed)", changed, checks);
	report(!bad_mem, "the memory pattern held at every look (%u looks found it changed)", bad_mem);
	report(!tsc_back, "the TSC never went back between two looks (%u times it did) [SDM vol. 3B Time-Stamp Counter]",
	       tsc_back);
	read_state(&now);
	compare(&before, &now);
}

/*
 * The CET MSRs and what set_cet() wrote: the enable bits of what is
 * enumerated (inert with CR4.CET=0: nothing here turns CET on) and distinct
 * 8-byte aligned canonical shadow-stack pointers.
 */
#define CET_SH_STK_EN (1ULL << 0)
#define CET_ENDBR_EN (1ULL << 2)
static struct { uint32_t msr; uint64_t value; } cet[7];
static unsigned ncet;

static void set_cet(void)
{
	bool ss = this_cpu_has(X86_FEATURE_SHSTK), ibt = this_cpu_has(X86_FEATURE_IBT);
	uint64_t en = (ss ? CET_SH_STK_EN : 0) | (ibt ? CET_ENDBR_EN : 0);
	static const uint64_t ssp[4] = { 0xffff888000101000ULL, 0xffff888000102000ULL, 0xffff888000103000ULL,
					 0x00007f0000104000ULL };

	ncet = 0;
	if (!ss && !ibt)
		return;
	cet[ncet].msr = MSR_IA32_U_CET, cet[ncet++].value = en;
	cet[ncet].msr = MSR_IA32_S_CET, cet[ncet++].value = en;
	for (unsigned pl = 0; ss && pl < 4; pl++)
		cet[ncet].msr = MSR_IA32_PL0_SSP + pl, cet[ncet++].value = ssp[pl];
	if (ss)
		cet[ncet].msr = MSR_IA32_INT_SSP_TAB, cet[ncet++].value = 0xffff888000200000ULL;
	for (unsigned i = 0; i < ncet; i++)
		wrmsr(cet[i].msr, cet[i].value);
}

static void check_cet(void)
{
	if (!ncet) {
		report_skip("CET MSRs: CPUID.(7,0):ECX[7] (CET_SS) and EDX[20] (CET_IBT) are 0");
		return;
	}
	for (unsigned i = 0; i < ncet; i++) {
		uint64_t v = rdmsr(cet[i].msr);

		report(v == cet[i].value, "CET MSR %#x kept (%#llx, then %#llx) [SDM vol. 4 Table 2-2]", cet[i].msr,
		       (unsigned long long)cet[i].value, (unsigned long long)v);
	}
}

int main(int argc, char **argv, char **envp)
{
	bool corrupt = argc > 1 && !strcmp(argv[1], "corrupt");
	uint8_t *mem = migrate_pattern_fill(MEM_BYTES);
	struct state before, after;
	uint32_t count_before, count_after, count_later;
	uint64_t tsc_before, tsc_after, rte;
	bool irr_before;
	unsigned bad;

	(void)envp;
	report_prefix_push("migration");
	if (!mem) {
		report_fail("1 MiB for the memory pattern");
		return report_summary();
	}
	if (argc > 1 && !strcmp(argv[1], "continuous")) {
		continuous(mem);
		report_prefix_pop();
		return report_summary();
	}
	set_state();
	set_cet();
	if (this_cpu_has(X86_FEATURE_TSC_ADJUST))
		wrmsr(MSR_IA32_TSC_ADJUST, TSC_ADJUST_VALUE);   /* moves the TSC forward: read before tsc_before */
	rte = set_pending();
	irr_before = apic_vector_bit(APIC_IRR, PENDING_VECTOR);
	read_state(&before);
	count_before = apic_read(APIC_TIMER_CUR);
	tsc_before = rdtsc();
	if (!migrate_once()) {
		report_prefix_pop();
		return report_summary();
	}
	tsc_after = rdtsc();
	count_after = apic_read(APIC_TIMER_CUR);
	if (corrupt) {
		wrmsr(MSR_IA32_CR_PAT, values[0] ^ 0x0100000000000000ULL);
		if (this_cpu_has(X86_FEATURE_TSC_ADJUST))
			wrmsr(MSR_IA32_TSC_ADJUST, TSC_ADJUST_VALUE + 1);
	}
	read_state(&after);
	compare(&before, &after);
	bad = migrate_pattern_diff(mem, MEM_BYTES);
	report(!bad, "1 MiB of memory kept (%u bytes differ)", bad);
	check_pending(irr_before, rte);
	check_cet();
	if (this_cpu_has(X86_FEATURE_TSC_ADJUST)) {
		uint64_t adj = rdmsr(MSR_IA32_TSC_ADJUST);

		report(adj == TSC_ADJUST_VALUE, "IA32_TSC_ADJUST kept (%#llx, then %#llx) [SDM vol. 3B Time-Stamp Counter "
		       "Adjustment]", TSC_ADJUST_VALUE, (unsigned long long)adj);
	} else {
		report_skip("IA32_TSC_ADJUST: CPUID.(7,0):EBX[1]=0");
	}
	report(tsc_after >= tsc_before, "the TSC did not go back (%#llx, then %#llx) [SDM vol. 3B Time-Stamp Counter]",
	       (unsigned long long)tsc_before, (unsigned long long)tsc_after);
	count_later = apic_read(APIC_TIMER_CUR);
	report(count_after <= count_before, "the armed APIC timer did not restart or jump up (%#x before, %#x after) "
	       "[SDM vol. 3A APIC Timer]", count_before, count_after);
	/* Divide by 128 from 0xf0000000: minutes at any APIC clock here; the move takes seconds. */
	report_info("TSC ticks across the migration: %llu", (unsigned long long)(tsc_after - tsc_before));
	report_deviation("apic-timer-count-lost", count_after > 0 && count_later < count_after,
			 "the armed APIC timer goes on counting down on the destination (%#x before, %#x after, "
			 "then %#x) [SDM vol. 3A APIC Timer: one-shot counts down to 0]",
			 count_before, count_after, count_later);
	report_prefix_pop();
	return report_summary();
}
