/*
 * exits: instructions and events L2 executes that L1 asked to see (SDM vol. 3
 * "Instructions That Cause VM Exits", "VM-Execution Control Fields"), each
 * checked for its exit reason, what the exit reports, and that L2 goes on
 * with what L1 put in its registers. The same instruction without the
 * control is checked not to exit.
 */
#include "vmx-tests.h"
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/vm.h>

static struct vmx_vcpu *v;

/* What the handler saw: the first exit of the reason it waits for, and how many. */
static struct {
	uint32_t reason;
	unsigned count;
	struct vmx_exit first;
	struct vmx_gprs regs;
} seen;

static void watch(uint32_t reason)
{
	memset(&seen, 0, sizeof(seen));
	seen.reason = reason;
}

/* Records the awaited exit, emulates what L2 expects, skips the instruction. */
static enum vmx_action handle(struct vmx_vcpu *vc, struct vmx_exit *e)
{
	if (e->reason != seen.reason)
		return VMX_STOP;
	if (!seen.count++) {
		seen.first = *e;
		seen.regs = vc->regs;
	}
	switch (e->reason) {
	case EXIT_CPUID:
		vc->regs.rax = 0x11111111;
		vc->regs.rbx = 0x22222222;
		vc->regs.rcx = 0x33333333;
		vc->regs.rdx = 0x44444444;
		break;
	case EXIT_VMCALL:
		vc->regs.rax = 0x5678;
		break;
	case EXIT_RDMSR:
		vc->regs.rax = 0xabc;
		vc->regs.rdx = 0x1;
		break;
	case EXIT_IO:
		if (e->qual & (1 << 3))   /* IN: L1 supplies the byte */
			vc->regs.rax = (vc->regs.rax & ~0xffUL) | 0xa5;
		break;
	case EXIT_PREEMPTION_TIMER:
		return VMX_STOP;
	}
	vmx_skip_insn(vc);
	return VMX_RESUME;
}

static enum vmx_end run(void (*fn)(void *), void *arg)
{
	vmx_vcpu_set_entry(v, fn, arg, 0);
	v->handler = handle;
	return vmx_run(v);
}

static void exit_checks(enum vmx_end end, const char *what, uint32_t reason, unsigned len, void *rip)
{
	report(end == VMX_END_DONE && seen.count == 1, "%s: one exit, then L2 ran to its end [%u exits, %s]",
	       what, seen.count, end_str(v, end));
	report(seen.count && seen.first.reason == reason, "%s: exit reason %u (%s) [got %u]", what, reason,
	       vmx_exit_reason_name(reason), seen.first.reason);
	if (len)
		report(seen.count && seen.first.insn_len == len, "%s: instruction length %u [got %u]", what, len,
		       seen.first.insn_len);
	if (rip)
		report(seen.count && seen.first.rip == (uintptr_t)rip, "%s: guest RIP at the instruction %p [got %#lx]",
		       what, rip, (unsigned long)seen.first.rip);
}

static void cpuid_hlt_vmcall(void)
{
	uint32_t out[4];
	uint64_t inout = 0x1234;
	enum vmx_end end;

	/* CPUID exits unconditionally in VMX non-root operation. */
	watch(EXIT_CPUID);
	end = run(l2_cpuid, out);
	exit_checks(end, "CPUID", EXIT_CPUID, 2, l2_cpuid_insn);
	report(seen.count && seen.regs.rax == 0 && seen.regs.rcx == 0, "CPUID: L1 sees L2's leaf EAX=0, ECX=0");
	report(out[0] == 0x11111111 && out[1] == 0x22222222 && out[2] == 0x33333333 && out[3] == 0x44444444,
	       "CPUID: L2 gets the values L1 wrote to its registers [got %#x %#x %#x %#x]",
	       out[0], out[1], out[2], out[3]);

	if (vmx_ctl_allowed(CPU_CONTROLS, CPU_HLT)) {
		vmx_set_ctl(CPU_CONTROLS, CPU_HLT, 0);
		watch(EXIT_HLT);
		end = run(l2_hlt, NULL);
		exit_checks(end, "HLT with HLT exiting", EXIT_HLT, 1, l2_hlt_insn);
		vmx_set_ctl(CPU_CONTROLS, 0, CPU_HLT);
	} else {
		report_skip("HLT: IA32_VMX_PROCBASED_CTLS does not allow HLT exiting (bit 7)");
	}

	watch(EXIT_VMCALL);
	end = run(l2_vmcall, &inout);
	exit_checks(end, "VMCALL", EXIT_VMCALL, 3, l2_vmcall_insn);
	report(seen.count && seen.regs.rax == 0x1234, "VMCALL: L1 sees L2's RAX 0x1234 [got %#lx]",
	       seen.regs.rax);
	report(inout == 0x5678, "VMCALL: L2 gets RAX 0x5678 from L1 [got %#lx]", (unsigned long)inout);
}

