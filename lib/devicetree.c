/* Flattened device tree reader (Devicetree Specification v0.4, chapter 5). */
#include "hvut.h"
#include "devicetree.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

struct fdt_header {
	uint32_t magic, totalsize, off_dt_struct, off_dt_strings, off_mem_rsvmap;
	uint32_t version, last_comp_version, boot_cpuid_phys, size_dt_strings, size_dt_struct;
};

static const uint8_t *blob;
static const uint8_t *structs;
static const char *strings;
static uint32_t struct_size, total;

uint32_t fdt32_to_cpu(uint32_t be)
{
	const uint8_t *b = (const uint8_t *)&be;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt64_to_cpu(uint64_t be)
{
	const uint32_t *w = (const uint32_t *)&be;

	return (uint64_t)fdt32_to_cpu(w[0]) << 32 | fdt32_to_cpu(w[1]);
}

uint32_t fdt_cell(const void *prop, int n)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)prop + 4 * n, 4);   /* properties are only 4-byte aligned */
	return fdt32_to_cpu(v);
}

uint64_t fdt_cells(const void *prop, int n, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = v << 32 | fdt_cell(prop, n + i);
	return v;
}

int fdt_init(const void *b)
{
	const struct fdt_header *h = b;

	if (!b || fdt32_to_cpu(h->magic) != FDT_MAGIC || fdt32_to_cpu(h->last_comp_version) > 17)
		return FDT_BAD;
	blob = b;
	total = fdt32_to_cpu(h->totalsize);
	structs = blob + fdt32_to_cpu(h->off_dt_struct);
	struct_size = fdt32_to_cpu(h->size_dt_struct);
	strings = (const char *)blob + fdt32_to_cpu(h->off_dt_strings);
	return 0;
}

const void *fdt_blob(void) { return blob; }
size_t fdt_total_size(void) { return total; }

static uint32_t token_at(int off)
{
	return fdt_cell(structs + off, 0);
}

/* Offset of the token after the one at off; -1 past the end. */
static int next_token(int off)
{
	uint32_t tok = token_at(off);

	off += 4;
	switch (tok) {
	case FDT_BEGIN_NODE:
		off += strlen((const char *)structs + off) + 1;
		break;
	case FDT_PROP:
		off += 8 + fdt_cell(structs + off, 0);
		break;
	case FDT_END_NODE:
	case FDT_NOP:
		break;
	default:
		return -1;
	}
	off = (off + 3) & ~3;
	return (uint32_t)off < struct_size ? off : -1;
}

int fdt_root(void)
{
	int off = 0;

	if (!blob)
		return FDT_BAD;
	while (off >= 0 && token_at(off) == FDT_NOP)
		off = next_token(off);
	return off >= 0 && token_at(off) == FDT_BEGIN_NODE ? off : FDT_BAD;
}

const char *fdt_node_name(int node)
{
	return (const char *)structs + node + 4;
}

/* Skips a whole node (with its children); returns the offset after its END_NODE. */
static int skip_node(int node)
{
	int depth = 0, off = node;

	do {
		uint32_t tok = token_at(off);

		if (tok == FDT_BEGIN_NODE)
			depth++;
		else if (tok == FDT_END_NODE)
			depth--;
		off = next_token(off);
	} while (depth > 0 && off >= 0);
	return off;
}

int fdt_first_child(int node)
{
	int off = next_token(node);

	while (off >= 0) {
		uint32_t tok = token_at(off);

		if (tok == FDT_BEGIN_NODE)
			return off;
		if (tok == FDT_END_NODE)
			return FDT_NOT_FOUND;
		off = next_token(off);
	}
	return FDT_NOT_FOUND;
}

int fdt_next_sibling(int node)
{
	int off = skip_node(node);

	while (off >= 0) {
		uint32_t tok = token_at(off);

		if (tok == FDT_BEGIN_NODE)
			return off;
		if (tok == FDT_END_NODE || tok == FDT_END)
			return FDT_NOT_FOUND;
		off = next_token(off);
	}
	return FDT_NOT_FOUND;
}

