/*
 * sprs: SPRs a pseries guest may read and write keep their values across a
 * hypervisor call and across H_CEDE (the hypervisor may run other vCPUs and
 * must save/restore them), and privileged SPRs and instructions trap in
 * problem state. SPRG1/SPRG2 are not listed: hvut's interrupt entry uses them
 * (lib/powerpc/vectors.S), and the decrementer that ends H_CEDE is an interrupt;
 * nor LR/CTR, which compiled code uses for calls.
 */
#include "hvut.h"
#include <asm/hcall.h>
#include <asm/processor.h>
#include "migrate.h"

#define SPR_FNS(name, num) \
	static unsigned long rd_##name(void) { return mfspr(num); } \
	static void wr_##name(unsigned long v) { mtspr(num, v); }

SPR_FNS(sprg0, SPR_SPRG0)
SPR_FNS(sprg3, SPR_SPRG3)
SPR_FNS(vrsave, SPR_VRSAVE)
SPR_FNS(tar, SPR_TAR)
SPR_FNS(amr, SPR_AMR)
SPR_FNS(uamor, SPR_UAMOR)
SPR_FNS(dscr, SPR_DSCR)
SPR_FNS(ppr, SPR_PPR)
SPR_FNS(pidr, SPR_PIDR)

struct spr {
	const char *name;
	int num;
	unsigned long pattern, mask;   /* mask: the bits the ISA says must hold what was written */
	unsigned long (*rd)(void);
	void (*wr)(unsigned long);
	unsigned long saved, written;
};

#define SPR(n, num, pat, m) { #n, num, pat, m, rd_##n, wr_##n, 0, 0 }
static struct spr sprs[] = {
	SPR(sprg0, SPR_SPRG0, 0x0123456789abcdefUL, ~0UL),
	SPR(sprg3, SPR_SPRG3, 0xfedcba9876543210UL, ~0UL),
	SPR(vrsave, SPR_VRSAVE, 0xa5a5f00dUL, 0xffffffffUL),
	SPR(tar, SPR_TAR, 0x0000000012345678UL, ~3UL),            /* low two bits reserved */
	SPR(amr, SPR_AMR, 0x5555aaaa0000ffffUL, ~0UL),
	SPR(uamor, SPR_UAMOR, 0xf0f0f0f0f0f0f0f0UL, ~0UL),
	SPR(dscr, SPR_DSCR, 0x5UL, 0x7UL),                        /* DPFD: default prefetch depth */
	SPR(ppr, SPR_PPR, 3UL << 50, 7UL << 50),                  /* PRI field, ISA bits 11:13 */
	SPR(pidr, SPR_PIDR, 0x2345UL, 0xfffffUL),
};

static void write_all(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(sprs); i++) {
		sprs[i].saved = sprs[i].rd();
		sprs[i].wr(sprs[i].pattern);
		sprs[i].written = sprs[i].rd();
	}
}

static void restore_all(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(sprs); i++)
		sprs[i].wr(sprs[i].saved);
}

/* Compares every SPR with what it read after the write; returns the first that changed or NULL. */
static struct spr *first_changed(unsigned long *now)
{
	for (size_t i = 0; i < ARRAY_SIZE(sprs); i++) {
		*now = sprs[i].rd();
		if (*now != sprs[i].written)
			return &sprs[i];
	}
	return NULL;
}

static void check_writable(void)
{
	report_prefix_push("write");
	write_all();
	for (size_t i = 0; i < ARRAY_SIZE(sprs); i++) {
		struct spr *s = &sprs[i];

		report((s->written & s->mask) == (s->pattern & s->mask), "%s (SPR %d) holds %#lx (read %#lx)",
		       s->name, s->num, s->pattern & s->mask, s->written);
	}
	restore_all();
	report_prefix_pop();
}

static void check_across_hcall(void)
{
	struct spr *s;
	unsigned long now = 0;
	long rc;

	report_prefix_push("across an hcall");
	write_all();
	/* An unknown opcode: still a round trip through the hypervisor. */
	rc = hcall0(0x7ffc);
	s = first_changed(&now);
	restore_all();
	report(rc == H_FUNCTION && !s, "every SPR kept its value (%s: %#lx -> %#lx)", s ? s->name : "none",
	       s ? s->written : 0, now);
	report_prefix_pop();
}

