/* The guest side of live migration (lib/migrate.h). */
#include "hvut.h"
#include "console.h"
#include "migrate.h"

#define ACK "MIGRATED"
/* Polls of the console input before giving up: minutes on every VMM here, so a lost ack fails, never hangs. */
#define MAX_POLLS 200000000UL

bool migrate_once(void)
{
	const char *on = getenv("HVUT_MIGRATION");
	size_t matched = 0;
	static unsigned count;

	if (!on || strcmp(on, "1")) {
		const char *why = getenv("HVUT_MIGRATION_WHY");

		if (why)
			report_skip("migration: this run cannot migrate: %s", why);
		else
			report_skip("migration: this run cannot migrate (the harness sets HVUT_MIGRATION=1 where it can)");
		return false;
	}
	printf("MIGRATE: request %u\n", ++count);
	for (unsigned long polls = 0; polls < MAX_POLLS; polls++) {
		int c = console_getc();

		if (c < 0)
			continue;
		if (c == ACK[matched]) {
			if (++matched == sizeof(ACK) - 1) {
				printf("INFO: migration %u done: running on the destination\n", count);
				return true;
			}
		} else {
			matched = c == ACK[0];
		}
	}
	report_fail("migration %u: no MIGRATED acknowledgement on the console input", count);
	return false;
}