struct msr_op { uint32_t msr, pad; uint64_t val, val2; };

/* MSR bitmap layout (SDM "MSR-Bitmap Address"): read low, read high, write low, write high. */
static void bitmap_set(uint8_t *bm, uint32_t msr, bool write)
{
	unsigned off = (write ? 2048 : 0) + (msr >= 0xc0000000 ? 1024 : 0);
	uint32_t bit = msr & 0x1fff;

	bm[off + bit / 8] |= 1 << (bit % 8);
}

static void msr_tests(void)
{
	uint8_t *bm = alloc_page();
	struct msr_op op;
	enum vmx_end end;

	report_prefix_push("MSR");
	/* GUEST_SYSENTER_CS is loaded into IA32_SYSENTER_CS at entry: what L2 reads when RDMSR does not exit. */
	vmwrite(GUEST_SYSENTER_CS, 0x1234);

	vmx_set_ctl(CPU_CONTROLS, 0, CPU_MSR_BITMAP);
	watch(EXIT_RDMSR);
	op = (struct msr_op){ .msr = MSR_IA32_SYSENTER_CS };
	end = run(l2_rdmsr, &op);
	exit_checks(end, "RDMSR without MSR bitmaps", EXIT_RDMSR, 2, NULL);
	report(seen.count && seen.regs.rcx == MSR_IA32_SYSENTER_CS, "RDMSR exit: L1 sees ECX=0x174 [got %#lx]",
	       seen.regs.rcx);
	report(op.val == 0x100000abcULL, "RDMSR exit: L2 gets EDX:EAX from L1 [got %#lx]", (unsigned long)op.val);
	watch(EXIT_WRMSR);
	op = (struct msr_op){ .msr = MSR_IA32_SYSENTER_CS, .val = 0x200000055ULL };
	end = run(l2_wrmsr, &op);
	exit_checks(end, "WRMSR without MSR bitmaps", EXIT_WRMSR, 2, NULL);
	report(seen.count && seen.regs.rcx == MSR_IA32_SYSENTER_CS && (uint32_t)seen.regs.rax == 0x55 &&
	       (uint32_t)seen.regs.rdx == 2, "WRMSR exit: L1 sees ECX, EAX, EDX [got %#lx %#lx %#lx]",
	       seen.regs.rcx, seen.regs.rax, seen.regs.rdx);

	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_MSR_BITMAP)) {
		report_skip("MSR bitmap: IA32_VMX_PROCBASED_CTLS does not allow use MSR bitmaps (bit 28)");
		report_prefix_pop();
		return;
	}
	vmwrite(MSR_BITMAP, (uintptr_t)bm);
	vmx_set_ctl(CPU_CONTROLS, CPU_MSR_BITMAP, 0);
	watch(EXIT_RDMSR);
	op = (struct msr_op){ .msr = MSR_IA32_SYSENTER_CS };
	end = run(l2_rdmsr, &op);
	report(end == VMX_END_DONE && !seen.count, "RDMSR 0x174, bitmap bit clear: no exit [%s]", end_str(v, end));
	report(op.val == 0x1234, "RDMSR 0x174, bitmap bit clear: L2 reads the guest-state value 0x1234 [got %#lx]",
	       (unsigned long)op.val);

	bitmap_set(bm, MSR_IA32_SYSENTER_CS, false);
	watch(EXIT_RDMSR);
	op = (struct msr_op){ .msr = MSR_IA32_SYSENTER_CS };
	end = run(l2_rdmsr, &op);
	exit_checks(end, "RDMSR 0x174, read bitmap bit set", EXIT_RDMSR, 0, NULL);

	watch(EXIT_WRMSR);
	op = (struct msr_op){ .msr = MSR_KERNEL_GS_BASE, .val = rdmsr(MSR_KERNEL_GS_BASE) };
	end = run(l2_wrmsr, &op);
	report(end == VMX_END_DONE && !seen.count, "WRMSR 0xc0000102, bitmap bit clear: no exit [%s]",
	       end_str(v, end));
	bitmap_set(bm, MSR_KERNEL_GS_BASE, true);
	watch(EXIT_WRMSR);
	end = run(l2_wrmsr, &op);
	exit_checks(end, "WRMSR 0xc0000102, high write bitmap bit set", EXIT_WRMSR, 0, NULL);
	watch(EXIT_RDMSR);
	op = (struct msr_op){ .msr = MSR_KERNEL_GS_BASE };
	end = run(l2_rdmsr, &op);
	report(end == VMX_END_DONE && !seen.count,
	       "RDMSR 0xc0000102: only its write bit is set, no exit [%s]", end_str(v, end));

	/* A bitmap bit set while L2 waits in a VMCALL exit counts from the next entry on. */
	memset(bm, 0, PAGE_SIZE);
	watch(EXIT_RDMSR);
	op = (struct msr_op){ .msr = MSR_IA32_SYSENTER_CS };
	{
		enum vmx_end e2;

		vmx_vcpu_set_entry(v, l2_rdmsr_twice, &op, 0);
		v->handler = NULL;
		e2 = vmx_run(v);   /* stops at the VMCALL between the two reads */
		report(e2 == VMX_END_EXIT && v->exit.reason == EXIT_VMCALL && !seen.count,
		       "bitmap change: first RDMSR did not exit, L2 stopped at its VMCALL [%s]", end_str(v, e2));
		bitmap_set(bm, MSR_IA32_SYSENTER_CS, false);
		vmx_skip_insn(v);
		v->handler = handle;
		e2 = vmx_run(v);
		report(e2 == VMX_END_DONE && seen.count == 1,
		       "bitmap change: the RDMSR after the next entry exits [%u exits, %s]", seen.count, end_str(v, e2));
		report(op.val == 0x1234 && op.val2 == 0x100000abcULL,
		       "bitmap change: L2 read 0x1234, then L1's 0x100000abc [got %#lx, %#lx]",
		       (unsigned long)op.val, (unsigned long)op.val2);
	}
	vmx_set_ctl(CPU_CONTROLS, 0, CPU_MSR_BITMAP);
	report_prefix_pop();
}

