/*
 * svm npt-rsvd: reserved bits in nested page tables (AMD APM vol. 2 15.25.6:
 * a nested fault is #VMEXIT NPF with a #PF-style error code in EXITINFO1 and
 * the guest physical address in EXITINFO2; 5.3 Long-Mode Page Translation for
 * which bits must be zero). The nested walk is a user access (15.25.5), so
 * US=1; the fault is on the final GPA (bit 32), a read (RW=0), P=1, RSV=1.
 *   - a 4 KiB nested PTE with address bit MAXPHYADDR set (bits 51:M MBZ);
 *   - a 2 MiB nested PDE with bit 13 set (bits 20:13 MBZ in a 2 MiB PDE);
 * and once L1 clears the bit the same read completes.
 */
#include "svm-tests.h"
#include <asm/processor.h>

#define SZ_2M (1ULL << 21)

static volatile u64 l2_value;
static void l2_read(void *arg) { l2_value = *(volatile u64 *)arg; }

static void rsvd_case(const char *what, u64 root, u64 *entry, u64 bit, u64 *target)
{
	struct svm_vcpu v;
	u64 want = NPF_P | NPF_RSV | NPF_US | NPF_FINAL_GPA, mask = want | NPF_RW | NPF_ID | NPF_TABLE_WALK;
	u64 i1, i2;

	*target = 0x7e57;
	*entry |= bit;
	l2_value = 0;
	svm_vcpu_init(&v, l2_read, target);
	svm_vcpu_enable_npt(&v, root);
	svm_vmrun(&v);
	i1 = v.vmcb->control.exit_info_1;
	i2 = v.vmcb->control.exit_info_2;
	if (expect_exit(&v, SVM_EXIT_NPF, "%s: L2's read [APM 15.25.6]", what)) {
		report_deviation("svm-npf-rsvd-without-p", (i1 & mask) == want,
				 "%s: EXITINFO1 %#llx has P RSV US final-GPA, not RW ID table-walk (want %#llx) [APM 15.25.6]",
				 what, (unsigned long long)i1, (unsigned long long)want);
		report(i2 == (uintptr_t)target, "%s: EXITINFO2 is the GPA %p (got %#llx) [APM 15.25.6]", what, target,
		       (unsigned long long)i2);
	}
	*entry &= ~bit;
	svm_vcpu_restart(&v, l2_read, target);
	v.vmcb->control.tlb_control = TLB_CONTROL_FLUSH_ALL;
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "%s: bit cleared, the read completes", what);
	report(l2_value == 0x7e57, "%s: L2 read the page (%#llx)", what, (unsigned long long)l2_value);
}

/* The nested PDE mapping gpa as a 2 MiB page (npt_create() maps everything so). */
static u64 *npt_pde(u64 root, u64 gpa)
{
	u64 *pml4 = (u64 *)(uintptr_t)root;
	u64 *pdpt = (u64 *)(uintptr_t)(pml4[(gpa >> 39) & 511] & NPT_ADDR_MASK);
	u64 *pd = (u64 *)(uintptr_t)(pdpt[(gpa >> 30) & 511] & NPT_ADDR_MASK);

	return &pd[(gpa >> 21) & 511];
}

void test_npt_rsvd(void)
{
	unsigned maxphyaddr = cpuid(0x80000008).a & 0xff;
	u64 *page, *region, *pde, root;
	char what[80];

	report_prefix_push("npt-rsvd");
	if (!(svm_features() & SVM_FEAT_NPT)) {
		report_skip("nested paging: CPUID 0x8000000A:EDX[0]=0");
		report_prefix_pop();
		return;
	}
	if (maxphyaddr < 52) {
		page = alloc_page();
		root = npt_create();
		snprintf(what, sizeof(what), "4 KiB nested PTE with bit %u (MAXPHYADDR) set", maxphyaddr);
		rsvd_case(what, root, npt_pte(root, (uintptr_t)page), 1ULL << maxphyaddr, page + 3);
	} else {
		report_skip("nested PTE bits 51:MAXPHYADDR: MAXPHYADDR is 52 (CPUID 0x80000008:EAX[7:0])");
	}
	/* A 2 MiB region of our own, so that L2's code and stack stay mapped. */
	region = alloc_pages(9);   /* 2 MiB, aligned to its size */
	assert(region && !((uintptr_t)region & (SZ_2M - 1)));
	root = npt_create();
	pde = npt_pde(root, (uintptr_t)region);
	assert(*pde & NPT_LARGE);
	rsvd_case("2 MiB nested PDE with bit 13 set", root, pde, 1ULL << 13, region + 0x1000);
	free_pages(region, 9);
	report_prefix_pop();
}
