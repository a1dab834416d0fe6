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

/* Longest extension name kept (with its NUL); longer names are cut. */
#define ISA_NAME_MAX 32
/*
 * Walk the extensions a riscv,isa string names (versions dropped, lower case):
 * fn(name, arg) for each; returns the count, -1 if it does not start rv32/rv64.
 */
int isa_string_for_each(const char *isa, void (*fn)(const char *name, void *arg), void *arg);
/* The same for the boot hart's riscv,isa-extensions list; -1 when it has none. */
int isa_extensions_for_each(void (*fn)(const char *name, void *arg), void *arg);

#endif
