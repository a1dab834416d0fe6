/* Just enough ACPI to count the CPUs: RSDP -> RSDT/XSDT -> MADT local APIC entries. */
#include "hvut.h"
#include "acpi.h"

struct acpi_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

/*
 * A pointer to low physical memory. The empty asm hides the constant from
 * gcc, which otherwise warns that address 0x40e "is outside array bounds".
 */
static const void *phys(uintptr_t a)
{
	__asm__("" : "+r"(a));
	return (const void *)a;
}

static bool checksum_ok(const void *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += ((const uint8_t *)p)[i];
	return sum == 0;
}

static const uint8_t *find_rsdp_in(uintptr_t start, uintptr_t end)
{
	for (uintptr_t a = start; a + 20 <= end; a += 16)
		if (!memcmp(phys(a), "RSD PTR ", 8) && checksum_ok(phys(a), 20))
			return (const uint8_t *)a;
	return NULL;
}

static const struct acpi_header *find_table(const char *sig)
{
	uintptr_t ebda = (uintptr_t)*(const volatile uint16_t *)phys(0x40e) << 4;
	const uint8_t *rsdp = NULL;
	const struct acpi_header *root;
	unsigned entry_size;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		rsdp = find_rsdp_in(ebda, ebda + 1024);
	if (!rsdp)
		rsdp = find_rsdp_in(0xe0000, 0x100000);
	if (!rsdp)
		return NULL;
	if (rsdp[15] >= 2 && *(const uint64_t *)(rsdp + 24)) {
		root = (const void *)(uintptr_t)*(const uint64_t *)(rsdp + 24);
		entry_size = 8;
	} else {
		root = (const void *)(uintptr_t)*(const uint32_t *)(rsdp + 16);
		entry_size = 4;
	}
	for (size_t off = sizeof(*root); off + entry_size <= root->length; off += entry_size) {
		const uint8_t *e = (const uint8_t *)root + off;
		uint64_t addr = entry_size == 8 ? *(const uint64_t *)e : *(const uint32_t *)e;
		const struct acpi_header *t = (const void *)(uintptr_t)addr;

		if (!memcmp(t->sig, sig, 4))
			return t;
	}
	return NULL;
}

int acpi_cpu_apic_ids(unsigned *ids, int max)
{
	const struct acpi_header *madt = find_table("APIC");
	int n = 0;

	if (!madt)
		return 0;
	/* After the header: local APIC address and flags (4 bytes each), then entries. */
	for (size_t off = sizeof(*madt) + 8; off + 2 <= madt->length && n < max;) {
		const uint8_t *e = (const uint8_t *)madt + off;
		uint32_t flags;

		if (e[1] < 2)
			break;
		if (e[0] == 0) {   /* Processor Local APIC */
			memcpy(&flags, e + 4, 4);
			if (flags & 1)
				ids[n++] = e[3];
		}
		off += e[1];
	}
	return n;
}
