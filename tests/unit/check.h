/*
 * Shared by the host-side unit tests of hvut's libc. Our libc is linked into the
 * same program as glibc with every symbol renamed hvut_* (run.sh does this with
 * objcopy --prefix-symbols), so each test can call ours and glibc's side by side.
 */
#ifndef HVUT_UNIT_CHECK_H
#define HVUT_UNIT_CHECK_H
#include <stdarg.h>
#include <stddef.h>

/* hvut's libc, as renamed by run.sh. */
void *hvut_memcpy(void *dst, const void *src, size_t n);
void *hvut_memmove(void *dst, const void *src, size_t n);
void *hvut_memset(void *s, int c, size_t n);
int hvut_memcmp(const void *a, const void *b, size_t n);
void *hvut_memchr(const void *s, int c, size_t n);
size_t hvut_strlen(const char *s);
size_t hvut_strnlen(const char *s, size_t max);
int hvut_strcmp(const char *a, const char *b);
int hvut_strncmp(const char *a, const char *b, size_t n);
char *hvut_strcpy(char *dst, const char *src);
char *hvut_strncpy(char *dst, const char *src, size_t n);
char *hvut_strcat(char *dst, const char *src);
char *hvut_strncat(char *dst, const char *src, size_t n);
char *hvut_strchr(const char *s, int c);
char *hvut_strrchr(const char *s, int c);
char *hvut_strstr(const char *haystack, const char *needle);
size_t hvut_strspn(const char *s, const char *accept);
size_t hvut_strcspn(const char *s, const char *reject);

int hvut_isdigit(int c);
int hvut_isxdigit(int c);
int hvut_isalpha(int c);
int hvut_isalnum(int c);
int hvut_isspace(int c);
int hvut_isupper(int c);
int hvut_islower(int c);
int hvut_isprint(int c);
int hvut_ispunct(int c);
int hvut_iscntrl(int c);
int hvut_isgraph(int c);
int hvut_toupper(int c);
int hvut_tolower(int c);

long hvut_strtol(const char *s, char **end, int base);
unsigned long hvut_strtoul(const char *s, char **end, int base);
long long hvut_strtoll(const char *s, char **end, int base);
unsigned long long hvut_strtoull(const char *s, char **end, int base);
int hvut_atoi(const char *s);
long hvut_atol(const char *s);

int hvut_printf(const char *fmt, ...);
int hvut_vprintf(const char *fmt, va_list ap);
int hvut_snprintf(char *buf, size_t size, const char *fmt, ...);
int hvut_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hvut_sprintf(char *buf, const char *fmt, ...);
int hvut_puts(const char *s);
int hvut_putchar(int c);

/*
 * Counts one assertion. On failure prints "FAIL: " and the printf-style message
 * (formatted by glibc). Returns ok so callers can add detail.
 */
int check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* s[0..n) as a C string literal body; a few results stay valid at once. */
const char *esc(const char *s, size_t n);
#define ESC(s) ((s) ? esc((s), strlen(s)) : "(NULL)")

/* What hvut_console_write received since the last capture_reset(). */
extern char captured[];
extern size_t captured_len;
extern int captured_calls;
void capture_reset(void);

void test_ctype(void);
void test_string(void);
void test_strtol(void);
void test_printf(void);

#endif
