/*
 * ept, mbec: EPT permissions seen from L2 (SDM vol. 3 "EPT Translation
 * Mechanism", "EPT Violations", "EPT Misconfigurations", "Exit Qualification
 * for EPT Violations").
 *
 * One 4 KiB test page, mapped 1:1 by EPT with the permissions under test.
 * L2 reads it, writes it, and calls it (it holds RET) from CPL0 with the
 * guest PTE's U/S=0 (a supervisor-mode linear address) and from CPL3 with
 * U/S=1 (a user-mode linear address): MBEC tells the two fetches apart by
 * the linear address's U/S, not by the CPL. Every (permissions, access) pair
 * is its own assertion: access, EPT violation with its exact qualification,
 * or EPT misconfiguration.
 */
#include "vmx-tests.h"
#include <asm/processor.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/vm.h>

/*
 * KUFETCH: a fetch at CPL0 (SMEP off) from a page whose guest PTE has U/S=1.
 * SDM vol. 3C "EPT Translation Mechanism" with MBEC: XS governs fetches from
 * supervisor-mode linear addresses, XU those from user-mode linear addresses
 * (U/S=1 at every level), whatever the CPL: this fetch needs XU, not XS.
 */
enum access { READ, WRITE, SFETCH, UFETCH, KUFETCH, NR_ACCESS };
static const char *const access_names[] = { "read", "write", "supervisor fetch", "user fetch",
					    "CPL0 fetch from a user page" };
enum outcome { ACCESS, VIOLATION, MISCONFIG };

static struct vmx_vcpu *v;
static struct ept *ept;
static uint8_t *tp;           /* the test page: RET everywhere */
static uint64_t ept_cap;

static const char *perms_name(uint64_t p, bool mbec, char *buf, unsigned size)
{
	snprintf(buf, size, "%s%s%s%s%s", p & EPT_R ? "R" : "-", p & EPT_W ? "W" : "-",
		 mbec ? (p & EPT_X ? " XS" : " --") : (p & EPT_X ? "X" : "-"),
		 mbec ? (p & EPT_XU ? " XU" : " --") : "", !mbec && (p & EPT_XU) ? " +bit10" : "");
	return buf;
}

/*
 * What the SDM says for perms and access. With MBEC off bit 10 is ignored;
 * with MBEC on it makes an entry present and allows user-mode fetches.
 */
static enum outcome expect(uint64_t p, enum access a, bool mbec, uint64_t *qual)
{
	bool r = p & EPT_R, w = p & EPT_W, xs = p & EPT_X, xu = mbec ? !!(p & EPT_XU) : xs;
	bool present = r || w || xs || (mbec && (p & EPT_XU));
	bool allowed[] = { r, w, xs, xu, xu };

	*qual = 0;
	if (present && w && !r)
		return MISCONFIG;
	if (present && !r && (xs || (mbec && xu)) && !(ept_cap & EPT_CAP_EXEC_ONLY))
		return MISCONFIG;
	if (present && allowed[a])
		return ACCESS;
	*qual = (a == READ ? EPT_QUAL_READ : a == WRITE ? EPT_QUAL_WRITE : EPT_QUAL_FETCH) |
		(r ? EPT_QUAL_READABLE : 0) | (w ? EPT_QUAL_WRITABLE : 0) | (xs ? EPT_QUAL_EXECUTABLE : 0) |
		(mbec && xu ? EPT_QUAL_USER_EXEC : 0) | EPT_QUAL_GLA_VALID | EPT_QUAL_GLA_TRANSLATION;
	/* Advanced exit information: bit 9 U/S, bit 10 R/W, bit 11 XD of the linear address. */
	if (ept_cap & EPT_CAP_ADV_EXIT_INFO)
		*qual |= (a == SFETCH ? 0 : 1ULL << 9) | 1ULL << 10;
	return VIOLATION;
}

