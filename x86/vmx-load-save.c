/*
 * load-save: the values VM entry loads and VM exit saves and loads for
 * IA32_PAT, IA32_EFER, DR7 and IA32_DEBUGCTL, with and without their controls (Intel SDM
 * vol. 3C, 2024 numbering, order no. 326019):
 *   - 27.3.2.1 "Loading Guest Control Registers, Debug Registers, and MSRs":
 *     "load IA32_PAT"/"load IA32_EFER" (entry bits 14/15) load the guest
 *     fields; without load IA32_EFER only EFER.LMA/LME follow the IA-32e mode
 *     guest control, the other bits stay L1's; "load debug controls" (entry
 *     bit 2) loads DR7 and IA32_DEBUGCTL;
 *   - 28.3.1 "Saving Control Registers, Debug Registers, and MSRs": "save
 *     IA32_PAT"/"save IA32_EFER" (exit bits 18/20) and "save debug controls"
 *     (exit bit 2) store L2's values (DR7, IA32_DEBUGCTL) in the guest fields;
 *   - 28.5.1 "Loading Host Control Registers, Debug Registers, MSRs": DR7 is
 *     400H and IA32_DEBUGCTL 0 after every VM exit; "load IA32_PAT"/"load IA32_EFER" (exit bits
 *     19/21) load the host fields; without them PAT stays L2's and EFER keeps
 *     L2's bits other than LMA/LME.
 * L2 reads and writes the MSRs natively (an MSR bitmap of zeros). The values
 * touched are harmless to L1: PAT entry 7 (no mapping here uses it) and
 * EFER.SCE; DR7's LE/GE bits.
 */
#include "vmx-tests.h"
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define ENTRY_LOAD_DEBUG_CTL (1U << 2)
#define EXIT_SAVE_DEBUG (1U << 2)
#define PAT7(pat, type) (((pat) & ~(0xffULL << 56)) | ((uint64_t)(type) << 56))
#define SDM_LOAD_GUEST "SDM vol. 3C 27.3.2.1 Loading Guest Control Registers, Debug Registers, and MSRs"
#define SDM_SAVE "SDM vol. 3C 28.3.1 Saving Control Registers, Debug Registers, and MSRs"
#define SDM_LOAD_HOST "SDM vol. 3C 28.5.1 Loading Host Control Registers, Debug Registers, MSRs"

void l2_read_dr7(void *out);
void l2_write_dr7(void *in);
__asm__(".text\n.balign 16\n.globl l2_read_dr7\nl2_read_dr7:\n\tmov %dr7, %rax\n\tmov %rax, (%rdi)\n\tret\n"
	".balign 16\n.globl l2_write_dr7\nl2_write_dr7:\n\tmov (%rdi), %rax\n\tmov %rax, %dr7\n\tret\n");

struct msr_op {
	uint32_t msr, pad;
	uint64_t val;
};

static struct vmx_vcpu *v;

static uint64_t l1_dr7(void)
{
	uint64_t val;

	__asm__ volatile("mov %%dr7, %0" : "=r"(val));
	return val;
}

/* L2 reads (write=false) or writes msr; true when L2 ran to its end. */
static bool l2_msr(uint32_t msr, bool write, uint64_t *val)
{
	struct msr_op op = { msr, 0, write ? *val : 0 };
	enum vmx_end end;

	vmx_vcpu_set_entry(v, write ? l2_wrmsr : l2_rdmsr, &op, 0);
	end = vmx_run(v);
	if (end != VMX_END_DONE)
		report_info("L2's %s of MSR %#x: %s", write ? "WRMSR" : "RDMSR", msr, end_str(v, end));
	if (!write)
		*val = op.val;
	return end == VMX_END_DONE;
}

