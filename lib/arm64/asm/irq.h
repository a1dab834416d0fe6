/* One IRQ handler for the whole guest: tests install theirs and ack through the GIC. */
#ifndef HVUT_ARM64_IRQ_H
#define HVUT_ARM64_IRQ_H
#include <asm/regs.h>

typedef void (*irq_handler_t)(struct ex_regs *regs);
/* NULL uninstalls: an IRQ then is an unexpected exception. */
void install_irq_handler(irq_handler_t h);

#endif