static uint64_t qual_mask(bool mbec)
{
	uint64_t m = 0x7f | EPT_QUAL_GLA_VALID | EPT_QUAL_GLA_TRANSLATION | EPT_QUAL_NMI_UNBLOCKING |
		     EPT_QUAL_SHADOW_STACK;

	if (!mbec)
		m &= ~EPT_QUAL_USER_EXEC;   /* undefined without MBEC */
	if (ept_cap & EPT_CAP_ADV_EXIT_INFO)
		m |= 7ULL << 9;
	return m;
}

static enum vmx_end do_access(enum access a)
{
	static void (*const fns[])(void *) = { l2_read, l2_write, l2_call, l2_call, l2_call };

	/* The supervisor fetch needs a supervisor-mode linear address: guest PTE U/S=0. */
	if (a == SFETCH)
		set_page_flags(tp, 0, PT_USER);
	else
		set_page_flags(tp, PT_USER, 0);
	vmx_vcpu_set_entry(v, fns[a], tp, a == UFETCH ? 3 : 0);
	/* SMEP would turn the CPL0 fetch from a user page into a #PF before EPT is consulted. */
	vmwrite(GUEST_CR4, read_cr4() & ~X86_CR4_SMEP);
	v->handler = NULL;
	return vmx_run(v);
}

static void check(uint64_t perms, enum access a, bool mbec)
{
	char pn[40], qb[160], wb[160];
	uint64_t want_qual, mask = qual_mask(mbec);
	enum outcome want = expect(perms, a, mbec, &want_qual);
	enum vmx_end end;

	ept_set_perms(ept, (uintptr_t)tp, perms);
	ept_flush(ept);
	end = do_access(a);
	perms_name(perms, mbec, pn, sizeof(pn));
	switch (want) {
	case ACCESS:
		report(end == VMX_END_DONE, "%s: %s: allowed [%s]", pn, access_names[a], end_str(v, end));
		break;
	case MISCONFIG:
		report(end == VMX_END_EXIT && v->exit.reason == EXIT_EPT_MISCONFIG && v->exit.gpa == (uintptr_t)tp,
		       "%s: %s: EPT misconfiguration at GPA %p [%s, GPA %#lx]", pn, access_names[a], tp,
		       end_str(v, end), (unsigned long)v->exit.gpa);
		break;
	case VIOLATION:
		/* A known Bochs 3.0 deviation concerns data accesses to XU=1 entries with MBEC. */
		report_deviation(mbec && (perms & EPT_XU) && (a == READ || a == WRITE) ? "mbec-xu-qual-bit13" : NULL,
		       end == VMX_END_EXIT && v->exit.reason == EXIT_EPT_VIOLATION &&
		       (v->exit.qual & mask) == want_qual && v->exit.gpa == (uintptr_t)tp &&
		       v->exit.gla == (uintptr_t)tp,
		       "%s: %s: EPT violation, qualification %s, GPA=GLA=%p [%s; qualification %s, GPA %#lx, GLA %#lx]",
		       pn, access_names[a], ept_qual_str(want_qual, mbec, wb, sizeof(wb)), tp, end_str(v, end),
		       ept_qual_str(v->exit.qual, mbec, qb, sizeof(qb)), (unsigned long)v->exit.gpa,
		       (unsigned long)v->exit.gla);
		break;
	}
}

static bool setup(void)
{
	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_SECONDARY) || !vmx_ctl_allowed(CPU_CONTROLS2, CPU2_EPT)) {
		report_skip("EPT: IA32_VMX_PROCBASED_CTLS2 does not allow enable EPT (bit 1)");
		return false;
	}
	ept_cap = vmx_cap(MSR_IA32_VMX_EPT_VPID_CAP);
	if (!(ept_cap & EPT_CAP_PWL4) || !(ept_cap & EPT_CAP_WB)) {
		report_skip("EPT: IA32_VMX_EPT_VPID_CAP lacks 4-level walks (bit 6) or write-back (bit 14)");
		return false;
	}
	if (v)
		return true;
	v = vmx_vcpu_new();
	if (!v)
		return false;
	ept = ept_new();
	tp = alloc_page();
	memset(tp, 0xc3, PAGE_SIZE);
	ept_map_4k(ept, (uintptr_t)tp, (uintptr_t)tp, EPT_RWX | EPT_XU | (EPT_MT_WB << EPT_MT_SHIFT));
	ept_enable(ept);
	ept_flush(ept);
	return true;
}

