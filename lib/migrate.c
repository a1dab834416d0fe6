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

static uint8_t pattern_byte(size_t i) { return (uint8_t)(i * 31 + (i >> 12)); }

uint8_t *migrate_pattern_fill(size_t n)
{
	uint8_t *mem = malloc(n);

	for (size_t i = 0; mem && i < n; i++)
		mem[i] = pattern_byte(i);
	return mem;
}

unsigned migrate_pattern_diff(const uint8_t *mem, size_t n)
{
	unsigned bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += mem[i] != pattern_byte(i);
	return bad;
}
