/* DBCN: console_write, console_write_byte, and a buffer the supervisor may not use. */
#include "sbi-tests.h"
#include "console.h"

/* OpenSBI's own memory (M-mode only, the start of RAM): not a valid buffer for us. */
#define FIRMWARE_ADDR 0x80000000UL

void sbi_test_dbcn(void)
{
	static const char msg[] = "dbcn: this line came through console_write\n";
	static const char byte_msg[] = "dbcn: this one through console_write_byte\n";
	struct sbiret r;
	bool ok = true;

	if (!sbi_ext_begin("dbcn", SBI_EXT_DBCN))
		return;
	console_flush();   /* our UART output first: the firmware writes to the same UART */
	r = sbi_dbcn_write(sizeof(msg) - 1, (uintptr_t)msg, 0);
	report(r.error == SBI_SUCCESS && r.value == (long)sizeof(msg) - 1,
	       "console_write of %zu bytes: %s, %ld written", sizeof(msg) - 1, sbi_error_name(r.error), r.value);
	for (const char *p = byte_msg; *p; p++)
		ok &= sbi_dbcn_write_byte(*p).error == SBI_SUCCESS;
	report(ok, "console_write_byte of each byte succeeds");
	report_sbi_error(sbi_dbcn_write(16, FIRMWARE_ADDR, 0), SBI_ERR_INVALID_PARAM,
			 "console_write from firmware memory");
	/* OpenSBI 1.6 answers FAILED (an I/O error) for an address it cannot map. */
	r = sbi_dbcn_write(16, 0, 1);
	report_xfail(opensbi_between(0x10006, 0x10006), r.error == SBI_ERR_INVALID_PARAM,
		     "console_write from beyond 2^64 (base_hi = 1): INVALID_PARAM (got %s)",
		     sbi_error_name(r.error));
	report_prefix_pop();
}
