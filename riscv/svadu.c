/*
 * svadu: who sets a leaf PTE's A (accessed) and D (dirty) bits under Sv39.
 *
 * RISC-V privileged spec (v1.13), "Svade" and "Svadu" chapters and 12.3.2
 * "Virtual Address Translation Process", step 7: when pte.a = 0, or the
 * access is a store and pte.d = 0, then
 *   - with hardware updating off (Svade, or Svadu with menvcfg.ADUE = 0) the
 *     access raises a page fault of its type (load 13, store 15) and the PTE
 *     is not changed;
 *   - with it on (Svadu and menvcfg.ADUE = 1) the hart sets A, and D too for
 *     a store, and the access completes.
 * S-mode reaches menvcfg.ADUE through the SBI Firmware Features extension
 * (SBI v3.0 "Firmware Features Extension", feature 0x4 PTE_AD_HW_UPDATING,
 * values 0/1). Where FWFT or the feature is absent, the behaviour must match
 * what the device tree lists: "svade" alone faults; "svadu" alone updates
 * (the devicetree binding riscv/extensions.yaml); neither (a hart older than
 * both names, privileged spec v1.12 allows either): printed, not asserted.
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/isa.h>
#include <asm/mmu.h>
#include <asm/sbi.h>

/* Above the 4 GiB identity map, inside Sv39's 256 GiB lower half. */
#define TEST_VA 0x200000000UL

static pte_t *leaf;

struct outcome {
	int vector;
	unsigned long stval;
	pte_t pte;   /* the PTE after the access */
};

static void load_once(void *arg)
{
	(void)arg;
	(void)*(volatile uint64_t *)TEST_VA;
}

static void store_once(void *arg)
{
	(void)arg;
	*(volatile uint64_t *)TEST_VA = 0x5a;
}

/* Sets the leaf's A and D to `ad`, then does one load or store at TEST_VA. */
static struct outcome access_with(pte_t ad, bool store)
{
	struct outcome o;
	struct fault f;

	*leaf = (*leaf & ~(PTE_A | PTE_D)) | ad;
	sfence_vma();
	o.vector = catch_exception(store ? store_once : load_once, NULL, &f);
	o.stval = f.addr;
	o.pte = *leaf;
	return o;
}

/* Hardware updating off: each access with a bit it needs clear faults and leaves the PTE alone. */
static void check_faults(const char *why)
{
	struct outcome o;

	report_prefix_push("A/D faults");
	report_info("why A/D must fault here: %s", why);
	o = access_with(0, false);
	report(o.vector == EXC_LOAD_PAGE_FAULT && o.stval == TEST_VA && !(o.pte & PTE_A),
	       "load, A = 0: load page fault (13), stval = the address, A stays 0 (got %d, %#lx, pte %#lx) [priv spec Svade]",
	       o.vector, o.stval, (unsigned long)o.pte);
	o = access_with(PTE_A, true);
	report(o.vector == EXC_STORE_PAGE_FAULT && o.stval == TEST_VA && !(o.pte & PTE_D),
	       "store, A = 1, D = 0: store page fault (15), D stays 0 (got %d, %#lx, pte %#lx) [priv spec Svade]",
	       o.vector, o.stval, (unsigned long)o.pte);
	o = access_with(0, true);
	report(o.vector == EXC_STORE_PAGE_FAULT && !(o.pte & (PTE_A | PTE_D)),
	       "store, A = D = 0: store page fault (15), A and D stay 0 (got %d, pte %#lx) [priv spec Svade]",
	       o.vector, (unsigned long)o.pte);
	o = access_with(PTE_A, false);
	report(o.vector == NO_EXCEPTION, "load, A = 1: completes (got %d) [priv spec 12.3.2]", o.vector);
	report_prefix_pop();
}