static void restore_page(void)
{
	ept_set_perms(ept, (uintptr_t)tp, EPT_RWX | EPT_XU);
	ept_flush(ept);
	set_page_flags(tp, PT_USER, 0);
}

static void misconfigs(void)
{
	uint64_t *leaf = ept_leaf(ept, (uintptr_t)tp), saved = *leaf;
	unsigned maxphy = cpuid(0x80000008).a & 0xff;
	static const unsigned bad_types[] = { 2, 3, 7 };
	enum vmx_end end;

	report_prefix_push("misconfiguration");
	for (unsigned i = 0; i < ARRAY_SIZE(bad_types); i++) {
		*leaf = (saved & ~(7ULL << EPT_MT_SHIFT)) | (uint64_t)bad_types[i] << EPT_MT_SHIFT;
		ept_flush(ept);
		end = do_access(READ);
		report(end == VMX_END_EXIT && v->exit.reason == EXIT_EPT_MISCONFIG && v->exit.gpa == (uintptr_t)tp,
		       "leaf memory type %u: EPT misconfiguration at GPA %p [%s]", bad_types[i], tp, end_str(v, end));
	}
	if (maxphy < 52) {
		*leaf = saved | 1ULL << maxphy;
		ept_flush(ept);
		end = do_access(READ);
		report(end == VMX_END_EXIT && v->exit.reason == EXIT_EPT_MISCONFIG && v->exit.gpa == (uintptr_t)tp,
		       "leaf address bit %u (>= MAXPHYADDR): EPT misconfiguration [%s]", maxphy, end_str(v, end));
	} else {
		report_skip("reserved address bits: MAXPHYADDR is 52");
	}
	*leaf = saved;
	{
		/* The PDE above the test page's table: bits 6:3 are reserved in a non-leaf entry. */
		uint64_t *pdpt = (uint64_t *)(uintptr_t)(ept->pml4[0] & EPT_ADDR_MASK);
		uint64_t *pd = (uint64_t *)(uintptr_t)(pdpt[(uintptr_t)tp >> 30 & 511] & EPT_ADDR_MASK);
		uint64_t *pde = &pd[(uintptr_t)tp >> 21 & 511], spde = *pde;

		*pde |= 1ULL << 3;
		ept_flush(ept);
		end = do_access(READ);
		/* L2's own code or stack may share the 2 MiB: any GPA below that PDE qualifies. */
		report(end == VMX_END_EXIT && v->exit.reason == EXIT_EPT_MISCONFIG &&
		       (v->exit.gpa >> 21) == ((uintptr_t)tp >> 21),
		       "non-leaf PDE with reserved bit 3: EPT misconfiguration in its 2 MiB [%s, GPA %#lx]",
		       end_str(v, end), (unsigned long)v->exit.gpa);
		*pde = spde;
	}
	ept_flush(ept);
	report_prefix_pop();
}