static void pat(void)
{
	const uint64_t l1 = rdmsr(MSR_IA32_CR_PAT);
	uint64_t val;
	bool ok;

	if (!vmx_ctl_allowed(ENTRY_CONTROLS, ENTRY_LOAD_PAT) ||
	    !vmx_ctl_allowed(EXIT_CONTROLS, EXIT_SAVE_PAT | EXIT_LOAD_PAT)) {
		report_skip("IA32_PAT paths: entry bit 14 or exit bits 18/19 not allowed");
		return;
	}
	vmx_set_ctl(ENTRY_CONTROLS, ENTRY_LOAD_PAT, 0);
	vmwrite(GUEST_PAT, PAT7(l1, 1));
	ok = l2_msr(MSR_IA32_CR_PAT, false, &val);
	report(ok && val == PAT7(l1, 1), "load IA32_PAT: L2 reads the guest field %#lx [read %#lx] [" SDM_LOAD_GUEST "]",
	       (unsigned long)PAT7(l1, 1), (unsigned long)val);

	vmx_set_ctl(EXIT_CONTROLS, EXIT_SAVE_PAT | EXIT_LOAD_PAT, 0);
	vmwrite(HOST_PAT, PAT7(l1, 5));
	val = PAT7(l1, 4);
	ok = l2_msr(MSR_IA32_CR_PAT, true, &val);
	report(ok && vmread(GUEST_PAT) == PAT7(l1, 4), "save IA32_PAT: the exit stores L2's PAT %#lx [field %#lx] [" SDM_SAVE "]",
	       (unsigned long)PAT7(l1, 4), (unsigned long)vmread(GUEST_PAT));
	report(rdmsr(MSR_IA32_CR_PAT) == PAT7(l1, 5), "load IA32_PAT on exit: L1's PAT is the host field %#lx [%#lx] [" SDM_LOAD_HOST "]",
	       (unsigned long)PAT7(l1, 5), (unsigned long)rdmsr(MSR_IA32_CR_PAT));

	vmx_set_ctl(EXIT_CONTROLS, 0, EXIT_SAVE_PAT | EXIT_LOAD_PAT);
	wrmsr(MSR_IA32_CR_PAT, l1);
	vmwrite(GUEST_PAT, l1);
	val = PAT7(l1, 4);
	ok = l2_msr(MSR_IA32_CR_PAT, true, &val);
	report(ok && rdmsr(MSR_IA32_CR_PAT) == PAT7(l1, 4) && vmread(GUEST_PAT) == l1,
	       "no save/load IA32_PAT on exit: L1 runs on with L2's PAT, the guest field is unchanged [PAT %#lx, field %#lx] [" SDM_SAVE ", " SDM_LOAD_HOST "]",
	       (unsigned long)rdmsr(MSR_IA32_CR_PAT), (unsigned long)vmread(GUEST_PAT));
	wrmsr(MSR_IA32_CR_PAT, l1);
	vmwrite(HOST_PAT, l1);
	vmx_set_ctl(ENTRY_CONTROLS, 0, ENTRY_LOAD_PAT);
}

