/*
 * seam: the TDX instructions SEAMCALL, TDCALL, SEAMRET and SEAMOPS in a guest
 * that is not a trust domain.
 *
 * This guest never executed VMXON, so by the Operation sections of the
 * instructions (Intel TDX CPU architectural extensions; SDM vol. 2) all four
 * #UD at every CPL: SEAMCALL needs VMX operation, TDCALL VMX or SEAM non-root
 * operation, SEAMRET/SEAMOPS SEAM VMX root operation.
 * Under a hardware-assisted VMM the guest itself is in VMX non-root
 * operation (it does not know it): at CPL0 SEAMCALL/TDCALL then exit to the
 * VMM, which must inject #UD (KVM "Inject #UD if guest tries to execute
 * SEAMCALL or TDCALL"); a VMM that does not handle the exit kills the guest
 * (CRASH). At CPL3, measured SPR/EMR hardware (quoted from that KVM commit,
 * not measured here) checks CPL > 0 before the non-root exit: #GP(0). So
 * CPL3 SEAMCALL/TDCALL accept #UD or #GP(0) and print which; everything else
 * must be #UD.
 * The faulting instruction must change no register: every GPR is loaded with
 * a known value (RAX = a real leaf number) and compared with the registers
 * the exception handler saw.
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/processor.h>

/* GPRs in struct ex_regs order, without RSP: what the stub loads. */
struct gprs {
	u64 rax, rcx, rdx, rbx, rbp, rsi, rdi;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
};

/* RSP at the instruction, stored by the stub just before it. */
u64 seam_rsp_at_insn;

/*
 * seam_<op>(struct gprs *in): keep the callee-saved registers, load all GPRs
 * from *in, execute the 4-byte instruction 66 0F 01 <modrm> at seam_<op>_insn.
 * If it faults, the handler longjmps out (restoring the callee-saved
 * registers); if it does not, the stub restores them and returns.
 */
#define SEAM_STUB(op, modrm)                                              \
	__asm__(".text\n\t.globl seam_" #op "\n"                          \
		"seam_" #op ":\n\t"                                       \
		"push %rbx\n\tpush %rbp\n\tpush %r12\n\t"                 \
		"push %r13\n\tpush %r14\n\tpush %r15\n\t"                 \
		"mov %rsp, seam_rsp_at_insn(%rip)\n\t"                    \
		"mov 0(%rdi), %rax\n\tmov 8(%rdi), %rcx\n\t"              \
		"mov 16(%rdi), %rdx\n\tmov 24(%rdi), %rbx\n\t"            \
		"mov 32(%rdi), %rbp\n\tmov 40(%rdi), %rsi\n\t"            \
		"mov 56(%rdi), %r8\n\tmov 64(%rdi), %r9\n\t"              \
		"mov 72(%rdi), %r10\n\tmov 80(%rdi), %r11\n\t"            \
		"mov 88(%rdi), %r12\n\tmov 96(%rdi), %r13\n\t"            \
		"mov 104(%rdi), %r14\n\tmov 112(%rdi), %r15\n\t"          \
		"mov 48(%rdi), %rdi\n\t"                                  \
		".globl seam_" #op "_insn\n"                              \
		"seam_" #op "_insn:\n\t"                                  \
		".byte 0x66, 0x0f, 0x01, " #modrm "\n\t"                  \
		"pop %r15\n\tpop %r14\n\tpop %r13\n\t"                    \
		"pop %r12\n\tpop %rbp\n\tpop %rbx\n\t"                    \
		"ret\n");                                                 \
	void seam_##op(void *in);                                         \
	extern char seam_##op##_insn[]

SEAM_STUB(seamcall, 0xcf);
SEAM_STUB(tdcall, 0xcc);
SEAM_STUB(seamret, 0xcd);
SEAM_STUB(seamops, 0xce);

enum insn { SEAMCALL, TDCALL, SEAMRET, SEAMOPS };

static const struct {
	const char *name;
	test_fn fn;
	const char *addr;
} insns[] = {
	[SEAMCALL] = { "SEAMCALL", seam_seamcall, seam_seamcall_insn },
	[TDCALL] = { "TDCALL", seam_tdcall, seam_tdcall_insn },
	[SEAMRET] = { "SEAMRET", seam_seamret, seam_seamret_insn },
	[SEAMOPS] = { "SEAMOPS", seam_seamops, seam_seamops_insn },
};

/*
 * Register states that would make the instruction do real work in a TD or
 * with a TDX module loaded (leaf numbers from the TDX module ABI / GHCI).
 */
