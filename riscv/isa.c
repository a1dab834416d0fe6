/*
 * isa: every extension the device tree lists (riscv,isa or riscv,isa-extensions)
 * executes, and the ones it does not list trap as illegal instructions.
 * Instructions are emitted as raw encodings (from the ISA manual) so that the
 * test does not depend on what the assembler was told to accept.
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/irq.h>
#include <asm/isa.h>
#include <asm/timer.h>
#include "devicetree.h"

static void i_mul(void *a) { (void)a; __asm__ volatile(".4byte 0x02a50533" ::: "a0"); }        /* mul a0, a0, a0 */
static void i_amoor(void *a) { __asm__ volatile("mv a0, %0\n.4byte 0x4005202f" :: "r"(a) : "a0", "memory"); } /* amoor.w x0, x0, (a0) */
static void i_cnop(void *a) { (void)a; __asm__ volatile(".2byte 0x0001\n.2byte 0x0001"); }    /* c.nop; c.nop */
static void i_fmvwx(void *a) { (void)a; __asm__ volatile(".4byte 0xf0000053"); }              /* fmv.w.x f0, zero */
static void i_fmvdx(void *a) { (void)a; __asm__ volatile(".4byte 0xf2000053"); }              /* fmv.d.x f0, zero */
static void i_vsetvli(void *a) { (void)a; __asm__ volatile(".4byte 0x00007057"); }            /* vsetvli zero, zero, e8, m1 */
static void i_hfence(void *a) { (void)a; __asm__ volatile(".4byte 0x62000073" ::: "memory"); } /* hfence.gvma zero, zero */
static void i_sh1add(void *a) { (void)a; __asm__ volatile(".4byte 0x20a52533" ::: "a0"); }    /* sh1add a0, a0, a0 */
static void i_clz(void *a) { (void)a; __asm__ volatile(".4byte 0x60051513" ::: "a0"); }       /* clz a0, a0 */
static void i_clmul(void *a) { (void)a; __asm__ volatile(".4byte 0x0aa51533" ::: "a0"); }     /* clmul a0, a0, a0 */
static void i_bset(void *a) { (void)a; __asm__ volatile(".4byte 0x28a51533" ::: "a0"); }      /* bset a0, a0, a0 */
static void i_czero(void *a) { (void)a; __asm__ volatile(".4byte 0x0ea55533" ::: "a0"); }     /* czero.eqz a0, a0, a0 */
static void i_stimecmp(void *a) { (void)a; __asm__ volatile("csrr a0, 0x14d" ::: "a0"); }     /* Sstc's CSR */
static void i_fencei(void *a) { (void)a; __asm__ volatile(".4byte 0x0000100f" ::: "memory"); } /* fence.i */
/* Zicbo*: MISC-MEM, funct3 2, imm = 0 inval, 1 clean, 2 flush, 4 zero; rs1 = a0 (the arg: a buffer). */
static void i_cbozero(void *a) { __asm__ volatile("mv a0, %0\n.4byte 0x0045200f" :: "r"(a) : "a0", "memory"); }
static void i_cboclean(void *a) { __asm__ volatile("mv a0, %0\n.4byte 0x0015200f" :: "r"(a) : "a0", "memory"); }
static void i_cboflush(void *a) { __asm__ volatile("mv a0, %0\n.4byte 0x0025200f" :: "r"(a) : "a0", "memory"); }
static void i_wrsnto(void *a) { (void)a; __asm__ volatile(".4byte 0x00d00073" ::: "memory"); }   /* wrs.nto */
static void i_wrssto(void *a) { (void)a; __asm__ volatile(".4byte 0x01d00073" ::: "memory"); }   /* wrs.sto */
static void i_czeronez(void *a) { (void)a; __asm__ volatile(".4byte 0x0ea57533" ::: "a0"); }   /* czero.nez a0, a0, a0 */
/* Encodings checked against binutils 2.40 where it knows the instruction; the rest from the extension specs. */
static void i_amocas(void *a) { __asm__ volatile("mv a0, %0\n.4byte 0x28b525af" :: "r"(a) : "a0", "a1", "memory"); } /* amocas.w a1, a1, (a0) */
static void i_amoaddb(void *a) { __asm__ volatile("mv a0, %0\n.4byte 0x00b505af" :: "r"(a) : "a0", "a1", "memory"); } /* amoadd.b a1, a1, (a0) */
static void i_pack(void *a) { (void)a; __asm__ volatile(".4byte 0x08a54533" ::: "a0"); }      /* pack a0, a0, a0 */
static void i_xperm8(void *a) { (void)a; __asm__ volatile(".4byte 0x28a54533" ::: "a0"); }    /* xperm8 a0, a0, a0 */
static void i_sha256sig0(void *a) { (void)a; __asm__ volatile(".4byte 0x10251513" ::: "a0"); } /* sha256sig0 a0, a0 */
static void i_aes64es(void *a) { (void)a; __asm__ volatile(".4byte 0x32a50533" ::: "a0"); }   /* aes64es a0, a0, a0 */
static void i_sm3p0(void *a) { (void)a; __asm__ volatile(".4byte 0x10851513" ::: "a0"); }     /* sm3p0 a0, a0 */
static void i_sinval(void *a) { (void)a; __asm__ volatile(".4byte 0x16000073" ::: "memory"); } /* sinval.vma zero, zero */
static void i_fli(void *a) { (void)a; __asm__ volatile(".4byte 0xf0100053"); }                /* fli.s f0, -1.0 */
static void i_fmvhx(void *a) { (void)a; __asm__ volatile(".4byte 0xf4000053"); }              /* fmv.h.x f0, zero */
static void i_cnot(void *a) { (void)a; __asm__ volatile(".2byte 0x9d75\n.2byte 0x0001" ::: "a0"); } /* c.not a0; c.nop */
static void i_cmop(void *a) { (void)a; __asm__ volatile(".2byte 0x6081\n.2byte 0x0001"); }   /* c.mop.1; c.nop */
static void i_mopr(void *a) { (void)a; __asm__ volatile(".4byte 0x81c54573" ::: "a0"); }      /* mop.r.0 a0, a0 */
static void i_cboinval(void *a) { __asm__ volatile("mv a0, %0\n.4byte 0x0005200f" :: "r"(a) : "a0", "memory"); }

