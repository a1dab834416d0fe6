/*
 * basic: the VMX instructions themselves (SDM vol. 3 "VMX Instruction
 * Reference") and VM entries that must fail: the checks on controls and host
 * state (VMfailValid 7 and 8) and on guest state (an exit with reason 33 and
 * bit 31 set), SDM vol. 3 "VM Entries".
 */
#include "vmx-tests.h"
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

static char sbuf[120];
#define ST(st) vmx_status_str(st, sbuf, sizeof(sbuf))

/* The VM-instruction error after a VMfailValid, 0 otherwise. */
static unsigned insn_error(enum vmx_status st)
{
	uint64_t e = 0;

	if (st == VMX_FAIL_VALID)
		vmread_status(VM_INSN_ERROR, &e);
	return e;
}

static bool expect_fail_valid(enum vmx_status st, unsigned want, const char *what)
{
	unsigned got = insn_error(st);

	return report(st == VMX_FAIL_VALID && got == want, "%s: VMfailValid %u (%s) [got %s]", what, want,
		      vmx_insn_error_name(want), ST(st));
}

static void do_vmxon(void *pa) { vmxon((uintptr_t)pa); }
static void do_vmread(void *arg) { uint64_t v; (void)arg; vmread_status(GUEST_RIP, &v); }

/* Leaves the CPU in VMX operation on the region it returns. */
static void *vmxon_tests(void)
{
	void *region = vmcs_alloc(), *bad = vmcs_alloc();
	struct fault f;

	report_prefix_push("VMXON");
	/* Before CR4.VMXE is set VMXON is not even recognised (its Operation section). */
	write_cr4(read_cr4() & ~X86_CR4_VMXE);
	catch_exception(do_vmxon, region, &f);
	report(f.vector == UD_VECTOR, "with CR4.VMXE=0: #UD [got %s]", exception_name(f.vector));
	report(vmx_on(), "enters VMX root operation");
	report(vmxoff() == VMX_OK, "VMXOFF: VMsucceed");
	/* vmx_on() left CR4.VMXE and the fixed bits set: only the region differs now. */
	((uint32_t *)bad)[0] = vmx_revision() ^ 1;
	report(vmxon((uintptr_t)bad) == VMX_FAIL_INVALID,
	       "region with a wrong revision identifier: VMfailInvalid");
	report(vmxon((uintptr_t)region + 8) == VMX_FAIL_INVALID,
	       "region not 4 KiB aligned: VMfailInvalid");
	report(vmxon((uintptr_t)region) == VMX_OK, "with a good region: VMsucceed");
	/* No current VMCS yet: VMfail has no VMCS to write the error into. */
	report(vmxon((uintptr_t)region) == VMX_FAIL_INVALID,
	       "in VMX root operation without a current VMCS: VMfailInvalid");
	report_prefix_pop();
	free_page(bad);
	return region;
}

