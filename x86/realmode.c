/*
 * realmode: leave long mode for real-address mode, run a 16-bit program
 * there (x86/realmode-prog.S) and come back (lib/x86/realmode-switch.S).
 *
 * Parts:
 *   switch  - the mode switches themselves (SDM vol. 3A chapter 9, 9.8.5 and
 *             9.8.5.4 for IA-32e mode, 9.9.1/9.9.2 for protected/real mode):
 *             EFER.LMA after CR0.PG is cleared and after it is set again,
 *             CR0 in real mode, registers and FLAGS in and out, twice.
 *   arith   - 16-bit default operand size, the 0x66 prefix, MUL/DIV on DX:AX,
 *             16-bit effective addresses wrapping at 64 KiB.
 *   string  - MOVS/STOS/CMPS/SCAS/LODS with REP, REPE, REPNE and DF = 0/1,
 *             REP with CX = 0, a segment override of the source.
 *   far     - JMP ptr16:16 to an alias segment, JMP m16:16, CALL ptr16:16.
 *   ivt     - INT n, INT3, INTO, #DE, #UD through the real-mode IVT, LIDT
 *             moving it, #GP for a word across the 64 KiB segment limit.
 *   step    - TF single-step through IVT[1] across INT n and IRET.
 */
#include "hvut.h"
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/realmode.h>
#include "realmode-prog.h"

#define FL_CF (1U << 0)
#define FL_ZF (1U << 6)
#define FL_SF (1U << 7)
#define FL_TF (1U << 8)
#define FL_IF (1U << 9)
#define FL_DF (1U << 10)
#define FL_OF (1U << 11)
#define ARITH_FLAGS (FL_CF | FL_ZF | FL_SF | FL_OF)

extern char rm_prog[], rm_prog_end[], rm_results[];
extern char rp_int_next[], rp_int3_next[], rp_de_insn[], rp_ud_insn[], rp_gp_insn[], rp_far_ret[];
extern char rp_str_src[], rp_str_cmp[], rp_db_int[], rp_db_end[], h_iret[];

static const volatile uint32_t *res;     /* the slots, in the copy below 1 MiB */

/* A label's offset in the program's segment. */
static uint32_t off(const char *label) { return (uint32_t)(label - rm_prog); }
static uint32_t lo_hi(uint32_t lo, uint32_t hi) { return (lo & 0xffff) | (hi << 16); }
static const volatile uint8_t *scratch(uint32_t o) { return (const volatile uint8_t *)(uintptr_t)((RP_SCRATCH_SEG << 4) + o); }

static bool scratch_is(uint32_t o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (scratch(o)[i] != (uint8_t)s[i])
			return false;
	return true;
}

static void check_switch(const struct realmode_data *d, const struct realmode_regs *r, int round)
{
	uint64_t efer = rdmsr(MSR_EFER);

	report_prefix_pushf("switch %d", round);
	/* 9.8.5.4: clearing CR0.PG in compatibility mode deactivates IA-32e mode (LMA = 0). */
	report(!(d->efer_pg_off & EFER_LMA) && (d->efer_pg_off & EFER_LME),
	       "EFER after CR0.PG = 0: LMA = 0, LME still 1 (0x%x)", d->efer_pg_off);
	/* 9.9.2 step: CR0.PE = 0 gives real-address mode; paging stays off. */
	report(!(d->cr0_real & (1U << 0)) && !(d->cr0_real & (1U << 31)),
	       "CR0 in real mode: PE = 0, PG = 0 (0x%x)", d->cr0_real);
	/* 9.8.5: LME = 1 with paging off is IA-32e mode enabled but not active. */
	report((d->efer_lme_on & EFER_LME) && !(d->efer_lme_on & EFER_LMA),
	       "EFER after LME = 1, before CR0.PG = 1: LMA = 0 (0x%x)", d->efer_lme_on);
	report(efer & EFER_LMA, "EFER.LMA = 1 back in 64-bit mode (0x%llx)", (unsigned long long)efer);
	report(res[RS_CS] == REALMODE_BLOB_SEG, "the program ran at CS = 0x%x (got 0x%x)",
	       REALMODE_BLOB_SEG, res[RS_CS]);
	report(res[RS_ARG] == 0x30003000 + (uint32_t)round, "EBX + ECX passed in: 0x%x", res[RS_ARG]);
	report(r->eax == 0x1234abcd && (r->eflags & FL_CF), "EAX and FLAGS.CF passed out (0x%x, 0x%x)",
	       r->eax, r->eflags);
	report(res[RS_END] == 0x600d, "the program ran to its end (0x%x)", res[RS_END]);
	report_prefix_pop();
}

