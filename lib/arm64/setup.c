/* arm64 boot in C: MMU, device tree, console, PSCI, args/environ, memory, GIC, CPUs, main(). */
#include "hvut.h"
#include "devicetree.h"
#include "console.h"
#include <asm/sysreg.h>
#include <asm/mmu.h>
#include <asm/psci.h>
#include <asm/smp.h>
#include <asm/gic.h>

void arm64_console_init(void);
void hvut_run_main(void) __attribute__((noreturn));
void arm64_boot_main(const void *dtb);

extern char __image_start[], __image_end[];
unsigned long boot_el;               /* the EL we were entered at (cstart.S) */

/* Lowers *end to the start of [s, s+n) when that region lies inside [start, *end). */
static void clip(uintptr_t start, uintptr_t *end, uintptr_t s, uintptr_t n)
{
	if (n && s + n > start && s < *end)
		*end = s > start ? s : start;
}

void arm64_boot_main(const void *dtb)
{
	uint64_t ram = 0, ram_size = 0;
	uintptr_t start = (uintptr_t)__image_end, end;
	uintptr_t initrd = 0, initrd_end = 0;
	int chosen, mem;
	const void *p;
	int len;

	mmu_setup();
	if (fdt_init(dtb))
		arch_poweroff(3);   /* no console without a device tree: the harness sees CRASH */
	arm64_console_init();
	if (!psci_init())
		printf("boot: no PSCI node in the device tree: cannot power off or start CPUs\n");

	chosen = fdt_path_offset("/chosen");
	setup_args_from_cmdline("arm64", chosen >= 0 && fdt_getprop_string(chosen, "bootargs") ?
		   fdt_getprop_string(chosen, "bootargs") : "");
	if (chosen >= 0 && (p = fdt_getprop(chosen, "linux,initrd-start", &len)) && len >= 4) {
		initrd = fdt_cells(p, 0, len / 4 > 2 ? 2 : len / 4);
		p = fdt_getprop(chosen, "linux,initrd-end", &len);
		initrd_end = p && len >= 4 ? fdt_cells(p, 0, len / 4 > 2 ? 2 : len / 4) : initrd;
		setup_env((const char *)initrd, initrd_end - initrd);
	}

	/* Free RAM: from the end of the image up to the first thing the loader put above it. */
	mem = fdt_path_offset("/memory");
	if (mem < 0 || !fdt_reg(mem, 0, &ram, &ram_size))
		ram = (uintptr_t)__image_start, ram_size = 64UL << 20;
	end = ram + ram_size;
	if (end > (4UL << 30))
		end = 4UL << 30;   /* the identity map covers 4 GiB */
	clip(start, &end, (uintptr_t)dtb, fdt_total_size());
	clip(start, &end, initrd, initrd_end - initrd);
	page_alloc_init(start, end);

	gic_init();
	smp_init();
	hvut_run_main();
}
