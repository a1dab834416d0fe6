/*
 * isa: walks the boot hart's device tree ISA (riscv,isa-extensions where the
 * tree has it, else the riscv,isa string parsed by the naming conventions):
 * every listed extension with a probe (riscv/isa-probes.c) executes it, every
 * known one not listed traps as an illegal instruction; listed ones without a
 * probe are named in one INFO line. Both properties must agree where both
 * exist. Then a few behaviours of listed extensions (cbo.zero, czero, wrs,
 * mop.r, Sstc's timer, FS = Off).
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/irq.h>
#include <asm/isa.h>
#include <asm/timer.h>
#include "devicetree.h"
#include "isa-probes.h"

static uint8_t cbo_buf[4096] __attribute__((aligned(4096)));

/* Is every extension of one "also" alternative ("c+d": c and d) listed? */
static bool alternative_listed(const char *alt, size_t n)
{
	char name[ISA_NAME_MAX];

	while (n) {
		size_t k = strcspn(alt, "+");

		if (k > n)
			k = n;
		if (k >= sizeof(name))
			return false;
		memcpy(name, alt, k);
		name[k] = 0;
		if (!isa_has(name))
			return false;
		alt += k;
		n -= k;
		if (n) {
			alt++;
			n--;
		}
	}
	return true;
}

/* The first alternative of p->also that is listed, copied to buf, or NULL. */
static const char *also_listed(const struct isa_probe *p, char *buf, size_t size)
{
	const char *s = p->also;

	while (s && *s) {
		size_t n = strcspn(s, " ");

		if (n && alternative_listed(s, n)) {
			snprintf(buf, size, "%.*s", (int)n, s);
			return buf;
		}
		s += n;
		s += strspn(s, " ");
	}
	return NULL;
}

/*
 * Run one probe: listed (or provided by an "also" extension that is) must
 * execute; absent must raise an illegal-instruction exception (privileged
 * spec "Supervisor Cause Register (scause)": exception code 2), except for
 * rows whose flags say why the spec lets it run or firmware decides.
 */
static void check(const struct isa_probe *p)
{
	bool listed = isa_has(p->name);
	char alsobuf[ISA_NAME_MAX];
	const char *also = listed ? NULL : also_listed(p, alsobuf, sizeof(alsobuf));
	struct fault f;
	int v;

	if ((listed || also) && (p->flags & PROBE_ABSENT_ONLY))
		return;
	if (!listed && !also && (p->flags & (PROBE_HINT | PROBE_LISTED_ONLY)))
		return;
	if (p->sstatus)
		csr_set(CSR_SSTATUS, p->sstatus);
	/* A block-aligned buffer: the argument the cache-block instructions use, a scratch word for the rest. */
	v = catch_exception(p->insn, cbo_buf, &f);
	if (p->sstatus)
		csr_clear(CSR_SSTATUS, p->sstatus);
	/*
	 * OpenSBI 1.6 traps some illegal SYSTEM instructions itself and prints a
	 * complaint without a newline before handing the trap to us: end its
	 * line, or our result line would not start at column 0 (docs/protocol.md).
	 */
	if (v == EXC_ILLEGAL_INSN)
		printf("\n");
	if (listed)
		report(v == NO_EXCEPTION, "%s: listed, %s executes (%s)", p->name, p->what, exception_name(v));
	else if (also)
		report(v == NO_EXCEPTION, "%s: not listed but %s is, %s executes (%s)", p->name, also, p->what,
		       exception_name(v));
	else
		report_deviation(p->absent_deviation, v == EXC_ILLEGAL_INSN,
				 "%s: not listed, %s is an illegal instruction (%s)", p->name, p->what, exception_name(v));
}

static bool has_probe(const char *name)
{
	for (size_t i = 0; i < nr_isa_probes; i++)
		if (!strcmp(isa_probes[i].name, name))
			return true;
	return false;
}

