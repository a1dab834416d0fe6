/*
 * sbi-fwft-features: the SBI FWFT features beyond misaligned delegation
 * (sbi-fwft.c in the sbi test): LANDING_PAD (1), SHADOW_STACK (2),
 * DOUBLE_TRAP (3), PTE_AD_HW_UPDATING (4), POINTER_MASKING_PMLEN (5).
 *
 * SBI spec v3.0, "Firmware Features Extension": each is a defined feature, so
 * get/set answer SUCCESS or, where a hardware or firmware dependency is
 * missing, NOT_SUPPORTED (never DENIED, which is for reserved and unimplemented
 * platform IDs); reset value 0 (LP, SS, PMLEN asserted; DT and AD printed, see
 * docs/riscv64.md); a value outside the feature's table is INVALID_PARAM; after
 * a set with LOCK, a set is DENIED (DENIED_LOCKED -12 in v3.0) and get keeps the
 * locked value. A feature whose ISA extension riscv,isa does not list must be
 * NOT_SUPPORTED for get and set.
 *
 * The effect is observed in the hart (the firmware sets menvcfg bits that
 * S-mode cannot read):
 *   LANDING_PAD = menvcfg.LPE (Zicfilp 1.0): an indirect jump (jalr, rs1 not
 *     x1/x5/x7) to an instruction other than LPAD is a software-check
 *     exception (scause 18) with stval 2 "landing pad fault", and the trap saves
 *     ELP in sstatus.SPELP (bit 23); with LPE = 0 the same jump just works.
 *   SHADOW_STACK = menvcfg.SSE (Zicfiss): the ssp CSR (0x011) is accessible
 *     from S-mode (a written value reads back); with SSE = 0 an access is an
 *     illegal instruction.
 *   DOUBLE_TRAP = menvcfg.DTE (Ssdbltrp): sstatus.SDT (bit 24) writable, else
 *     read-only zero (privileged spec 3.1.18); riscv/ssdbltrp.c goes further.
 *   PTE_AD_HW_UPDATING = menvcfg.ADUE: riscv/svadu.c observes it; here only
 *     get/set/lock.
 *   POINTER_MASKING_PMLEN = menvcfg.PMM (Ssnpm/Smnpm, pointer masking 1.0):
 *     value N asks for PMLEN >= N, get returns the PMLEN chosen (7 or 16 on
 *     RV64); with satp = Bare the upper PMLEN bits of a load address are
 *     ignored (zero-extended), so a tagged pointer reads the untagged word;
 *     with PMLEN 0 the same load is an access fault.
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/isa.h>
#include <asm/sbi.h>

#define SBI_ERR_DENIED_LOCKED (-12)
#define EXC_SOFTWARE_CHECK 18
#define SWCHECK_LANDING_PAD 2
#define SSTATUS_SPELP (1UL << 23)
#define SSTATUS_SDT (1UL << 24)
#define CSR_SSP 0x011

/*
 * The landing-pad probe runs whole in assembly: with menvcfg.LPE = 1 every
 * indirect jump of compiled C (a jump table, a tail call through t1) would
 * need a landing pad that gcc does not emit. lp_probe(res) takes over stvec,
 * switches LPE on with an FWFT set ecall, jumps through t1 (x6: not a link
 * register, not x7, so ELP = LP_EXPECTED) first to a target that starts with
 * lpad 0 (AUIPC x0, 0; 4-byte aligned), then to one that does not; its trap
 * handler records scause/stval/sstatus, clears sstatus.SPELP (else the SRET
 * would restore ELP = LP_EXPECTED) and resumes after the jump. Then LPE off and
 * stvec back. With SIE = 0 only these traps can happen.
 */
