/*
 * pml: page-modification logging (Intel SDM vol. 3C 29.3.6 Page-Modification
 * Logging, 29.3.5 Accessed and Dirty Flags for EPT; secondary control bit 17,
 * EPT A/D enabled in the EPTP). When a guest-physical access sets an EPT dirty
 * flag, the processor writes the 4 KiB-aligned GPA to the log entry at the
 * PML index and decrements the index; with the index outside 0-511 such an
 * access exits with reason 62 (page-modification log full) instead.
 *   - L2's write to a page whose EPT dirty flag is clear: its GPA is logged
 *     once, the index went down;
 *   - the same write with the dirty flag already set: not logged again;
 *   - PML index 0xFFFF: the write exits with reason 62.
 */
#include "vmx-tests.h"
#include <asm/processor.h>

#define CPU2_PML (1U << 17)
#define PML_ADDRESS 0x200e
#define GUEST_PML_INDEX 0x0812
#define EXIT_PML_FULL 62
#define SDM_PML "SDM vol. 3C 29.3.6 Page-Modification Logging"

static uint64_t *pml;

/* How many times gpa is in the log entries written since the index was 511. */
static unsigned logged(uint64_t gpa, unsigned *entries)
{
	unsigned idx = vmread(GUEST_PML_INDEX) & 0xffff, n = 0;

	*entries = idx <= 511 ? 511 - idx : 512;
	for (unsigned i = 512 - *entries; i < 512; i++)
		n += pml[i] == gpa;
	return n;
}

static void run_write(struct vmx_vcpu *v, void *page, uint16_t index)
{
	memset(pml, 0, PAGE_SIZE);
	vmwrite(GUEST_PML_INDEX, index);
	vmx_vcpu_set_entry(v, l2_write, page, 0);
}

void vmx_test_pml(void)
{
	uint64_t ept_cap = vmx_cap(MSR_IA32_VMX_EPT_VPID_CAP), *leaf;
	uint8_t *page;
	struct vmx_vcpu *v;
	struct ept *e;
	enum vmx_end end;
	unsigned n, entries;

	if (!vmx_ctl_allowed(CPU_CONTROLS2, CPU2_EPT | CPU2_PML) || !(ept_cap & EPT_CAP_AD) ||
	    !(ept_cap & EPT_CAP_PWL4) || !(ept_cap & EPT_CAP_WB)) {
		report_skip("PML: secondary controls bits 1/17, or IA32_VMX_EPT_VPID_CAP A/D (21), 4-level (6), WB (14)");
		return;
	}
	pml = alloc_page();
	page = alloc_page();
	assert(pml && page);
	*page = 1;   /* L1's write sets the dirty flag of L1's PTE, which L2 shares: L2's write changes no PTE */
	v = vmx_vcpu_new();
	if (!v)
		return;
	e = ept_new();
	ept_map_4k(e, (uintptr_t)page, (uintptr_t)page, EPT_RWX | (EPT_MT_WB << EPT_MT_SHIFT));
	leaf = ept_leaf(e, (uintptr_t)page);
	*leaf &= ~(EPT_ACCESSED | EPT_DIRTY);
	ept_enable(e);
	vmwrite(EPT_POINTER, e->eptp | EPTP_AD);
	ept_flush_eptp(e->eptp | EPTP_AD);
	vmx_set_ctl(CPU_CONTROLS2, CPU2_PML, 0);
	vmwrite(PML_ADDRESS, (uintptr_t)pml);

	run_write(v, page, 511);
	end = vmx_run(v);
	n = logged((uintptr_t)page, &entries);
	report(end == VMX_END_DONE && n == 1,
	       "L2's write to a page with EPT dirty clear: its GPA logged once (%u of %u entries) [got %s] [" SDM_PML "]",
	       n, entries, end_str(v, end));
	report(*leaf & EPT_DIRTY, "the page's EPT dirty flag is set (%#llx) [SDM vol. 3C 29.3.5]",
	       (unsigned long long)*leaf);

	run_write(v, page, 511);
	end = vmx_run(v);
	n = logged((uintptr_t)page, &entries);
	report(end == VMX_END_DONE && n == 0,
	       "the same write with EPT dirty already set: not logged (%u of %u entries) [got %s] [" SDM_PML "]",
	       n, entries, end_str(v, end));

	*leaf &= ~(EPT_ACCESSED | EPT_DIRTY);
	ept_flush_eptp(e->eptp | EPTP_AD);
	run_write(v, page, 0xffff);
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_PML_FULL,
	       "PML index 0xFFFF: a write that sets a dirty flag exits with 62 (log full) [got %s] [" SDM_PML "]",
	       end_str(v, end));
	report_info("PML-full exit at RIP %#llx; page's EPT entry %#llx", (unsigned long long)v->exit.rip,
		    (unsigned long long)*leaf);
	vmx_set_ctl(CPU_CONTROLS2, 0, CPU2_PML | CPU2_EPT);
}
