/* Freestanding <stdio.h>: console output only. */
#ifndef HVUT_STDIO_H
#define HVUT_STDIO_H
#include <stddef.h>
#include <stdarg.h>

#define EOF (-1)

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int puts(const char *s);   /* writes s and a newline, like C's puts */
int putchar(int c);

#endif