struct lp_result {
	long set_err, get_val;          /* FWFT set 1 and get */
	long cause_pad, cause_nopad;    /* scause of each jump, -1 = no trap */
	unsigned long tval, sstatus;    /* of the last trap */
	long clear_err;                 /* FWFT set 0 */
};
void lp_probe(struct lp_result *res, unsigned long value);
__asm__(".pushsection .text\n"
	".balign 4\n"
	".globl lp_probe\n"
	"lp_probe:\n"
	"	addi sp, sp, -32\n"
	"	sd ra, 0(sp)\n"
	"	sd s0, 8(sp)\n"
	"	sd s1, 16(sp)\n"
	"	mv s0, a0\n"
	"	mv t4, a1\n"
	"	csrr s1, stvec\n"
	"	la t0, lp_trap\n"
	"	csrw stvec, t0\n"
	"	li a7, 0x46574654\n"    /* FWFT set(LANDING_PAD, value, 0) */
	"	li a6, 0\n"
	"	li a0, 1\n"
	"	mv a1, t4\n"
	"	li a2, 0\n"
	"	ecall\n"
	"	sd a0, 0(s0)\n"
	"	li a7, 0x46574654\n"    /* FWFT get(LANDING_PAD) */
	"	li a6, 1\n"
	"	li a0, 1\n"
	"	ecall\n"
	"	sd a1, 8(s0)\n"
	"	li t0, -1\n"
	"	sd t0, 16(s0)\n"
	"	sd t0, 24(s0)\n"
	"	li t3, 0\n"
	"	la t1, lp_target_pad\n"
	"	jalr ra, 0(t1)\n"
	"lp_after_pad:\n"
	"	li t3, 1\n"
	"	la t1, lp_target_nopad\n"
	"	jalr ra, 0(t1)\n"
	"lp_after_nopad:\n"
	"	li a7, 0x46574654\n"    /* FWFT set(LANDING_PAD, 0, 0) */
	"	li a6, 0\n"
	"	li a0, 1\n"
	"	li a1, 0\n"
	"	li a2, 0\n"
	"	ecall\n"
	"	sd a0, 48(s0)\n"
	"	csrw stvec, s1\n"
	"	ld ra, 0(sp)\n"
	"	ld s0, 8(sp)\n"
	"	ld s1, 16(sp)\n"
	"	addi sp, sp, 32\n"
	"	ret\n"
	".balign 4\n"
	"lp_target_pad:\n"
	"	.4byte 0x00000017\n"    /* lpad 0 */
	"	ret\n"
	".balign 4\n"
	"lp_target_nopad:\n"
	"	addi zero, zero, 0\n"
	"	ret\n"
	".balign 4\n"
	"lp_trap:\n"
	"	csrr t0, scause\n"
	"	csrr t5, stval\n"
	"	sd t5, 32(s0)\n"
	"	csrr t5, sstatus\n"
	"	sd t5, 40(s0)\n"
	"	li t5, 0x800000\n"      /* sstatus.SPELP */
	"	csrc sstatus, t5\n"
	"	bnez t3, 1f\n"
	"	sd t0, 16(s0)\n"
	"	la t0, lp_after_pad\n"
	"	csrw sepc, t0\n"
	"	sret\n"
	"1:	sd t0, 24(s0)\n"
	"	la t0, lp_after_nopad\n"
	"	csrw sepc, t0\n"
	"	sret\n"
	".popsection\n");

static struct sbiret fwft_set(unsigned long f, unsigned long v, unsigned long flags)
{
	return sbi_fwft_set(f, v, flags);
}

static bool is_denied(long e)
{
	return e == SBI_ERR_DENIED || e == SBI_ERR_DENIED_LOCKED;
}

/* set v, then get: SUCCESS and the value read back. */
static bool set_and_check(unsigned long f, const char *name, unsigned long v)
{
	struct sbiret r = fwft_set(f, v, 0), g = sbi_fwft_get(f);

	return report(r.error == SBI_SUCCESS && g.error == SBI_SUCCESS && (unsigned long)g.value == v,
		      "%s: set %lu: %s, get reads %ld [SBI v3.0 FWFT set/get]", name, v, sbi_error_name(r.error),
		      g.value);
}

static void lock_check(unsigned long f, const char *name, unsigned long v, unsigned long other)
{
	struct sbiret r = fwft_set(f, v, SBI_FWFT_SET_FLAG_LOCK);

	report(r.error == SBI_SUCCESS, "%s: set %lu with LOCK: %s [SBI v3.0 FWFT set flags]", name, v, sbi_error_name(r.error));
	r = fwft_set(f, other, 0);
	report(is_denied(r.error), "%s: a set after LOCK: DENIED or DENIED_LOCKED (got %s, %ld) [SBI v3.0 FWFT set]",
	       name, sbi_error_name(r.error), r.error);
	r = sbi_fwft_get(f);
	report(r.error == SBI_SUCCESS && (unsigned long)r.value == v,
	       "%s: get still reads the locked %lu (%s, %ld) [SBI v3.0 FWFT LOCK]",
	       name, v, sbi_error_name(r.error), r.value);
}

