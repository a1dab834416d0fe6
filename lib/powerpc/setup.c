/*
 * ppc64 pseries boot in C: interrupts little-endian, vectors at 0, device
 * tree, console, argv/environ, free RAM, secondary CPUs, then main().
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/hcall.h>
#include <asm/processor.h>
#include <asm/smp.h>

void ppc_console_init(void);
void ppc_boot_cpu_init(void);
void ppc_smp_init(void);
void hvut_run_main(void) __attribute__((noreturn));

extern char __vectors_start[], __vectors_end[], __image_start[], __image_end[];
uint64_t tb_hz = 512000000;   /* POWER's usual timebase; the device tree says for sure */

void flush_icache_range(unsigned long start, unsigned long end)
{
	for (unsigned long p = start & ~127UL; p < end; p += 128)
		__asm__ volatile("dcbst 0, %0" :: "r"(p) : "memory");
	__asm__ volatile("sync" ::: "memory");
	for (unsigned long p = start & ~127UL; p < end; p += 128)
		__asm__ volatile("icbi 0, %0" :: "r"(p) : "memory");
	__asm__ volatile("sync; isync" ::: "memory");
}

void udelay(unsigned long us)
{
	uint64_t end = mftb() + us * (tb_hz / 1000000);

	while (mftb() < end)
		cpu_relax();
}

/*
 * Interrupts are delivered with MSR[LE] = LPCR[ILE], which the guest sets
 * through H_SET_MODE (PAPR 14.5.4.3.x, resource 4). Until then an interrupt
 * would run our little-endian vectors big-endian.
 */
static void interrupts_little_endian(void)
{
#ifdef __LITTLE_ENDIAN__
	hcall4(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 0);
#else
	hcall4(H_SET_MODE, 0, H_SET_MODE_RESOURCE_LE, 0, 0);
#endif
}


static void parse_cpu_clock(void)
{
	int cpus = fdt_path_offset("/cpus"), cpu;
	uint32_t hz;

	fdt_for_each_child(cpu, cpus) {
		if (fdt_getprop_u32(cpu, "timebase-frequency", &hz)) {
			tb_hz = hz;
			return;
		}
	}
}

void ppc_boot_main(const void *fdt)
{
	int chosen;
	const char *bootargs = NULL;
	uint32_t initrd_start = 0, initrd_end = 0;
	uint64_t mem_base = 0, mem_size = 0, free_start, free_end;
	void *zero;

	ppc_boot_cpu_init();
	interrupts_little_endian();
	/* Real address 0, hidden from the compiler, which may assume nothing lives there. */
	__asm__("li %0, 0" : "=r"(zero));
	memcpy(zero, __vectors_start, __vectors_end - __vectors_start);
	flush_icache_range(0, __vectors_end - __vectors_start);

	if (fdt_init(fdt) == 0) {
		ppc_console_init();
		parse_cpu_clock();
		chosen = fdt_path_offset("/chosen");
		bootargs = fdt_getprop_string(chosen, "bootargs");
		fdt_getprop_u32(chosen, "linux,initrd-start", &initrd_start);
		fdt_getprop_u32(chosen, "linux,initrd-end", &initrd_end);
		fdt_reg(fdt_path_offset("/memory"), 0, &mem_base, &mem_size);
	} else {
		printf("ppc64: no device tree at %p: was the kernel started by hvut's firmware?\n", fdt);
	}
	setup_args("ppc64", bootargs ? bootargs : "");
	if (initrd_end > initrd_start)
		setup_env((const char *)(uintptr_t)initrd_start, initrd_end - initrd_start);

	/* Free RAM: after the image and the initrd, below the device tree (QEMU puts it high). */
	free_start = MAX((uintptr_t)__image_end, (uintptr_t)initrd_end);
	free_end = mem_size ? mem_base + mem_size : 0x10000000;
	if ((uintptr_t)fdt > free_start && (uintptr_t)fdt < free_end)
		free_end = (uintptr_t)fdt;
	page_alloc_init(free_start, free_end);
	ppc_smp_init();
	hvut_run_main();
}
