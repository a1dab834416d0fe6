/*
 * load-save: the values VM entry loads and VM exit saves and loads for
 * IA32_PAT, IA32_EFER and DR7, with and without their controls (Intel SDM
 * vol. 3C, 2024 numbering, order no. 326019):
 *   - 27.3.2.1 "Loading Guest Control Registers, Debug Registers, and MSRs":
 *     "load IA32_PAT"/"load IA32_EFER" (entry bits 14/15) load the guest
 *     fields; without load IA32_EFER only EFER.LMA/LME follow the IA-32e mode
 *     guest control, the other bits stay L1's; "load debug controls" (entry
 *     bit 2) loads DR7;
 *   - 28.3.1 "Saving Control Registers, Debug Registers, and MSRs": "save
 *     IA32_PAT"/"save IA32_EFER" (exit bits 18/20) and "save debug controls"
 *     (exit bit 2) store L2's values in the guest fields;
 *   - 28.5.1 "Loading Host Control Registers, Debug Registers, MSRs": DR7 is
 *     400H after every VM exit; "load IA32_PAT"/"load IA32_EFER" (exit bits
 *     19/21) load the host fields; without them PAT stays L2's and EFER keeps
 *     L2's bits other than LMA/LME.
 * L2 reads and writes the MSRs natively (an MSR bitmap of zeros). The values
 * touched are harmless to L1: PAT entry 7 (no mapping here uses it) and
 * EFER.SCE; DR7's LE/GE bits.
 */
#include "vmx-tests.h"
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
}
