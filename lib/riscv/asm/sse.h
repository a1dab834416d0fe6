/*
 * SBI Supervisor Software Events (SBI v3.0 "Supervisor Software Events
 * Extension", EID 0x535345): a handler entry that runs C on its own stack.
 *
 * Register an event with sse_entry as ENTRY_PC and a struct sse_handler * as
 * ENTRY_ARG. At injection the firmware enters sse_entry with a6 = hart ID,
 * a7 = ENTRY_ARG and every other GPR as the interrupted code had it; sse_entry
 * saves them all on h->stack_top's stack, records a6 in h->entry_a6, calls
 * h->fn(h) and completes with sbi_sse_complete, which must resume the
 * interrupted code with all its registers (a6/a7 from INTERRUPTED_A6/A7).
 * Embed the struct first in a bigger one to hand the handler more state.
 */
#ifndef HVUT_RISCV_SSE_H
#define HVUT_RISCV_SSE_H
#include <stdint.h>

struct sse_handler {
	uintptr_t stack_top;                      /* offset 0 */
	void (*fn)(struct sse_handler *h);        /* offset 8 */
	unsigned long entry_a6;                   /* offset 16 */
};

void sse_entry(void);

#define SBI_SSE_READ_ATTRS 0
#define SBI_SSE_WRITE_ATTRS 1
#define SBI_SSE_REGISTER 2
#define SBI_SSE_UNREGISTER 3
#define SBI_SSE_ENABLE 4
#define SBI_SSE_DISABLE 5
#define SBI_SSE_COMPLETE 6
#define SBI_SSE_INJECT 7
#define SBI_SSE_HART_UNMASK 8
#define SBI_SSE_HART_MASK 9

#define SBI_SSE_EVENT_LOCAL_PMU_OVERFLOW 0x00010000UL
#define SBI_SSE_EVENT_LOCAL_SOFTWARE 0xffff0000UL
#define SBI_SSE_EVENT_GLOBAL_SOFTWARE 0xffff8000UL

#endif
