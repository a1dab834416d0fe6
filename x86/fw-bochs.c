/*
 * Bochs: no fw_cfg, so scripts/bochs-run.sh puts everything in RAM before
 * reset with optramimage: the test's ELF file at FW_BOCHS_ELF and a blob at
 * FW_BLOB (layout below). The firmware copies the ELF's PT_LOAD segments to
 * their addresses (ELF-64 Object File Format 1.5, "Program Header"), writes
 * the multiboot information and a MADT for the CPUs Bochs was given
 * (ACPI 6.5, 5.2.5 RSDP, 5.2.7 RSDT, 5.2.12 MADT), and enters the test.
 *
 * Blob, little-endian: "HVUTBOOT", u32 RAM size in MiB, u32 CPU count,
 * u32 command line length, u32 environ length, u32 ELF bytes loaded (0: the
 * whole file), the command line, a NUL, the environ file, a NUL.
 */
#include "fw.h"

struct blob_header {
	char magic[8];
	uint32_t mem_mib, cpus, cmdline_len, env_len, elf_loaded;
};

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
#define PT_LOAD 1

struct acpi_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

bool fw_blob_present(void)
{
	return !memcmp(phys(FW_BLOB), "HVUTBOOT", 8);
}

static uint32_t load_elf(uint32_t loaded)
{
	const struct elf64_ehdr *eh = phys(FW_BOCHS_ELF);

	if (memcmp(eh->ident, "\177ELF\2\1", 6) || eh->phentsize != sizeof(struct elf64_phdr))
		fw_fail("no 64-bit little-endian ELF where bochs-run.sh puts the test");
	for (int i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph = phys(FW_BOCHS_ELF + (uint32_t)eh->phoff + i * sizeof(*ph));

		if (ph->type != PT_LOAD || !ph->memsz)
			continue;
		if (ph->paddr + ph->memsz > FW_BOCHS_ELF || ph->paddr < 0x100000 || ph->filesz > ph->memsz)
			fw_fail("the test's ELF loads outside 1 MiB..32 MiB");
		if (loaded && ph->offset + ph->filesz > loaded)
			fw_fail("the test's ELF is larger than bochs-run.sh can put in Bochs' RAM (3 x 128 KiB)");
		memmove(phys((uint32_t)ph->paddr), phys(FW_BOCHS_ELF + (uint32_t)ph->offset), (uint32_t)ph->filesz);
		memset(phys((uint32_t)(ph->paddr + ph->filesz)), 0, (uint32_t)(ph->memsz - ph->filesz));
	}
	return (uint32_t)eh->entry;
}

static void fill_header(struct acpi_header *h, const char *sig, uint32_t length)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->sig, sig, 4);
	h->length = length;
	h->revision = 1;
	memcpy(h->oem, "HVUT  ", 6);
	memcpy(h->oem_table, "HVUTFW  ", 8);
	h->oem_rev = 1;
	h->checksum = acpi_checksum(h, length);
}

/* RSDP (revision 0) -> RSDT -> MADT with one enabled Local APIC per CPU, IDs 0..n-1 as Bochs numbers them. */
static void build_madt(uint32_t cpus)
{
	uint8_t *rsdt = phys(FW_ACPI), *madt = phys(FW_ACPI + 64), *rsdp = phys(FW_EBDA);
	uint32_t madt_len = sizeof(struct acpi_header) + 8 + 8 * cpus;

	if (cpus < 1 || cpus > 255 || FW_ACPI + 64 + madt_len > FW_ACPI_END)
		fw_fail("bad CPU count in the boot blob");
	memset(madt, 0, madt_len);
	uint32_t lapic = 0xfee00000, flags = 1;   /* PCAT_COMPAT: there are 8259s */
	memcpy(madt + 36, &lapic, 4);
	memcpy(madt + 40, &flags, 4);
	for (uint32_t i = 0; i < cpus; i++) {
		uint8_t *e = madt + 44 + 8 * i;

		e[0] = 0;        /* Processor Local APIC */
		e[1] = 8;
		e[2] = (uint8_t)i;   /* ACPI processor UID */
		e[3] = (uint8_t)i;   /* APIC ID */
		e[4] = 1;        /* enabled */
	}
	fill_header((void *)madt, "APIC", madt_len);

	uint32_t madt_addr = FW_ACPI + 64;
	memset(rsdt, 0, 40);
	memcpy(rsdt + 36, &madt_addr, 4);
	fill_header((void *)rsdt, "RSDT", 40);

	uint32_t rsdt_addr = FW_ACPI;
	memset(rsdp, 0, 20);
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "HVUT  ", 6);
	memcpy(rsdp + 16, &rsdt_addr, 4);
	rsdp[8] = acpi_checksum(rsdp, 20);
	fw_set_ebda();
}

void fw_bochs_boot(void)
{
	const struct blob_header *b = phys(FW_BLOB);
	uint32_t cmdline = FW_BLOB + sizeof(*b), env = cmdline + b->cmdline_len + 1;
	struct mb_info *mbi = phys(FW_MBI);
	struct mb_module *mod = phys(FW_MBI + sizeof(*mbi));

	if (b->cmdline_len > FW_BLOB_END - FW_BLOB || b->env_len > FW_BLOB_END - env)
		fw_fail("the boot blob is larger than its space");
	build_madt(b->cpus);
	uint32_t entry = load_elf(b->elf_loaded);
	memset(mbi, 0, sizeof(*mbi));
	mbi->flags = MB_INFO_MEM | MB_INFO_CMDLINE | MB_INFO_MODS;
	mbi->mem_lower = 640;
	mbi->mem_upper = (b->mem_mib - 1) * 1024;
	mbi->cmdline = cmdline;
	mbi->mods_count = 1;
	mbi->mods_addr = FW_MBI + sizeof(*mbi);
	*mod = (struct mb_module){ env, env + b->env_len, 0, 0 };
	fw_enter(entry, FW_MBI);
}
