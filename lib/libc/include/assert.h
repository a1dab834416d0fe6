/* <assert.h>: a failed assertion is a test bug; it reports FAIL and stops the test. */
#ifndef HVUT_ASSERT_H
#define HVUT_ASSERT_H

void __assert_fail(const char *expr, const char *file, int line, const char *func)
	__attribute__((noreturn));

#define assert(e) ((e) ? (void)0 : __assert_fail(#e, __FILE__, __LINE__, __func__))

#endif
