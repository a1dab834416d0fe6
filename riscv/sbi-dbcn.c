/* DBCN: console_write, console_write_byte, and a buffer the supervisor may not use. */
#include "sbi-tests.h"
#include "console.h"

/* OpenSBI's own memory (M-mode only, the start of RAM): not a valid buffer for us (under OpenSBI). */
#define FIRMWARE_ADDR 0x80000000UL

/*
 * SBI spec "Console Read": reads at most num_bytes into the buffer and
 * returns how many (0 when no input is pending); INVALID_PARAM for memory
 * the supervisor may not use.
 */
static void check_read(void)
{
	static char buf[16];
	struct sbiret r = sbi_dbcn_read(sizeof(buf), (uintptr_t)buf, 0);

	report(r.error == SBI_SUCCESS && r.value >= 0 && r.value <= (long)sizeof(buf),
	       "console_read of up to %zu bytes: %s, %ld read", sizeof(buf), sbi_error_name(r.error), r.value);
	if (opensbi())
		report_sbi_error(sbi_dbcn_read(16, FIRMWARE_ADDR, 0), SBI_ERR_INVALID_PARAM,
				 "console_read into firmware memory");
}

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
	/* SBI spec "Console Write": it may write fewer bytes than asked (a partial write). */
	report(r.error == SBI_SUCCESS && r.value >= 0 && r.value <= (long)sizeof(msg) - 1,
	       "console_write of %zu bytes: %s, %ld written (at most %zu)", sizeof(msg) - 1, sbi_error_name(r.error),
	       r.value, sizeof(msg) - 1);
	if (r.error == SBI_SUCCESS && r.value != (long)sizeof(msg) - 1)
		report_info("a partial write: %ld of %zu bytes", r.value, sizeof(msg) - 1);
	for (const char *p = byte_msg; *p; p++)
		ok &= sbi_dbcn_write_byte(*p).error == SBI_SUCCESS;
	report(ok, "console_write_byte of each byte succeeds");
	/* Only under OpenSBI is the start of RAM firmware memory (under KVM it is ours). */
	if (opensbi())
		report_sbi_error(sbi_dbcn_write(16, FIRMWARE_ADDR, 0), SBI_ERR_INVALID_PARAM,
				 "console_write from firmware memory");
	/* OpenSBI 1.6 answers FAILED (an I/O error) for an address it cannot map. */
	r = sbi_dbcn_write(16, 0, 1);
	if (opensbi_between(0x10006, 0x10006))
		report_xfail(true, r.error == SBI_ERR_INVALID_PARAM,
			     "console_write from beyond 2^64 (base_hi = 1): INVALID_PARAM (got %s)",
			     sbi_error_name(r.error));
	else
		report_deviation("sbi-dbcn-high-base", r.error == SBI_ERR_INVALID_PARAM,
				 "console_write from beyond 2^64 (base_hi = 1): INVALID_PARAM (got %s)",
				 sbi_error_name(r.error));
	check_read();
	report_prefix_pop();
}