static void large_page(void)
{
	uint8_t *big = alloc_pages(9);   /* 2 MiB, aligned to its size */
	enum vmx_end end;

	if (!big || !(ept_cap & EPT_CAP_2M)) {
		report_skip("EPT 2 MiB page: %s", big ? "IA32_VMX_EPT_VPID_CAP[16]=0" : "no 2 MiB of free memory");
		return;
	}
	report_prefix_push("2 MiB page");
	ept_map_2m(ept, (uintptr_t)big, (uintptr_t)big, EPT_R | (EPT_MT_WB << EPT_MT_SHIFT));
	ept_flush(ept);
	vmx_vcpu_set_entry(v, l2_read, big + 0x1234, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "read-only: read allowed [%s]", end_str(v, end));
	vmx_vcpu_set_entry(v, l2_write, big + 0x1234, 0);
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_EPT_VIOLATION &&
	       (v->exit.qual & 0x1bf) == (EPT_QUAL_WRITE | EPT_QUAL_READABLE | EPT_QUAL_GLA_VALID |
					  EPT_QUAL_GLA_TRANSLATION) &&
	       v->exit.gpa == (uintptr_t)big + 0x1234,
	       "read-only: write is an EPT violation (write, readable) at the byte's GPA [%s, GPA %#lx]",
	       end_str(v, end), (unsigned long)v->exit.gpa);
	ept_map_2m(ept, (uintptr_t)big, (uintptr_t)big, EPT_RWX | EPT_XU | (EPT_MT_WB << EPT_MT_SHIFT));
	ept_flush(ept);
	report_prefix_pop();
}

/*
 * SDM vol. 3C "Exit Qualification for EPT Violations": bit 7 says the guest
 * linear address field is valid; bit 8 is 1 when the access was to the
 * translated linear address and 0 when it was to a guest paging-structure
 * entry during the walk. Make the page holding tp's guest PTE non-present in
 * EPT: L2's next walk through that page table is an EPT violation with bit
 * 7=1, bit 8=0, and the GPA inside that page.
 */
static void walk_violation(void)
{
	uint64_t pt = (uintptr_t)get_pte(tp) & ~0xfffULL;
	enum vmx_end end;

	report_prefix_push("guest paging-structure walk");
	ept_map_4k(ept, pt, pt, EPT_MT_WB << EPT_MT_SHIFT);
	ept_flush(ept);
	end = do_access(READ);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_EPT_VIOLATION && (v->exit.qual & EPT_QUAL_GLA_VALID) &&
	       !(v->exit.qual & EPT_QUAL_GLA_TRANSLATION) && (v->exit.gpa & ~0xfffULL) == pt,
	       "guest page table at GPA %#lx not present: EPT violation with GLA-valid=1, GLA-translation (bit 8)=0, "
	       "GPA in that page [%s, GPA %#lx, GLA %#lx]", (unsigned long)pt, end_str(v, end),
	       (unsigned long)v->exit.gpa, (unsigned long)v->exit.gla);
	ept_map_4k(ept, pt, pt, EPT_RWX | EPT_XU | (EPT_MT_WB << EPT_MT_SHIFT));
	ept_flush(ept);
	report_prefix_pop();
}

/*
 * MBEC with XU=0 in a non-leaf entry: SDM vol. 3C "EPT Translation
 * Mechanism", a user-mode linear address is executable only if XU is 1 in
 * every EPT paging-structure entry used to translate it; qualification bits
 * 3-6 are the AND over those entries. Supervisor-mode addresses still use XS.
 */
