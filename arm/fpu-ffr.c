/*
 * fpu's "ffr" part: SVE's first-fault register (Arm ARM DDI 0487, "The
 * first-fault register, FFR" in the SVE programmers' model; the SETFFR,
 * RDFFR, WRFFR and LDFF1B instruction descriptions):
 *   setffr   SETFFR makes every FFR bit true (RDFFR reads VL/8 bytes of 0xff)
 *   wrffr    WRFFR then RDFFR returns what was written, for monotonic values
 *            (ones from bit 0, then zeros): the only ones WRFFR defines
 *   ldff1b   a first-fault load whose first element is mapped and whose later
 *            elements cross into an unmapped page completes without an
 *            exception: FFR stays true for element 0, is false from the first
 *            unmapped element on, and the elements FFR calls good hold memory
 *   first    the same load starting on the unmapped page takes the data abort
 *            (EC 0x25, FAR the first element's address)
 *   kept     an FFR value survives a BRK taken at EL1, an EL0 run, a console
 *            write and a PSCI call, and CPU 1 using its own FFR
 * Run at the largest vector length (ZCR_EL1.LEN = 0xf); the unmapped page is
 * made by clearing a level-3 descriptor of the identity map (DDI 0487 D8
 * "The VMSAv8-64 translation table format") and TLBI VAAE1IS.
 */
#include "hvut.h"
#include <asm/psci.h>
#include <asm/smp.h>
#include <asm/sysreg.h>
#include "fpu-ffr.h"

#define VL_MAX 256              /* bytes: 2048 bits */
#define PL_MAX (VL_MAX / 8)     /* a predicate register: one bit per vector byte */
#define PTE_VALID 1UL
#define PTE_TABLE 2UL
#define PTE_ADDR(e) ((e) & 0x0000fffffffff000UL)

static uint8_t pages[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));   /* the second is unmapped */
static uint8_t zbuf[VL_MAX], pbuf[PL_MAX], pin[PL_MAX];
static uint8_t cpu_in[MAX_CPUS][PL_MAX], cpu_out[MAX_CPUS][PL_MAX];

/* Every helper clobbers only Z0, P0, P1 and FFR; nothing else in the image uses SVE. */
__asm__(".pushsection .text\n"
	".arch_extension sve\n"
	".globl ffr_set_read, ffr_write_read, ffr_write, ffr_read, ffr_ldff1b, ffr_vl\n"
	"ffr_set_read:\n"            /* x0: where RDFFR's value goes */
	"	setffr\n"
	"	rdffr p0.b\n"
	"	str p0, [x0]\n"
	"	ret\n"
	"ffr_write_read:\n"          /* x0: the value for WRFFR, x1: RDFFR's */
	"	ldr p0, [x0]\n"
	"	wrffr p0.b\n"
	"	pfalse p0.b\n"
	"	rdffr p1.b\n"
	"	str p1, [x1]\n"
	"	ret\n"
	"ffr_write:\n"
	"	ldr p0, [x0]\n"
	"	wrffr p0.b\n"
	"	ret\n"
	"ffr_read:\n"
	"	rdffr p0.b\n"
	"	str p0, [x0]\n"
	"	ret\n"
	"ffr_ldff1b:\n"              /* x0: address, x1: Z0 out, x2: FFR out; all elements active */
	"	ptrue p0.b\n"
	"	setffr\n"
	"	dup z0.b, #0x5a\n"
	"	ldff1b {z0.b}, p0/z, [x0]\n"
	"	rdffr p1.b\n"
	"	str z0, [x1]\n"
	"	str p1, [x2]\n"
	"	ret\n"
	"ffr_vl:\n"
	"	rdvl x0, #1\n"
	"	ret\n"
	".popsection");
void ffr_set_read(void *out);
void ffr_write_read(const void *in, void *out);
void ffr_write(const void *in);
void ffr_read(void *out);
void ffr_ldff1b(const void *addr, void *z, void *ffr);
unsigned long ffr_vl(void);