static void efer(void)
{
	const uint64_t l1 = rdmsr(MSR_EFER), flip = l1 ^ EFER_SCE;
	uint32_t entry0 = vmread(ENTRY_CONTROLS), exit0 = vmread(EXIT_CONTROLS);
	uint64_t val;
	bool ok;

	if (!vmx_ctl_allowed(ENTRY_CONTROLS, ENTRY_LOAD_EFER) ||
	    !vmx_ctl_allowed(EXIT_CONTROLS, EXIT_SAVE_EFER | EXIT_LOAD_EFER)) {
		report_skip("IA32_EFER paths: entry bit 15 or exit bits 20/21 not allowed");
		return;
	}
	vmx_set_ctl(ENTRY_CONTROLS, ENTRY_LOAD_EFER, 0);
	vmx_set_ctl(EXIT_CONTROLS, EXIT_LOAD_EFER, EXIT_SAVE_EFER);
	vmwrite(GUEST_EFER, flip);
	ok = l2_msr(MSR_EFER, false, &val);
	report(ok && val == flip, "load IA32_EFER: L2 reads the guest field (SCE flipped) %#lx [read %#lx] [" SDM_LOAD_GUEST "]",
	       (unsigned long)flip, (unsigned long)val);

	vmx_set_ctl(ENTRY_CONTROLS, 0, ENTRY_LOAD_EFER);
	ok = l2_msr(MSR_EFER, false, &val);
	report(ok && val == l1, "no load IA32_EFER: L2 reads L1's EFER %#lx (LMA/LME from IA-32e mode guest, SCE L1's), not the field [read %#lx] [" SDM_LOAD_GUEST "]",
	       (unsigned long)l1, (unsigned long)val);

	vmx_set_ctl(ENTRY_CONTROLS, ENTRY_LOAD_EFER, 0);
	vmx_set_ctl(EXIT_CONTROLS, EXIT_SAVE_EFER | EXIT_LOAD_EFER, 0);
	vmwrite(GUEST_EFER, l1);
	vmwrite(HOST_EFER, flip);
	val = flip;
	ok = l2_msr(MSR_EFER, true, &val);
	report(ok && vmread(GUEST_EFER) == flip, "save IA32_EFER: the exit stores L2's EFER %#lx [field %#lx] [" SDM_SAVE "]",
	       (unsigned long)flip, (unsigned long)vmread(GUEST_EFER));
	report(rdmsr(MSR_EFER) == flip, "load IA32_EFER on exit: L1's EFER is the host field %#lx [%#lx] [" SDM_LOAD_HOST "]",
	       (unsigned long)flip, (unsigned long)rdmsr(MSR_EFER));
	wrmsr(MSR_EFER, l1);

	vmx_set_ctl(EXIT_CONTROLS, 0, EXIT_SAVE_EFER | EXIT_LOAD_EFER);
	vmwrite(GUEST_EFER, l1);
	vmwrite(HOST_EFER, l1);
	val = flip;
	ok = l2_msr(MSR_EFER, true, &val);
	report(ok && rdmsr(MSR_EFER) == flip, "no load IA32_EFER on exit: L1 keeps L2's EFER.SCE [%#lx] [" SDM_LOAD_HOST "]",
	       (unsigned long)rdmsr(MSR_EFER));
	wrmsr(MSR_EFER, l1);
	vmwrite(ENTRY_CONTROLS, entry0);
	vmwrite(EXIT_CONTROLS, exit0);
}

static void dr7(void)
{
	uint64_t val = 0;
	enum vmx_end end;

	if (!vmx_ctl_allowed(ENTRY_CONTROLS, ENTRY_LOAD_DEBUG_CTL) || !vmx_ctl_allowed(EXIT_CONTROLS, EXIT_SAVE_DEBUG)) {
		report_skip("DR7 paths: load/save debug controls (entry/exit bit 2) not allowed");
		return;
	}
	vmx_set_ctl(ENTRY_CONTROLS, ENTRY_LOAD_DEBUG_CTL, 0);
	vmx_set_ctl(EXIT_CONTROLS, EXIT_SAVE_DEBUG, 0);
	vmwrite(GUEST_DR7, 0x700);
	vmx_vcpu_set_entry(v, l2_read_dr7, &val, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE && val == 0x700, "load debug controls: L2 reads DR7 0x700 from the guest field [%#lx, %s] [" SDM_LOAD_GUEST "]",
	       (unsigned long)val, end_str(v, end));
	val = 0x500;
	vmx_vcpu_set_entry(v, l2_write_dr7, &val, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE && vmread(GUEST_DR7) == 0x500,
	       "save debug controls: the exit stores L2's DR7 0x500 [field %#lx, %s] [" SDM_SAVE "]",
	       (unsigned long)vmread(GUEST_DR7), end_str(v, end));
	report(l1_dr7() == 0x400, "after the exit L1's DR7 is 400H [%#lx] [" SDM_LOAD_HOST "]", (unsigned long)l1_dr7());
	vmwrite(GUEST_DR7, 0x400);
}

/*
 * IA32_DEBUGCTL with the debug-control bit 2 controls (27.3.2.1: the entry
 * loads it from the guest field; 28.3.1: the exit saves it; 28.5.1: the exit
 * clears it to 0). BTF (bit 1) only: without RFLAGS.TF it changes nothing
 * L2 does, and the lanes' CPUs accept it. L2 reads and writes the MSR
 * natively (the MSR bitmap of zeros).
 */
/* The deviation row when L2's access #GPed (Bochs has no IA32_DEBUGCTL), else none: any other miss FAILs. */
static const char *debugctl_dev(bool ok)
{
	return !ok && v->fault.vector == GP_VECTOR ? "vmx-debugctl-gp" : NULL;
}