static void nonleaf_xu(void)
{
	uint8_t *region = alloc_pages(9);   /* 2 MiB of its own: L2's code is not under that PDE */
	uint64_t *pdpt, *pd, *pde, spde, want;
	enum vmx_end end;

	if (!region) {
		report_skip("non-leaf XU: no 2 MiB of free memory");
		return;
	}
	report_prefix_push("non-leaf XU=0");
	memset(region, 0xc3, PAGE_SIZE);
	ept_map_4k(ept, (uintptr_t)region, (uintptr_t)region, EPT_RWX | EPT_XU | (EPT_MT_WB << EPT_MT_SHIFT));
	pdpt = (uint64_t *)(uintptr_t)(ept->pml4[0] & EPT_ADDR_MASK);
	pd = (uint64_t *)(uintptr_t)(pdpt[(uintptr_t)region >> 30 & 511] & EPT_ADDR_MASK);
	pde = &pd[(uintptr_t)region >> 21 & 511];
	spde = *pde;
	*pde &= ~EPT_XU;
	ept_flush(ept);

	set_page_flags(region, PT_USER, 0);
	vmx_vcpu_set_entry(v, l2_call, region, 3);
	v->handler = NULL;
	end = vmx_run(v);
	want = EPT_QUAL_FETCH | EPT_QUAL_READABLE | EPT_QUAL_WRITABLE | EPT_QUAL_EXECUTABLE | EPT_QUAL_GLA_VALID |
	       EPT_QUAL_GLA_TRANSLATION;
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_EPT_VIOLATION && (v->exit.qual & 0x1ff) == want &&
	       v->exit.gpa == (uintptr_t)region,
	       "leaf XU=1 under a PDE with XU=0: user fetch is an EPT violation, qualification %#lx (XU bit 6 clear) "
	       "[%s, GPA %#lx]", (unsigned long)want, end_str(v, end), (unsigned long)v->exit.gpa);
	vmx_vcpu_set_entry(v, l2_read, region, 3);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "the same page is still readable at CPL3 [%s]", end_str(v, end));
	set_page_flags(region, 0, PT_USER);
	vmx_vcpu_set_entry(v, l2_call, region, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "a supervisor fetch (U/S=0) uses XS: allowed [%s]", end_str(v, end));
	*pde = spde;
	ept_flush(ept);
	report_prefix_pop();
}

/*
 * SDM vol. 3C "Checks on VM-Execution Control Fields" (EPT-pointer bullet):
 * with enable EPT, VM entry fails as an invalid control field (VMfailValid,
 * error 7) when the EPTP's memory type is not one IA32_VMX_EPT_VPID_CAP
 * allows (2 is never allowed), its page-walk length is not one supported,
 * bits 11:8 are not 0, bit 6 (A/D) is set without EPT_VPID_CAP[21], or an
 * address bit at or above MAXPHYADDR is set.
 */
static void eptp_checks(void)
{
	unsigned maxphy = cpuid(0x80000008).a & 0xff;
	struct { uint64_t set, clear; const char *what; bool run; } bad[] = {
		{ 2, 7, "memory type 2 (reserved)", true },
		{ 2ULL << 3, 7ULL << 3, "page-walk length 3 (only 4 and 5 exist)", true },
		/* Bit 7 enables supervisor shadow-stack access rights where supported: not reserved. */
		{ 1ULL << 8, 0, "reserved bit 8", true },
		{ 1ULL << 11, 0, "reserved bit 11", true },
		{ 1ULL << 6, 0, "A/D enable without EPT_VPID_CAP[21]", !(ept_cap & EPT_CAP_AD) },
		{ maxphy < 52 ? 1ULL << maxphy : 0, 0, "an address bit at MAXPHYADDR", maxphy < 52 },
	};
	enum vmx_end end;

	report_prefix_push("EPTP checks");
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		if (!bad[i].run) {
			report_info("%s: not checked (the capability makes it valid)", bad[i].what);
			continue;
		}
		vmwrite(EPT_POINTER, (ept->eptp & ~bad[i].clear) | bad[i].set);
		vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
		end = vmx_run(v);
		report(end == VMX_END_ENTRY_FAIL && v->entry_status == VMX_FAIL_VALID && v->insn_error == 7,
		       "EPTP with %s: VMfailValid 7 (invalid control field) [%s]", bad[i].what, end_str(v, end));
	}
	vmwrite(EPT_POINTER, ept->eptp);
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "the valid EPTP again: L2 runs [%s]", end_str(v, end));
	report_prefix_pop();
}

/*
 * SDM vol. 3C "Accessed and Dirty Flags for EPT": with EPTP bit 6, every EPT
 * entry used in a translation gets its accessed flag (bit 8) set, a write
 * sets the leaf's dirty flag (bit 9), and accesses to guest paging
 * structures count as writes (the guest page table's leaf becomes dirty).
 */
