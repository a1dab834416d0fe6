/* Freestanding <stdlib.h>: number parsing, allocation, environ, exit. */
#ifndef HVUT_STDLIB_H
#define HVUT_STDLIB_H
#include <stddef.h>

long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
int atoi(const char *s);
long atol(const char *s);

void *malloc(size_t size);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

char *getenv(const char *name);

/* Prints the summary-independent "EXIT: STATUS=n" line and powers off. */
void exit(int status) __attribute__((noreturn));
void abort(void) __attribute__((noreturn));

#endif