/* Ticks of slack for reading DEC and TB one after the other: a VMM derives both from one clock, rounding each. */
#define DEC_SLACK 64

/*
 * Across a live migration (argument "migrate"; docs/protocol.md "Migration"):
 * every SPR; the timebase never goes back; the decrementer went on counting
 * down at the timebase's rate the whole time (Power ISA Book III 9.5
 * "Decrementer": decremented at the same rate as the TB), so between two
 * DEC reads it moved by the TB ticks between them, modulo its 32 bits and
 * within the TB reads that bracket each DEC read. With MSR[EE]=0 its
 * exception, once DEC turns negative, only stays pending.
 */
static void check_across_migration(void)
{
	unsigned long now = 0, tb_before, tb_after, t0, t1, t2, t3, d0, d1;
	uint32_t off;
	struct spr *s;

	report_prefix_push("across a migration");
	irq_disable();
	write_all();
	mtspr(SPR_DEC, 0x7fffffff);
	t0 = mftb();
	d0 = mfspr(SPR_DEC);
	t1 = mftb();
	tb_before = mfspr(SPR_TB);
	if (migrate_once()) {
		tb_after = mfspr(SPR_TB);
		t2 = mftb();
		d1 = mfspr(SPR_DEC);
		t3 = mftb();
		s = first_changed(&now);
		report(!s, "every SPR kept its value (%s: %#lx -> %#lx)", s ? s->name : "none", s ? s->written : 0, now);
		report(tb_after >= tb_before, "the timebase did not go back (%#lx, then %#lx) [Power ISA Book II 5.2]",
		       tb_before, tb_after);
		/* How far DEC moved beyond the least TB time between the reads: 0 .. the width of the brackets. */
		off = (uint32_t)(d0 - d1) - (uint32_t)(t2 - t1);
		report_deviation("ppc-migration-tb-dec-skew", off + DEC_SLACK <= (t3 - t2) + (t1 - t0) + 2 * DEC_SLACK,
		       "the decrementer counted down with the timebase (DEC %#lx, then %#lx; TB moved %#lx; off by %d) "
		       "[Power ISA Book III Decrementer]", d0 & 0xffffffffUL, d1 & 0xffffffffUL, t2 - t1, (int32_t)off);
		mtspr(SPR_DEC, 0x7fffffff);
	}
	restore_all();
	report_prefix_pop();
}

static volatile int decrementer_woke;
static void quiet_decrementer(struct ex_regs *r)
{
	decrementer_woke++;
	mtspr(SPR_DEC, 0x7fffffff);
	r->msr &= ~MSR_EE;
}

static void check_across_cede(void)
{
	struct spr *s;
	unsigned long now = 0;
	long rc;
	uint64_t t0;
	exception_handler old = install_exception_handler(0x900, quiet_decrementer);

	report_prefix_push("across H_CEDE");
	write_all();
	decrementer_woke = 0;
	mtspr(SPR_DEC, tb_hz / 500);   /* 2 ms: the decrementer ends the cede */
	t0 = mftb();
	rc = hcall0(H_CEDE);
	irq_disable();
	s = first_changed(&now);
	restore_all();
	install_exception_handler(0x900, old);
	t0 = mftb() - t0;
	report(rc == H_SUCCESS && decrementer_woke == 1,
	       "the CPU ceded until the decrementer fired (rc %ld, %lu us)", rc, (unsigned long)(t0 * 1000000 / tb_hz));
	report(!s, "every SPR kept its value (%s: %#lx -> %#lx)", s ? s->name : "none",
	       s ? s->written : 0, now);
	report_prefix_pop();
}