static void ept_ad(void)
{
	uint64_t *leaf = ept_leaf(ept, (uintptr_t)tp), *pt_leaf;
	uint64_t pt = (uintptr_t)get_pte(tp) & ~0xfffULL;
	enum vmx_end end;

	if (!(ept_cap & EPT_CAP_AD)) {
		report_skip("EPT A/D: IA32_VMX_EPT_VPID_CAP[21]=0");
		return;
	}
	report_prefix_push("A/D flags");
	ept_map_4k(ept, pt, pt, EPT_RWX | EPT_XU | (EPT_MT_WB << EPT_MT_SHIFT));
	pt_leaf = ept_leaf(ept, pt);
	*leaf &= ~(EPT_ACCESSED | EPT_DIRTY);
	*pt_leaf &= ~(EPT_ACCESSED | EPT_DIRTY);
	vmwrite(EPT_POINTER, ept->eptp | EPTP_AD);
	ept_flush_eptp(ept->eptp | EPTP_AD);
	set_page_flags(tp, PT_USER, 0);
	vmx_vcpu_set_entry(v, l2_read, tp, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE && (*leaf & EPT_ACCESSED) && !(*leaf & EPT_DIRTY),
	       "a read sets the leaf's accessed flag, not dirty (entry %#lx) [%s]", (unsigned long)*leaf,
	       end_str(v, end));
	report((ept->pml4[0] & EPT_ACCESSED), "and the PML4E's accessed flag (%#lx)", (unsigned long)ept->pml4[0]);
	report((*pt_leaf & (EPT_ACCESSED | EPT_DIRTY)) == (EPT_ACCESSED | EPT_DIRTY),
	       "the guest page-table page's leaf is accessed and dirty: walks count as writes (%#lx)",
	       (unsigned long)*pt_leaf);
	vmx_vcpu_set_entry(v, l2_write, tp, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE && (*leaf & EPT_DIRTY), "a write sets the dirty flag (entry %#lx) [%s]",
	       (unsigned long)*leaf, end_str(v, end));
	vmwrite(EPT_POINTER, ept->eptp);
	ept_flush(ept);
	report_prefix_pop();
}

/*
 * L2 in 32-bit PAE protected mode (IA-32e mode guest = 0): MOV to CR3 loads
 * the four PDPTEs from guest-physical memory. SDM vol. 3C "Exit Qualification
 * for EPT Violations": the guest linear-address field is valid (bit 7) for
 * every EPT violation except one on loading the PDPTEs for MOV to CR (and
 * trace-address pre-translation). A new CR3 whose PDPT page is not present
 * in EPT: an EPT violation with bit 7 = 0 at the PDPT's GPA.
 */
__asm__(".text\n.code32\n.globl l2_pae_mov_cr3\nl2_pae_mov_cr3:\n\t"
	"mov %eax, %cr3\n\tvmcall\n\tud2\n.code64\n");
void l2_pae_mov_cr3(void);

