/* What each arch provides for output and for ending the VM. */
#ifndef HVUT_CONSOLE_H
#define HVUT_CONSOLE_H
#include <stddef.h>

/* Writes n bytes to the console, in order; safe to call from any CPU. */
void console_write(const char *s, size_t n);
/* Waits until every byte written has left the device (UART transmitter empty). */
void console_flush(void);
/* One byte from the console's input (what the harness writes), or -1 when none is waiting. */
int console_getc(void);
/* Powers the VM off; status is also printed before this by exit(). */
void arch_poweroff(int status) __attribute__((noreturn));

#endif
