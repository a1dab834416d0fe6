/* ibm,client-architecture-support through QEMU's KVMPPC_H_CAS (lib/powerpc/cas.c). */
#ifndef HVUT_PPC_CAS_H
#define HVUT_PPC_CAS_H
#include <stdint.h>

/* OV5 byte numbers (1-based, as PAPR/LoPAR counts them) and bits used here. */
#define OV5_BYTE_INTC 23
#define OV5_INTC_XIVE_EXPLOIT 0x40
#define OV5_BYTE_MMU 24
#define OV5_MMU_RADIX 0x40
#define OV5_BYTE_RADIX_EXT 26
#define OV5_RADIX_GTSE 0x40

/*
 * Negotiates with OV5 = ov5[0..len) (ov5[0] is byte 1) and ISA 3.00 in OV1;
 * returns the hcall's status (H_SUCCESS when the hypervisor accepted it).
 */
long cas_negotiate(const uint8_t *ov5, int ov5_len);

#endif
