/*
 * A read-only flattened device tree (DTB) reader, written from the Devicetree
 * Specification (v0.4, chapter 5). Nodes are named by their offset in the
 * structure block; negative values are errors (FDT_NOT_FOUND, FDT_BAD).
 */
#ifndef HVUT_DEVICETREE_H
#define HVUT_DEVICETREE_H
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#define FDT_NOT_FOUND (-1)
#define FDT_BAD (-2)

/* Checks the header and remembers the tree; 0 or FDT_BAD. */
int fdt_init(const void *blob);
const void *fdt_blob(void);
size_t fdt_total_size(void);

uint32_t fdt32_to_cpu(uint32_t be);
uint64_t fdt64_to_cpu(uint64_t be);
/* Reads the n-th cell (32-bit big-endian) of a property value. */
uint32_t fdt_cell(const void *prop, int n);
/* Reads `cells` cells (1 or 2) starting at cell n as one number. */
uint64_t fdt_cells(const void *prop, int n, int cells);

int fdt_root(void);
/* "/", "/chosen", "/cpus/cpu@0": unit addresses may be omitted when unique ("/memory"). */
int fdt_path_offset(const char *path);
const char *fdt_node_name(int node);
int fdt_parent(int node);
int fdt_first_child(int node);
int fdt_next_sibling(int node);
#define fdt_for_each_child(child, parent) \
	for (child = fdt_first_child(parent); child >= 0; child = fdt_next_sibling(child))

const void *fdt_getprop(int node, const char *name, int *len);
/* The property as a NUL-terminated string, or NULL. */
const char *fdt_getprop_string(int node, const char *name);
bool fdt_getprop_u32(int node, const char *name, uint32_t *val);
/* Does the node's "compatible" list contain compat? */
bool fdt_is_compatible(int node, const char *compat);
/* Next node after `after` (or from the start when after < 0) compatible with compat. */
int fdt_find_compatible(int after, const char *compat);
int fdt_find_phandle(uint32_t phandle);
/* status absent, "okay" or "ok". */
bool fdt_is_enabled(int node);
/* The parent's #address-cells / #size-cells (defaults 2 and 1). */
int fdt_address_cells(int node);
int fdt_size_cells(int node);
/* The index-th (address, size) pair of "reg"; false if absent. */
bool fdt_reg(int node, int index, uint64_t *addr, uint64_t *size);

#endif