/* Hardware updating on: the hart sets the bits and the access completes. */
static void check_updates(const char *why)
{
	struct outcome o;

	report_prefix_push("A/D updated");
	report_info("why A/D must be updated here: %s", why);
	o = access_with(0, false);
	report(o.vector == NO_EXCEPTION && (o.pte & PTE_A) && !(o.pte & PTE_D),
	       "load, A = 0: completes, A set, D stays 0 (got %d, pte %#lx) [priv spec Svadu]",
	       o.vector, (unsigned long)o.pte);
	o = access_with(PTE_A, true);
	report(o.vector == NO_EXCEPTION && (o.pte & PTE_D),
	       "store, A = 1, D = 0: completes, D set (got %d, pte %#lx) [priv spec Svadu]",
	       o.vector, (unsigned long)o.pte);
	o = access_with(0, true);
	report(o.vector == NO_EXCEPTION && (o.pte & PTE_A) && (o.pte & PTE_D),
	       "store, A = D = 0: completes, A and D set (got %d, pte %#lx) [priv spec Svadu]",
	       o.vector, (unsigned long)o.pte);
	report_prefix_pop();
}

static void set_adue(unsigned long v)
{
	struct sbiret r = sbi_fwft_set(SBI_FWFT_PTE_AD_HW_UPDATING, v, 0);

	report(r.error == SBI_SUCCESS, "FWFT set PTE_AD_HW_UPDATING = %lu: SUCCESS (got %s)", v,
	       sbi_error_name(r.error));
	r = sbi_fwft_get(SBI_FWFT_PTE_AD_HW_UPDATING);
	report(r.error == SBI_SUCCESS && (unsigned long)r.value == v,
	       "FWFT get PTE_AD_HW_UPDATING reads %lu back (got %s, %ld) [SBI v3.0 FWFT]", v,
	       sbi_error_name(r.error), r.value);
}

/* FWFT controls ADUE: both settings, then the firmware's initial one restored. */
static void with_fwft(long initial)
{
	report_info("PTE_AD_HW_UPDATING is %ld at boot (SBI v3.0 lists reset value 0; the firmware may "
		    "have enabled it for a device tree that lists svadu without svade)", initial);
	set_adue(0);
	check_faults("FWFT PTE_AD_HW_UPDATING = 0 (menvcfg.ADUE = 0)");
	set_adue(1);
	check_updates("FWFT PTE_AD_HW_UPDATING = 1 (menvcfg.ADUE = 1)");
	sbi_fwft_set(SBI_FWFT_PTE_AD_HW_UPDATING, initial, 0);
}

/* No FWFT control: what the device tree promises decides. */
static void without_fwft(const char *why_not)
{
	bool svade = isa_has("svade"), svadu = isa_has("svadu");
	struct outcome o;

	report_skip("A/D updating switched through FWFT: %s", why_not);
	if (svade && !svadu) {
		check_faults("the device tree lists svade, not svadu");
	} else if (svadu && !svade) {
		check_updates("the device tree lists svadu, not svade");
	} else if (svade && svadu) {
		report_skip("svade and svadu both listed: ADUE is the firmware's choice and FWFT cannot say it");
	} else {
		o = access_with(0, true);
		report_info("neither svade nor svadu listed: a store with A = D = 0 %s (privileged spec v1.12 "
			    "allows both)", o.vector == NO_EXCEPTION ? "sets them" : "faults");
		report_skip("Svade/Svadu: neither is in riscv,isa");
	}
}

int main(int argc, char **argv, char **envp)
{
	pte_t *root = mmu_new_identity();
	void *page = alloc_page();
	struct sbiret r = { SBI_ERR_NOT_SUPPORTED, 0 };
	long probe = sbi_probe_extension(SBI_EXT_FWFT).value;
	char why[96];

	(void)argc;
	(void)argv;
	(void)envp;
	assert(page);
	mmu_map_page(root, TEST_VA, (uintptr_t)page, PTE_R | PTE_W);
	leaf = mmu_leaf_pte(root, TEST_VA);
	if (!mmu_enable(root)) {
		report_skip("Sv39: satp does not take mode 8");
		return report_summary();
	}
	if (probe)
		r = sbi_fwft_get(SBI_FWFT_PTE_AD_HW_UPDATING);
	if (probe && r.error == SBI_SUCCESS) {
		with_fwft(r.value);
	} else {
		if (!probe)
			snprintf(why, sizeof(why), "sbi_probe_extension(%#x) = 0", SBI_EXT_FWFT);
		else
			snprintf(why, sizeof(why), "FWFT get PTE_AD_HW_UPDATING = %s", sbi_error_name(r.error));
		without_fwft(why);
	}
	mmu_disable();
	return report_summary();
}
