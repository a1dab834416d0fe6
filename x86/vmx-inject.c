/*
 * inject: event injection through the VM-entry interruption-information
 * field and the HLT activity state (Intel SDM vol. 3C, 2024 numbering, order
 * no. 326019):
 *   - 25.8.3 "VM-Entry Controls for Event Injection" and 27.6.1 "Vectored-
 *     Event Injection": each interruption type is delivered through L2's IDT
 *     before L2's first instruction: external interrupt (type 0), NMI (2),
 *     hardware exception with and without an error code (3), software
 *     interrupt (4), privileged software exception (5) and software
 *     exception (6), the last three pushing RIP + the VM-entry instruction
 *     length; software interrupts and software exceptions check the gate's
 *     DPL against CPL, the privileged software exception does not
 *     (27.6.1.1 "Details of Vectored-Event Injection");
 *   - 27.2.1.3 "Checks on VM-Entry Control Fields": reserved bits, an error
 *     code for a type without one, the instruction length (VMfailValid 7);
 *     27.3.1.4: an injected external interrupt needs RFLAGS.IF=1 (invalid
 *     guest state otherwise); 27.3.1.5: in the HLT activity state only
 *     external interrupts, NMIs, #DB, #MC and pending MTF exits may be
 *     injected (NMI: delivered; #UD: entry fails), in wait-for-SIPI none;
 *   - 27.7.2 "Activity State": an entry in the HLT state with an injected
 *     event delivers it and L2 runs; 28.3.4 "Saving Nonregister State": an
 *     exit out of HLT saves activity state 1 (the preemption timer wakes it,
 *     26.2 "Other Causes of VM Exits").
 * L2 reports an event it takes through its IDT to L1 with a VMCALL
 * (vmx_l2_fault): vector, error code, RIP, CS, RFLAGS of the frame.
 */
#include "vmx-tests.h"
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define TYPE_EXTINT 0U
#define TYPE_NMI 2U
#define TYPE_HW_EXC 3U
#define TYPE_SW_INT 4U
#define TYPE_PRIV_SW_EXC 5U
#define TYPE_SW_EXC 6U
#define ERR_CONTROLS 7
#define EXIT_GUEST_STATE 33
#define ACTIVITY_HLT 1
#define ACTIVITY_WAIT_SIPI 3
#define CPU_INTR_WINDOW (1U << 2)
#define EXIT_INTR_WINDOW 7
#define BLOCKING_BY_NMI (1U << 3)
#define MISC_HLT (1ULL << 6)
#define MISC_WAIT_SIPI (1ULL << 8)
#define MISC_ZERO_LEN_SW (1ULL << 30)
#define BASIC_NO_ERRCODE_CHECK (1ULL << 56)
#define VEC_EXT 0x40
#define SDM_INJ "SDM vol. 3C 27.6.1 Vectored-Event Injection"
#define SDM_INJ_DPL "SDM vol. 3C 27.6.1.1 Details of Vectored-Event Injection"
#define SDM_CHK "SDM vol. 3C 27.2.1.3 Checks on VM-Entry Control Fields"
#define SDM_ACT "SDM vol. 3C 27.7.2 Activity State"

/* Vector 0x40 in L2's IDT: the same report as the exception stubs, no error code. */
void l2_vec40(void);
__asm__(".text\n.balign 16\n.globl l2_vec40\nl2_vec40:\n\tpushq $0\n\tpushq $0x40\n\tpush %rax\n\tjmp vmx_l2_fault\n");

static struct vmx_vcpu *v;
static uint64_t idt[2 * 256] __attribute__((aligned(16)));

static void set_gate(unsigned vec, void (*fn)(void), unsigned dpl)
{
	uintptr_t a = (uintptr_t)fn;

	idt[2 * vec] = (a & 0xffff) | ((uint64_t)KERNEL_CS << 16) | ((0x8eULL | dpl << 5) << 40) |
		       ((uint64_t)(a >> 16 & 0xffff) << 48);
	idt[2 * vec + 1] = a >> 32;
}

/* L2's IDT: the library's 32 exception gates, vector 0x40 (DPL 0 or 3), limit past it. */
static void install_idt(unsigned dpl40)
{
	memcpy(idt, (void *)vmread(GUEST_IDTR_BASE), 32 * 16);
	set_gate(VEC_EXT, l2_vec40, dpl40);
	vmwrite(GUEST_IDTR_BASE, (uintptr_t)idt);
	vmwrite(GUEST_IDTR_LIMIT, sizeof(idt) - 1);
}

