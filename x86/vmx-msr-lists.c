/*
 * msr-lists: the VM-entry MSR-load list and the VM-exit MSR-store and
 * MSR-load lists (Intel SDM vol. 3C 27.4 Loading MSRs, 28.4 Saving MSRs,
 * 28.6 Loading MSRs; 25.7.2 / 25.8.2 for the list format: 16-byte entries,
 * MSR index in bits 31:0, bits 63:32 reserved, then the value).
 *   - an entry loaded at VM entry is what L2's RDMSR reads; two entries for
 *     one MSR are loaded in order (the last wins);
 *   - the store list gets L2's value at VM exit, the exit load list gives L1
 *     its own value back;
 *   - a bad entry fails the VM entry with exit reason 34 | bit 31 and the
 *     1-based index of that entry as exit qualification (27.8): reserved
 *     bits set, FS_BASE (C0000100H) and GS_BASE (C0000101H), which the list
 *     may not load, an x2APIC MSR (bits 31:8 = 000008H: 808H, the TPR), a
 *     value WRMSR would #GP on (non-canonical KernelGSBase).
 * The MSR used is IA32_KERNEL_GS_BASE: L1 does not depend on it.
 */
#include "vmx-tests.h"
#include <asm/msr.h>
#include <asm/processor.h>

#define ENTRY_MSR_LOAD_ADDR 0x200a
#define EXIT_MSR_STORE_ADDR 0x2006
#define EXIT_MSR_LOAD_ADDR 0x2008
#define SDM_LOAD "SDM vol. 3C 27.4 Loading MSRs"
#define SDM_STORE "SDM vol. 3C 28.4 Saving MSRs"
#define SDM_EXIT_LOAD "SDM vol. 3C 28.6 Loading MSRs"
#define SDM_FAIL "SDM vol. 3C 27.8 VM-Entry Failures During or After Loading Guest State"

struct msr_entry {
	uint32_t index;
	uint32_t reserved;
	uint64_t value;
};

static struct msr_entry *entry_list, *store_list, *exit_list;
static void *msr_bitmap;

static struct vmx_vcpu *new_vcpu(void *op)
{
	struct vmx_vcpu *v = vmx_vcpu_new();

	if (!v)
		return NULL;
	/* An all-clear MSR bitmap: L2's RDMSR/WRMSR of KernelGSBase do not exit. */
	vmx_set_ctl(CPU_CONTROLS, CPU_MSR_BITMAP, 0);
	vmwrite(MSR_BITMAP, (uintptr_t)msr_bitmap);
	vmwrite(ENTRY_MSR_LOAD_ADDR, (uintptr_t)entry_list);
	vmwrite(EXIT_MSR_STORE_ADDR, (uintptr_t)store_list);
	vmwrite(EXIT_MSR_LOAD_ADDR, (uintptr_t)exit_list);
	memset(entry_list, 0, PAGE_SIZE);
	memset(store_list, 0, PAGE_SIZE);
	memset(exit_list, 0, PAGE_SIZE);
	vmx_vcpu_set_entry(v, l2_rdmsr, op, 0);
	return v;
}

static struct { uint32_t msr, pad; uint64_t value; } op;

static void test_entry_load(void)
{
	struct vmx_vcpu *v;
	enum vmx_end end;

	op.msr = MSR_KERNEL_GS_BASE;
	op.value = 0;
	v = new_vcpu(&op);
	if (!v)
		return;
	entry_list[0] = (struct msr_entry){ MSR_KERNEL_GS_BASE, 0, 0xffff888000011000ULL };
	entry_list[1] = (struct msr_entry){ MSR_KERNEL_GS_BASE, 0, 0xffff888000022000ULL };
	vmwrite(ENTRY_MSR_LOAD_COUNT, 1);
	end = vmx_run(v);
	report(end == VMX_END_DONE && op.value == 0xffff888000011000ULL,
	       "entry MSR-load list of 1: L2 reads the loaded KernelGSBase (%#llx) [got %s] [" SDM_LOAD "]",
	       (unsigned long long)op.value, end_str(v, end));
	vmx_vcpu_set_entry(v, l2_rdmsr, &op, 0);
	vmwrite(ENTRY_MSR_LOAD_COUNT, 2);
	end = vmx_run(v);
	report(end == VMX_END_DONE && op.value == 0xffff888000022000ULL,
	       "two entries for one MSR load in order: the second wins (%#llx) [got %s] [" SDM_LOAD "]",
	       (unsigned long long)op.value, end_str(v, end));
}

