/* Interrupt handlers for the S-mode trap vector (lib/riscv/exception.c). */
#ifndef HVUT_RISCV_IRQ_H
#define HVUT_RISCV_IRQ_H
#include <asm/regs.h>

typedef void (*irq_handler_t)(struct ex_regs *regs);

/* Installs fn for interrupt number irq (IRQ_S_SOFT, IRQ_S_TIMER...) on every CPU; NULL removes it. */
void install_irq_handler(unsigned irq, irq_handler_t fn);

#endif