/* LANDING_PAD is checked by lp_probe (above), which sets it 1 and back to 0 itself. */
static void check_landing_pad_effect(void)
{
	struct lp_result r;

	lp_probe(&r, 1);
	report(r.set_err == SBI_SUCCESS && r.get_val == 1, "LANDING_PAD: set 1: %s, get reads %ld [SBI v3.0 FWFT set/get]",
	       sbi_error_name(r.set_err), r.get_val);
	report(r.cause_pad == -1, "landing pad on: an indirect jump to lpad runs (scause %ld, -1 = no trap) [Zicfilp 1.0]",
	       r.cause_pad);
	report(r.cause_nopad == EXC_SOFTWARE_CHECK && r.tval == SWCHECK_LANDING_PAD && (r.sstatus & SSTATUS_SPELP),
	       "landing pad on: an indirect jump to a non-lpad is a software-check exception (18), stval 2, SPELP = 1 "
	       "(got scause %ld, stval %#lx, sstatus %#lx) [Zicfilp 1.0]", r.cause_nopad, r.tval, r.sstatus);
	report(r.clear_err == SBI_SUCCESS, "LANDING_PAD: set 0: %s [SBI v3.0 FWFT set]", sbi_error_name(r.clear_err));
	lp_probe(&r, 0);
	report(r.set_err == SBI_SUCCESS && r.get_val == 0 && r.cause_pad == -1 && r.cause_nopad == -1,
	       "landing pad off: set 0 (%s, get %ld), both indirect jumps run (scause %ld, %ld) [Zicfilp 1.0: LPE = 0]",
	       sbi_error_name(r.set_err), r.get_val, r.cause_pad, r.cause_nopad);
}

static void read_ssp(void *out) { *(unsigned long *)out = csr_read(CSR_SSP); }
static void write_ssp(void *in) { csr_write(CSR_SSP, *(unsigned long *)in); }

static void ss_effect(bool on)
{
	unsigned long want = 0x80f00000UL, got = 0;
	struct fault f;
	int w = catch_exception(write_ssp, &want, &f), r = catch_exception(read_ssp, &got, &f);

	if (on)
		report(w == NO_EXCEPTION && r == NO_EXCEPTION && got == want,
		       "shadow stack on: ssp is writable from S-mode (read %#lx; %s, %s) [Zicfiss 1.0]", got,
		       exception_name(w), exception_name(r));
	else
		report(w == EXC_ILLEGAL_INSN && r == EXC_ILLEGAL_INSN,
		       "shadow stack off: accessing ssp is an illegal instruction (%s, %s) [Zicfiss 1.0: menvcfg.SSE = 0]",
		       exception_name(w), exception_name(r));
}

static void dt_effect(bool on)
{
	unsigned long s;

	csr_set(CSR_SSTATUS, SSTATUS_SDT);
	s = csr_read(CSR_SSTATUS);
	csr_clear(CSR_SSTATUS, SSTATUS_SDT);
	report(!!(s & SSTATUS_SDT) == on, "double trap %s: sstatus.SDT %s (read %#lx) [priv spec 3.1.18 menvcfg.DTE]",
	       on ? "on" : "off", on ? "is writable" : "is read-only zero", s);
}

static uint64_t pm_word = 0x600dc0de;

static void tagged_load(void *out)
{
	uintptr_t tagged = (uintptr_t)&pm_word | (0x55UL << 57);

	*(uint64_t *)out = *(volatile uint64_t *)tagged;
}

static void pm_effect(long pmlen)
{
	uint64_t got = 0;
	struct fault f;
	int v = catch_exception(tagged_load, &got, &f);

	if (pmlen)
		report(v == NO_EXCEPTION && got == pm_word,
		       "pointer masking PMLEN %ld, satp Bare: a load with a tag in bits 63:57 reads the word (%s, %#lx) "
		       "[pointer masking 1.0: physical addresses zero-extended]", pmlen, exception_name(v),
		       (unsigned long)got);
	else
		report(v == EXC_LOAD_ACCESS,
		       "pointer masking off: the tagged load is a load access fault (%s) "
		       "[priv spec: no memory at that physical address]",
		       exception_name(v));
}

struct feature {
	unsigned long id;
	const char *name, *ext;     /* the ISA extension it needs */
	bool assert_reset0;
	void (*effect)(bool on);
};

static const struct feature features[] = {
	{ SBI_FWFT_LANDING_PAD, "LANDING_PAD", "zicfilp", true, NULL },
	{ SBI_FWFT_SHADOW_STACK, "SHADOW_STACK", "zicfiss", true, ss_effect },
	{ SBI_FWFT_DOUBLE_TRAP, "DOUBLE_TRAP", "ssdbltrp", false, dt_effect },
	{ SBI_FWFT_PTE_AD_HW_UPDATING, "PTE_AD_HW_UPDATING", "svadu", false, NULL },
};

