/* arm/fpu-ffr.c: the fpu test's SVE first-fault register part (see there). */
#ifndef HVUT_ARM_FPU_FFR_H
#define HVUT_ARM_FPU_FFR_H

void fpu_ffr(void);

#endif
