/*
 * Which ISA extensions the device tree promises. Two forms exist: the
 * riscv,isa-extensions string list (one name per entry) and the older
 * riscv,isa string "rv64imafdc_zicsr_zifencei_sstc" (single letters first,
 * then '_'-separated multi-letter names; 'g' stands for imafd_zicsr_zifencei).
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/isa.h>
#include <asm/smp.h>

/* The libc has no strcasecmp: ISA names are ASCII, so a local one will do. */
static int ncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int d = tolower((unsigned char)a[i]) - tolower((unsigned char)b[i]);

		if (d || !a[i])
			return d;
	}
	return 0;
}

static int casecmp(const char *a, const char *b)
{
	return ncasecmp(a, b, (size_t)-1);
}

int isa_cpu_node(void)
{
	int cpus_node = fdt_path_offset("/cpus"), node;
	uint64_t hartid, size;

	if (cpus_node < 0)
		return -1;
	fdt_for_each_child(node, cpus_node)
		if (fdt_reg(node, 0, &hartid, &size) && hartid == cpu_hartid(0) &&
		    (fdt_getprop(node, "riscv,isa", NULL) || fdt_getprop(node, "riscv,isa-extensions", NULL)))
			return node;
	return -1;
}

const char *isa_string(void)
{
	int node = isa_cpu_node();
	const char *s = node >= 0 ? fdt_getprop_string(node, "riscv,isa") : NULL;

	return s ? s : "";
}

/*
 * The riscv,isa string, read by the unprivileged spec's "ISA Extension Naming
 * Conventions" chapter: case-insensitive; "rv64" and the base letter; single-
 * letter extensions, each optionally followed by a version (<major>[p<minor>],
 * dropped here); then multi-letter names (Z*, S*, X*) separated by '_', each
 * with an optional version at its end. '_' may also separate single letters.
 * Calls fn(name) for each extension in order, lower case; returns how many,
 * or -1 when the string does not start with rv32/rv64.
 */
int isa_string_for_each(const char *isa, void (*fn)(const char *name, void *arg), void *arg)
{
	char name[ISA_NAME_MAX];
	const char *p = isa;
	int count = 0;

	if (ncasecmp(isa, "rv64", 4) && ncasecmp(isa, "rv32", 4))
		return -1;
	p += 4;
	while (*p) {
		size_t n = 0;

		if (*p == '_') {
			p++;
			continue;
		}
		if (strchr("zZsSxX", *p)) {
			/* Multi-letter: up to the next '_'. */
			n = strcspn(p, "_");
			if (n >= sizeof(name))
				n = sizeof(name) - 1;
			for (size_t i = 0; i < n; i++)
				name[i] = (char)tolower((unsigned char)p[i]);
			p += strcspn(p, "_");
			/* A trailing version: digits, optionally 'p' and digits. */
			while (n > 1 && isdigit((unsigned char)name[n - 1]))
				n--;
			if (n > 2 && name[n - 1] == 'p' && isdigit((unsigned char)name[n - 2])) {
				size_t m = n - 1;

				while (m > 1 && isdigit((unsigned char)name[m - 1]))
					m--;
				n = m;
			}
		} else {
			name[n++] = (char)tolower((unsigned char)*p++);
			/* Its version: <major>[p<minor>]. */
			p += strspn(p, "0123456789");
			if ((*p == 'p' || *p == 'P') && isdigit((unsigned char)p[1])) {
				p++;
				p += strspn(p, "0123456789");
			}
		}
		name[n] = 0;
		if (fn)
			fn(name, arg);
		count++;
	}
	return count;
}

int isa_extensions_for_each(void (*fn)(const char *name, void *arg), void *arg)
{
	int node = isa_cpu_node(), len, count = 0;
	const char *list = node >= 0 ? fdt_getprop(node, "riscv,isa-extensions", &len) : NULL;

	if (!list)
		return -1;
	for (int off = 0; off < len; off += strlen(list + off) + 1, count++)
		if (fn)
			fn(list + off, arg);
	return count;
}

struct find {
	const char *ext;
	bool found, g, b;
};

static void find_one(const char *name, void *arg)
{
	struct find *f = arg;

	f->found |= !casecmp(name, f->ext);
	f->g |= !strcmp(name, "g");
	f->b |= !strcmp(name, "b");
}

static bool in_isa_string(const char *isa, const char *ext)
{
	struct find f = { .ext = ext };

	if (isa_string_for_each(isa, find_one, &f) < 0)
		return false;
	/* Naming conventions: G is IMAFD_Zicsr_Zifencei; the B extension is Zba, Zbb and Zbs. */
	if (f.g && (strchr("imafd", tolower((unsigned char)ext[0])) && !ext[1]))
		return true;
	if (f.g && (!casecmp(ext, "zicsr") || !casecmp(ext, "zifencei")))
		return true;
	if (f.b && (!casecmp(ext, "zba") || !casecmp(ext, "zbb") || !casecmp(ext, "zbs")))
		return true;
	return f.found;
}

bool isa_has(const char *ext)
{
	int node = isa_cpu_node();
	int len;
	const char *list = node >= 0 ? fdt_getprop(node, "riscv,isa-extensions", &len) : NULL;

	if (list) {
		for (int off = 0; off < len; off += strlen(list + off) + 1)
			if (!casecmp(list + off, ext))
				return true;
		return false;
	}
	return in_isa_string(isa_string(), ext);
}
