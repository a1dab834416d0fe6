/* Time base and the S-mode timer through SBI (TIME extension, else the legacy call). */
#include "hvut.h"
#include "devicetree.h"
#include <asm/sbi.h>
#include <asm/timer.h>

static uint64_t freq = 10000000;   /* QEMU virt's, if the device tree says nothing */
static bool has_time_ext;

void timer_init(void)
{
	int node = fdt_path_offset("/cpus");
	uint32_t v;

	if (node >= 0 && fdt_getprop_u32(node, "timebase-frequency", &v) && v)
		freq = v;
	has_time_ext = sbi_has(SBI_EXT_TIME);
}

uint64_t timer_freq(void) { return freq; }
uint64_t us_to_ticks(uint64_t us) { return us * freq / 1000000; }

void udelay(uint64_t us)
{
	uint64_t end = read_time() + us_to_ticks(us);

	while (read_time() < end)
		cpu_relax();
}

static void set_timer(uint64_t when)
{
	if (has_time_ext)
		sbi_set_timer(when);
	else
		sbi_ecall(SBI_EXT_LEGACY_SET_TIMER, 0, when, 0, 0, 0, 0, 0);
}

void timer_arm(uint64_t ticks) { set_timer(read_time() + ticks); }
void timer_disarm(void) { set_timer(~0ULL); }