static void check_arith(void)
{
	report_prefix_push("arith");
	/* SDM vol. 1 20.1: real-address mode's default operand and address size is 16 bits. */
	report(res[RS_ADD16] == 0x10 && (res[RS_ADD16_FL] & ARITH_FLAGS) == FL_CF,
	       "ADD AX: 0xfff0 + 0x20 = 0x10, CF (got 0x%x, flags 0x%x)", res[RS_ADD16], res[RS_ADD16_FL]);
	/* vol. 1 3.6 "Operand-size and address-size attributes": 0x66 selects 32 bits. */
	report(res[RS_ADD32] == 0x80000000 && (res[RS_ADD32_FL] & ARITH_FLAGS) == (FL_OF | FL_SF),
	       "0x66 ADD EAX: 0x7fffffff + 1 = 0x80000000, OF SF (got 0x%x, flags 0x%x)",
	       res[RS_ADD32], res[RS_ADD32_FL]);
	/* vol. 2B MUL: DX:AX = AX * r/m16; CF = OF = 1 when DX is not 0. */
	report(res[RS_MUL] == lo_hi(0x3400, 0x12) && (res[RS_MUL_FL] & (FL_CF | FL_OF)) == (FL_CF | FL_OF),
	       "MUL BX: DX:AX = 0x12:0x3400, CF OF (got 0x%x, flags 0x%x)", res[RS_MUL], res[RS_MUL_FL]);
	/* vol. 2A DIV: AX = DX:AX / r/m16, DX = remainder. */
	report(res[RS_DIV] == lo_hi(0x1000, 0), "DIV BX: 0x10000 / 0x10 = 0x1000 r 0 (got 0x%x)", res[RS_DIV]);
	/* vol. 1 3.7.5 "Specifying an Offset": a 16-bit effective address is truncated to 16 bits. */
	report(res[RS_WRAP] == 0xbeef, "ES:[BX+SI] with BX+SI = 0x10010 stores at ES:0x10 (read 0x%x)",
	       res[RS_WRAP]);
	report_prefix_pop();
}