struct io_op { uint16_t port, pad[3]; uint64_t val; };

static void io_tests(void)
{
	uint8_t *a = alloc_page(), *b = alloc_page();
	struct io_op op = { .port = 0x8080 };
	enum vmx_end end;

	report_prefix_push("I/O");
	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_IO_BITMAP)) {
		report_skip("I/O bitmaps: IA32_VMX_PROCBASED_CTLS does not allow use I/O bitmaps (bit 25)");
		report_prefix_pop();
		return;
	}
	vmwrite(IO_BITMAP_A, (uintptr_t)a);
	vmwrite(IO_BITMAP_B, (uintptr_t)b);
	vmx_set_ctl(CPU_CONTROLS, CPU_IO_BITMAP, CPU_IO_UNCOND);
	watch(EXIT_IO);
	end = run(l2_out80, NULL);
	report(end == VMX_END_DONE && !seen.count, "OUT 0x80, bitmap A bit clear: no exit [%s]", end_str(v, end));

	a[0x80 / 8] |= 1 << (0x80 % 8);
	watch(EXIT_IO);
	end = run(l2_out80, NULL);
	exit_checks(end, "OUT 0x80, bitmap A bit set", EXIT_IO, 2, NULL);
	/* Exit qualification (SDM "Exit Qualification for I/O Instructions"): size-1 in 2:0,
	 * bit 3 = IN, bit 4 string, bit 5 REP, bit 6 immediate operand, port in 31:16. */
	report(seen.count && seen.first.qual == (0x80 << 16 | 1 << 6),
	       "OUT 0x80: qualification port 0x80, 1 byte, OUT, immediate (0x800040) [got %#lx]",
	       (unsigned long)seen.first.qual);

	b[(0x8080 - 0x8000) / 8] |= 1 << (0x8080 % 8);
	watch(EXIT_IO);
	end = run(l2_in_dx, &op);
	exit_checks(end, "IN from DX=0x8080, bitmap B bit set", EXIT_IO, 1, NULL);
	report(seen.count && seen.first.qual == (0x8080UL << 16 | 1 << 3),
	       "IN DX: qualification port 0x8080, 1 byte, IN, DX operand (0x80800008) [got %#lx]",
	       (unsigned long)seen.first.qual);
	report(op.val == 0xa5, "IN DX: L2 gets the byte L1 supplied [got %#lx]", (unsigned long)op.val);
	vmx_set_ctl(CPU_CONTROLS, 0, CPU_IO_BITMAP);
	report_prefix_pop();
}

