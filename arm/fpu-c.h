/* arm/fpu-c.c: the fpu test's parts compiled with FP registers (see there). */
#ifndef HVUT_ARM_FPU_C_H
#define HVUT_ARM_FPU_C_H

void fpu_c_round(void);
void fpu_c_flags(void);
/* trap: called while the values are live; it should take an exception and return. */
void fpu_c_live(void (*trap)(void));

#endif
