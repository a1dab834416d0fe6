/* The guest side of live migration (lib/migrate.h). */
#include "hvut.h"
#include "console.h"
#include "migrate.h"

#define ACK "MIGRATED"
static bool can_migrate(void);
/*
 * The waits below have no bound of their own. A count of polls is a wall-clock
 * bound in disguise: the source keeps polling while a loaded host moves its RAM
 * (36 s for 450 KB was seen at load 17, and 200M polls ran out before the
 * acknowledgement came). The harness bounds them already: migrate-vmm.sh ends the
 * VM when a migration fails or outlasts the test's TIMEOUT (a CRASH quoting why),
 * and the TIMEOUT ends a run whose acknowledgement never comes.
 */

/*
 * One line of console input, '\r' dropped; true once a '\n' ended it (in
 * buf, NUL-terminated). Longer lines keep their first bytes.
 */
static bool read_line(char *buf, size_t size, size_t *len)
{
	int c;

	while ((c = console_getc()) >= 0) {
		if (c == '\r')
			continue;
		if (c == '\n') {
			buf[*len] = 0;
			*len = 0;
			return true;
		}
		if (*len < size - 1)
			buf[(*len)++] = (char)c;
	}
	return false;
}

/*
 * The acknowledgement of request N is "MIGRATED N" ("MIGRATED" alone from
 * an older harness). Anything else is said and ignored: an acknowledgement
 * of an earlier request that came twice (the harness sends it again until
 * the guest says it is done), or one that lost bytes on the way (a riscv64
 * QEMU 7.2 destination once handed its guest "IGRATED", docs/protocol.md).
 */
bool migrate_once(void)
{
	static unsigned count;
	char in[32], want[32];
	size_t len = 0;

	if (!can_migrate())
		return false;
	printf("MIGRATE: request %u\n", ++count);
	snprintf(want, sizeof(want), "%s %u", ACK, count);
	for (;;) {
		if (!read_line(in, sizeof(in), &len))
			continue;
		if (!strcmp(in, want) || !strcmp(in, ACK)) {
			printf("INFO: migration %u done: running on the destination\n", count);
			return true;
		}
		if (in[0])
			printf("INFO: migration %u: console input \"%s\" ignored (\"%s\" wanted)\n", count, in, want);
	}
}

/* Continuous mode: console input is read line by line, each line one word of the harness's. */
#define STOPPED "MIGRATE-STOPPED"
static char line[24];
static size_t line_len;
static unsigned continuous_done;
static bool stopped_seen;

/* Consumes what console input there is; counts MIGRATED lines, notes MIGRATE-STOPPED. */
static void continuous_read(void)
{
	while (read_line(line, sizeof(line), &line_len)) {
		if (!strcmp(line, ACK))
			continuous_done++;
		else if (!strcmp(line, STOPPED))
			stopped_seen = true;
	}
}

static bool can_migrate(void)
{
	const char *on = getenv("HVUT_MIGRATION");
	const char *why = getenv("HVUT_MIGRATION_WHY");

	if (on && !strcmp(on, "1"))
		return true;
	if (why)
		report_skip("migration: this run cannot migrate: %s", why);
	else
		report_skip("migration: this run cannot migrate (the harness sets HVUT_MIGRATION=1 where it can)");
	return false;
}

bool migrate_continuous_start(void)
{
	if (!can_migrate())
		return false;
	continuous_done = 0;
	stopped_seen = false;
	line_len = 0;
	printf("MIGRATE: continuous start\n");
	return true;
}

unsigned migrate_continuous_poll(void)
{
	continuous_read();
	return continuous_done;
}

unsigned migrate_continuous_stop(void)
{
	printf("MIGRATE: continuous stop\n");
	/* The harness may be in the middle of a migration: it answers once that one is done. */
	while (!stopped_seen)
		continuous_read();
	printf("INFO: continuous migration stopped after %u migrations\n", continuous_done);
	return continuous_done;
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
