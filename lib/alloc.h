/*
 * Physical page allocator and the heap on top of it. Memory is identity
 * mapped on every arch, so a page's address is both virtual and physical.
 */
#ifndef HVUT_ALLOC_H
#define HVUT_ALLOC_H
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

/* Called once by the arch boot glue with the free RAM [start, end). */
void page_alloc_init(uintptr_t start, uintptr_t end);
/* 2^order contiguous zeroed pages aligned to their size, or NULL. */
void *alloc_pages(unsigned order);
void *alloc_page(void);
void free_pages(void *p, unsigned order);
void free_page(void *p);
/* Bytes still free in the page allocator. */
size_t page_alloc_free_bytes(void);
/* Aligned heap allocation (align a power of two, at most PAGE_SIZE). */
void *memalign(size_t align, size_t size);

#endif
