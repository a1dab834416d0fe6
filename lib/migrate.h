/*
 * Live migration mid-test (docs/protocol.md, "Migration"): the guest asks
 * the harness to move the running VM to a new VMM process, and goes on once
 * it runs there.
 */
#ifndef HVUT_MIGRATE_H
#define HVUT_MIGRATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Prints "MIGRATE: request" and waits for the harness's "MIGRATED" line on
 * the console input, which it writes to the destination once the migration
 * completed. Returns true then. Returns false (after a SKIP line) when the
 * harness did not enable migration for this run (no HVUT_MIGRATION=1 in the
 * environ). It waits as long as it takes: the harness bounds the wait
 * (lib/migrate.c says how).
 */
bool migrate_once(void);

/*
 * Continuous mode ("migrate me again and again while I run", docs/protocol.md
 * "Migration"): after migrate_continuous_start() the harness migrates the VM
 * back to back without waiting for the guest, acknowledging each move with a
 * MIGRATED line, until migrate_continuous_stop(). migrate_continuous_poll()
 * reads the acknowledgements that arrived (never waits) and returns how many
 * migrations completed so far. migrate_continuous_stop() waits (bounded by
 * the harness, like migrate_once()) for the harness to say no more will come
 * and returns the total.
 * start returns false (after a SKIP line) where the run cannot migrate.
 */
bool migrate_continuous_start(void);
unsigned migrate_continuous_poll(void);
unsigned migrate_continuous_stop(void);

/*
 * Memory that must survive a migration unchanged: migrate_pattern_fill()
 * allocates n bytes and writes a pattern (NULL when there is no memory),
 * migrate_pattern_diff() counts the bytes that no longer hold it.
 */
uint8_t *migrate_pattern_fill(size_t n);
unsigned migrate_pattern_diff(const uint8_t *mem, size_t n);

#endif
