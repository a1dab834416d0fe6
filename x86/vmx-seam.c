/*
 * seam: the TDX instructions in and around hvut's L1 hypervisor.
 *
 * Whether SEAMCALL (66 0F 01 CF) and TDCALL (66 0F 01 CC) mean anything
 * depends on the CPU implementing SEAM, enumerated by IA32_MTRRCAP[15]
 * (SEAMRR; Intel TDX CPU architectural extensions, "SEAM Range Registers";
 * SDM vol. 4 table 2-2 IA32_MTRRCAP):
 *  - Without SEAM the four bytes are not an instruction (66 0F 01 CF/CC are
 *    no ENCLS/ENCLU form, those are NP): #UD in L2 at any CPL, in 64-bit and
 *    compatibility mode, and no VM exit. Also #UD in L1's VMX root operation.
 *  - With SEAM, in VMX non-root operation at CPL0 both cause a VM exit with
 *    basic reason 76 (SEAMCALL) / 77 (TDCALL) and instruction length 4 (SDM
 *    vol. 3C appendix C; the instructions' Operation sections); L1, which
 *    has no TDX module to offer, injects #UD. SEAMCALL is invalid in
 *    compatibility mode (#UD), TDCALL is valid there (exit 77).
 *    At CPL3 TDCALL is #GP(0) before the VM exit; SEAMCALL's pseudocode puts
 *    the exit first, while SPR/EMR (measured by others, KVM commit "Inject #UD
 *    if guest tries to execute SEAMCALL or TDCALL") give #GP(0): both are
 *    accepted and the one seen is printed.
 * SEAMRET (66 0F 01 CD) and SEAMOPS (66 0F 01 CE) #UD outside SEAM VMX root
 * operation, so in L2 at any CPL with or without SEAM, and cause no exit.
 * In every case L2 must see an exception or L1 an exit: never a hang, a
 * crash or another exit reason.
 */
#include "vmx-tests.h"
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define MTRRCAP_SEAMRR (1ULL << 15)

/*
 * l2_compat_<op>: far return to KERNEL_CS32 (compatibility mode, CPL0), the
 * four bytes at l2_compat_<op>_insn, a far jump back to 64-bit code.
 * l2_seamret/l2_seamops: the instruction in 64-bit mode.
 */
#define L2_COMPAT(op, modrm)                                                   \
	__asm__(".text\n.globl l2_compat_" #op "\nl2_compat_" #op ":\n\t"     \
		"pushq $0x18\n\t"                                             \
		"lea 1f(%rip), %rax\n\tpush %rax\n\tlretq\n"                  \
		".code32\n1:\n"                                               \
		".globl l2_compat_" #op "_insn\nl2_compat_" #op "_insn:\n\t"  \
		".byte 0x66, 0x0f, 0x01, " #modrm "\n\t"                      \
		"ljmp $0x08, $2f\n.code64\n2:\n\tret\n");                     \
	void l2_compat_##op(void *arg);                                       \
	extern char l2_compat_##op##_insn[]
