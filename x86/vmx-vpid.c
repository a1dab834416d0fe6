/*
 * vpid: INVVPID types seen through stale translations (Intel SDM vol. 3C 29.1
 * Virtual Processor Identifiers, 29.4.3 Invalidating Cached Translation
 * Information, and the INVVPID instruction reference). L2 runs with VPID 1 on
 * L1's page tables and reads a page through a linear address whose PTE L1
 * then points at another page; L1's INVLPG acts on VPID 0 only. Whether L2
 * still sees the old page is allowed either way (INFO only); after INVVPID
 * of each type that covers the address - individual address (0), single
 * context (1), all contexts (2), single context retaining globals (3) for a
 * non-global PTE - L2 must read the new page. An unsupported type SKIPs
 * naming its IA32_VMX_EPT_VPID_CAP bit (40-43).
 */
#include "vmx-tests.h"
#include <asm/processor.h>
#include <asm/vm.h>

#define SDM_INV "SDM vol. 3C 29.4.3 Invalidating Cached Translation Information; INVVPID"

static uint8_t *va;           /* the linear address L2 reads */
static uint64_t pa_old, pa_new;
static uint8_t read_value;

static void l2_read_va(void *arg)
{
	(void)arg;
	read_value = *(volatile uint8_t *)va;
}

static void point_to(uint64_t pa)
{
	uint64_t *pte = get_pte(va);

	*pte = (*pte & ~PT_ADDR_MASK) | pa;
	invlpg(va);   /* L1's VPID 0; L2's VPID 1 is INVVPID's business */
}

static uint8_t l2_reads(struct vmx_vcpu *v)
{
	enum vmx_end end;

	read_value = 0;
	vmx_vcpu_set_entry(v, l2_read_va, NULL, 0);
	end = vmx_run(v);
	if (end != VMX_END_DONE)
		report_fail("L2's read of the page: %s", end_str(v, end));
	return read_value;
}

static void check_type(struct vmx_vcpu *v, unsigned type, uint64_t cap_bit, const char *name)
{
	uint64_t cap = vmx_cap(MSR_IA32_VMX_EPT_VPID_CAP);
	enum vmx_status st;
	char buf[100];
	uint8_t got;

	if (!(cap & cap_bit)) {
		report_skip("INVVPID %s: IA32_VMX_EPT_VPID_CAP[%u]=0", name, __builtin_ctzll(cap_bit));
		return;
	}
	point_to(pa_old);
	got = l2_reads(v);
	if (!report(got == 0xa1, "%s: L2 reads the old page first (%#x)", name, got))
		return;
	point_to(pa_new);
	got = l2_reads(v);
	report_info("%s: without INVVPID L2 read the %s page (%#x): both allowed", name,
		    got == 0xa1 ? "old (stale translation)" : "new", got);
	point_to(pa_old);
	got = l2_reads(v);
	point_to(pa_new);
	st = invvpid(type, 1, (uintptr_t)va);
	if (!report(st == VMX_OK, "INVVPID type %u (%s) VPID 1: VMsucceed [got %s]", type, name,
		    vmx_status_str(st, buf, sizeof(buf))))
		return;
	got = l2_reads(v);
	report(got == 0xb2, "after INVVPID type %u (%s) L2 reads the new page (%#x) [" SDM_INV "]", type, name, got);
}

void vmx_test_vpid(void)
{
	uint64_t cap = vmx_cap(MSR_IA32_VMX_EPT_VPID_CAP);
	uint8_t *page_old, *page_new;
	struct vmx_vcpu *v;

	if (!vmx_ctl_allowed(CPU_CONTROLS2, CPU2_VPID) || !(cap & VPID_CAP_INVVPID)) {
		report_skip("VPID: secondary control bit 5 or IA32_VMX_EPT_VPID_CAP[32] (INVVPID)");
		return;
	}
	va = alloc_page();
	page_old = alloc_page();
	page_new = alloc_page();
	assert(va && page_old && page_new);
	*page_old = 0xa1;
	*page_new = 0xb2;
	pa_old = (uintptr_t)page_old;
	pa_new = (uintptr_t)page_new;
	v = vmx_vcpu_new();
	if (!v)
		return;
	vmx_set_ctl(CPU_CONTROLS2, CPU2_VPID, 0);
	vmwrite(VPID, 1);
	check_type(v, 0, VPID_CAP_INVVPID_ADDR, "individual-address");
	check_type(v, 1, VPID_CAP_INVVPID_SINGLE, "single-context");
	check_type(v, 2, VPID_CAP_INVVPID_ALL, "all-context");
	check_type(v, 3, 1ULL << 43, "single-context-retaining-globals");
	point_to((uintptr_t)va);
	vmx_set_ctl(CPU_CONTROLS2, 0, CPU2_VPID);
}
