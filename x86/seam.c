/*
 * seam: the TDX instructions SEAMCALL, TDCALL, SEAMRET and SEAMOPS in a guest
 * that is not a trust domain.
 *
 * Outside SEAM these instructions only fault, and a VMM must make them fault
 * the way the CPU the guest sees would:
 *  - CPL0: #UD everywhere. On Intel hardware in VMX non-root operation
 *    SEAMCALL and TDCALL cause a VM exit (reasons 76 and 77) instead, and the
 *    hypervisor has to inject the #UD; one that does not handle the exit ends
 *    the VM, which the harness sees as a CRASH (no SUMMARY line).
 *  - CPL3: SEAMCALL and TDCALL #GP(0) on Intel hardware in VMX non-root
 *    operation (the CPL check precedes the VM exit), #UD where the CPU is not
 *    in VMX operation or does not know the opcodes (AMD, emulators).
 *    SEAMRET and SEAMOPS #UD outside SEAM VMX root operation at any CPL.
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

/* The expected vector at CPL3 for SEAMCALL/TDCALL, and why. */
static int cpl3_vector;
static const char *cpl3_rule;

static void choose_cpl3_rule(void)
{
	const char *accel = getenv("ACCEL");
	const char *sig = hypervisor_signature();
	enum x86_vendor vendor = cpu_vendor();
	bool hw_vmx;

	/*
	 * Only a hardware-assisted guest on an Intel CPU runs in VMX non-root
	 * operation, where the CPL > 0 check of SEAMCALL/TDCALL gives #GP(0).
	 * TCG and Bochs decode the opcodes themselves; AMD CPUs do not know them.
	 */
	if (accel)
		hw_vmx = !strcmp(accel, "kvm");
	else
		hw_vmx = !strcmp(sig, "KVMKVMKVM");
	report_info("ACCEL=%s, hypervisor signature \"%s\", vendor %s", accel ? accel : "(unset)", sig,
		    vendor == X86_VENDOR_INTEL ? "Intel" : vendor == X86_VENDOR_AMD ? "AMD" : "other");
	if (hw_vmx && vendor == X86_VENDOR_INTEL) {
		cpl3_vector = GP_VECTOR;
		cpl3_rule = "Intel CPU in VMX non-root operation: CPL check before the VM exit, #GP(0)";
	} else if (hw_vmx) {
		cpl3_vector = UD_VECTOR;
		cpl3_rule = "hardware virtualization on a non-Intel CPU: opcodes unknown, #UD";
	} else {
		cpl3_vector = UD_VECTOR;
		cpl3_rule = "emulated CPU or no VMX operation: #UD";
	}
	report_info("CPL3 rule for SEAMCALL/TDCALL: %s", cpl3_rule);
}

static void check_case(const struct scase *c, unsigned idx, bool user)
{
	struct gprs in;
	struct fault f;
	int want, v;
	const u64 *got, *exp = (const u64 *)&in;
	unsigned bad = 0;
	char diffs[160] = "";
	int n = 0;

	if (user && (c->insn == SEAMCALL || c->insn == TDCALL))
		want = cpl3_vector;
	else
		want = UD_VECTOR;

	fill_gprs(&in, c, idx * 2 + user);
	seam_rsp_at_insn = 0;
	v = user ? run_in_user(insns[c->insn].fn, &in, &f) : catch_exception(insns[c->insn].fn, &in, &f);

	report_prefix_pushf("%s CPL%d", c->what, user ? 3 : 0);
	if (!report(v == want && (want != GP_VECTOR || f.error_code == 0),
		    "%s raises %s%s (got %s, error code %#lx)", insns[c->insn].name,
		    exception_name(want), want == GP_VECTOR ? "(0)" : "", exception_name(v), f.error_code)) {
		report_prefix_pop();
		if (v == NO_EXCEPTION)
			report_info("the instruction completed: the registers were not captured");
		return;
	}
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
	choose_cpl3_rule();
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		check_case(&cases[i], i, false);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		check_case(&cases[i], i, true);
	report(cpl() == 0, "the guest kept running at CPL0 after %u faulting instructions",
	       (unsigned)(2 * ARRAY_SIZE(cases)));
	report_prefix_pop();
	return report_summary();
}
