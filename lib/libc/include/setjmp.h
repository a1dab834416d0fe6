/* <setjmp.h>: implemented per arch in lib/<arch>/setjmp.S. */
#ifndef HVUT_SETJMP_H
#define HVUT_SETJMP_H

/* Large enough for every arch's callee-saved registers, SP, PC (ppc64 needs most). */
typedef unsigned long jmp_buf[32];

int setjmp(jmp_buf env) __attribute__((returns_twice));
void longjmp(jmp_buf env, int val) __attribute__((noreturn));

#endif
