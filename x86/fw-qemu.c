/*
 * QEMU: load what -kernel/-initrd/-append left in fw_cfg, install QEMU's
 * ACPI tables, enter the test. Facts from QEMU's docs/specs/fw_cfg.rst (the
 * device) and its ACPI table-loader interface (hw/acpi/bios-linker-loader).
 *
 * For a multiboot kernel QEMU itself parses the image and builds the
 * multiboot information: fw_cfg's KERNEL item holds the image (with the
 * command line and the modules appended) for KERNEL_ADDR, the INITRD item the
 * information structure for INITRD_ADDR, and KERNEL_ENTRY the entry point.
 * Its multiboot option ROM copies the two, fills in the memory sizes (QEMU
 * leaves mem_lower/mem_upper 0 and the memory map empty) and jumps; so do we,
 * with the sizes from FW_CFG_RAM_SIZE and no memory map.
 */
#include "fw.h"

#define FW_CFG_SEL 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_DMA_HI 0x514
#define FW_CFG_DMA_LO 0x518

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_KERNEL_ADDR 0x07
#define FW_CFG_KERNEL_SIZE 0x08
#define FW_CFG_INITRD_ADDR 0x0a
#define FW_CFG_INITRD_SIZE 0x0b
#define FW_CFG_KERNEL_ENTRY 0x10
#define FW_CFG_KERNEL_DATA 0x11
#define FW_CFG_INITRD_DATA 0x12
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_VERSION_DMA 2        /* FW_CFG_ID bit 1 */

#define DMA_CTL_ERROR 0x01
#define DMA_CTL_READ 0x02
#define DMA_CTL_SELECT 0x08

/* Where the directory and the loader script are read to (after the tables). */
#define FW_SCRATCH 0x40000
#define FW_SCRATCH_END 0x60000
#define FW_TABLES_END FW_SCRATCH

struct dma_access {
	uint32_t control, length;   /* big-endian, like the address */
	uint32_t addr_hi, addr_lo;
};

struct file_entry {                 /* FW_CFG_FILE_DIR, big-endian */
	uint32_t size;
	uint16_t select, reserved;
	char name[56];
};

#define LOADER_ALLOCATE 1
#define LOADER_ADD_POINTER 2
#define LOADER_ADD_CHECKSUM 3
#define ZONE_FSEG 2
struct loader_cmd {                 /* etc/table-loader: 128-byte entries, little-endian */
	uint32_t command;
	union {
		struct { char file[56]; uint32_t align; uint8_t zone; } __attribute__((packed)) alloc;
		struct { char dest[56], src[56]; uint32_t offset; uint8_t size; } __attribute__((packed)) ptr;
		struct { char file[56]; uint32_t offset, start, length; } __attribute__((packed)) sum;
		uint8_t pad[124];
	};
} __attribute__((packed));

static uint32_t be32(uint32_t v) { return __builtin_bswap32(v); }

static bool use_dma(void)
{
	uint8_t id;

	outw(FW_CFG_SEL, FW_CFG_ID);
	id = inb(FW_CFG_DATA);
	return id & FW_CFG_VERSION_DMA;
}

/* Reads item `sel` from its start into buf: DMA where QEMU has it, else byte by byte. */
static void fw_cfg_read(bool dma, uint16_t sel, void *buf, uint32_t len)
{
	if (!dma) {
		outw(FW_CFG_SEL, sel);
		for (uint32_t i = 0; i < len; i++)
			((uint8_t *)buf)[i] = inb(FW_CFG_DATA);
		return;
	}
	struct dma_access a __attribute__((aligned(16))) = {
		.control = be32((uint32_t)sel << 16 | DMA_CTL_SELECT | DMA_CTL_READ),
		.length = be32(len),
		.addr_lo = be32((uintptr_t)buf),
	};
	/* Writing the low half of the address register starts the transfer. */
	outl(FW_CFG_DMA_HI, 0);
	outl(FW_CFG_DMA_LO, be32((uintptr_t)&a));
	while (be32(*(volatile uint32_t *)&a.control) & ~DMA_CTL_ERROR)
		;
	if (be32(*(volatile uint32_t *)&a.control) & DMA_CTL_ERROR)
		fw_fail("fw_cfg DMA read failed");
}

static uint32_t fw_cfg_u32(bool dma, uint16_t sel)
{
	uint32_t v = 0;

	fw_cfg_read(dma, sel, &v, 4);   /* the numeric items are little-endian */
	return v;
}