static void inject(unsigned type, unsigned vector, bool has_err, uint32_t err, unsigned len)
{
	vmwrite(ENTRY_INTR_INFO, INTR_INFO_VALID | type << 8 | vector | (has_err ? INTR_INFO_ERROR_CODE : 0));
	vmwrite(ENTRY_EXCEPTION_ERROR, err);
	vmwrite(ENTRY_INSN_LEN, len);
}

/* The next run starts l2_nop at CPL cpl with an event to inject; returns how it ended. */
static enum vmx_end run_injected(unsigned cpl, unsigned type, unsigned vector, bool has_err, uint32_t err,
				 unsigned len)
{
	vmx_vcpu_set_entry(v, l2_nop, NULL, cpl);
	inject(type, vector, has_err, err, len);
	return vmx_run(v);
}

/* L2 took vector at RIP rip with error code err (0 when the CPU pushed none). */
static bool took(enum vmx_end end, unsigned vector, uint64_t err, uintptr_t rip)
{
	return end == VMX_END_L2_FAULT && v->fault.vector == vector && v->fault.error_code == err &&
	       v->fault.rip == rip;
}

static void delivery(void)
{
	uintptr_t entry = (uintptr_t)vmx_l2_entry;
	enum vmx_end end;

	install_idt(0);
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmwrite(GUEST_RFLAGS, 0x2 | X86_EFLAGS_IF);
	inject(TYPE_EXTINT, VEC_EXT, false, 0, 0);
	end = vmx_run(v);
	report(took(end, VEC_EXT, 0, entry) && (v->fault.rflags & X86_EFLAGS_IF),
	       "external interrupt 0x40: taken before L2's first instruction, no error code, pushed IF=1 [%s] [" SDM_INJ "]",
	       end_str(v, end));

	end = run_injected(0, TYPE_NMI, 2, false, 0, 0);
	report(took(end, 2, 0, entry), "NMI: vector 2 before L2's first instruction [%s] [" SDM_INJ "]", end_str(v, end));
	/* The frame is still live: no IRET ran, so NMIs stay blocked (no virtual NMIs here). */
	report(end == VMX_END_L2_FAULT && (vmread(GUEST_INTERRUPTIBILITY) & BLOCKING_BY_NMI),
	       "NMI: blocking by NMI in the interruptibility state saved at the next exit [%#lx] [" SDM_INJ "]",
	       (unsigned long)vmread(GUEST_INTERRUPTIBILITY));
	vmwrite(GUEST_INTERRUPTIBILITY, 0);

	end = run_injected(0, TYPE_HW_EXC, 13, true, 0x1234, 0);
	report(took(end, 13, 0x1234, entry), "#GP with error code 0x1234: delivered with it at the entry RIP [%s] [" SDM_INJ "]",
	       end_str(v, end));
	end = run_injected(0, TYPE_HW_EXC, 6, false, 0, 0);
	report(took(end, 6, 0, entry), "#UD without error code: delivered at the entry RIP [%s] [" SDM_INJ "]",
	       end_str(v, end));
	/* A hardware exception ignores the instruction length. */
	end = run_injected(0, TYPE_HW_EXC, 6, false, 0, 3);
	report(took(end, 6, 0, entry), "#UD with instruction length 3: still the entry RIP [%s] [" SDM_INJ "]",
	       end_str(v, end));

	end = run_injected(0, TYPE_SW_INT, VEC_EXT, false, 0, 2);
	report(took(end, VEC_EXT, 0, entry + 2), "software interrupt 0x40, length 2: pushed RIP = entry + 2 [%s] [" SDM_INJ "]",
	       end_str(v, end));
	end = run_injected(0, TYPE_PRIV_SW_EXC, 1, false, 0, 1);
	report(took(end, 1, 0, entry + 1), "privileged software exception (INT1), length 1: #DB, RIP = entry + 1 [%s] [" SDM_INJ "]",
	       end_str(v, end));
	end = run_injected(0, TYPE_SW_EXC, 3, false, 0, 1);
	report(took(end, 3, 0, entry + 1), "software exception (INT3), length 1: #BP, RIP = entry + 1 [%s] [" SDM_INJ "]",
	       end_str(v, end));
}