static void gla_invalid(void)
{
	uint64_t *pdpt = alloc_page(), *pdpt2 = alloc_page(), *pd = alloc_pages(2);
	struct vmx_vcpu *v2;
	enum vmx_end end;
	uint8_t *stack = alloc_page();

	report_prefix_push("PDPTE load");
	if (!pdpt || !pdpt2 || !pd || !stack || (uintptr_t)pd + 4 * PAGE_SIZE > 0xffffffffUL) {
		report_skip("PDPTE load: no memory below 4 GiB for PAE tables");
		report_prefix_pop();
		return;
	}
	/* PAE identity map of 4 GiB with 2 MiB pages: 4 PDPTEs, 4 page directories. */
	for (unsigned i = 0; i < 4; i++) {
		pdpt[i] = ((uintptr_t)pd + i * PAGE_SIZE) | 1;
		pdpt2[i] = pdpt[i];
		for (unsigned j = 0; j < 512; j++)
			pd[i * 512 + j] = ((uint64_t)i << 30 | (uint64_t)j << 21) | 0x83;   /* P, R/W, PS */
	}
	v2 = vmx_vcpu_new();
	if (!v2) {
		report_prefix_pop();
		return;
	}
	ept_enable(ept);
	ept_map_4k(ept, (uintptr_t)pdpt2, (uintptr_t)pdpt2, EPT_MT_WB << EPT_MT_SHIFT);   /* not present */
	ept_flush(ept);
	vmx_set_ctl(ENTRY_CONTROLS, 0, ENTRY_GUEST_64);
	vmwrite(GUEST_CR0, read_cr0());
	vmwrite(GUEST_CR4, (read_cr4() | X86_CR4_PAE) & ~(X86_CR4_PCIDE | X86_CR4_CET));
	vmwrite(GUEST_CR3, (uintptr_t)pdpt);
	for (unsigned i = 0; i < 4; i++)
		vmwrite(GUEST_PDPTE0 + 2 * i, pdpt[i]);
	if (vmx_ctl_allowed(ENTRY_CONTROLS, ENTRY_LOAD_EFER))
		vmwrite(GUEST_EFER, rdmsr(MSR_EFER) & ~(EFER_LME | EFER_LMA));
	vmwrite(GUEST_CS_SEL, KERNEL_CS32);
	vmwrite(GUEST_CS_AR, 0xb | 1 << 4 | 1 << 7 | 1 << 14 | 1 << 15);   /* 32-bit code, DPL0 */
	vmwrite(GUEST_RIP, (uintptr_t)l2_pae_mov_cr3);
	vmwrite(GUEST_RSP, (uintptr_t)stack + PAGE_SIZE);
	vmwrite(GUEST_RFLAGS, 2);
	v2->regs.rax = (uintptr_t)pdpt2;
	v2->handler = NULL;
	end = vmx_run(v2);
	report(end == VMX_END_EXIT && v2->exit.reason == EXIT_EPT_VIOLATION &&
	       !(v2->exit.qual & EPT_QUAL_GLA_VALID) && (v2->exit.gpa & ~0xfffULL) == (uintptr_t)pdpt2,
	       "MOV to CR3 whose PDPT is not present in EPT: EPT violation, GLA-valid (bit 7) = 0, GPA in "
	       "the PDPT page [%s, GPA %#lx]", end_str(v2, end), (unsigned long)v2->exit.gpa);
	ept_map_4k(ept, (uintptr_t)pdpt2, (uintptr_t)pdpt2, EPT_RWX | EPT_XU | (EPT_MT_WB << EPT_MT_SHIFT));
	ept_flush(ept);
	vmx_vcpu_load(v);
	report_prefix_pop();
}