static bool supported(unsigned long id, const char *name, const char *ext, bool assert_reset0)
{
	struct sbiret g = sbi_fwft_get(id), s;

	report(g.error == SBI_SUCCESS || g.error == SBI_ERR_NOT_SUPPORTED,
	       "%s: get of a defined feature is SUCCESS or NOT_SUPPORTED (got %s, %ld) [SBI v3.0 FWFT get errors]", name,
	       sbi_error_name(g.error), g.value);
	if (g.error != SBI_SUCCESS) {
		report(g.value == 0, "%s: failed get has value 0 (%ld) [SBI v3.0 FWFT get: value zero on failure]", name, g.value);
		s = fwft_set(id, 0, 0);
		report(s.error == SBI_ERR_NOT_SUPPORTED,
		       "%s: set of an unsupported feature: NOT_SUPPORTED (got %s) [SBI v3.0 FWFT set errors]", name,
		       sbi_error_name(s.error));
		report_skip("%s: the firmware says %s (riscv,isa %s %s)", name, sbi_error_name(g.error),
			    isa_has(ext) ? "lists" : "does not list", ext);
		return false;
	}
	report(isa_has(ext),
	       "%s: supported only where riscv,isa lists %s [SBI v3.0 FWFT: NOT_SUPPORTED when a hardware dependency is missing]",
	       name, ext);
	if (assert_reset0)
		report(g.value == 0, "%s: reset value 0 (got %ld) [SBI v3.0 FWFT attribute table]", name, g.value);
	else
		report_info("%s reads %ld at boot (SBI v3.0 reset value 0)", name, g.value);
	return true;
}

static void check_boolean(const struct feature *ft)
{
	struct sbiret r;

	if (!supported(ft->id, ft->name, ft->ext, ft->assert_reset0))
		return;
	r = fwft_set(ft->id, 2, 0);
	report(r.error == SBI_ERR_INVALID_PARAM,
	       "%s: set 2 (not in the feature's values): INVALID_PARAM (got %s) [SBI v3.0 FWFT set errors]",
	       ft->name, sbi_error_name(r.error));
	if (ft->id == SBI_FWFT_LANDING_PAD) {
		check_landing_pad_effect();
	} else {
		if (set_and_check(ft->id, ft->name, 1) && ft->effect)
			ft->effect(true);
		if (set_and_check(ft->id, ft->name, 0) && ft->effect)
			ft->effect(false);
	}
	lock_check(ft->id, ft->name, 0, 1);
}

static void check_pmlen(void)
{
	struct sbiret r, g;

	if (!supported(SBI_FWFT_POINTER_MASKING_PMLEN, "POINTER_MASKING_PMLEN", "ssnpm", true))
		return;
	r = fwft_set(SBI_FWFT_POINTER_MASKING_PMLEN, 7, 0);
	g = sbi_fwft_get(SBI_FWFT_POINTER_MASKING_PMLEN);
	report(r.error == SBI_SUCCESS && g.error == SBI_SUCCESS && (g.value == 7 || g.value == 16),
	       "POINTER_MASKING_PMLEN: set 7: %s, get reads a PMLEN >= 7 that RV64 defines (7 or 16; got %ld) "
	       "[SBI v3.0 FWFT; pointer masking 1.0]",
	       sbi_error_name(r.error), g.value);
	if (r.error == SBI_SUCCESS)
		pm_effect(g.value);
	r = fwft_set(SBI_FWFT_POINTER_MASKING_PMLEN, 17, 0);
	report(r.error == SBI_ERR_INVALID_PARAM,
	       "POINTER_MASKING_PMLEN: set 17 (no PMLEN >= 17 exists on RV64): INVALID_PARAM (got %s) [SBI v3.0 FWFT set errors]",
	       sbi_error_name(r.error));
	if (set_and_check(SBI_FWFT_POINTER_MASKING_PMLEN, "POINTER_MASKING_PMLEN", 0))
		pm_effect(0);
	lock_check(SBI_FWFT_POINTER_MASKING_PMLEN, "POINTER_MASKING_PMLEN", 0, 7);
}

int main(int argc, char **argv, char **envp)
{
	struct sbiret r;

	(void)argc;
	(void)argv;
	(void)envp;
	report_prefix_push("fwft-features");
	local_irq_disable();
	if (!sbi_has(SBI_EXT_FWFT)) {
		report_skip("SBI FWFT: sbi_probe_extension(%#x) = 0", SBI_EXT_FWFT);
		return report_summary();
	}
	for (size_t i = 0; i < ARRAY_SIZE(features); i++)
		check_boolean(&features[i]);
	check_pmlen();
	/* The first reserved local ID, next to the defined ones: DENIED, not NOT_SUPPORTED. */
	r = sbi_fwft_get(0x6);
	report(r.error == SBI_ERR_DENIED && r.value == 0,
	       "get of feature 0x6 (first reserved local ID): DENIED, value 0 (got %s, %ld) [SBI v3.0 FWFT get errors]",
	       sbi_error_name(r.error), r.value);
	report_prefix_pop();
	return report_summary();
}
