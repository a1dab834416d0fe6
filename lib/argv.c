/*
 * argv and environ. Both are copied into static storage at boot so that the
 * loader's buffers (multiboot info, initrd, device tree) can be reused as RAM.
 */
#include "hvut.h"

#define ARGS_BUF 4096
#define ENV_BUF 4096

int __argc;
char *__argv[HVUT_MAX_ARGS + 1];
char *__environ[HVUT_MAX_ENV + 1];
static char args_buf[ARGS_BUF];
static char env_buf[ENV_BUF];
static size_t env_used;

/* Appends the n bytes at p as the next argument; false when full. */
static bool add_arg(const char *p, size_t n, size_t *used)
{
	if (__argc == HVUT_MAX_ARGS || *used + n + 1 > ARGS_BUF)
		return false;
	memcpy(args_buf + *used, p, n);
	args_buf[*used + n] = 0;
	__argv[__argc++] = args_buf + *used;
	*used += n + 1;
	return true;
}

void setup_args(const char *progname, const char *cmdline)
{
	size_t used = 0;
	const char *p = cmdline;

	__argc = 0;
	add_arg(progname, strlen(progname), &used);
	for (;;) {
		size_t n;

		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (!n || !add_arg(p, n, &used))
			break;
		p += n;
	}
	__argv[__argc] = NULL;
}

void setup_args_from_cmdline(const char *fallback, const char *cmdline)
{
	char prog[128];
	size_t n;

	cmdline += strspn(cmdline, " ");
	n = strcspn(cmdline, " ");
	if (n > 4 && n < sizeof(prog) && !strncmp(cmdline + n - 4, ".elf", 4)) {
		memcpy(prog, cmdline, n);
		prog[n] = 0;
		setup_args(prog, cmdline + n);
	} else {
		setup_args(fallback, cmdline);
	}
}

void run_parts(int argc, char **argv, const struct test_part *parts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (arg_selected(argc, argv, parts[i].name))
			parts[i].run();
}

bool arg_selected(int argc, char **argv, const char *part)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], part))
			return true;
	return false;
}

static int env_index(const char *name, size_t len)
{
	for (int i = 0; __environ[i]; i++)
		if (!strncmp(__environ[i], name, len) && __environ[i][len] == '=')
			return i;
	return -1;
}

int setenv_kv(const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t n = strlen(kv);
	int i, count;

	if (!eq || eq == kv || env_used + n + 1 > ENV_BUF)
		return -1;
	memcpy(env_buf + env_used, kv, n + 1);
	i = env_index(kv, eq - kv);
	for (count = 0; __environ[count]; count++)
		;
	if (i < 0) {
		if (count == HVUT_MAX_ENV)
			return -1;
		i = count;
		__environ[i + 1] = NULL;
	}
	__environ[i] = env_buf + env_used;
	env_used += n + 1;
	return 0;
}

void setup_env(const char *buf, size_t size)
{
	char line[512];

	for (size_t i = 0; i < size;) {
		size_t n = 0;

		while (i < size && buf[i] != '\n' && buf[i] != '\0') {
			if (buf[i] != '\r' && n < sizeof(line) - 1)
				line[n++] = buf[i];
			i++;
		}
		i++;
		line[n] = 0;
		if (n && line[0] != '#')
			setenv_kv(line);
	}
}

char *getenv(const char *name)
{
	int i = env_index(name, strlen(name));

	return i < 0 ? NULL : strchr(__environ[i], '=') + 1;
}