int fdt_parent(int node)
{
	int stack[32], depth = 0;

	for (int off = fdt_root(); off >= 0; off = next_token(off)) {
		uint32_t tok = token_at(off);

		if (off == node)
			return depth ? stack[depth - 1] : FDT_NOT_FOUND;
		if (tok == FDT_BEGIN_NODE && depth < 32)
			stack[depth++] = off;
		else if (tok == FDT_END_NODE && depth)
			depth--;
	}
	return FDT_NOT_FOUND;
}

/* Does a node name match a path component ("cpu@0" matches "cpu@0" and "cpu")? */
static bool name_matches(const char *name, const char *comp, size_t len)
{
	if (strncmp(name, comp, len))
		return false;
	return name[len] == 0 || (name[len] == '@' && !memchr(comp, '@', len));
}

int fdt_path_offset(const char *path)
{
	int node = fdt_root();

	if (node < 0 || *path != '/')
		return FDT_NOT_FOUND;
	while (*path) {
		size_t len;
		int child;

		path += strspn(path, "/");
		len = strcspn(path, "/");
		if (!len)
			break;
		fdt_for_each_child(child, node)
			if (name_matches(fdt_node_name(child), path, len))
				break;
		if (child < 0)
			return FDT_NOT_FOUND;
		node = child;
		path += len;
	}
	return node;
}

const void *fdt_getprop(int node, const char *name, int *len)
{
	for (int off = next_token(node); off >= 0; off = next_token(off)) {
		uint32_t tok = token_at(off);

		if (tok == FDT_BEGIN_NODE || tok == FDT_END_NODE)
			break;
		if (tok == FDT_PROP && !strcmp(strings + fdt_cell(structs + off, 2), name)) {
			if (len)
				*len = fdt_cell(structs + off, 1);
			return structs + off + 12;
		}
	}
	return NULL;
}

const char *fdt_getprop_string(int node, const char *name)
{
	int len;
	const char *s = fdt_getprop(node, name, &len);

	return s && len > 0 && s[len - 1] == 0 ? s : NULL;
}

bool fdt_getprop_u32(int node, const char *name, uint32_t *val)
{
	int len;
	const void *p = fdt_getprop(node, name, &len);

	if (!p || len < 4)
		return false;
	*val = fdt_cell(p, 0);
	return true;
}

bool fdt_is_compatible(int node, const char *compat)
{
	int len;
	const char *c = fdt_getprop(node, "compatible", &len);

	for (int i = 0; c && i < len; i += strlen(c + i) + 1)
		if (!strcmp(c + i, compat))
			return true;
	return false;
}

int fdt_find_compatible(int after, const char *compat)
{
	int off = after < 0 ? fdt_root() : next_token(after);

	for (; off >= 0; off = next_token(off))
		if (token_at(off) == FDT_BEGIN_NODE && fdt_is_compatible(off, compat))
			return off;
	return FDT_NOT_FOUND;
}

int fdt_find_phandle(uint32_t phandle)
{
	for (int off = fdt_root(); off >= 0; off = next_token(off)) {
		uint32_t v;

		if (token_at(off) != FDT_BEGIN_NODE)
			continue;
		if ((fdt_getprop_u32(off, "phandle", &v) || fdt_getprop_u32(off, "linux,phandle", &v)) &&
		    v == phandle)
			return off;
	}
	return FDT_NOT_FOUND;
}

bool fdt_is_enabled(int node)
{
	const char *s = fdt_getprop_string(node, "status");

	return !s || !strcmp(s, "okay") || !strcmp(s, "ok");
}

static int parent_cells(int node, const char *name, uint32_t dflt)
{
	int parent = fdt_parent(node);
	uint32_t v = dflt;

	if (parent >= 0)
		fdt_getprop_u32(parent, name, &v);
	return v;
}

int fdt_address_cells(int node) { return parent_cells(node, "#address-cells", 2); }
int fdt_size_cells(int node) { return parent_cells(node, "#size-cells", 1); }

bool fdt_reg(int node, int index, uint64_t *addr, uint64_t *size)
{
	int len, ac = fdt_address_cells(node), sc = fdt_size_cells(node);
	const void *reg = fdt_getprop(node, "reg", &len);
	int pair = ac + sc;

	if (!reg || (index + 1) * pair * 4 > len)
		return false;
	*addr = fdt_cells(reg, index * pair, ac);
	if (size)
		*size = sc ? fdt_cells(reg, index * pair + ac, sc) : 0;
	return true;
}
