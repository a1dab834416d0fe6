/*
 * Physical page allocator: a bitmap over the free RAM, one bit per 4 KiB page.
 * First fit for naturally aligned runs of 2^order pages. Tests allocate little,
 * so a linear search is fast enough and easy to trust.
 */
#include "hvut.h"
#include "spinlock.h"

static struct spinlock lock;
static uintptr_t base;          /* address of page 0 */
static size_t npages;
static uint8_t *bitmap;         /* 1 = in use */
static size_t nfree;

static bool used(size_t i) { return bitmap[i / 8] & (1 << (i % 8)); }
static void mark(size_t i, bool v)
{
	if (v)
		bitmap[i / 8] |= 1 << (i % 8);
	else
		bitmap[i / 8] &= ~(1 << (i % 8));
}

void page_alloc_init(uintptr_t start, uintptr_t end)
{
	size_t bitmap_pages;

	start = ALIGN_UP(start, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	assert(end > start + 2 * PAGE_SIZE);
	npages = (end - start) / PAGE_SIZE;
	/* The bitmap lives in the first pages of the region it describes. */
	bitmap_pages = ALIGN_UP((npages + 7) / 8, PAGE_SIZE) / PAGE_SIZE;
	bitmap = (uint8_t *)start;
	memset(bitmap, 0, bitmap_pages * PAGE_SIZE);
	base = start;
	for (size_t i = 0; i < bitmap_pages; i++)
		mark(i, true);
	nfree = npages - bitmap_pages;
}

void *alloc_pages(unsigned order)
{
	size_t n = 1UL << order;
	void *p = NULL;

	spin_lock(&lock);
	for (size_t i = 0; i + n <= npages; i++) {
		size_t j;

		/* The run must be aligned in physical memory, not just in the bitmap. */
		if ((base + i * PAGE_SIZE) & (n * PAGE_SIZE - 1))
			continue;
		for (j = 0; j < n && !used(i + j); j++)
			;
		if (j < n) {
			i += j;
			continue;
		}
		for (j = 0; j < n; j++)
			mark(i + j, true);
		nfree -= n;
		p = (void *)(base + i * PAGE_SIZE);
		break;
	}
	spin_unlock(&lock);
	if (p)
		memset(p, 0, n * PAGE_SIZE);
	return p;
}

void *alloc_page(void) { return alloc_pages(0); }

void free_pages(void *p, unsigned order)
{
	size_t first = ((uintptr_t)p - base) / PAGE_SIZE;

	if (!p)
		return;
	assert((uintptr_t)p >= base && first + (1UL << order) <= npages);
	spin_lock(&lock);
	for (size_t j = 0; j < (1UL << order); j++) {
		assert(used(first + j));
		mark(first + j, false);
	}
	nfree += 1UL << order;
	spin_unlock(&lock);
}

void free_page(void *p) { free_pages(p, 0); }

size_t page_alloc_free_bytes(void) { return nfree * PAGE_SIZE; }
