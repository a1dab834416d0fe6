/*
 * seam: SEAMCALL (66 0F 01 CF) and TDCALL (66 0F 01 CC) in L2.
 *
 * SDM vol. 2 (SEAMCALL, TDCALL) and vol. 3 appendix C (exit reasons 76, 77):
 * in VMX non-root operation at CPL0 both cause a VM exit with their basic
 * exit reason and an instruction length of 4; L1, which has no TDX module to
 * offer, injects #UD, which L2 must then see at the instruction. At CPL3 the
 * CPL check comes first in the instructions' Operation sections: #GP(0) in
 * L2 and no VM exit.
 */
#include "vmx-tests.h"
#include <asm/desc.h>

static struct vmx_vcpu *v;
static unsigned exits_seen;
static struct vmx_exit first_exit;

/* L1's policy: SEAMCALL/TDCALL are not available to L2, so #UD at the instruction. */
static enum vmx_action inject_ud(struct vmx_vcpu *vc, struct vmx_exit *e)
{
	(void)vc;
	if (e->reason != EXIT_SEAMCALL && e->reason != EXIT_TDCALL)
		return VMX_STOP;
	if (!exits_seen++)
		first_exit = *e;
	vmx_inject_exception(UD_VECTOR, false, 0);
	return VMX_RESUME;
}

static void one(const char *name, void (*fn)(void *), const char *insn, uint32_t reason, unsigned cpl)
{
	/*
	 * Bochs 2.7 does not know these opcodes: it raises #UD in L2 without a
	 * VM exit, at any CPL (see docs/vmx.md). Declared, not hidden.
	 */
	bool bochs = on_bochs();
	enum vmx_end end;

	report_prefix_pushf("%s at CPL%u", name, cpl);
	exits_seen = 0;
	memset(&first_exit, 0, sizeof(first_exit));
	vmx_vcpu_set_entry(v, fn, NULL, cpl);
	v->handler = inject_ud;
	end = vmx_run(v);
	if (cpl == 0) {
		report_xfail(bochs, exits_seen == 1 && first_exit.reason == reason,
			     "VM exit with basic reason %u (%s) [%u exits, first reason %u]", reason,
			     vmx_exit_reason_name(reason), exits_seen, first_exit.reason);
		report_xfail(bochs, exits_seen == 1 && first_exit.insn_len == 4,
			     "exit instruction length 4 [got %u]", first_exit.insn_len);
		report_xfail(bochs, exits_seen == 1 && first_exit.rip == (uintptr_t)insn,
			     "exit RIP is the instruction %p [got %#lx]", insn, (unsigned long)first_exit.rip);
		report(end == VMX_END_L2_FAULT && v->fault.vector == UD_VECTOR && v->fault.rip == (uintptr_t)insn,
		       "L2 sees the #UD L1 injected, at the instruction [%s]", end_str(v, end));
	} else {
		report_xfail(bochs, end == VMX_END_L2_FAULT && v->fault.vector == GP_VECTOR &&
			     v->fault.error_code == 0 && v->fault.rip == (uintptr_t)insn,
			     "#GP(0) in L2 at the instruction [%s]", end_str(v, end));
		report(exits_seen == 0 && end != VMX_END_EXIT, "no VM exit to L1 [%u exits, %s]", exits_seen,
		       end_str(v, end));
		report(end != VMX_END_L2_FAULT || (v->fault.cs & 3) == 3,
		       "the exception came from CPL3 [CS %#lx]", v->fault.cs);
	}
	report_prefix_pop();
}

void vmx_test_seam(void)
{
	v = vmx_vcpu_new();
	if (!v)
		return;
	one("SEAMCALL", l2_seamcall, l2_seamcall_insn, EXIT_SEAMCALL, 0);
	one("TDCALL", l2_tdcall, l2_tdcall_insn, EXIT_TDCALL, 0);
	one("SEAMCALL", l2_seamcall, l2_seamcall_insn, EXIT_SEAMCALL, 3);
	one("TDCALL", l2_tdcall, l2_tdcall_insn, EXIT_TDCALL, 3);
}
