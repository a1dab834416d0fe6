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

static bool same_name(const char *a, size_t alen, const char *b)
{
	return alen == strlen(b) && !ncasecmp(a, b, alen);
}

static bool in_isa_string(const char *isa, const char *ext)
{
	bool g = false;
	const char *p;

	if (ncasecmp(isa, "rv64", 4) && ncasecmp(isa, "rv32", 4))
		return false;
	/* Single-letter part: up to the first '_' or multi-letter name (z*, s*, x*). */
	for (p = isa + 4; *p && *p != '_' && !strchr("zZsSxX", *p); p++) {
		if (strlen(ext) == 1 && tolower((unsigned char)*p) == tolower((unsigned char)ext[0]))
			return true;
		g |= tolower((unsigned char)*p) == 'g';
	}
	if (g && strlen(ext) == 1 && strchr("imafd", tolower((unsigned char)ext[0])))
		return true;
	if (g && (!casecmp(ext, "zicsr") || !casecmp(ext, "zifencei")))
		return true;
	/* Multi-letter names, '_'-separated. */
	while (*p) {
		size_t n;

		p += strspn(p, "_");
		n = strcspn(p, "_");
		if (n && same_name(p, n, ext))
			return true;
		p += n;
	}
	return false;
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
