/* x86_64 boot in C: multiboot info, console, memory, descriptors, CPUs, then main(). */
#include "hvut.h"
#include <asm/desc.h>
#include <asm/smp.h>

void x86_console_init(void);
void x86_setup_idt(void);
void x86_load_descriptors(int cpu);
void hvut_run_main(void) __attribute__((noreturn));

/* Multiboot v1 information structure (the fields we use). */
struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
};
struct mb_module {
	uint32_t start, end, string, reserved;
};
#define MB_INFO_MEM (1 << 0)
#define MB_INFO_CMDLINE (1 << 2)
#define MB_INFO_MODS (1 << 3)

extern char __image_end[];

/* The loader puts the kernel's path first on the multiboot command line: argv[0]. */

void x86_boot_main(const struct mb_info *mbi)
{
	uintptr_t top = 0x100000 + 32 * 1024 * 1024;   /* if the loader says nothing: 32 MiB */

	x86_console_init();
	x86_setup_idt();
	x86_load_descriptors(0);
	if (mbi->flags & MB_INFO_CMDLINE)
		setup_args_from_cmdline("x86_64", (const char *)(uintptr_t)mbi->cmdline);
	else
		setup_args("test", "");
	if ((mbi->flags & MB_INFO_MODS) && mbi->mods_count) {
		const struct mb_module *m = (const void *)(uintptr_t)mbi->mods_addr;

		setup_env((const char *)(uintptr_t)m->start, m->end - m->start);
	}
	if (mbi->flags & MB_INFO_MEM)
		top = 0x100000 + (uintptr_t)mbi->mem_upper * 1024;
	if (top > 0xc0000000)
		top = 0xc0000000;   /* the 1:1 map covers 4 GiB; stay below the PCI hole */
	/* args and environ are copied: the loader's structures may now be overwritten. */
	page_alloc_init((uintptr_t)__image_end, top);
	smp_init();
	hvut_run_main();
}
