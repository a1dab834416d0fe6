/* PAPR hypervisor calls (PAPR+ chapter 14): numbers, return codes and the call itself. */
#ifndef HVUT_PPC_HCALL_H
#define HVUT_PPC_HCALL_H

#define H_SUCCESS     0
#define H_BUSY        1
#define H_HARDWARE   (-1)
#define H_FUNCTION   (-2)
#define H_PRIVILEGE  (-3)
#define H_PARAMETER  (-4)
#define H_UNSUPPORTED_FLAG (-256)
#define H_P2         (-55)
#define H_P3         (-56)
#define H_P4         (-57)

#define H_SET_SPRG0      0x24
#define H_SET_DABR       0x28
#define H_GET_TERM_CHAR  0x54
#define H_PUT_TERM_CHAR  0x58
#define H_CEDE           0xe0
#define H_CONFER         0xe4
#define H_PROD           0xe8
#define H_RANDOM         0x300
#define H_SET_MODE       0x31c
/* QEMU's (and KVM's) private range: RTAS calls are hcalls there. */
#define KVMPPC_H_RTAS    0xf000

/* H_SET_MODE resources. */
#define H_SET_MODE_RESOURCE_SET_CIABR     1
#define H_SET_MODE_RESOURCE_SET_DAWR0     2
#define H_SET_MODE_RESOURCE_ADDR_TRANS_MODE 3
#define H_SET_MODE_RESOURCE_LE            4

#ifndef __ASSEMBLY__
/*
 * Makes hypervisor call `op` with up to 6 arguments (r4-r9); returns r3 and,
 * when out is not NULL, stores r4-r9 in out[0..5].
 */
long hcall(unsigned long op, unsigned long *out, unsigned long a0, unsigned long a1,
	   unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5);
#define hcall0(op) hcall(op, NULL, 0, 0, 0, 0, 0, 0)
#define hcall1(op, a) hcall(op, NULL, a, 0, 0, 0, 0, 0)
#define hcall2(op, a, b) hcall(op, NULL, a, b, 0, 0, 0, 0)
#define hcall4(op, a, b, c, d) hcall(op, NULL, a, b, c, d, 0, 0)

/* hcall with 8 arguments (r4-r11), for H_BULK_REMOVE's four pairs. */
static inline long hcall8(unsigned long op, unsigned long *a)
{
	register unsigned long r3 __asm__("r3") = op;
	register unsigned long r4 __asm__("r4") = a[0], r5 __asm__("r5") = a[1], r6 __asm__("r6") = a[2];
	register unsigned long r7 __asm__("r7") = a[3], r8 __asm__("r8") = a[4], r9 __asm__("r9") = a[5];
	register unsigned long r10 __asm__("r10") = a[6], r11 __asm__("r11") = a[7];

	__asm__ volatile("sc 1"
			 : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r11)
			 :: "r0", "r12", "ctr", "xer", "cr0", "cr1", "cr5", "cr6", "cr7", "memory");
	a[0] = r4; a[1] = r5; a[2] = r6; a[3] = r7; a[4] = r8; a[5] = r9; a[6] = r10; a[7] = r11;
	return (long)r3;
}

/* Is "hcall-<name>" (e.g. "random") in /rtas ibm,hypertas-functions? */
#include <stdbool.h>
bool hcall_available(const char *name);
/* The terminal number of the vty the console writes to (H_PUT_TERM_CHAR's first argument). */
unsigned long ppc_vty_termno(void);
#endif

#endif