static void sve_max(void)
{
	unsigned long v = read_sysreg(cpacr_el1) | (3UL << 20) | (3UL << 16);   /* FPEN, ZEN = 11 */

	write_sysreg(v, cpacr_el1);
	isb();
	write_sysreg(0xfUL, S3_0_C1_C2_0);   /* ZCR_EL1.LEN: the largest */
	isb();
}

static bool pbit(const uint8_t *p, unsigned e) { return p[e / 8] >> (e % 8) & 1; }

/* A monotonic predicate: the first n bits true. */
static void mono(uint8_t *p, unsigned bytes, unsigned n)
{
	memset(p, 0, bytes);
	for (unsigned e = 0; e < n; e++)
		p[e / 8] |= (uint8_t)(1U << (e % 8));
}

/* The identity map's level-3 descriptor of va (lib/arm64/mmu.c: T0SZ 32, walks start at level 1). */
static unsigned long *pte_of(uintptr_t va)
{
	unsigned long *t = (unsigned long *)PTE_ADDR(read_sysreg(ttbr0_el1));
	unsigned long e;

	if ((read_sysreg(tcr_el1) & 0x3f) != 32)
		return NULL;
	e = t[(va >> 30) & 3];
	if ((e & 3) != (PTE_VALID | PTE_TABLE))
		return NULL;
	t = (unsigned long *)PTE_ADDR(e);
	e = t[(va >> 21) & 0x1ff];
	if ((e & 3) != (PTE_VALID | PTE_TABLE))
		return NULL;
	t = (unsigned long *)PTE_ADDR(e);
	return &t[(va >> 12) & 0x1ff];
}

static void set_valid(unsigned long *pte, uintptr_t va, bool valid)
{
	*pte = valid ? *pte | PTE_VALID : *pte & ~PTE_VALID;
	dsb(ishst);
	__asm__ volatile("tlbi vaae1is, %0" :: "r"(va >> 12) : "memory");
	dsb(ish);
	isb();
}

static void load_first_unmapped(void *arg)
{
	ffr_ldff1b(arg, zbuf, pbuf);
}

static void test_set_write(unsigned vl)
{
	unsigned bad = 0, ns[] = { 0, 1, 7, 8, 9, vl / 2, vl - 1, vl };

	ffr_set_read(pbuf);
	for (unsigned i = 0; i < vl / 8; i++)
		bad += pbuf[i] != 0xff;
	report(!bad, "setffr: SETFFR then RDFFR: all %u bits true (%u bytes not 0xff) [DDI 0487 SETFFR, RDFFR (unpredicated)]",
	       vl, bad);
	bad = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(ns); i++) {
		mono(pin, vl / 8, ns[i]);
		memset(pbuf, 0xa5, sizeof(pbuf));
		ffr_write_read(pin, pbuf);
		if (memcmp(pin, pbuf, vl / 8)) {
			report_info("wrffr: %u true bits written, RDFFR byte 0 %#x", ns[i], pbuf[0]);
			bad++;
		}
	}
	report(!bad, "wrffr: WRFFR of monotonic values (0..%u leading true bits) reads back with RDFFR (%u wrong) [DDI 0487 WRFFR]",
	       vl, bad);
}