#define L2_INSN(op, modrm)                                                     \
	__asm__(".text\n.globl l2_" #op "\nl2_" #op ":\n"                     \
		".globl l2_" #op "_insn\nl2_" #op "_insn:\n\t"                \
		".byte 0x66, 0x0f, 0x01, " #modrm "\n\tret\n");               \
	void l2_##op(void *arg);                                              \
	extern char l2_##op##_insn[]

L2_COMPAT(seamcall, 0xcf);
L2_COMPAT(tdcall, 0xcc);
L2_INSN(seamret, 0xcd);
L2_INSN(seamops, 0xce);

static struct vmx_vcpu *v;
static bool seam;
static unsigned exits_seen;
static struct vmx_exit first_exit;

/* L1's policy: SEAMCALL/TDCALL are not available to L2, so #UD at the instruction. */
static enum vmx_action inject_ud(struct vmx_vcpu *vc, struct vmx_exit *e)
{
	(void)vc;
	if (!exits_seen++)
		first_exit = *e;
	if (e->reason != EXIT_SEAMCALL && e->reason != EXIT_TDCALL)
		return VMX_STOP;
	vmx_inject_exception(UD_VECTOR, false, 0);
	return VMX_RESUME;
}

struct l2_case {
	const char *name;
	void (*fn)(void *);
	const char *insn;
	uint32_t reason;      /* 0: no exit in any case */
	unsigned cpl;
	bool compat;
};

static enum vmx_end run(const struct l2_case *c)
{
	exits_seen = 0;
	memset(&first_exit, 0, sizeof(first_exit));
	vmx_vcpu_set_entry(v, c->fn, NULL, c->cpl);
	v->handler = inject_ud;
	return vmx_run(v);
}

static bool l2_fault_at(enum vmx_end end, const struct l2_case *c, unsigned vector)
{
	unsigned cs = c->compat ? KERNEL_CS32 : c->cpl ? USER_CS : KERNEL_CS;

	return end == VMX_END_L2_FAULT && v->fault.vector == vector && v->fault.rip == (uintptr_t)c->insn &&
	       (v->fault.cs & ~3UL) == (cs & ~3U) && (v->fault.cs & 3) == c->cpl &&
	       (vector != GP_VECTOR || v->fault.error_code == 0);
}

/* The exit the instruction must cause, with L1's #UD then seen by L2 at the instruction. */
static void expect_exit(const struct l2_case *c, enum vmx_end end)
{
	report(exits_seen == 1 && first_exit.reason == c->reason,
	       "VM exit with basic reason %u (%s) [%u exits, first reason %u]", c->reason,
	       vmx_exit_reason_name(c->reason), exits_seen, first_exit.reason);
	report(exits_seen == 1 && first_exit.insn_len == 4, "exit instruction length 4 [got %u]",
	       first_exit.insn_len);
	report(exits_seen == 1 && first_exit.rip == (uintptr_t)c->insn, "exit RIP is the instruction %p [got %#lx]",
	       c->insn, (unsigned long)first_exit.rip);
	report(l2_fault_at(end, c, UD_VECTOR), "L2 sees the #UD L1 injected, at the instruction [%s]",
	       end_str(v, end));
}

static void expect_fault(const struct l2_case *c, enum vmx_end end, unsigned vector, const char *why)
{
	report(exits_seen == 0 && l2_fault_at(end, c, vector), "%s%s in L2 at the instruction, CPL%u, no VM exit "
	       "(%s) [%u exits, %s]", exception_name(vector), vector == GP_VECTOR ? "(0)" : "", c->cpl, why,
	       exits_seen, end_str(v, end));
}

static void one(const struct l2_case *c)
{
	enum vmx_end end;

	report_prefix_pushf("%s at CPL%u%s", c->name, c->cpl, c->compat ? " in compatibility mode" : "");
	end = run(c);
	if (!seam || !c->reason) {
		expect_fault(c, end, UD_VECTOR, !c->reason ? "only in SEAM VMX root operation" :
			     "IA32_MTRRCAP[15]=0: no SEAM, undefined opcode");
	} else if (c->compat && c->reason == EXIT_SEAMCALL) {
		expect_fault(c, end, UD_VECTOR, "SEAMCALL is invalid in compatibility mode");
	} else if (c->cpl == 0) {
		expect_exit(c, end);
	} else if (c->reason == EXIT_TDCALL || exits_seen == 0) {
		expect_fault(c, end, GP_VECTOR, "CPL > 0 is checked before the VM exit");
	} else {
		/* SEAMCALL's pseudocode: the VM exit comes before the CPL check. */
		report_info("SEAMCALL at CPL3 caused a VM exit (the TDX spec's order)");
		expect_exit(c, end);
	}
	report_prefix_pop();
}

/* L1 in VMX root operation, outside SEAM: TDCALL always #UDs; SEAMCALL does without SEAM. */
static void in_root(const char *name, void (*fn)(void *), const char *insn, bool must_ud)
{
	struct fault f;
	int vec;

	if (!must_ud) {
		report_info("%s in VMX root operation not executed: SEAM enumerated, it could enter a TDX module",
			    name);
		return;
	}
	vec = catch_exception(fn, NULL, &f);
	report(vec == UD_VECTOR && f.pc == (uintptr_t)insn, "%s in L1 (VMX root operation) raises #UD at the "
	       "instruction (got %s at %#lx)", name, exception_name(vec), f.pc);
}

void vmx_test_seam(void)
{
	static const struct l2_case cases[] = {
		{ "SEAMCALL", l2_seamcall, l2_seamcall_insn, EXIT_SEAMCALL, 0, false },
		{ "TDCALL", l2_tdcall, l2_tdcall_insn, EXIT_TDCALL, 0, false },
		{ "SEAMCALL", l2_seamcall, l2_seamcall_insn, EXIT_SEAMCALL, 3, false },
		{ "TDCALL", l2_tdcall, l2_tdcall_insn, EXIT_TDCALL, 3, false },
		{ "SEAMCALL", l2_compat_seamcall, l2_compat_seamcall_insn, EXIT_SEAMCALL, 0, true },
		{ "TDCALL", l2_compat_tdcall, l2_compat_tdcall_insn, EXIT_TDCALL, 0, true },
		{ "SEAMRET", l2_seamret, l2_seamret_insn, 0, 0, false },
		{ "SEAMOPS", l2_seamops, l2_seamops_insn, 0, 0, false },
		{ "SEAMRET", l2_seamret, l2_seamret_insn, 0, 3, false },
		{ "SEAMOPS", l2_seamops, l2_seamops_insn, 0, 3, false },
	};
	uint64_t mtrrcap = 0;
	int r = rdmsr_safe(MSR_IA32_MTRRCAP, &mtrrcap);

	v = vmx_vcpu_new();
	if (!v)
		return;
	seam = r == NO_EXCEPTION && (mtrrcap & MTRRCAP_SEAMRR);
	report_info("IA32_MTRRCAP %s %#llx: SEAM %s", exception_name(r), (unsigned long long)mtrrcap,
		    seam ? "enumerated (exits 76/77 required)" : "not implemented (#UD, no exit)");
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		one(&cases[i]);
	in_root("SEAMCALL", l2_seamcall, l2_seamcall_insn, !seam);
	in_root("TDCALL", l2_tdcall, l2_tdcall_insn, true);
}
