/*
 * ibm,client-architecture-support without Open Firmware: QEMU implements
 * it behind the KVMPPC_H_CAS hcall (0xf002), which SLOF calls for the OS.
 * The architecture vector (PAPR/LoPAR B.5.2) is a PVR list ended by the
 * all-PVR record (mask 0, value 0xffffffff; a real PVR must match a record
 * before it: this CPU's own, raw mode), then option vectors 1..5, each its
 * length - 1 and its bytes (byte 1 first). OV1 byte 3 0x80 says ISA 3.00;
 * OV5 is the caller's. The hypervisor writes the updated tree to a buffer.
 */
#include "hvut.h"
#include "alloc.h"
#include <asm/cas.h>
#include <asm/hcall.h>
#include <asm/processor.h>

#define KVMPPC_H_CAS 0xf002
#define CAS_TREE_PAGES_ORDER 4   /* 64 KiB for the tree QEMU writes back */

static uint8_t cas_vec[128] __attribute__((aligned(8)));
static void *tree_buf;

long cas_negotiate(const uint8_t *ov5, int ov5_len)
{
	uint32_t pvr = (uint32_t)mfspr(SPR_PVR);
	uint8_t *v = cas_vec;
	int n = 0;

	assert(ov5_len >= 1 && ov5_len + 24 <= (int)sizeof(cas_vec));
	if (!tree_buf)
		tree_buf = alloc_pages(CAS_TREE_PAGES_ORDER);
	memset(cas_vec, 0, sizeof(cas_vec));
	v[n++] = 0xff, v[n++] = 0xff, v[n++] = 0xff, v[n++] = 0xff;
	v[n++] = pvr >> 24, v[n++] = pvr >> 16, v[n++] = pvr >> 8, v[n++] = pvr;
	n += 4;                                 /* mask 0 ... */
	v[n++] = 0xff, v[n++] = 0xff, v[n++] = 0xff, v[n++] = 0xff;   /* ... value all ones: the end */
	v[n++] = 4;                             /* five option vectors */
	v[n++] = 2, v[n++] = 0, v[n++] = 0, v[n++] = 0x80;   /* OV1: 3 bytes, ISA 3.00 */
	for (int i = 2; i <= 4; i++)
		v[n++] = 0, v[n++] = 0;         /* OV2-OV4: 1 byte each, nothing */
	v[n++] = (uint8_t)(ov5_len - 1);
	memcpy(v + n, ov5, ov5_len);
	return hcall(KVMPPC_H_CAS, NULL, (unsigned long)cas_vec, (unsigned long)tree_buf,
		     4096UL << CAS_TREE_PAGES_ORDER, 0, 0, 0);
}
