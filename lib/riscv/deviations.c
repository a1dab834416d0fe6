/*
 * riscv64: known deviations of VMMs from the architecture manuals
 * (lib/deviation.h). One row per (deviation, VMM layer); versions [from, until),
 * NULL = unbounded.
 */
#include "hvut.h"

const struct deviation arch_deviations[] = {
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