/*
 * Listed, no probe here: extensions without instructions of their own
 * (Ztso, Zkt, Za64rs, the Ssccptr-style profile names...), umbrellas (G, B,
 * Zk, Zvkn...: their parts have rows), M-mode-only ones (Sm*), those whose
 * S-mode access the firmware gates (Zihpm: mcounteren), and the ones with a
 * test of their own (svpbmt, svnapot, svadu, ssdbltrp, zicbo...).
 */
static char noprobe[1024];

static void note_noprobe(const char *name, void *arg)
{
	size_t n = strlen(noprobe);

	(void)arg;
	/* The base ISA: "the boot hart is rv64i" checks it. */
	if (!has_probe(name) && strcmp(name, "i") && n + strlen(name) + 2 < sizeof(noprobe))
		snprintf(noprobe + n, sizeof(noprobe) - n, "%s%s", n ? " " : "", name);
}

/* Hints and listed-only rows whose extension is absent: named, not checked. */
static void note_unchecked(void)
{
	char buf[256] = "";

	for (size_t i = 0; i < nr_isa_probes; i++) {
		const struct isa_probe *p = &isa_probes[i];
		char alsobuf[ISA_NAME_MAX];
		size_t n = strlen(buf);

		if (isa_has(p->name) || also_listed(p, alsobuf, sizeof(alsobuf)) ||
		    !(p->flags & (PROBE_HINT | PROBE_LISTED_ONLY)))
			continue;
		snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? " " : "", p->name);
	}
	if (*buf)
		report_info("not listed, not checked (a HINT, or the spec lets the hart have it anyway; see the table): %s",
			    buf);
}

/* Collects one property's names to compare with the other's. */
#define MAX_NAMES 256
struct names {
	int n;
	char name[MAX_NAMES][ISA_NAME_MAX];
};

static struct names from_string, from_list;

static void collect(const char *name, void *arg)
{
	struct names *s = arg;

	if (s->n < MAX_NAMES)
		snprintf(s->name[s->n++], ISA_NAME_MAX, "%s", name);
}

static bool in_names(const struct names *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return true;
	return false;
}

/* Names of a missing from b, space-separated into out. */
static int missing(const struct names *a, const struct names *b, char *out, size_t size)
{
	int count = 0;

	*out = 0;
	for (int i = 0; i < a->n; i++) {
		size_t n = strlen(out);

		if (in_names(b, a->name[i]))
			continue;
		count++;
		snprintf(out + n, size - n, "%s%s", n ? " " : "", a->name[i]);
	}
	return count;
}

/*
 * The device tree's two spellings of the ISA must name the same extensions:
 * riscv,isa (the naming-conventions string) and riscv,isa-extensions (one
 * name per entry). Only where the tree has both (QEMU 7.2 has the string only).
 */
static void check_two_properties(void)
{
	char only_string[512], only_list[512];
	int a, b, nlist;

	nlist = isa_extensions_for_each(collect, &from_list);
	if (nlist < 0) {
		report_skip("riscv,isa vs riscv,isa-extensions: the device tree has only riscv,isa");
		return;
	}
	if (isa_string_for_each(isa_string(), collect, &from_string) < 0) {
		report_skip("riscv,isa vs riscv,isa-extensions: no riscv,isa string (\"%s\")", isa_string());
		return;
	}
	a = missing(&from_string, &from_list, only_string, sizeof(only_string));
	b = missing(&from_list, &from_string, only_list, sizeof(only_list));
	report(!a && !b && from_string.n == nlist,
	       "riscv,isa (%d names) and riscv,isa-extensions (%d) list the same extensions "
	       "(only in riscv,isa: [%s]; only in the list: [%s])", from_string.n, nlist, only_string, only_list);
}