bool fw_cfg_present(void)
{
	char sig[4];

	outw(FW_CFG_SEL, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = inb(FW_CFG_DATA);
	return !memcmp(sig, "QEMU", 4);
}

/* --- ACPI: run QEMU's table-loader script ------------------------------------ */

#define MAX_BLOBS 8
struct blob {
	const char *name;
	uint32_t addr, size;
};
struct loader {
	bool dma;
	const struct file_entry *dir;
	uint32_t nfiles;
	struct blob blobs[MAX_BLOBS];
	int nblobs;
	uint32_t high, fseg;            /* the next free byte of each zone */
};

static bool same_name(const char *a, const char *b)
{
	for (int i = 0; i < 56; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

static const struct file_entry *find_file(const struct loader *l, const char *name)
{
	for (uint32_t i = 0; i < l->nfiles; i++)
		if (same_name(l->dir[i].name, name))
			return &l->dir[i];
	return NULL;
}

static struct blob *find_blob(struct loader *l, const char *name)
{
	for (int i = 0; i < l->nblobs; i++)
		if (same_name(l->blobs[i].name, name))
			return &l->blobs[i];
	return NULL;
}

static void loader_allocate(struct loader *l, const struct loader_cmd *c)
{
	const struct file_entry *f = find_file(l, c->alloc.file);
	uint32_t align = c->alloc.align ? c->alloc.align : 1, *next, end, addr, size;

	if (!f || l->nblobs == MAX_BLOBS)
		fw_fail("ACPI: table-loader allocates a file fw_cfg does not have");
	size = be32(f->size);
	if (c->alloc.zone == ZONE_FSEG) {
		next = &l->fseg;
		end = FW_EBDA_END;
	} else {
		next = &l->high;
		end = FW_TABLES_END;
	}
	addr = (*next + align - 1) & ~(align - 1);
	if (addr + size > end || addr + size < addr)
		fw_fail("ACPI: QEMU's tables do not fit where the firmware puts them");
	fw_cfg_read(l->dma, (uint16_t)(f->select >> 8 | f->select << 8), phys(addr), size);
	*next = addr + size;
	l->blobs[l->nblobs++] = (struct blob){ f->name, addr, size };
}

static void loader_add_pointer(struct loader *l, const struct loader_cmd *c)
{
	struct blob *d = find_blob(l, c->ptr.dest), *s = find_blob(l, c->ptr.src);
	uint8_t size = c->ptr.size;
	uint64_t v = 0;

	if (!d || !s || (size != 1 && size != 2 && size != 4 && size != 8) ||
	    c->ptr.offset > d->size || d->size - c->ptr.offset < size)
		fw_fail("ACPI: bad ADD_POINTER in the table-loader");
	uint8_t *p = phys(d->addr + c->ptr.offset);
	memcpy(&v, p, size);
	v += s->addr;
	memcpy(p, &v, size);
}

static void loader_add_checksum(struct loader *l, const struct loader_cmd *c)
{
	struct blob *b = find_blob(l, c->sum.file);

	if (!b || c->sum.offset >= b->size || c->sum.start > b->size ||
	    b->size - c->sum.start < c->sum.length)
		fw_fail("ACPI: bad ADD_CHECKSUM in the table-loader");
	uint8_t *base = phys(b->addr);
	/* The range includes the checksum byte: cancel what it adds now. */
	base[c->sum.offset] += acpi_checksum(base + c->sum.start, c->sum.length);
}

static void install_acpi(bool dma)
{
	struct loader l = { .dma = dma, .high = FW_ACPI, .fseg = FW_EBDA };
	uint32_t count = 0;

	fw_cfg_read(dma, FW_CFG_FILE_DIR, &count, 4);
	l.nfiles = be32(count);
	if (l.nfiles > (FW_SCRATCH_END - FW_SCRATCH) / 2 / sizeof(struct file_entry))
		fw_fail("fw_cfg: the file directory is too big");
	/* The directory again, count included, so the entries land 4-byte aligned after it. */
	fw_cfg_read(dma, FW_CFG_FILE_DIR, phys(FW_SCRATCH), 4 + l.nfiles * sizeof(struct file_entry));
	l.dir = phys(FW_SCRATCH + 4);

	const struct file_entry *script = find_file(&l, "etc/table-loader");
	if (!script)
		return;   /* no ACPI (-machine acpi=off): the test finds one CPU */
	uint32_t script_at = FW_SCRATCH + 4 + l.nfiles * sizeof(struct file_entry);
	uint32_t len = be32(script->size);

	script_at = (script_at + 15) & ~15u;
	if (script_at + len > FW_SCRATCH_END)
		fw_fail("ACPI: the table-loader script is too big");
	fw_cfg_read(dma, (uint16_t)(script->select >> 8 | script->select << 8), phys(script_at), len);
	for (uint32_t off = 0; off + sizeof(struct loader_cmd) <= len; off += sizeof(struct loader_cmd)) {
		const struct loader_cmd *c = phys(script_at + off);

		switch (c->command) {
		case LOADER_ALLOCATE:
			loader_allocate(&l, c);
			break;
		case LOADER_ADD_POINTER:
			loader_add_pointer(&l, c);
			break;
		case LOADER_ADD_CHECKSUM:
			loader_add_checksum(&l, c);
			break;
		default:
			break;   /* WRITE_POINTER and later: for features hvut does not use */
		}
	}
	fw_set_ebda();
}

void fw_qemu_boot(void)
{
	bool dma = use_dma();
	uint32_t entry = fw_cfg_u32(dma, FW_CFG_KERNEL_ENTRY);
	uint32_t kaddr = fw_cfg_u32(dma, FW_CFG_KERNEL_ADDR), ksize = fw_cfg_u32(dma, FW_CFG_KERNEL_SIZE);
	uint32_t iaddr = fw_cfg_u32(dma, FW_CFG_INITRD_ADDR), isize = fw_cfg_u32(dma, FW_CFG_INITRD_SIZE);

	if (!entry || !ksize || !isize)
		fw_fail("QEMU gave no multiboot kernel (-kernel with a multiboot header)");
	install_acpi(dma);
	fw_cfg_read(dma, FW_CFG_KERNEL_DATA, phys(kaddr), ksize);
	fw_cfg_read(dma, FW_CFG_INITRD_DATA, phys(iaddr), isize);
	if (isize < sizeof(struct mb_info))
		fw_fail("QEMU's multiboot information is too short");

	struct mb_info *mbi = phys(iaddr);
	uint64_t ram = 0;

	fw_cfg_read(dma, FW_CFG_RAM_SIZE, &ram, 8);
	/* RAM below 4 GiB ends at the PCI hole at the latest (QEMU pc: 3 GiB or 3.5 GiB). */
	if (ram > 0xc0000000)
		ram = 0xc0000000;
	mbi->flags = (mbi->flags | MB_INFO_MEM) & ~MB_INFO_MMAP;
	mbi->mem_lower = 640;
	mbi->mem_upper = (uint32_t)(ram >> 10) - 1024;
	fw_enter(entry, iaddr);
}