static void vmcs_pointer_tests(void *vmxon_pa)
{
	void *a = vmcs_alloc(), *b = vmcs_alloc(), *wrong = vmcs_alloc();
	uint64_t pa = 0;

	report_prefix_push("VMCS pointer");
	report(vmclear((uintptr_t)a) == VMX_OK, "VMCLEAR: VMsucceed");
	report(vmptrld((uintptr_t)a) == VMX_OK, "VMPTRLD: VMsucceed");
	report(vmptrst(&pa) == VMX_OK && pa == (uintptr_t)a, "VMPTRST stores the current VMCS %p [got %#lx]",
	       a, (unsigned long)pa);
	/* From here VMfail is VMfailValid: there is a current VMCS to hold the error number. */
	expect_fail_valid(vmxon((uintptr_t)vmxon_pa), 15, "VMXON in VMX root operation");
	expect_fail_valid(vmclear((uintptr_t)vmxon_pa), 3, "VMCLEAR of the VMXON region");
	expect_fail_valid(vmptrld((uintptr_t)vmxon_pa), 10, "VMPTRLD of the VMXON region");
	expect_fail_valid(vmclear((uintptr_t)b + 0x10), 2, "VMCLEAR of an unaligned address");
	expect_fail_valid(vmptrld((uintptr_t)b + 0x10), 9, "VMPTRLD of an unaligned address");
	((uint32_t *)wrong)[0] = vmx_revision() ^ 1;
	expect_fail_valid(vmptrld((uintptr_t)wrong), 11, "VMPTRLD of a region with a wrong revision");
	report(vmptrst(&pa) == VMX_OK && pa == (uintptr_t)a,
	       "a failed VMPTRLD keeps the current VMCS [got %#lx]", (unsigned long)pa);
	vmclear((uintptr_t)b);
	vmptrld((uintptr_t)b);
	report(vmptrst(&pa) == VMX_OK && pa == (uintptr_t)b, "VMPTRLD of a second VMCS makes it current");
	/* VMCLEAR of the current VMCS makes the current-VMCS pointer invalid. */
	vmclear((uintptr_t)b);
	report(vmptrst(&pa) == VMX_OK && pa == ~0ULL, "VMCLEAR of the current VMCS: VMPTRST gives ~0 [got %#lx]",
	       (unsigned long)pa);
	report(vmread_status(GUEST_RIP, &pa) == VMX_FAIL_INVALID, "VMREAD without a current VMCS: VMfailInvalid");
	report_prefix_pop();
}

static void field_tests(void)
{
	struct { enum vmcs_field f; const char *name; uint64_t write, want; } cases[] = {
		{ GUEST_ES_SEL, "16-bit guest ES selector", 0xbeef, 0xbeef },
		{ GUEST_ES_SEL, "16-bit field keeps bits 15:0 of a wider value", 0x12345678, 0x5678 },
		{ GUEST_ES_LIMIT, "32-bit guest ES limit", 0xdeadbeef, 0xdeadbeef },
		{ GUEST_ES_LIMIT, "32-bit field keeps bits 31:0 of a wider value", 0x123456789ULL, 0x23456789 },
		{ TSC_OFFSET, "64-bit TSC offset", 0x0123456789abcdefULL, 0x0123456789abcdefULL },
		{ TSC_OFFSET + 1, "64-bit field, high access: bits 63:32", 0xfedcba98ULL, 0xfedcba98ULL },
		{ TSC_OFFSET, "64-bit field after the high write", 0x0123456789abcdefULL, 0x0123456789abcdefULL },
		{ GUEST_RIP, "natural-width guest RIP", 0xffffffff81234567ULL, 0xffffffff81234567ULL },
	};
	void *vmcs = vmcs_alloc();
	uint64_t v;

	report_prefix_push("VMREAD/VMWRITE");
	vmclear((uintptr_t)vmcs);
	vmptrld((uintptr_t)vmcs);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		enum vmx_status w, r;

		if (i == 6) {   /* the high access wrote only bits 63:32 */
			vmread_status(TSC_OFFSET, &v);
			report(v == 0xfedcba9889abcdefULL, "64-bit high write changed bits 63:32 only [got %#lx]",
			       (unsigned long)v);
			continue;
		}
		w = vmwrite_status(cases[i].f, cases[i].write);
		r = vmread_status(cases[i].f, &v);
		report(w == VMX_OK && r == VMX_OK && v == cases[i].want, "%s (%#x): wrote %#lx, read %#lx [got %#lx]",
		       cases[i].name, cases[i].f, (unsigned long)cases[i].write, (unsigned long)cases[i].want,
		       (unsigned long)v);
	}
	/* Encoding 0x2ffe: a 64-bit host field with index 0x7ff, which no CPU defines. */
	expect_fail_valid(vmread_status(0x2ffe, &v), 12, "VMREAD of an unsupported field 0x2ffe");
	expect_fail_valid(vmwrite_status(0x2ffe, 0), 12, "VMWRITE of an unsupported field 0x2ffe");
	/* IA32_VMX_MISC[29]: VMWRITE may write the VM-exit information fields. */
	if (vmx_cap(MSR_IA32_VMX_MISC) & (1ULL << 29))
		report(vmwrite_status(EXIT_REASON, 0) == VMX_OK,
		       "VMWRITE to the exit reason: VMsucceed (IA32_VMX_MISC[29]=1)");
	else
		expect_fail_valid(vmwrite_status(EXIT_REASON, 0), 13,
				  "VMWRITE to the read-only exit reason (IA32_VMX_MISC[29]=0)");
	vmclear((uintptr_t)vmcs);
	report_prefix_pop();
}