/*
 * At CPL3 through gates of DPL 0: INT n and INT3 fail the DPL check with #GP
 * (error code: vector * 8 + 2, IDT bit) at the injected instruction's RIP;
 * INT1 (privileged software exception) is delivered.
 */
static void dpl_checks(void)
{
	uintptr_t entry = (uintptr_t)vmx_l2_entry;
	enum vmx_end end;

	end = run_injected(3, TYPE_SW_INT, VEC_EXT, false, 0, 2);
	report(took(end, 13, VEC_EXT * 8 + 2, entry), "CPL3, software interrupt 0x40 via a DPL0 gate: #GP(0x202) at the entry RIP [%s] [" SDM_INJ_DPL "]",
	       end_str(v, end));
	end = run_injected(3, TYPE_SW_EXC, 3, false, 0, 1);
	report(took(end, 13, 3 * 8 + 2, entry), "CPL3, software exception INT3 via a DPL0 gate: #GP(0x1a) at the entry RIP [%s] [" SDM_INJ_DPL "]",
	       end_str(v, end));
	end = run_injected(3, TYPE_PRIV_SW_EXC, 1, false, 0, 1);
	report(took(end, 1, 0, entry + 1) && (v->fault.cs & 3) == 3,
	       "CPL3, privileged software exception INT1 via a DPL0 gate: #DB, no DPL check [%s] [" SDM_INJ_DPL "]",
	       end_str(v, end));
	install_idt(3);
	end = run_injected(3, TYPE_SW_INT, VEC_EXT, false, 0, 2);
	report(took(end, VEC_EXT, 0, entry + 2), "CPL3, software interrupt 0x40 via a DPL3 gate: delivered, RIP = entry + 2 [%s] [" SDM_INJ_DPL "]",
	       end_str(v, end));
	install_idt(0);
}

static void expect_vmfail(enum vmx_end end, const char *what)
{
	report(end == VMX_END_ENTRY_FAIL && v->entry_status == VMX_FAIL_VALID && v->insn_error == ERR_CONTROLS,
	       "%s: VMfailValid 7 [%s] [" SDM_CHK "]", what, end_str(v, end));
}

static void entry_checks(void)
{
	uint64_t basic = vmx_cap(MSR_IA32_VMX_BASIC), misc = vmx_cap(MSR_IA32_VMX_MISC);
	enum vmx_end end;

	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmwrite(ENTRY_INTR_INFO, INTR_INFO_VALID | TYPE_HW_EXC << 8 | 6 | 1U << 12);
	expect_vmfail(vmx_run(v), "interruption info bit 12 (reserved, 30:12) set");
	end = run_injected(0, TYPE_SW_INT, VEC_EXT, true, 0, 2);
	report_deviation("vmx-inject-sw-errcode", end == VMX_END_ENTRY_FAIL && v->entry_status == VMX_FAIL_VALID &&
			 v->insn_error == ERR_CONTROLS,
			 "software interrupt with deliver-error-code=1 (only hardware exceptions have one): VMfailValid 7 [%s] [" SDM_CHK "]",
			 end_str(v, end));
	expect_vmfail(run_injected(0, TYPE_SW_INT, VEC_EXT, false, 0, 16), "software interrupt with instruction length 16");
	expect_vmfail(run_injected(0, TYPE_HW_EXC, 13, true, 0x10000, 0), "#GP with error code bit 16 set (bits 31:15 must be 0)");
	if (basic & BASIC_NO_ERRCODE_CHECK) {
		/* IA32_VMX_BASIC[56]: any hardware exception may be injected with or without an error code. */
		end = run_injected(0, TYPE_HW_EXC, 13, false, 0, 0);
		/* L2's #GP stub expects an error code: without one, the RIP sits in its slot. */
		report(end == VMX_END_L2_FAULT && v->fault.vector == 13 && v->fault.error_code == (uintptr_t)vmx_l2_entry,
		       "IA32_VMX_BASIC[56]=1: #GP without error code is accepted and delivered without one [%s] [" SDM_CHK "]",
		       end_str(v, end));
	} else {
		expect_vmfail(run_injected(0, TYPE_HW_EXC, 13, false, 0, 0), "#GP without deliver-error-code");
		expect_vmfail(run_injected(0, TYPE_HW_EXC, 6, true, 0, 0), "#UD with deliver-error-code");
	}
	if (misc & MISC_ZERO_LEN_SW) {
		/* IA32_VMX_MISC[30]: a software event of length 0 is allowed; RIP is pushed unchanged. */
		end = run_injected(0, TYPE_SW_INT, VEC_EXT, false, 0, 0);
		report(took(end, VEC_EXT, 0, (uintptr_t)vmx_l2_entry),
		       "IA32_VMX_MISC[30]=1: software interrupt of length 0 delivered, RIP = entry [%s] [" SDM_CHK "]",
		       end_str(v, end));
	} else {
		expect_vmfail(run_injected(0, TYPE_SW_INT, VEC_EXT, false, 0, 0),
			      "software interrupt of length 0 (IA32_VMX_MISC[30]=0)");
	}
	/* 27.3.1.4: RFLAGS.IF must be 1 when an external interrupt is injected. */
	end = run_injected(0, TYPE_EXTINT, VEC_EXT, false, 0, 0);
	report(end == VMX_END_EXIT && v->exit.reason == (EXIT_REASON_ENTRY_FAIL | EXIT_GUEST_STATE),
	       "external interrupt injected with RFLAGS.IF=0: entry fails, invalid guest state [%s] [SDM vol. 3C 27.3.1.4 Checks on Guest RIP, RFLAGS, and SSP]",
	       end_str(v, end));
}

