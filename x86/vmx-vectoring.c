/*
 * vectoring: a VM exit while an injected event is being delivered through
 * L2's IDT (Intel SDM vol. 3C, 2024 numbering, order no. 326019):
 *   - 28.2.4 "Information for VM Exits During Event Delivery": the
 *     IDT-vectoring information field holds the event being delivered
 *     (valid, type, vector, error-code valid), the IDT-vectoring error code
 *     its error code; for a software interrupt the VM-exit instruction-length
 *     field holds its length;
 *   - 28.2.2 "Information for VM Exits Due to Vectored Events": the exit's own
 *     exception in the VM-exit interruption information and error code;
 *   - vol. 3A 6.13 "Error Code": a gate beyond the IDT limit is #GP with
 *     IDT=1, the vector in the index, EXT=1 when an event external to the
 *     program (here a hardware exception) was being delivered, 0 for INT n;
 *     6.15 "Interrupt 8": #GP while delivering #GP is a double fault; a
 *     double fault that exits directly is not "during event delivery"
 *     (28.2.4), so the IDT-vectoring field is not valid then.
 * L2's IDT has 32 gates; the tests shrink its limit so the injected event's
 * gate lies beyond it, and put the resulting exception in the bitmap.
 */
#include "vmx-tests.h"

#define TYPE_HW_EXC 3U
#define TYPE_SW_INT 4U
#define ERRC_VALID (1U << 11)
#define INFO(type, vec) (INTR_INFO_VALID | (type) << 8 | (vec))
#define SEL_ERR(vec, ext) ((vec) << 3 | 2 | (ext))
#define SDM_VEC "SDM vol. 3C 28.2.4 Information for VM Exits During Event Delivery"
#define SDM_ERRC "SDM vol. 3A 6.13 Error Code"

static struct vmx_vcpu *v;

static bool exception_exit(enum vmx_end end, unsigned vector)
{
	return end == VMX_END_EXIT && v->exit.reason == EXIT_EXCEPTION && (v->exit.intr_info & 0xff) == vector;
}

/* Injects info (error code err if it has one) with L2's IDT limit idt_limit, bitmap bit `exits`. */
static enum vmx_end run_injected(uint32_t info, uint32_t err, unsigned len, unsigned idt_limit, unsigned exits)
{
	enum vmx_end end;

	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmwrite(GUEST_IDTR_LIMIT, idt_limit);
	vmwrite(EXCEPTION_BITMAP, 1U << exits);
	vmwrite(ENTRY_INTR_INFO, info);
	vmwrite(ENTRY_EXCEPTION_ERROR, err);
	vmwrite(ENTRY_INSN_LEN, len);
	end = vmx_run(v);
	vmwrite(EXCEPTION_BITMAP, 0);
	vmwrite(GUEST_IDTR_LIMIT, 32 * 16 - 1);
	return end;
}

static uint32_t vec_info(void) { return vmread(IDT_VECTORING_INFO); }

void vmx_test_vectoring(void)
{
	enum vmx_end end;

	v = vmx_vcpu_new();
	if (!v)
		return;

	/* #UD injected, gate 6 beyond the limit: #GP(6 << 3 | IDT | EXT) exits, #UD in IDT-vectoring. */
	end = run_injected(INFO(TYPE_HW_EXC, 6), 0, 0, 6 * 16 - 1, 13);
	report(exception_exit(end, 13) && (v->exit.intr_info & ERRC_VALID) && v->exit.intr_error == SEL_ERR(6, 1),
	       "injected #UD, gate beyond the IDT limit: exit for #GP with error code %#x (IDT, EXT) [%s, info %#x error %#x] [" SDM_ERRC ", SDM vol. 3C 28.2.2 Information for VM Exits Due to Vectored Events]",
	       SEL_ERR(6, 1), end_str(v, end), v->exit.intr_info, v->exit.intr_error);
	report(vec_info() == INFO(TYPE_HW_EXC, 6),
	       "injected #UD: IDT-vectoring information %#x (valid, hardware exception, vector 6) [%#x] [" SDM_VEC "]",
	       INFO(TYPE_HW_EXC, 6), vec_info());

	/* INT 0x40 injected (length 2), gate 0x40 beyond L2's 32 gates: #GP(0x40 << 3 | IDT), length kept. */
	end = run_injected(INFO(TYPE_SW_INT, 0x40), 0, 2, 32 * 16 - 1, 13);
	report(exception_exit(end, 13) && v->exit.intr_error == SEL_ERR(0x40, 0) && vec_info() == INFO(TYPE_SW_INT, 0x40) &&
	       v->exit.insn_len == 2,
	       "injected INT 0x40 (length 2), gate beyond the limit: #GP(%#x, EXT=0), IDT-vectoring %#x, instruction length 2 [%s, error %#x, vectoring %#x, length %u] [" SDM_VEC ", " SDM_ERRC "]",
	       SEL_ERR(0x40, 0), INFO(TYPE_SW_INT, 0x40), end_str(v, end), v->exit.intr_error, vec_info(),
	       v->exit.insn_len);

	/* #GP(0x1234) injected, its gate beyond the limit: a double fault that exits directly is not "during delivery". */
	end = run_injected(INFO(TYPE_HW_EXC, 13) | ERRC_VALID, 0x1234, 0, 13 * 16 - 1, 8);
	report(exception_exit(end, 8) && v->exit.intr_error == 0 && !(vec_info() & INTR_INFO_VALID),
	       "injected #GP, gate beyond the limit: #DF (error code 0) exits, IDT-vectoring not valid (a #DF exiting directly is not during event delivery) [%s, error %#x, vectoring %#x] [SDM vol. 3A 6.15 Interrupt 8, " SDM_VEC "]",
	       end_str(v, end), v->exit.intr_error, vec_info());

	/* #GP(0x1234) injected, L2's stack page not present in EPT: the push exits (48) during delivery. */
	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_SECONDARY) || !vmx_ctl_allowed(CPU_CONTROLS2, CPU2_EPT)) {
		report_skip("EPT violation during delivery: enable EPT (secondary bit 1) not allowed");
	} else {
		struct ept *e = ept_new();

		ept_unmap(e, (uintptr_t)v->stack + PAGE_SIZE);
		ept_enable(e);
		end = run_injected(INFO(TYPE_HW_EXC, 13) | ERRC_VALID, 0x1234, 0, 32 * 16 - 1, 31);
		report(end == VMX_END_EXIT && v->exit.reason == EXIT_EPT_VIOLATION &&
		       vec_info() == (INFO(TYPE_HW_EXC, 13) | ERRC_VALID) && vmread(IDT_VECTORING_ERROR) == 0x1234,
		       "injected #GP(0x1234), L2's stack not in EPT: EPT violation, IDT-vectoring %#x, IDT-vectoring error code 0x1234 [%s, %#x, %#lx] [" SDM_VEC "]",
		       INFO(TYPE_HW_EXC, 13) | ERRC_VALID, end_str(v, end), vec_info(), (unsigned long)vmread(IDT_VECTORING_ERROR));
		vmx_set_ctl(CPU_CONTROLS2, 0, CPU2_EPT);
	}

	/* An exit not during event delivery: the field's valid bit is 0. */
	vmx_vcpu_set_entry(v, l2_vmcall, &(uint64_t){ 0 }, 0);
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_VMCALL && !(vec_info() & INTR_INFO_VALID),
	       "VMCALL exit (no event being delivered): IDT-vectoring valid bit 0 [%s, %#x] [" SDM_VEC "]", end_str(v, end),
	       vec_info());
}