/* The parser itself, on strings with versions and '_' between single letters (naming conventions chapter). */
static void check_parser(void)
{
	static const struct { const char *isa; const char *want; } cases[] = {
		{ "rv64imafdc_zicsr_zifencei", "i m a f d c zicsr zifencei" },
		{ "RV64I2p1M2A2p1_C2_Zicsr2p0_Zba1p0_Sstc", "i m a c zicsr zba sstc" },
		{ "rv64gc_zve32x_zvl128b1p0_zic64b", "g c zve32x zvl128b zic64b" },
	};
	unsigned bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct names got = { 0 };
		char joined[128] = "";

		isa_string_for_each(cases[i].isa, collect, &got);
		for (int k = 0; k < got.n; k++) {
			size_t n = strlen(joined);

			snprintf(joined + n, sizeof(joined) - n, "%s%s", k ? " " : "", got.name[k]);
		}
		if (strcmp(joined, cases[i].want)) {
			bad++;
			report_info("riscv,isa parser: \"%s\" -> \"%s\", want \"%s\"", cases[i].isa, joined, cases[i].want);
		}
	}
	report(!bad, "riscv,isa parser: versions dropped, '_' and case handled (%u of %u wrong)", bad,
	       (unsigned)ARRAY_SIZE(cases));
}

/*
 * cbo.zero zeroes exactly the naturally aligned block of riscv,cboz-block-size
 * bytes holding the address (Zicboz, CMO specification 1.0, "cbo.zero").
 */
static void check_cbo_zero(void)
{
	uint32_t size = 0;
	unsigned nonzero = 0, zeroed_outside = 0;
	struct fault f;
	int v;

	if (!isa_has("zicboz")) {
		report_skip("cbo.zero block: Zicboz not in the ISA string");
		return;
	}
	if (!fdt_getprop_u32(isa_cpu_node(), "riscv,cboz-block-size", &size) || !size || size > 1024 || (size & (size - 1))) {
		report_fail("zicboz: riscv,cboz-block-size is a power of two up to 1024 (got %u)", size);
		return;
	}
	memset(cbo_buf, 0xa5, sizeof(cbo_buf));
	v = catch_exception(i_cbozero, cbo_buf + size + size / 2, &f);
	for (uint32_t i = size; i < 2 * size; i++)
		nonzero += cbo_buf[i] != 0;
	for (uint32_t i = 0; i < size; i++)
		zeroed_outside += cbo_buf[i] == 0 || cbo_buf[2 * size + i] == 0;
	report(v == NO_EXCEPTION && !nonzero && !zeroed_outside,
	       "zicboz: cbo.zero zeroes its whole %u-byte block and nothing around it (%u bytes left, %u outside zeroed; %s)",
	       size, nonzero, zeroed_outside, exception_name(v));
}

/* sstatus.FS = Off must make even a present FPU trap: the kernel's lazy-FP switch depends on it. */
static void check_fs_off(void)
{
	struct fault f;
	int v;

	if (!isa_has("f")) {
		report_skip("FS = Off traps: no F extension in the ISA string");
		return;
	}
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
	v = catch_exception(i_fmvwx, NULL, &f);
	report(v == EXC_ILLEGAL_INSN, "f: with sstatus.FS = Off, fmv.w.x is an illegal instruction (%s)",
	       exception_name(v));
}

/* czero.eqz/nez a0, a0 (value), a1 (condition): the result in a0. */
static unsigned long czero(bool nez, unsigned long value, unsigned long cond)
{
	register unsigned long a0 __asm__("a0") = value;
	register unsigned long a1 __asm__("a1") = cond;

	if (nez)
		__asm__ volatile(".4byte 0x0eb57533" : "+r"(a0) : "r"(a1));   /* czero.nez a0, a0, a1 */
	else
		__asm__ volatile(".4byte 0x0eb55533" : "+r"(a0) : "r"(a1));   /* czero.eqz a0, a0, a1 */
	return a0;
}

/*
 * Zicond 1.0, "czero.eqz"/"czero.nez": rd = 0 if rs2 is zero (eqz) / non-zero
 * (nez), else rs1; any non-zero rs2 counts, also one with only bit 63 set.
 */
static void check_zicond(void)
{
	static const unsigned long conds[] = { 0, 1, 1UL << 63, ~0UL };
	const unsigned long v = 0x0123456789abcdefUL;
	unsigned bad = 0;

	if (!isa_has("zicond")) {
		report_skip("czero results: Zicond not in the ISA string");
		return;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(conds); i++) {
		bad += czero(false, v, conds[i]) != (conds[i] ? v : 0);
		bad += czero(true, v, conds[i]) != (conds[i] ? 0 : v);
	}
	report(!bad, "zicond: czero.eqz/czero.nez give rs1 or 0 by rs2 == 0 for rs2 = 0, 1, 1<<63, ~0 "
	       "(%u of 8 wrong) [Zicond 1.0]", bad);
}

