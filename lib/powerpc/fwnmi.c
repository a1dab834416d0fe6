/*
 * RTAS instantiation and FWNMI registration without Open Firmware.
 *
 * On pseries, Open Firmware's instantiate-rtas gives RTAS a data area in
 * guest memory and records it in /rtas linux,rtas-base. QEMU implements RTAS
 * itself (H_RTAS) but needs that area for FWNMI: ibm,nmi-register fails with
 * -3 until its own copy of the tree has linux,rtas-base, and a system reset
 * delivered to the registered handler saves r3 in that area. SLOF hands QEMU
 * the updated tree through QEMU's private hcall KVMPPC_H_UPDATE_DT (0xf003,
 * the real address of a flattened tree, which QEMU checks and keeps); hvut
 * boots without SLOF, so this does the same: a copy of the boot tree with
 * the one property added to /rtas (Devicetree Specification v0.4 chapter 5:
 * header, memory reservation block, structure block, strings block).
 */
#include "hvut.h"
#include "alloc.h"
#include "devicetree.h"
#include <asm/fwnmi.h>
#include <asm/hcall.h>
#include <asm/rtas.h>

#define KVMPPC_H_UPDATE_DT 0xf003
#define FDT_BEGIN_NODE 1
#define FDT_PROP 3
#define RTAS_BASE_NAME "linux,rtas-base"

struct fdt_header {
	uint32_t magic, totalsize, off_dt_struct, off_dt_strings, off_mem_rsvmap;
	uint32_t version, last_comp_version, boot_cpuid_phys, size_dt_strings, size_dt_struct;
};

unsigned long rtas_area_base, rtas_area_size;

/* The swap is its own inverse: the tree is big-endian both ways. */
static uint32_t be32(uint32_t v) { return fdt32_to_cpu(v); }
static size_t align4(size_t n) { return (n + 3) & ~(size_t)3; }

/* The memory reservation block's length, its (0, 0) terminator included. */
static size_t rsvmap_len(const uint8_t *rsv)
{
	const uint64_t *e = (const uint64_t *)rsv;
	size_t n = 0;

	while (e[2 * n] || e[2 * n + 1])
		n++;
	return (n + 1) * 16;
}

/*
 * A copy of the boot tree with "linux,rtas-base" = base as the first
 * property of the node at offset node (in the structure block); NULL when
 * out of memory.
 */
static void *tree_with_rtas_base(int node, uint32_t base, size_t *size)
{
	const uint8_t *old = fdt_blob();
	const struct fdt_header *oh = (const void *)old;
	size_t rsv = rsvmap_len(old + be32(oh->off_mem_rsvmap));
	size_t st = be32(oh->size_dt_struct), str = be32(oh->size_dt_strings);
	size_t at = node + 4 + align4(strlen(fdt_node_name(node)) + 1);   /* after BEGIN_NODE and the name */
	size_t off_rsv = align4(sizeof(*oh) + 7) & ~(size_t)7, off_st = off_rsv + rsv;
	size_t off_str = off_st + st + 16, total = off_str + str + sizeof(RTAS_BASE_NAME);
	uint8_t *t = memalign(8, total);
	struct fdt_header *h = (void *)t;
	uint32_t prop[4] = { be32(FDT_PROP), be32(4), be32(str), be32(base) };

	if (!t)
		return NULL;
	memset(t, 0, total);
	*h = *oh;
	h->totalsize = be32(total);
	h->off_mem_rsvmap = be32(off_rsv);
	h->off_dt_struct = be32(off_st);
	h->off_dt_strings = be32(off_str);
	h->size_dt_struct = be32(st + 16);
	h->size_dt_strings = be32(str + sizeof(RTAS_BASE_NAME));
	memcpy(t + off_rsv, old + be32(oh->off_mem_rsvmap), rsv);
	memcpy(t + off_st, old + be32(oh->off_dt_struct), at);
	memcpy(t + off_st + at, prop, sizeof(prop));
	memcpy(t + off_st + at + 16, old + be32(oh->off_dt_struct) + at, st - at);
	memcpy(t + off_str, old + be32(oh->off_dt_strings), str);
	memcpy(t + off_str + str, RTAS_BASE_NAME, sizeof(RTAS_BASE_NAME));
	*size = total;
	return t;
}

bool rtas_instantiate(const char **why)
{
	int node = fdt_path_offset("/rtas");
	uint32_t size, base;
	size_t tree_size;
	void *area, *tree;
	long rc;

	if (rtas_area_base)
		return true;
	if (node < 0) {
		*why = "no /rtas node";
		return false;
	}
	if (fdt_getprop_u32(node, RTAS_BASE_NAME, &base)) {
		/* Firmware did it: keep its area. */
		rtas_area_base = base;
		rtas_area_size = fdt_getprop_u32(node, "rtas-size", &size) ? size : 0;
		return true;
	}
	if (!fdt_getprop_u32(node, "rtas-size", &size) || !size) {
		*why = "no /rtas rtas-size";
		return false;
	}
	area = memalign(PAGE_SIZE, size);
	if (!area || (unsigned long)area + size > 0xffffffffUL) {
		*why = "no memory below 4 GiB for the RTAS area";
		return false;
	}
	memset(area, 0, size);
	tree = tree_with_rtas_base(node, (uint32_t)(unsigned long)area, &tree_size);
	if (!tree) {
		*why = "no memory for the updated device tree";
		return false;
	}
	rc = hcall1(KVMPPC_H_UPDATE_DT, (unsigned long)tree);
	free(tree);   /* QEMU keeps its own copy */
	if (rc != H_SUCCESS) {
		*why = "KVMPPC_H_UPDATE_DT refused the tree with linux,rtas-base";
		return false;
	}
	rtas_area_base = (unsigned long)area;
	rtas_area_size = size;
	return true;
}

int fwnmi_register(unsigned long sreset, unsigned long mce)
{
	int token = rtas_token("ibm,nmi-register");

	if (token == RTAS_UNKNOWN_TOKEN)
		return RTAS_UNKNOWN_TOKEN;
	return rtas_call(token, 2, 1, NULL, (int)sreset, (int)mce);
}
