/*
 * riscv64 boot in C: device tree, console, argv/environ, free RAM, harts,
 * then main(). Runs on the boot hart with the trap vector already installed.
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/csr.h>
#include <asm/smp.h>
#include <asm/timer.h>

void riscv_console_init(void);
void hvut_run_main(void) __attribute__((noreturn));

extern char __image_start[], __image_end[];


static uint64_t chosen_addr(int chosen, const char *name)
{
	int len;
	const void *p = fdt_getprop(chosen, name, &len);

	if (!p || (len != 4 && len != 8))
		return 0;
	return fdt_cells(p, 0, len / 4);
}

/* Shrinks [*start, *end) so that it does not overlap [s, e). */
static void exclude(uintptr_t *start, uintptr_t *end, uint64_t s, uint64_t e)
{
	if (e <= *start || s >= *end)
		return;
	if (s <= *start)
		*start = e;
	else
		*end = s;
}

/* Free RAM: from the end of our image to the end of the /memory bank we are in. */
static void setup_memory(void)
{
	uintptr_t start = (uintptr_t)__image_end, end = start + 16 * 1024 * 1024;
	int node, rsv;
	uint64_t base, size;

	for (node = fdt_first_child(fdt_root()); node >= 0; node = fdt_next_sibling(node)) {
		const char *type = fdt_getprop_string(node, "device_type");

		if (!type || strcmp(type, "memory"))
			continue;
		for (int i = 0; fdt_reg(node, i, &base, &size); i++)
			if (base <= (uintptr_t)__image_start && base + size > start)
				end = base + size;
	}
	/* The device tree is read later; firmware-reserved ranges are not ours. */
	exclude(&start, &end, (uintptr_t)fdt_blob(), (uintptr_t)fdt_blob() + fdt_total_size());
	rsv = fdt_path_offset("/reserved-memory");
	if (rsv >= 0)
		fdt_for_each_child(node, rsv)
			for (int i = 0; fdt_reg(node, i, &base, &size); i++)
				exclude(&start, &end, base, base + size);
	page_alloc_init(start, end);
}

void riscv_boot_main(unsigned long hartid, const void *dtb)
{
	int chosen;

	cpus[0].hartid = hartid;
	fdt_init(dtb);
	riscv_console_init();
	timer_init();
	chosen = fdt_path_offset("/chosen");
	setup_args_from_cmdline("riscv64", chosen >= 0 && fdt_getprop_string(chosen, "bootargs") ?
		       fdt_getprop_string(chosen, "bootargs") : "");
	if (chosen >= 0) {
		uint64_t s = chosen_addr(chosen, "linux,initrd-start");
		uint64_t e = chosen_addr(chosen, "linux,initrd-end");

		if (s && e > s)
			setup_env((const char *)(uintptr_t)s, e - s);
	}
	/* argv and environ are copied: the initrd may now be overwritten. */
	setup_memory();
	smp_init();
	hvut_run_main();
}