static void check_string(void)
{
	uint32_t src = off(rp_str_src), cmp = off(rp_str_cmp);
	bool stos = true;

	report_prefix_push("string");
	for (unsigned i = 0; i < 8; i += 2)
		stos &= scratch(0x308)[i] == 0xc3 && scratch(0x308)[i + 1] == 0xa5;
	/* vol. 2B MOVS: SI/DI += 1 per byte with DF = 0, -= 1 with DF = 1; REP counts CX to 0. */
	report(res[RS_MOVS_F] == lo_hi(src + 8, 0x108) && res[RS_MOVS_F_CX] == 0 && scratch_is(0x100, "ABCDEFGH", 8),
	       "REP MOVSB DF=0: SI/DI 0x%x (want 0x%x), CX %u, bytes copied", res[RS_MOVS_F],
	       lo_hi(src + 8, 0x108), res[RS_MOVS_F_CX]);
	report(res[RS_MOVS_B] == lo_hi(src - 1, 0x207) && res[RS_MOVS_B_CX] == 0 && scratch_is(0x208, "ABCDEFGH", 8),
	       "REP MOVSB DF=1: SI/DI 0x%x (want 0x%x), CX %u, bytes copied downwards", res[RS_MOVS_B],
	       lo_hi(src - 1, 0x207), res[RS_MOVS_B_CX]);
	/* vol. 2B STOS: DI -= 2 per word with DF = 1. */
	report(res[RS_STOS_DI] == 0x306 && stos && scratch(0x307)[0] == 0 && scratch(0x310)[0] == 0,
	       "REP STOSW DF=1: DI 0x%x (want 0x306), words at 0x308..0x30f only", res[RS_STOS_DI]);
	/* vol. 2B SCAS + REPNE: stops after the match with ZF = 1; DF = 1 scans downwards. */
	report(res[RS_SCAS_DI] == 0x101 && res[RS_SCAS_CX] == 2 && (res[RS_SCAS_FL] & FL_ZF),
	       "REPNE SCASB DF=1: DI 0x%x (want 0x101), CX %u (want 2), ZF", res[RS_SCAS_DI], res[RS_SCAS_CX]);
	/* vol. 2A LODS: AX = [SI], SI -= 2 with DF = 1. */
	report(res[RS_LODS] == lo_hi(0x4847, src + 4), "LODSW DF=1: AX/SI 0x%x (want 0x%x)", res[RS_LODS],
	       lo_hi(0x4847, src + 4));
	/* vol. 2A CMPS + REPE: stops after the first unequal pair ('D' - 'x': CF = 1, ZF = 0). */
	report(res[RS_CMPS] == lo_hi(src + 4, cmp + 4) && res[RS_CMPS_CX] == 4 &&
	       (res[RS_CMPS_FL] & (FL_ZF | FL_CF)) == FL_CF,
	       "REPE CMPSB: SI/DI 0x%x (want 0x%x), CX %u (want 4), flags 0x%x", res[RS_CMPS],
	       lo_hi(src + 4, cmp + 4), res[RS_CMPS_CX], res[RS_CMPS_FL]);
	/* vol. 2B REP: with CX = 0 no iteration runs, SI/DI unchanged. */
	report(res[RS_REP0] == lo_hi(0x400, 0x400), "REP MOVSB with CX = 0 moves nothing (SI/DI 0x%x)",
	       res[RS_REP0]);
	/* vol. 2A MOVS: the source segment DS can be overridden, ES:DI cannot. */
	report(scratch_is(0x500, "ABCDEFGH", 8), "REP MOVSB FS:[SI] reads through FS");
	report_prefix_pop();
}

static void check_far(void)
{
	report_prefix_push("far");
	/* vol. 2A JMP, real-address mode: CS = the selector, base = CS * 16. */
	report(res[RS_FAR_CS1] == REALMODE_BLOB_SEG + 1, "JMP ptr16:16 to an alias segment: CS 0x%x",
	       res[RS_FAR_CS1]);
	report(res[RS_FAR_CS2] == REALMODE_BLOB_SEG, "JMP m16:16 back: CS 0x%x", res[RS_FAR_CS2]);
	/* vol. 2A CALL, far call in real-address mode: push CS, push IP (the next instruction). */
	report(res[RS_LCALL] == lo_hi(off(rp_far_ret), REALMODE_BLOB_SEG),
	       "CALL ptr16:16 pushed CS:IP 0x%x (want 0x%x)", res[RS_LCALL],
	       lo_hi(off(rp_far_ret), REALMODE_BLOB_SEG));
	report_prefix_pop();
}