static void exception_tests(void)
{
	uint8_t *page = alloc_page();
	enum vmx_end end;

	report_prefix_push("exception bitmap");
	/* Without the bitmap bit the #UD is L2's: delivered through L2's IDT. */
	vmwrite(EXCEPTION_BITMAP, 0);
	watch(EXIT_EXCEPTION);
	end = run(l2_ud2, NULL);
	report(end == VMX_END_L2_FAULT && v->fault.vector == UD_VECTOR && v->fault.rip == (uintptr_t)l2_ud2_insn,
	       "#UD, bit 6 clear: L2 handles #UD at the UD2 [%s]", end_str(v, end));

	vmwrite(EXCEPTION_BITMAP, 1 << UD_VECTOR);
	watch(EXIT_EXCEPTION);
	vmx_vcpu_set_entry(v, l2_ud2, NULL, 0);
	v->handler = NULL;
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_EXCEPTION && v->exit.rip == (uintptr_t)l2_ud2_insn,
	       "#UD, bit 6 set: exit reason 0 at the UD2 [%s]", end_str(v, end));
	report(end == VMX_END_EXIT && v->exit.intr_info == (INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | UD_VECTOR),
	       "#UD exit: interruption info valid, hardware exception, vector 6 (0x80000306) [got %#x]",
	       v->exit.intr_info);

	/* #PF: L2 reads a page whose (shared) guest PTE L1 made not present. */
	set_page_flags(page, 0, PT_PRESENT);
	vmwrite(EXCEPTION_BITMAP, 1 << PF_VECTOR);
	vmx_vcpu_set_entry(v, l2_read, page, 0);
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_EXCEPTION &&
	       v->exit.intr_info == (INTR_INFO_VALID | INTR_INFO_ERROR_CODE | INTR_TYPE_HW_EXCEPTION | PF_VECTOR),
	       "#PF, bit 14 set: exit reason 0, info valid, error code, vector 14 (0x80000b0e) [%s, info %#x]",
	       end_str(v, end), v->exit.intr_info);
	report(end == VMX_END_EXIT && v->exit.intr_error == 0,
	       "#PF exit: error code 0 (supervisor read, not present) [got %#x]", v->exit.intr_error);
	/* The faulting linear address goes to the exit qualification, not to CR2. */
	report(end == VMX_END_EXIT && v->exit.qual == (uintptr_t)page,
	       "#PF exit: qualification = the linear address %p [got %#lx]", page, (unsigned long)v->exit.qual);
	vmwrite(EXCEPTION_BITMAP, 0);
	end = run(l2_read, page);
	report(end == VMX_END_L2_FAULT && v->fault.vector == PF_VECTOR && v->fault.error_code == 0 &&
	       v->fault.rip == (uintptr_t)l2_read_insn,
	       "#PF, bit 14 clear: L2 handles #PF(0) at the read [%s]", end_str(v, end));
	set_page_flags(page, PT_PRESENT, 0);
	report_prefix_pop();
}

static void preemption_timer(void)
{
	enum vmx_end end;

	if (!vmx_ctl_allowed(PIN_CONTROLS, PIN_PREEMPTION_TIMER)) {
		report_skip("preemption timer: IA32_VMX_PINBASED_CTLS does not allow it (bit 6)");
		return;
	}
	vmx_set_ctl(PIN_CONTROLS, PIN_PREEMPTION_TIMER, 0);
	/* Counts down at the TSC rate >> IA32_VMX_MISC[4:0]: 1000 is soon, on any CPU. */
	vmwrite(PREEMPTION_TIMER, 1000);
	watch(EXIT_PREEMPTION_TIMER);
	end = run(l2_spin, NULL);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_PREEMPTION_TIMER,
	       "preemption timer: a spinning L2 exits with reason 52 [%s]", end_str(v, end));
	vmx_set_ctl(PIN_CONTROLS, 0, PIN_PREEMPTION_TIMER);
}

void vmx_test_exits(void)
{
	v = vmx_vcpu_new();
	if (!v)
		return;
	cpuid_hlt_vmcall();
	msr_tests();
	io_tests();
	exception_tests();
	preemption_timer();
}
