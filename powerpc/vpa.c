/*
 * vpa: registering a Virtual Processor Area with H_REGISTER_VPA (PAPR,
 * "Virtual Processor Area" and the H_REGISTER_VPA hcall; the subfunction is
 * in bits 16-18 of the flags argument, i.e. value << 45):
 *   - an area whose size field (bytes 4-5) is below 640 bytes, or that is not
 *     cache-line aligned, or crosses a 4 KiB boundary: H_PARAMETER;
 *   - a dispatch trace log before a VPA is registered: H_RESOURCE;
 *   - a proper VPA registers (H_SUCCESS), a DTL after it too, deregistering
 *     the DTL and then the VPA succeeds.
 *   - the dispatch counter (PAPR VPA, bytes 0x100-0x103, "Virtual
 *     Processor dispatch counter", which Linux calls the yield count): the
 *     hypervisor increments it each time it dispatches the virtual processor
 *     and each time it stops dispatching it, so it is even while the
 *     processor runs; across an H_CEDE that is woken (by the decrementer)
 *     the processor was undispatched and dispatched again: it moved by a
 *     non-zero even amount.
 * Where the hypervisor does not list "hcall-splpar" the test SKIPs by name.
 */
#include "hvut.h"
#include <asm/hcall.h>
#include <asm/processor.h>
#include <asm/smp.h>

#define H_RESOURCE (-16)
#define H_REGISTER_VPA 0xdc
#define VPA_REGISTER (1UL << 45)
#define VPA_REGISTER_DTL (2UL << 45)
#define VPA_DEREGISTER (5UL << 45)
#define VPA_DEREGISTER_DTL (6UL << 45)
#define VPA_MIN_SIZE 640

#define VPA_DISPATCH_COUNTER 0x100

static uint8_t area[3 * 4096] __attribute__((aligned(4096)));
static uint8_t dtl[4096] __attribute__((aligned(4096)));

static void set_size(uint8_t *vpa, uint16_t size)
{
	/* PAPR data areas are big-endian, whatever the guest's endianness. */
	vpa[4] = size >> 8;
	vpa[5] = size & 0xff;
}

static long register_vpa(unsigned long flags, void *addr)
{
	return hcall(H_REGISTER_VPA, NULL, flags, this_cpu()->hwid, (uintptr_t)addr, 0, 0, 0);
}

static uint32_t dispatch_counter(const volatile uint8_t *vpa)
{
	const volatile uint8_t *p = vpa + VPA_DISPATCH_COUNTER;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];   /* big-endian */
}

/*
 * H_CEDE with the decrementer set to fire in 10 ms: H_CEDE enables MSR[EE],
 * the decrementer interrupt ends the cede (PAPR H_CEDE) and the library's
 * 0x900 handler pushes DEC back. If the host stalled us past the 10 ms
 * before the hcall, the interrupt was already pending and H_CEDE returned
 * without undispatching anything: so try again, up to 10 s of timebase
 * (spent only when the counter never moves).
 */
static void check_dispatch_counter(uint8_t *vpa)
{
	uint64_t end = mftb() + 10 * tb_hz;
	uint32_t c0, c1;
	int tries = 0;

	report_prefix_push("dispatch counter");
	c0 = dispatch_counter(vpa);
	report(!(c0 & 1), "even while the processor runs (%u) [PAPR VPA dispatch counter]", c0);
	do {
		tries++;
		mtspr(SPR_DEC, tb_hz / 100);
		hcall0(H_CEDE);
		irq_disable();
		c1 = dispatch_counter(vpa);
	} while (c1 == c0 && mftb() < end);
	report(c1 != c0 && !((c1 - c0) & 1), "across a woken H_CEDE it moved by a non-zero even amount (%u -> %u, %d H_CEDE)",
	       c0, c1, tries);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	uint8_t *good = area + 4096, *small = area + 2 * 4096, *crossing = area + 4096 - 256;
	long rc;

	(void)argc, (void)argv, (void)envp;
	report_prefix_push("vpa");
	if (!hcall_available("splpar")) {
		report_skip("H_REGISTER_VPA: hcall-splpar not in ibm,hypertas-functions");
		report_prefix_pop();
		return report_summary();
	}
	set_size(small, VPA_MIN_SIZE - 1);
	rc = register_vpa(VPA_REGISTER, small);
	report(rc == H_PARAMETER, "size field 639: H_PARAMETER (got %ld) [PAPR H_REGISTER_VPA]", rc);
	set_size(good + 8, VPA_MIN_SIZE);
	rc = register_vpa(VPA_REGISTER, good + 8);
	report(rc == H_PARAMETER, "not cache-line aligned: H_PARAMETER (got %ld)", rc);
	set_size(crossing, VPA_MIN_SIZE);
	rc = register_vpa(VPA_REGISTER, crossing);
	report(rc == H_PARAMETER, "crossing a 4 KiB boundary: H_PARAMETER (got %ld)", rc);
	set_size(dtl, 4096);
	rc = register_vpa(VPA_REGISTER_DTL, dtl);
	report(rc == H_RESOURCE, "a dispatch trace log with no VPA registered: H_RESOURCE (got %ld)", rc);

	memset(good, 0, 4096);
	set_size(good, VPA_MIN_SIZE);
	rc = register_vpa(VPA_REGISTER, good);
	if (report(rc == H_SUCCESS, "a 640-byte aligned VPA in one page: H_SUCCESS (got %ld)", rc)) {
		check_dispatch_counter(good);
		rc = register_vpa(VPA_REGISTER_DTL, dtl);
		report(rc == H_SUCCESS, "a DTL after the VPA: H_SUCCESS (got %ld)", rc);
		rc = register_vpa(VPA_DEREGISTER_DTL, NULL);
		report(rc == H_SUCCESS, "deregister the DTL: H_SUCCESS (got %ld)", rc);
		rc = register_vpa(VPA_DEREGISTER, NULL);
		report(rc == H_SUCCESS, "deregister the VPA: H_SUCCESS (got %ld)", rc);
	}
	report_prefix_pop();
	return report_summary();
}
