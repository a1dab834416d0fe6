/* argv and environ handed to the guest by the VMM (docs/protocol.md, "Input"). */
#ifndef HVUT_ARGV_H
#define HVUT_ARGV_H
#include <stddef.h>
#include <stdbool.h>

#define HVUT_MAX_ARGS 64
#define HVUT_MAX_ENV 64

extern int __argc;
extern char *__argv[HVUT_MAX_ARGS + 1];
extern char *__environ[HVUT_MAX_ENV + 1];

/* Splits a command line at blanks (no quoting); argv[0] becomes progname. */
void setup_args(const char *progname, const char *cmdline);
/*
 * The same for a VMM's kernel command line: every <arch>/vmm.sh puts the
 * test's "<name>.elf" first, which becomes argv[0]; without it, fallback does.
 */
void setup_args_from_cmdline(const char *fallback, const char *cmdline);
/* Takes KEY=VAL lines (NUL, CR and blank lines ignored) from an initrd image. */
void setup_env(const char *buf, size_t size);
/*
 * For tests made of parts selected by argument ("test_args = npt tlb"):
 * true when the command line names no argument at all, or names this part.
 */
bool arg_selected(int argc, char **argv, const char *part);
/* A test's part: its argument name and the function that runs it. */
struct test_part {
	const char *name;
	void (*run)(void);
};
/* Runs, in table order, each part arg_selected() picks. */
void run_parts(int argc, char **argv, const struct test_part *parts, unsigned n);
/* Adds or replaces one KEY=VAL (copied). */
int setenv_kv(const char *kv);

#endif