static void check_ivt(void)
{
	report_prefix_push("ivt");
	/* vol. 2A INT n, REAL-ADDRESS-MODE: push FLAGS, CS, IP (of the next instruction); IF = TF = AC = 0. */
	report(res[RS_INT] == lo_hi(off(rp_int_next), REALMODE_BLOB_SEG),
	       "INT 40h pushed CS:IP 0x%x (want 0x%x)", res[RS_INT], lo_hi(off(rp_int_next), REALMODE_BLOB_SEG));
	report((res[RS_INT_FL] & (FL_CF | FL_DF | FL_ZF | FL_IF)) == (FL_CF | FL_DF | FL_IF),
	       "INT 40h pushed FLAGS with CF DF IF, no ZF (0x%x)",
	       res[RS_INT_FL]);
	report((res[RS_INT_HFL] & (FL_IF | FL_TF | FL_DF | FL_CF)) == (FL_DF | FL_CF),
	       "in the handler IF = TF = 0, DF and CF kept (0x%x)", res[RS_INT_HFL]);
	/* vol. 2A IRET, real-address mode: pops IP, CS, FLAGS. */
	report((res[RS_INT_AFTER_FL] & (FL_CF | FL_DF | FL_ZF | FL_IF)) == (FL_CF | FL_DF | FL_ZF),
	       "IRET restored the FLAGS image the handler changed (0x%x)", res[RS_INT_AFTER_FL]);
	report(res[RS_INT3] == off(rp_int3_next), "INT3 via IVT[3], IP pushed 0x%x (want 0x%x)", res[RS_INT3],
	       off(rp_int3_next));
	/* vol. 2A INTO: vector 4 when OF = 1 only. */
	report(res[RS_INTO_CNT] == 1, "INTO: one interrupt for OF = 1, none for OF = 0 (%u)", res[RS_INTO_CNT]);
	/* vol. 3A 6.15: #DE and #UD are faults: the pushed IP is the faulting instruction's. */
	report(res[RS_DE] == off(rp_de_insn), "DIV by 0: #DE via IVT[0] at IP 0x%x (want 0x%x)", res[RS_DE],
	       off(rp_de_insn));
	report(res[RS_UD] == off(rp_ud_insn), "UD2: #UD via IVT[6] at IP 0x%x (want 0x%x)", res[RS_UD],
	       off(rp_ud_insn));
	/* vol. 3A 20.1.4: "the base address of the IVT can be changed with LIDT" in real mode. */
	report(res[RS_LIDT] == 1, "INT 40h through an IVT moved by LIDT");
	/* vol. 2A MOV, Real-Address Mode Exceptions: #GP when an operand is outside the segment limit. */
	report_deviation("realmode-seg-limit", res[RS_GP] == off(rp_gp_insn),
			 "word at ES:0xFFFF: #GP via IVT[13] at IP 0x%x (want 0x%x; 0xffff: none)", res[RS_GP],
			 off(rp_gp_insn));
	report_prefix_pop();
}

static void check_step(void)
{
	uint32_t n = res[RS_DB_CNT];

	report_prefix_push("step");
	/* vol. 3B 17.3.1.4: no trap after POPF, which sets TF; one after the next instruction. */
	report(n >= 1 && res[RS_DB_IP] == off(rp_db_int), "TF set by POPF: #DB via IVT[1] after the next instruction (IP %#x, want %#x)",
	       n >= 1 ? res[RS_DB_IP] : 0, off(rp_db_int));
	/* INT n clears TF; whether INT n itself traps (at the handler) is not settled: both allowed. */
	if (n == 3 && res[RS_DB_IP + 1] == off(h_iret))
		report_info("real mode INT 41h with TF = 1: #DB at the handler's first instruction");
	else
		report_info("real mode INT 41h with TF = 1: no #DB of its own");
	report((n == 2 || n == 3) && res[RS_DB_IP + n - 1] == off(rp_db_end),
	       "IRET sets TF: the next #DB after the instruction after IRET (%u traps, last IP %#x, want %#x)", n,
	       n >= 1 && n <= 4 ? res[RS_DB_IP + n - 1] : 0, off(rp_db_end));
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	struct realmode_regs r;
	const struct realmode_data *d;
	size_t len = (size_t)(rm_prog_end - rm_prog);

	(void)argc, (void)argv, (void)envp;
	res = (const volatile uint32_t *)(uintptr_t)(REALMODE_BLOB + (rm_results - rm_prog));
	for (int round = 1; round <= 2; round++) {
		memset(&r, 0, sizeof(r));
		r.ebx = 0x30000000;
		r.ecx = 0x3000 + (uint32_t)round;
		d = realmode_call(rm_prog, len, &r);
		if (!d) {
			report_fail("realmode_call refused (CR4.PCIDE or size)");
			return report_summary();
		}
		check_switch(d, &r, round);
	}
	check_arith();
	check_string();
	check_far();
	check_ivt();
	check_step();
	return report_summary();
}