static uint32_t wrs_word;

static void lr_wrs(bool sto)
{
	unsigned long t;

	if (sto)
		__asm__ volatile("lr.w %0, (%1)\n.4byte 0x01d00073" : "=&r"(t) : "r"(&wrs_word) : "memory");
	else
		__asm__ volatile("lr.w %0, (%1)\n.4byte 0x00d00073" : "=&r"(t) : "r"(&wrs_word) : "memory");
	/* Drop the reservation: an sc.w to the same word (its success does not matter). */
	__asm__ volatile("sc.w %0, zero, (%1)" : "=&r"(t) : "r"(&wrs_word) : "memory");
}

static void lr_wrs_sto(void *arg) { (void)arg; lr_wrs(true); }
static void lr_wrs_nto(void *arg) { (void)arg; lr_wrs(false); }

/*
 * Zawrs 1.01: WRS.NTO/WRS.STO stall only while the reservation set is valid
 * and no interrupt is pending, "even if disabled"; WRS.STO's stall is also
 * bounded by a short timeout. So with a reservation held, WRS.STO completes;
 * with a reservation and a pending (sie-enabled, sstatus.SIE = 0) software
 * interrupt, WRS.NTO completes. Both without a trap: S-mode with mstatus.TW = 0
 * (the firmware's default). A hart that stalls for good hangs the test: TIMEOUT.
 */
static void check_zawrs(void)
{
	unsigned long pending;
	struct fault f;
	int v;

	if (!isa_has("zawrs")) {
		report_skip("wrs stalls: Zawrs not in the ISA string");
		return;
	}
	v = catch_exception(lr_wrs_sto, NULL, &f);
	report(v == NO_EXCEPTION, "zawrs: lr.w then wrs.sto completes without a trap (%s) [Zawrs 1.01: short timeout]",
	       exception_name(v));
	local_irq_disable();
	csr_set(CSR_SIE, BIT(IRQ_S_SOFT));
	csr_set(CSR_SIP, BIT(IRQ_S_SOFT));
	v = catch_exception(lr_wrs_nto, NULL, &f);
	pending = csr_read(CSR_SIP) & BIT(IRQ_S_SOFT);
	csr_clear(CSR_SIP, BIT(IRQ_S_SOFT));
	csr_clear(CSR_SIE, BIT(IRQ_S_SOFT));
	report(v == NO_EXCEPTION && pending,
	       "zawrs: lr.w then wrs.nto with a pending, globally disabled software interrupt completes without a trap "
	       "(%s, SSIP %s) [Zawrs 1.01: pending interrupts end the stall even if disabled]", exception_name(v),
	       pending ? "still pending" : "gone");
}

/* Zimop 1.0: MOP.R.n "writes 0 to rd" unless an extension redefines it (none does for n = 0). */
static void check_zimop(void)
{
	register unsigned long a0 __asm__("a0") = 0x1234;

	if (!isa_has("zimop")) {
		report_skip("mop.r.0 result: Zimop not in the ISA string");
		return;
	}
	__asm__ volatile(".4byte 0x81c54573" : "+r"(a0));   /* mop.r.0 a0, a0 */
	report(a0 == 0, "zimop: mop.r.0 a0, a0 writes 0 to a0 (got %#lx) [Zimop 1.0]", a0);
}

/* Zilsd/Zclsd (load/store pair) are RV32-only: an RV64 hart has nothing to run. */
static void check_zilsd(void)
{
	report_skip("zilsd/zclsd: RV32-only pair loads; riscv,isa = \"%.24s...\" (%s listed)", isa_string(),
		    isa_has("zilsd") || isa_has("zclsd") ? "one is" : "neither");
}

static volatile int stimer_irqs;
static volatile uint64_t stimer_at;