static void hlt_state(void)
{
	uintptr_t entry = (uintptr_t)vmx_l2_entry;
	enum vmx_end end;

	if (!(vmx_cap(MSR_IA32_VMX_MISC) & MISC_HLT)) {
		report_skip("HLT activity state: IA32_VMX_MISC[6]=0");
		return;
	}
	/* An injected external interrupt wakes the HLT state: delivered, L2 active. */
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmwrite(GUEST_RFLAGS, 0x2 | X86_EFLAGS_IF);
	vmwrite(GUEST_ACTIVITY, ACTIVITY_HLT);
	inject(TYPE_EXTINT, VEC_EXT, false, 0, 0);
	end = vmx_run(v);
	report(took(end, VEC_EXT, 0, entry) && vmread(GUEST_ACTIVITY) == 0,
	       "HLT state, external interrupt injected: delivered at the entry RIP, L2 active [%s, activity %lu] [" SDM_ACT "]",
	       end_str(v, end), (unsigned long)vmread(GUEST_ACTIVITY));
	/* 27.3.1.5: a hardware exception other than #DB/#MC cannot be injected in HLT. */
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmwrite(GUEST_ACTIVITY, ACTIVITY_HLT);
	inject(TYPE_HW_EXC, 6, false, 0, 0);
	end = vmx_run(v);
	report_deviation("vmx-inject-hlt-exception", end == VMX_END_EXIT && v->exit.reason == (EXIT_REASON_ENTRY_FAIL | EXIT_GUEST_STATE),
	       "HLT state, #UD injected: entry fails, invalid guest state [%s] [SDM vol. 3C 27.3.1.5 Checks on Guest Non-Register State]",
	       end_str(v, end));
	/* NMI is one of the events HLT allows: delivered, L2 active. */
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmwrite(GUEST_ACTIVITY, ACTIVITY_HLT);
	inject(TYPE_NMI, 2, false, 0, 0);
	end = vmx_run(v);
	report(took(end, 2, 0, entry) && vmread(GUEST_ACTIVITY) == 0,
	       "HLT state, NMI injected: delivered at the entry RIP, L2 active [%s, activity %lu] [SDM vol. 3C 27.3.1.5 Checks on Guest Non-Register State]",
	       end_str(v, end), (unsigned long)vmread(GUEST_ACTIVITY));
	vmwrite(GUEST_INTERRUPTIBILITY, 0);
	/* 26.2: interrupt-window exits wake a logical processor from HLT, as an external interrupt would. */
	if (vmx_ctl_allowed(CPU_CONTROLS, CPU_INTR_WINDOW) && vmx_ctl_allowed(PIN_CONTROLS, PIN_PREEMPTION_TIMER)) {
		/* The preemption timer ends the halt if the window does not (and is then the exit seen). */
		vmx_set_ctl(CPU_CONTROLS, CPU_INTR_WINDOW, 0);
		vmx_set_ctl(PIN_CONTROLS, PIN_PREEMPTION_TIMER, 0);
		vmwrite(PREEMPTION_TIMER, 200000);
		vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
		vmwrite(GUEST_RFLAGS, 0x2 | X86_EFLAGS_IF);
		vmwrite(GUEST_ACTIVITY, ACTIVITY_HLT);
		end = vmx_run(v);
		report_deviation("vmx-intr-window-hlt", end == VMX_END_EXIT && v->exit.reason == EXIT_INTR_WINDOW &&
				 v->exit.rip == entry,
				 "HLT state, IF=1, interrupt-window exiting: exit 7 at the entry RIP [%s] [SDM vol. 3C 26.2 Other Causes of VM Exits]",
				 end_str(v, end));
		vmx_set_ctl(CPU_CONTROLS, 0, CPU_INTR_WINDOW);
		vmx_set_ctl(PIN_CONTROLS, 0, PIN_PREEMPTION_TIMER);
	}
	/* Wait-for-SIPI allows no injected event at all. */
	if (vmx_cap(MSR_IA32_VMX_MISC) & MISC_WAIT_SIPI) {
		vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
		vmwrite(GUEST_RFLAGS, 0x2 | X86_EFLAGS_IF);
		vmwrite(GUEST_ACTIVITY, ACTIVITY_WAIT_SIPI);
		inject(TYPE_EXTINT, VEC_EXT, false, 0, 0);
		end = vmx_run(v);
		report(end == VMX_END_EXIT && v->exit.reason == (EXIT_REASON_ENTRY_FAIL | EXIT_GUEST_STATE),
		       "wait-for-SIPI state, external interrupt injected: entry fails, invalid guest state [%s] [SDM vol. 3C 27.3.1.5 Checks on Guest Non-Register State]",
		       end_str(v, end));
	} else {
		report_skip("wait-for-SIPI activity state: IA32_VMX_MISC[8]=0");
	}
	vmwrite(GUEST_ACTIVITY, 0);

	if (!vmx_ctl_allowed(PIN_CONTROLS, PIN_PREEMPTION_TIMER)) {
		report_skip("HLT state woken by the preemption timer: pin-based control bit 6 not allowed");
		return;
	}
	/* Nothing injected: L2 stays halted until the timer exits; RIP unchanged, activity HLT saved. */
	vmx_set_ctl(PIN_CONTROLS, PIN_PREEMPTION_TIMER, 0);
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmwrite(GUEST_ACTIVITY, ACTIVITY_HLT);
	vmwrite(PREEMPTION_TIMER, 2000);
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_PREEMPTION_TIMER && v->exit.rip == entry &&
	       vmread(GUEST_ACTIVITY) == ACTIVITY_HLT,
	       "HLT state at entry: the preemption timer exits, RIP unchanged, activity state 1 saved [%s, activity %lu] [SDM vol. 3C 28.3.4 Saving Nonregister State]",
	       end_str(v, end), (unsigned long)vmread(GUEST_ACTIVITY));
	/* L2's own HLT (not intercepted) halts it the same way, RIP after the HLT. */
	vmx_vcpu_set_entry(v, l2_hlt, NULL, 0);
	vmwrite(GUEST_ACTIVITY, 0);
	vmwrite(PREEMPTION_TIMER, 2000);
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_PREEMPTION_TIMER &&
	       v->exit.rip == (uintptr_t)l2_hlt_insn + 1 && vmread(GUEST_ACTIVITY) == ACTIVITY_HLT,
	       "L2 executes HLT: the preemption timer exits with RIP after HLT and activity state 1 [%s, activity %lu] [SDM vol. 3C 28.3.4 Saving Nonregister State]",
	       end_str(v, end), (unsigned long)vmread(GUEST_ACTIVITY));
	vmwrite(GUEST_ACTIVITY, 0);
	vmx_set_ctl(PIN_CONTROLS, 0, PIN_PREEMPTION_TIMER);
}

void vmx_test_inject(void)
{
	/* Injected external interrupts leave IF=1 in L2; a BIOS's PIC timer must not follow them. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	v = vmx_vcpu_new();
	if (!v)
		return;
	delivery();
	dpl_checks();
	entry_checks();
	hlt_state();
}
