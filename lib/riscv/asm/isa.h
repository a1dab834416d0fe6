/* The ISA the device tree says the harts implement (riscv,isa / riscv,isa-extensions). */
#ifndef HVUT_RISCV_ISA_H
#define HVUT_RISCV_ISA_H
#include <stdbool.h>

/* "a", "c", "zicsr", "sstc"...: case-insensitive, single letters or multi-letter names. */
bool isa_has(const char *ext);
/* The boot hart's /cpus/cpu@N device-tree node, or -1. */
int isa_cpu_node(void);
/* The boot hart's riscv,isa string (or "" when there is none). */
const char *isa_string(void);

#endif