struct ext {
	const char *name;
	test_fn insn;
	const char *what;
	unsigned long sstatus;   /* state to switch on first (FS/VS), or 0 */
};

static const struct ext exts[] = {
	{ "m", i_mul, "mul", 0 },
	{ "a", i_amoor, "amoor.w", 0 },
	{ "c", i_cnop, "c.nop", 0 },
	{ "f", i_fmvwx, "fmv.w.x", 1UL << 13 },   /* FS = Initial */
	{ "d", i_fmvdx, "fmv.d.x", 1UL << 13 },
	{ "v", i_vsetvli, "vsetvli", 1UL << 9 },  /* VS = Initial */
	{ "h", i_hfence, "hfence.gvma", 0 },
	{ "zifencei", i_fencei, "fence.i", 0 },
	{ "zba", i_sh1add, "sh1add", 0 },
	{ "zbb", i_clz, "clz", 0 },
	{ "zbc", i_clmul, "clmul", 0 },
	{ "zbs", i_bset, "bset", 0 },
	{ "zicond", i_czero, "czero.eqz", 0 },
	{ "zicond", i_czeronez, "czero.nez", 0 },
	{ "sstc", i_stimecmp, "csrr stimecmp", 0 },
	{ "zicboz", i_cbozero, "cbo.zero", 0 },
	{ "zicbom", i_cboclean, "cbo.clean", 0 },
	{ "zicbom", i_cboflush, "cbo.flush", 0 },
	{ "zicbom", i_cboinval, "cbo.inval", 0 },
	{ "zawrs", i_wrsnto, "wrs.nto", 0 },
	{ "zawrs", i_wrssto, "wrs.sto", 0 },
	{ "zacas", i_amocas, "amocas.w", 0 },
	{ "zabha", i_amoaddb, "amoadd.b", 0 },
	{ "zbkb", i_pack, "pack", 0 },
	{ "zbkx", i_xperm8, "xperm8", 0 },
	{ "zknh", i_sha256sig0, "sha256sig0", 0 },
	{ "zkne", i_aes64es, "aes64es", 0 },
	{ "zksh", i_sm3p0, "sm3p0", 0 },
	{ "svinval", i_sinval, "sinval.vma", 0 },
	{ "zfa", i_fli, "fli.s", 1UL << 13 },
	{ "zfh", i_fmvhx, "fmv.h.x", 1UL << 13 },
	{ "zcb", i_cnot, "c.not", 0 },
	{ "zcmop", i_cmop, "c.mop.1", 0 },
	{ "zimop", i_mopr, "mop.r.0", 0 },
};

static uint8_t cbo_buf[4096] __attribute__((aligned(4096)));

static void check(const struct ext *e)
{
	bool listed = isa_has(e->name);
	struct fault f;
	int v;

	if (e->sstatus)
		csr_set(CSR_SSTATUS, e->sstatus);
	/* A block-aligned buffer: the argument the cache-block instructions use, a scratch word for the rest. */
	v = catch_exception(e->insn, cbo_buf, &f);
	if (e->sstatus)
		csr_clear(CSR_SSTATUS, e->sstatus);
	/*
	 * OpenSBI 1.6 traps some illegal SYSTEM instructions itself and prints a
	 * complaint without a newline before handing the trap to us: end its
	 * line, or our result line would not start at column 0 (docs/protocol.md).
	 */
	if (v == EXC_ILLEGAL_INSN)
		printf("\n");
	if (listed)
		report(v == NO_EXCEPTION, "%s: listed, %s executes (%s)", e->name, e->what, exception_name(v));
	else
		report(v == EXC_ILLEGAL_INSN, "%s: not listed, %s is an illegal instruction (%s)", e->name,
		       e->what, exception_name(v));
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
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
		check(&exts[i]);
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
