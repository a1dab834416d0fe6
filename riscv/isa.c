/*
 * isa: every extension the device tree lists (riscv,isa or riscv,isa-extensions)
 * executes, and the ones it does not list trap as illegal instructions.
 * Instructions are emitted as raw encodings (from the ISA manual) so that the
 * test does not depend on what the assembler was told to accept.
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/isa.h>

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
	{ "sstc", i_stimecmp, "csrr stimecmp", 0 },
};

static void check(const struct ext *e)
{
	bool listed = isa_has(e->name);
	uint32_t word = 0;
	struct fault f;
	int v;

	if (e->sstatus)
		csr_set(CSR_SSTATUS, e->sstatus);
	v = catch_exception(e->insn, &word, &f);
	if (e->sstatus)
		csr_clear(CSR_SSTATUS, e->sstatus);
	/*
	 * An illegal SYSTEM-opcode instruction that is no CSR access
	 * (hfence.gvma without H) traps to M-mode first; OpenSBI 1.6 then
	 * prints a message with no newline before passing the trap on, which
	 * would glue our report line to it. End that line.
	 */
	if (v == EXC_ILLEGAL_INSN && e->insn == i_hfence)
		printf("\n");
	if (listed)
		report(v == NO_EXCEPTION, "%s: listed, %s executes (%s)", e->name, e->what, exception_name(v));
	else
		report(v == EXC_ILLEGAL_INSN, "%s: not listed, %s is an illegal instruction (%s)", e->name,
		       e->what, exception_name(v));
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
	report_prefix_pop();
	return report_summary();
}