/* Entries that must fail; each check puts the field back. */
static void entry_tests(void)
{
	struct vmx_vcpu *v = vmx_vcpu_new();
	enum vmx_end end;
	enum vmx_status st;
	uint64_t saved;

	if (!v)
		return;
	report_prefix_push("VM entry");
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);

	/* SDM "Checks on VM-Execution Control Fields": at most 4 CR3-target values. */
	vmwrite(CR3_TARGET_COUNT, 255);
	end = vmx_run(v);
	report(end == VMX_END_ENTRY_FAIL && v->entry_status == VMX_FAIL_VALID && v->insn_error == 7,
	       "CR3-target count 255: VMfailValid 7 (%s) [got %s]", vmx_insn_error_name(7), end_str(v, end));
	vmwrite(CR3_TARGET_COUNT, 0);

	/* "Checks on Host Control Registers": host CR4 must satisfy IA32_VMX_CR4_FIXED0 (VMXE). */
	saved = vmread(HOST_CR4);
	vmwrite(HOST_CR4, saved & ~X86_CR4_VMXE);
	end = vmx_run(v);
	report(end == VMX_END_ENTRY_FAIL && v->entry_status == VMX_FAIL_VALID && v->insn_error == 8,
	       "host CR4.VMXE=0: VMfailValid 8 (%s) [got %s]", vmx_insn_error_name(8), end_str(v, end));
	vmwrite(HOST_CR4, saved);

	/* "Checks on Guest RIP, RFLAGS, and SSP": RFLAGS bit 1 must be 1. */
	vmwrite(GUEST_RFLAGS, 0);
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == (EXIT_REASON_ENTRY_FAIL | EXIT_INVALID_GUEST),
	       "guest RFLAGS bit 1 clear: exit reason 0x80000021 (entry failure, invalid guest state) [got %s]",
	       end_str(v, end));
	report(end == VMX_END_EXIT && v->exit.qual == 0, "its exit qualification is 0 (default) [got %#lx]",
	       (unsigned long)v->exit.qual);
	vmwrite(GUEST_RFLAGS, 2);

	end = vmx_run(v);
	report(end == VMX_END_DONE, "a valid VMCS: VMLAUNCH runs L2 to its end [got %s]", end_str(v, end));
	/* VMLAUNCH again on the now launched VMCS, then VMRESUME of a cleared one. */
	st = vmx_enter(&v->regs, false);
	expect_fail_valid(st, 4, "VMLAUNCH of a launched VMCS");
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "VMRESUME of the launched VMCS runs L2 [got %s]", end_str(v, end));
	vmclear((uintptr_t)v->vmcs);
	vmptrld((uintptr_t)v->vmcs);
	st = vmx_enter(&v->regs, true);
	expect_fail_valid(st, 5, "VMRESUME after VMCLEAR");
	v->launched = false;
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "VMLAUNCH after VMCLEAR runs L2 [got %s]", end_str(v, end));
	report_prefix_pop();
}

void vmx_test_basic(void)
{
	struct fault f;
	void *vmxon_pa;
	uint64_t pa;

	report_prefix_push("basic");
	vmxon_pa = vmxon_tests();
	vmcs_pointer_tests(vmxon_pa);
	field_tests();
	entry_tests();

	report(vmxoff() == VMX_OK, "VMXOFF: VMsucceed");
	catch_exception(do_vmread, NULL, &f);
	report(f.vector == UD_VECTOR, "VMREAD outside VMX operation: #UD [got %s]", exception_name(f.vector));
	report(vmx_on(), "VMXON for the next groups");
	report(vmptrst(&pa) == VMX_OK && pa == ~0ULL, "after VMXON the current-VMCS pointer is ~0 [got %#lx]",
	       (unsigned long)pa);
	report_prefix_pop();
}