/* Problem state: each of these is privileged (ISA Book III), so a program interrupt [PRIV]. */
static void u_mfmsr(void *a) { *(unsigned long *)a = mfmsr(); }
static void u_mtmsrd(void *a) { (void)a; mtmsrd(0); }
static void u_mfsprg0(void *a) { *(unsigned long *)a = mfspr(SPR_SPRG0); }
static void u_mtsprg3(void *a) { (void)a; mtspr(SPR_SPRG3, 1); }
static void u_mfsrr0(void *a) { *(unsigned long *)a = mfspr(SPR_SRR0); }
static void u_mtdec(void *a) { (void)a; mtspr(SPR_DEC, 1); }
static void u_mfpvr(void *a) { *(unsigned long *)a = mfspr(SPR_PVR); }
static void u_mfdsisr(void *a) { *(unsigned long *)a = mfspr(SPR_DSISR); }
static void u_mfpidr(void *a) { *(unsigned long *)a = mfspr(SPR_PIDR); }
/* ... and these are the problem-state aliases and registers that must not trap. */
static void u_mfsprg3(void *a) { *(unsigned long *)a = mfspr(SPR_SPRG3_U); }
static void u_mftb(void *a) { *(unsigned long *)a = mfspr(SPR_TB); }
static void u_vrsave(void *a) { mtspr(SPR_VRSAVE, 0x1234); *(unsigned long *)a = mfspr(SPR_VRSAVE); }
static void u_tar(void *a) { (void)a; mtspr(SPR_TAR, 0x100); }

static void check_problem_state(void)
{
	static const struct { const char *what; test_fn fn; } privileged[] = {
		{ "mfmsr", u_mfmsr }, { "mtmsrd", u_mtmsrd }, { "mfspr SPRG0", u_mfsprg0 },
		{ "mtspr SPRG3", u_mtsprg3 }, { "mfspr SRR0", u_mfsrr0 }, { "mtspr DEC", u_mtdec },
		{ "mfspr PVR", u_mfpvr }, { "mfspr DSISR", u_mfdsisr }, { "mfspr PIDR", u_mfpidr },
	};
	struct fault f;
	unsigned long v = 0;
	int vec;

	report_prefix_push("problem state");
	for (size_t i = 0; i < ARRAY_SIZE(privileged); i++) {
		vec = run_in_user(privileged[i].fn, &v, &f);
		report(vec == 0x700 && (f.error_code & SRR1_PROGRAM_PRIV) && (f.error_code & MSR_PR),
		       "%s traps: privileged-instruction program interrupt (vector %#x, SRR1 %#lx)",
		       privileged[i].what, vec, f.error_code);
	}
	mtspr(SPR_SPRG3, 0xabcdef);
	vec = run_in_user(u_mfsprg3, &v, NULL);
	report(vec == NO_EXCEPTION && v == 0xabcdef, "SPRG3 reads through its user alias, SPR 259 (%#lx)", v);
	vec = run_in_user(u_mftb, &v, NULL);
	report(vec == NO_EXCEPTION && v, "the timebase reads (%#lx)", v);
	vec = run_in_user(u_vrsave, &v, NULL);
	report(vec == NO_EXCEPTION && v == 0x1234, "VRSAVE is readable and writable (%#lx)", v);
	/* TAR is a problem-state register only while FSCR[TAR] (bit 55) is set; off: facility unavailable. */
	{
		unsigned long fscr = mfspr(SPR_FSCR);

		mtspr(SPR_FSCR, fscr & ~(1UL << 8));
		vec = run_in_user(u_tar, NULL, &f);
		report(vec == 0xf60 && (f.regs.msr & MSR_PR),
		       "mtspr TAR with FSCR[TAR] = 0: facility unavailable (vector %#x)", vec);
		mtspr(SPR_FSCR, fscr | (1UL << 8));
		vec = run_in_user(u_tar, NULL, &f);
		report(vec == NO_EXCEPTION && mfspr(SPR_TAR) == 0x100,
		       "mtspr TAR with FSCR[TAR] = 1 works (vector %#x)", vec);
		mtspr(SPR_FSCR, fscr);
	}
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	report_info("PVR %#lx", mfspr(SPR_PVR));
	if (argc > 1 && !strcmp(argv[1], "migrate")) {
		check_across_migration();
		return report_summary();
	}
	check_writable();
	check_across_hcall();
	check_across_cede();
	check_problem_state();
	return report_summary();
}
