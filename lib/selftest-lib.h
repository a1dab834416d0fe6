/* The arch-neutral checks every arch's selftest runs (lib/selftest-lib.c). */
#ifndef HVUT_SELFTEST_LIB_H
#define HVUT_SELFTEST_LIB_H
#include <stdbool.h>

/* argv, environ, printf, allocators, setjmp/longjmp. */
void selftest_lib(int argc, char **argv, char **envp);
/* "cpus=N" came up, on_cpu() and on_cpus() reach every CPU; false when there is only one. */
bool selftest_smp(int argc, char **argv);

#endif