static void debugctl(void)
{
	const uint64_t btf = 1ULL << 1;
	uint64_t val = 0;
	bool ok, l1_ok;

	if (!vmx_ctl_allowed(ENTRY_CONTROLS, ENTRY_LOAD_DEBUG_CTL) || !vmx_ctl_allowed(EXIT_CONTROLS, EXIT_SAVE_DEBUG)) {
		report_skip("IA32_DEBUGCTL paths: load/save debug controls (entry/exit bit 2) not allowed");
		return;
	}
	vmx_set_ctl(ENTRY_CONTROLS, ENTRY_LOAD_DEBUG_CTL, 0);
	vmx_set_ctl(EXIT_CONTROLS, EXIT_SAVE_DEBUG, 0);

	/* Through the VMCS alone: the entry loads BTF, L2 leaves it, the exit stores it back. */
	vmwrite(GUEST_DEBUGCTL, btf);
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	ok = vmx_run(v) == VMX_END_DONE;
	report(ok && vmread(GUEST_DEBUGCTL) == btf,
	       "load and save debug controls: the guest IA32_DEBUGCTL field %#lx survives an L2 that does not touch it [field %#lx] [" SDM_LOAD_GUEST ", " SDM_SAVE "]",
	       (unsigned long)btf, (unsigned long)vmread(GUEST_DEBUGCTL));

	val = 0;
	ok = l2_msr(MSR_IA32_DEBUGCTL, false, &val);
	report_deviation(debugctl_dev(ok), ok && val == btf,
			 "load debug controls: L2 reads IA32_DEBUGCTL %#lx (BTF) from the guest field [read %#lx] [" SDM_LOAD_GUEST "]",
			 (unsigned long)btf, (unsigned long)val);

	l1_ok = wrmsr_safe(MSR_IA32_DEBUGCTL, btf) == NO_EXCEPTION;
	if (l1_ok) {
		vmwrite(GUEST_DEBUGCTL, 0);
		val = btf;
		ok = l2_msr(MSR_IA32_DEBUGCTL, false, &val);
		report(ok && val == 0,
		       "load debug controls: L2 reads IA32_DEBUGCTL 0 from the guest field, not L1's BTF [read %#lx] [" SDM_LOAD_GUEST "]",
		       (unsigned long)val);
	} else {
		report_skip("load debug controls over L1's IA32_DEBUGCTL: L1's WRMSR of BTF #GPs");
	}

	vmwrite(GUEST_DEBUGCTL, 0);
	val = btf;
	ok = l2_msr(MSR_IA32_DEBUGCTL, true, &val);
	report_deviation(debugctl_dev(ok), ok && vmread(GUEST_DEBUGCTL) == btf,
			 "save debug controls: the exit stores L2's IA32_DEBUGCTL %#lx [field %#lx] [" SDM_SAVE "]",
			 (unsigned long)btf, (unsigned long)vmread(GUEST_DEBUGCTL));
	/* L1's own access: #GP where the MSR is missing (the same row); after any exit it is 0. */
	l1_ok = rdmsr_safe(MSR_IA32_DEBUGCTL, &val) == NO_EXCEPTION;
	report_deviation(l1_ok ? NULL : "vmx-debugctl-gp", l1_ok && val == 0,
			 "after the exit L1's IA32_DEBUGCTL is 0 [%s %#lx] [" SDM_LOAD_HOST "]",
			 l1_ok ? "RDMSR" : "RDMSR #GP", (unsigned long)val);
	wrmsr_safe(MSR_IA32_DEBUGCTL, 0);
	vmwrite(GUEST_DEBUGCTL, 0);
}

void vmx_test_load_save(void)
{
	void *bitmap;

	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_MSR_BITMAP)) {
		report_skip("MSR bitmaps: primary processor-based control bit 28 not allowed");
		return;
	}
	v = vmx_vcpu_new();
	if (!v)
		return;
	bitmap = alloc_page();
	memset(bitmap, 0, PAGE_SIZE);
	vmwrite(MSR_BITMAP, (uintptr_t)bitmap);
	vmx_set_ctl(CPU_CONTROLS, CPU_MSR_BITMAP, 0);
	pat();
	efer();
	dr7();
	debugctl();
}
