/*
 * Running a routine at EL2 from a test entered at EL2 (lib/arm64/el2.S).
 * Only where boot_el == 2: otherwise HVC is UNDEFINED or goes to a real
 * hypervisor.
 */
#ifndef HVUT_ARM64_ASM_EL2_H
#define HVUT_ARM64_ASM_EL2_H

#define EL2_CALL_FAILED (~0UL)

extern unsigned long boot_el;     /* the EL we were entered at (cstart.S) */

/*
 * Runs fn(a, b, c) at EL2 through HVC #0 and returns its x0 (EL2_CALL_FAILED
 * if EL2 took something other than the HVC). fn is an assembly leaf: EL2's
 * MMU is off, so it must not touch memory (no stack), and it may clobber only
 * x0-x9.
 */
static inline unsigned long el2_call(void (*fn)(void), unsigned long a, unsigned long b, unsigned long c)
{
	register unsigned long x0 __asm__("x0") = (unsigned long)fn;
	register unsigned long x1 __asm__("x1") = a;
	register unsigned long x2 __asm__("x2") = b;
	register unsigned long x3 __asm__("x3") = c;

	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x30", "memory", "cc");
	return x0;
}

#endif