static void test_ldff1b(unsigned vl)
{
	uint8_t *second = pages + PAGE_SIZE;
	unsigned long *pte = pte_of((uintptr_t)second);
	const unsigned before = 5;   /* elements 0-4 on the mapped page, 5.. on the unmapped one */
	const uint8_t *src = second - before;
	unsigned good = 0, late_true = 0, wrong_data = 0, holes = 0;
	struct fault f;
	int v;

	if (!pte || !(*pte & PTE_VALID)) {
		report_skip("first-fault loads: no level-3 descriptor for the test page (identity map layout)");
		return;
	}
	for (unsigned i = 0; i < sizeof(pages); i++)
		pages[i] = (uint8_t)(i * 29 + 3);
	set_valid(pte, (uintptr_t)second, false);
	memset(pbuf, 0, sizeof(pbuf));
	v = catch_exception(load_first_unmapped, (void *)src, &f);
	for (unsigned e = 0; e < vl; e++) {
		bool t = pbit(pbuf, e);

		if (t && e >= before)
			late_true++;
		if (t && e && !pbit(pbuf, e - 1))
			holes++;
		if (t && e < before && zbuf[e] != src[e])
			wrong_data++;
		good += t;
	}
	report(v == NO_EXCEPTION, "ldff1b: elements %u.. on an unmapped page: no exception (got %s) [DDI 0487 LDFF1B: a fault on an element after the first active one is suppressed]",
	       before, exception_name(v));
	report(pbit(pbuf, 0) && !late_true && !holes,
	       "ldff1b: FFR true for element 0, false from element %u on, no true after a false (%u true, %u true past the page) [DDI 0487 LDFF1B, the first-fault register]",
	       before, good, late_true);
	report(!wrong_data, "ldff1b: the %u elements FFR calls loaded hold the memory's bytes (%u wrong)", good, wrong_data);
	v = catch_exception(load_first_unmapped, second, &f);
	report(v == EC_DABT_CUR && f.addr == (uintptr_t)second,
	       "first: the first active element on the unmapped page takes the data abort (%s, EC %#x, FAR %#lx, DFSC %#lx; want EC 0x25, FAR %#lx) [DDI 0487 LDFF1B: the first active element faults as a normal load]",
	       exception_name(v), v, f.addr, f.error_code & 0x3f, (unsigned long)(uintptr_t)second);
	set_valid(pte, (uintptr_t)second, true);
	report(second[0] == (uint8_t)(PAGE_SIZE * 29 + 3), "the page mapped again reads its bytes");
}

static void do_brk(void *arg) { (void)arg; __asm__ volatile("brk #2"); }
static void el0_nothing(void *arg) { (void)arg; }
static void cpu_ffr_write(void *arg) { (void)arg; sve_max(); ffr_write(cpu_in[smp_id()]); }
static void cpu_ffr_read(void *arg) { (void)arg; ffr_read(cpu_out[smp_id()]); }

static void test_kept(unsigned vl)
{
	unsigned n = vl / 2 + 3 > vl ? vl : vl / 2 + 3;

	mono(pin, vl / 8, n);
	ffr_write(pin);
	catch_exception(do_brk, NULL, NULL);
	ffr_read(pbuf);
	report(!memcmp(pin, pbuf, vl / 8), "kept: FFR (%u true bits) unchanged across a BRK caught at EL1 [DDI 0487 FFR]", n);
	ffr_write(pin);
	run_in_user(el0_nothing, NULL, NULL);
	ffr_read(pbuf);
	report(!memcmp(pin, pbuf, vl / 8), "kept: and across a run at EL0");
	ffr_write(pin);
	report_info("FFR written; PSCI_VERSION %#lx", psci_call(PSCI_VERSION, 0, 0, 0));
	ffr_read(pbuf);
	report(!memcmp(pin, pbuf, vl / 8), "kept: and across a console write and a PSCI call");
	if (nr_cpus() < 2) {
		report_skip("FFR per CPU: needs 2 CPUs (smp = 2)");
		return;
	}
	mono(cpu_in[0], vl / 8, n);
	mono(cpu_in[1], vl / 8, 1);
	ffr_write(cpu_in[0]);
	on_cpu(1, cpu_ffr_write, NULL);
	on_cpu(1, cpu_ffr_read, NULL);
	ffr_read(cpu_out[0]);
	report(!memcmp(cpu_in[0], cpu_out[0], vl / 8) && !memcmp(cpu_in[1], cpu_out[1], vl / 8),
	       "kept: CPU 0 and CPU 1 keep their own FFR (%u and 1 true bits; CPU 0 byte 0 %#x, CPU 1 byte 0 %#x)", n,
	       cpu_out[0][0], cpu_out[1][0]);
}

void fpu_ffr(void)
{
	unsigned vl;

	if (!ID_FIELD(read_sysreg(id_aa64pfr0_el1), 32)) {
		report_skip("SVE first-fault register: ID_AA64PFR0_EL1.SVE=0");
		return;
	}
	report_prefix_push("ffr");
	sve_max();
	vl = (unsigned)ffr_vl();
	report_info("vector length %u bytes: FFR has %u bits", vl, vl);
	test_set_write(vl);
	test_ldff1b(vl);
	test_kept(vl);
	report_prefix_pop();
}