static void test_exit_lists(void)
{
	uint64_t mine = 0xffff888000033000ULL;
	struct vmx_vcpu *v;
	enum vmx_end end;

	op.msr = MSR_KERNEL_GS_BASE;
	op.value = 0xffff888000044000ULL;
	v = new_vcpu(&op);
	if (!v)
		return;
	vmx_vcpu_set_entry(v, l2_wrmsr, &op, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	store_list[0] = (struct msr_entry){ MSR_KERNEL_GS_BASE, 0, 0 };
	exit_list[0] = (struct msr_entry){ MSR_KERNEL_GS_BASE, 0, mine };
	vmwrite(EXIT_MSR_STORE_COUNT, 1);
	vmwrite(EXIT_MSR_LOAD_COUNT, 1);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "L2 writes KernelGSBase [got %s]", end_str(v, end));
	report(store_list[0].value == op.value,
	       "the exit MSR-store list has L2's value %#llx (got %#llx) [" SDM_STORE "]",
	       (unsigned long long)op.value, (unsigned long long)store_list[0].value);
	report(rdmsr(MSR_KERNEL_GS_BASE) == mine,
	       "the exit MSR-load list gave L1 %#llx (got %#llx) [" SDM_EXIT_LOAD "]",
	       (unsigned long long)mine, (unsigned long long)rdmsr(MSR_KERNEL_GS_BASE));
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

/* The second of two entries is bad: the entry fails with qualification 2. */
static void bad_entry(const char *what, struct msr_entry bad)
{
	struct vmx_vcpu *v;
	enum vmx_end end;

	op.msr = MSR_KERNEL_GS_BASE;
	v = new_vcpu(&op);
	if (!v)
		return;
	entry_list[0] = (struct msr_entry){ MSR_KERNEL_GS_BASE, 0, 0xffff888000011000ULL };
	entry_list[1] = bad;
	vmwrite(ENTRY_MSR_LOAD_COUNT, 2);
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == (EXIT_REASON_ENTRY_FAIL | EXIT_MSR_LOAD_FAIL) &&
	       v->exit.qual == 2,
	       "%s: exit reason 0x80000022 (MSR loading), qualification 2 [got %s] [" SDM_LOAD "; " SDM_FAIL "]",
	       what, end_str(v, end));
}

void vmx_test_msr_lists(void)
{
	entry_list = alloc_page();
	store_list = alloc_page();
	exit_list = alloc_page();
	msr_bitmap = alloc_page();
	assert(entry_list && store_list && exit_list && msr_bitmap);
	test_entry_load();
	test_exit_lists();
	bad_entry("entry 2 with reserved bits 63:32 of its first quadword set",
		  (struct msr_entry){ MSR_KERNEL_GS_BASE, 1, 0 });
	bad_entry("entry 2 loads IA32_FS_BASE (C0000100H)", (struct msr_entry){ MSR_FS_BASE, 0, 0 });
	bad_entry("entry 2 loads IA32_GS_BASE (C0000101H)", (struct msr_entry){ MSR_GS_BASE, 0, 0 });
	bad_entry("entry 2 loads the x2APIC TPR (808H: bits 31:8 = 000008H)", (struct msr_entry){ 0x808, 0, 0 });
	bad_entry("entry 2 loads a non-canonical KernelGSBase",
		  (struct msr_entry){ MSR_KERNEL_GS_BASE, 0, 1ULL << 63 });
}