static const struct scase {
	enum insn insn;
	const char *what;
	u64 rax, rcx, r10, r11;
} cases[] = {
	{ SEAMCALL, "TDH.SYS.INFO (RAX=32)", 32, 0, 0, 0 },
	{ SEAMCALL, "SEAMLDR.INFO (RAX=1<<63)", 1ULL << 63, 0, 0, 0 },
	/* TDG.VP.VMCALL: RCX = registers exposed (R10-R15), R10 = 0 (GHCI), R11 = 10 (CPUID). */
	{ TDCALL, "TDG.VP.VMCALL<CPUID> (RAX=0)", 0, 0xfc00, 0, 10 },
	{ TDCALL, "TDG.VP.INFO (RAX=1)", 1, 0, 0, 0 },
	{ SEAMRET, "SEAMRET (RAX=0)", 0, 0, 0, 0 },
	{ SEAMOPS, "SEAMOPS capabilities (RAX=0)", 0, 0, 0, 0 },
};

static const char *const gpr_names[15] = {
	"RAX", "RCX", "RDX", "RBX", "RBP", "RSI", "RDI",
	"R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
};

static void fill_gprs(struct gprs *g, const struct scase *c, unsigned salt)
{
	u64 *r = (u64 *)g;

	/* Distinct, non-canonical-looking values a leaf could not produce by accident. */
	for (unsigned i = 0; i < 15; i++)
		r[i] = 0x5ea0000000000000ULL | ((u64)salt << 40) | ((u64)(i + 1) << 32) |
		       (0x01010101U * (i + 1));
	g->rax = c->rax;
	g->rcx = c->rcx ? c->rcx : g->rcx;
	g->r10 = c->r10;
	g->r11 = c->r11 ? c->r11 : g->r11;
}

static void check_case(const struct scase *c, unsigned idx, bool user)
{
	struct gprs in;
	struct fault f;
	int v;
	bool may_gp = user && (c->insn == SEAMCALL || c->insn == TDCALL);
	const u64 *got, *exp = (const u64 *)&in;
	unsigned bad = 0;
	char diffs[160] = "";
	int n = 0;

	fill_gprs(&in, c, idx * 2 + user);
	seam_rsp_at_insn = 0;
	v = user ? run_in_user(insns[c->insn].fn, &in, &f) : catch_exception(insns[c->insn].fn, &in, &f);

	report_prefix_pushf("%s CPL%d", c->what, user ? 3 : 0);
	if (!report(v == UD_VECTOR || (may_gp && v == GP_VECTOR && f.error_code == 0),
		    "%s raises %s (got %s, error code %#lx)", insns[c->insn].name,
		    may_gp ? "#UD or #GP(0)" : "#UD", exception_name(v), f.error_code)) {
		report_prefix_pop();
		if (v == NO_EXCEPTION)
			report_info("the instruction completed: the registers were not captured");
		return;
	}
	if (may_gp)
		report_info("%s: %s", exception_name(v), v == UD_VECTOR ? "the #UD of the Operation section" :
			    "CPL check before the VM exit of VMX non-root operation");
	report(f.pc == (unsigned long)insns[c->insn].addr && (f.regs.cs & 3) == (user ? 3u : 0u),
	       "fault is reported at the instruction, at CPL%d (RIP %#lx, CS %#lx)", user ? 3 : 0,
	       f.pc, f.regs.cs);
	got = (const u64 *)&f.regs;   /* struct ex_regs starts with the same 15 GPRs */
	for (unsigned i = 0; i < 15; i++) {
		if (got[i] != exp[i]) {
			bad++;
			if (n < (int)sizeof(diffs) - 40)
				n += snprintf(diffs + n, sizeof(diffs) - n, " %s=%#llx", gpr_names[i],
					      (unsigned long long)got[i]);
		}
	}
	if (f.regs.rsp != seam_rsp_at_insn) {
		bad++;
		if (n < (int)sizeof(diffs) - 40)
			n += snprintf(diffs + n, sizeof(diffs) - n, " RSP=%#lx (want %#llx)", f.regs.rsp,
				      (unsigned long long)seam_rsp_at_insn);
	}
	report(!bad, "no GPR (RAX..R15, RSP) changed by the faulting instruction%s%s",
	       bad ? ":" : "", diffs);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	report_prefix_push("seam");
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		check_case(&cases[i], i, false);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		check_case(&cases[i], i, true);
	report_prefix_pop();
	return report_summary();
}