static void invept_vpid(void)
{
	char buf[100];
	enum vmx_status st;
	uint64_t err = 0;
	enum vmx_end end;

	report_prefix_push("INVEPT/INVVPID");
	/* Type 0 is not an INVEPT type: VMfailValid 28. */
	st = invept(0, ept->eptp);
	vmread_status(VM_INSN_ERROR, &err);
	report(st == VMX_FAIL_VALID && err == 28, "INVEPT type 0: VMfailValid 28 (%s) [got %s]",
	       vmx_insn_error_name(28), vmx_status_str(st, buf, sizeof(buf)));
	if (!vmx_ctl_allowed(CPU_CONTROLS2, CPU2_VPID) || !(ept_cap & VPID_CAP_INVVPID)) {
		report_skip("VPID: IA32_VMX_PROCBASED_CTLS2 bit 5 or IA32_VMX_EPT_VPID_CAP[32] INVVPID not allowed");
		report_prefix_pop();
		return;
	}
	vmx_set_ctl(CPU_CONTROLS2, CPU2_VPID, 0);
	/* "Checks on VM-Execution Control Fields": with enable VPID, VPID must not be 0. */
	vmwrite(VPID, 0);
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	end = vmx_run(v);
	report(end == VMX_END_ENTRY_FAIL && v->insn_error == 7, "enable VPID with VPID 0: VMfailValid 7 [%s]",
	       end_str(v, end));
	vmwrite(VPID, 1);
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "enable VPID with VPID 1: L2 runs [%s]", end_str(v, end));
	if (ept_cap & VPID_CAP_INVVPID_SINGLE) {
		report(invvpid(1, 1, 0) == VMX_OK, "INVVPID single-context VPID 1: VMsucceed");
		st = invvpid(1, 0, 0);
		vmread_status(VM_INSN_ERROR, &err);
		report(st == VMX_FAIL_VALID && err == 28, "INVVPID single-context VPID 0: VMfailValid 28 [got %s]",
		       vmx_status_str(st, buf, sizeof(buf)));
	} else {
		report_skip("INVVPID single-context: IA32_VMX_EPT_VPID_CAP[41]=0");
	}
	if (ept_cap & VPID_CAP_INVVPID_ALL)
		report(invvpid(2, 0, 0) == VMX_OK, "INVVPID all-context: VMsucceed");
	else
		report_skip("INVVPID all-context: IA32_VMX_EPT_VPID_CAP[42]=0");
	st = invvpid(4, 1, 0);
	vmread_status(VM_INSN_ERROR, &err);
	report(st == VMX_FAIL_VALID && err == 28, "INVVPID type 4 (undefined): VMfailValid 28 [got %s]",
	       vmx_status_str(st, buf, sizeof(buf)));
	vmx_set_ctl(CPU_CONTROLS2, 0, CPU2_VPID);
	report_prefix_pop();
}

void vmx_test_ept(void)
{
	if (!setup())
		return;
	report_info("IA32_VMX_EPT_VPID_CAP %#lx: execute-only %s, advanced exit information %s",
		    (unsigned long)ept_cap, ept_cap & EPT_CAP_EXEC_ONLY ? "yes" : "no",
		    ept_cap & EPT_CAP_ADV_EXIT_INFO ? "yes" : "no");
	for (uint64_t p = 0; p < 8; p++)
		for (enum access a = READ; a < NR_ACCESS; a++)
			check(p, a, false);
	restore_page();
	misconfigs();
	walk_violation();
	eptp_checks();
	ept_ad();
	gla_invalid();
	large_page();
	invept_vpid();
	restore_page();
}

void vmx_test_mbec(void)
{
	static const uint64_t ignored[] = { EPT_XU, EPT_R | EPT_XU, EPT_R | EPT_X | EPT_XU };

	if (!setup())
		return;
	/* MBEC off (SDM "EPT Translation Mechanism"): bit 10 is ignored. */
	report_prefix_push("MBEC off");
	vmx_set_ctl(CPU_CONTROLS2, 0, CPU2_MBEC);
	for (unsigned i = 0; i < ARRAY_SIZE(ignored); i++)
		for (enum access a = READ; a < NR_ACCESS; a++)
			check(ignored[i], a, false);
	report_prefix_pop();
	restore_page();

	if (!vmx_ctl_allowed(CPU_CONTROLS2, CPU2_MBEC)) {
		report_skip("MBEC: IA32_VMX_PROCBASED_CTLS2 does not allow mode-based execute control (bit 22)");
		return;
	}
	report_prefix_push("MBEC on");
	vmx_set_ctl(CPU_CONTROLS2, CPU2_MBEC, 0);
	for (uint64_t i = 0; i < 16; i++) {
		uint64_t p = (i & 7) | (i & 8 ? EPT_XU : 0);

		for (enum access a = READ; a < NR_ACCESS; a++)
			check(p, a, true);
	}
	nonleaf_xu();
	vmx_set_ctl(CPU_CONTROLS2, 0, CPU2_MBEC);
	report_prefix_pop();
	restore_page();
}
