/*
 * Page tables. Boot maps the first 4 GiB 1:1 with 2 MiB pages, user-accessible
 * and writable; tests split a 2 MiB page into 4 KiB ones to change one page.
 */
#ifndef HVUT_X86_VM_H
#define HVUT_X86_VM_H
#include <stdint.h>
#include <stdbool.h>

#define PT_PRESENT (1ULL << 0)
#define PT_WRITABLE (1ULL << 1)
#define PT_USER (1ULL << 2)
#define PT_PWT (1ULL << 3)
#define PT_PCD (1ULL << 4)
#define PT_ACCESSED (1ULL << 5)
#define PT_DIRTY (1ULL << 6)
#define PT_PAGE_SIZE (1ULL << 7)
#define PT_GLOBAL (1ULL << 8)
#define PT_NX (1ULL << 63)
#define PT_ADDR_MASK 0x000ffffffffff000ULL

/* The 4 KiB page-table entry mapping va, splitting a 2 MiB mapping if needed. */
uint64_t *get_pte(const void *va);
/* Sets and clears flags of the 4 KiB page at va, then INVLPG. Returns the old entry. */
uint64_t set_page_flags(const void *va, uint64_t set, uint64_t clear);

#endif