static void stimer_irq(struct ex_regs *r)
{
	(void)r;
	if (!stimer_irqs++)
		stimer_at = read_time();
	csr_write(CSR_STIMECMP, ~0UL);   /* the way to clear it: a compare value in the future */
}

/* Polls sip.STIP until it equals `want` or EVENT_WAIT_MS of time CSR pass. */
static bool stip_becomes(bool want)
{
	uint64_t end = read_time() + us_to_ticks(EVENT_WAIT_MS * 1000ULL);
	bool v;

	do
		v = !!(csr_read(CSR_SIP) & BIT(IRQ_S_TIMER));
	while (v != want && read_time() < end);
	return v == want;
}

/*
 * Sstc (privileged spec, "Sstc" chapter): stimecmp is a 64-bit read/write
 * CSR; a supervisor timer interrupt is pending (sip.STIP) whenever
 * time >= stimecmp, so a compare value in the past sets STIP and one in the
 * future clears it; with sie.STIE and SIE the interrupt is taken, not before
 * the compare value. The firmware sets menvcfg.STCE where the hart has Sstc.
 */
static void check_sstc(void)
{
	uint64_t deadline, want;
	bool pending;

	if (!isa_has("sstc")) {
		report_skip("stimecmp behaviour: Sstc not in the ISA string");
		return;
	}
	local_irq_disable();
	want = read_time() + us_to_ticks(EVENT_WAIT_MS * 1000ULL);
	csr_write(CSR_STIMECMP, want);
	report(csr_read(CSR_STIMECMP) == want, "sstc: stimecmp reads back the value written (%#lx) [priv spec Sstc]",
	       (unsigned long)want);
	csr_write(CSR_STIMECMP, 0);
	pending = stip_becomes(true);
	/* Lost under KVM on QEMU 7.2 TCG (lib/riscv/deviations.c): the row only where it was. */
	report_deviation(pending ? NULL : "vstip-lost-on-hvip-write", pending,
			 "sstc: stimecmp = 0 (past): sip.STIP = 1 [priv spec Sstc: time >= stimecmp]");
	csr_write(CSR_STIMECMP, ~0UL);
	report(stip_becomes(false), "sstc: stimecmp = ~0 (future): sip.STIP = 0 [priv spec Sstc]");

	stimer_irqs = 0;
	install_irq_handler(IRQ_S_TIMER, stimer_irq);
	csr_set(CSR_SIE, BIT(IRQ_S_TIMER));
	deadline = read_time() + us_to_ticks(10000);
	csr_write(CSR_STIMECMP, deadline);
	local_irq_enable();
	for (uint64_t end = read_time() + us_to_ticks(EVENT_WAIT_MS * 1000ULL); !stimer_irqs && read_time() < end;)
		cpu_relax();
	udelay(20000);   /* room for a wrong second one: too short can only miss a bug */
	local_irq_disable();
	csr_clear(CSR_SIE, BIT(IRQ_S_TIMER));
	install_irq_handler(IRQ_S_TIMER, NULL);
	csr_write(CSR_STIMECMP, ~0UL);
	report(stimer_irqs == 1 && stimer_at >= deadline,
	       "sstc: stimecmp 10 ms ahead: one supervisor timer interrupt, not before it (%d, %ld ticks after) "
	       "[priv spec Sstc]", stimer_irqs, (long)(stimer_at - deadline));
}

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	report_prefix_push("isa");
	report_info("riscv,isa = \"%s\"", isa_string());
	report(isa_has("i") && !strncmp(isa_string(), "rv64", 4), "the boot hart is rv64i");
	check_parser();
	check_two_properties();
	for (size_t i = 0; i < nr_isa_probes; i++)
		check(&isa_probes[i]);
	note_unchecked();
	if (isa_extensions_for_each(note_noprobe, NULL) < 0)
		isa_string_for_each(isa_string(), note_noprobe, NULL);
	if (*noprobe)
		report_info("listed, no probe in this test: %s", noprobe);
	check_fs_off();
	check_cbo_zero();
	check_zicond();
	check_zawrs();
	check_zimop();
	check_zilsd();
	check_sstc();
	report_prefix_pop();
	return report_summary();
}
