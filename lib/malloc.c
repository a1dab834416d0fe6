/*
 * malloc over the page allocator: every block has a header recording its size
 * class; small blocks (up to 2 KiB) come from per-class free lists carved from
 * pages, larger ones are whole page runs. Simple, and free() can check its input.
 */
#include "hvut.h"
#include "spinlock.h"

#define MAGIC 0x6876757431UL   /* "hvut1" */
#define MIN_SHIFT 5            /* 32-byte smallest block (header included) */
#define MAX_SMALL_SHIFT 12     /* a page */

struct header {
	unsigned long magic;
	unsigned shift;            /* block is 2^shift bytes (or pages when > MAX_SMALL_SHIFT) */
	unsigned offset;           /* bytes from block start to this header (memalign) */
};
struct free_block {
	struct free_block *next;
};

static struct spinlock lock;
static struct free_block *free_lists[MAX_SMALL_SHIFT + 1];

static unsigned shift_for(size_t bytes)
{
	unsigned s = MIN_SHIFT;

	while ((1UL << s) < bytes)
		s++;
	return s;
}

static void *block_alloc(unsigned shift)
{
	void *b;

	if (shift > MAX_SMALL_SHIFT)
		return alloc_pages(shift - PAGE_SHIFT);
	spin_lock(&lock);
	if (!free_lists[shift]) {
		char *page = alloc_page();

		if (!page) {
			spin_unlock(&lock);
			return NULL;
		}
		for (size_t off = 0; off < PAGE_SIZE; off += 1UL << shift) {
			struct free_block *f = (void *)(page + off);

			f->next = free_lists[shift];
			free_lists[shift] = f;
		}
	}
	b = free_lists[shift];
	free_lists[shift] = free_lists[shift]->next;
	spin_unlock(&lock);
	return b;
}

static void block_free(void *b, unsigned shift)
{
	struct free_block *f = b;

	if (shift > MAX_SMALL_SHIFT) {
		free_pages(b, shift - PAGE_SHIFT);
		return;
	}
	spin_lock(&lock);
	f->next = free_lists[shift];
	free_lists[shift] = f;
	spin_unlock(&lock);
}

void *memalign(size_t align, size_t size)
{
	size_t hdr = sizeof(struct header);
	unsigned shift;
	char *block;
	uintptr_t user;
	struct header *h;

	if (align < hdr)
		align = hdr;
	assert(!(align & (align - 1)) && align <= PAGE_SIZE);
	shift = shift_for(size + hdr + align);
	block = block_alloc(shift);
	if (!block)
		return NULL;
	user = ALIGN_UP((uintptr_t)block + hdr, align);
	h = (struct header *)user - 1;
	h->magic = MAGIC;
	h->shift = shift;
	h->offset = (uintptr_t)h - (uintptr_t)block;
	return (void *)user;
}

void *malloc(size_t size)
{
	return memalign(16, size);
}

void *calloc(size_t nmemb, size_t size)
{
	void *p;

	if (size && nmemb > (size_t)-1 / size)
		return NULL;
	p = malloc(nmemb * size);
	if (p)
		memset(p, 0, nmemb * size);
	return p;
}

static struct header *header_of(void *p)
{
	struct header *h = (struct header *)p - 1;

	assert(h->magic == MAGIC);   /* not from malloc, or freed twice */
	return h;
}

void free(void *p)
{
	struct header *h;

	if (!p)
		return;
	h = header_of(p);
	h->magic = 0;
	block_free((char *)h - h->offset, h->shift);
}

void *realloc(void *p, size_t size)
{
	struct header *h;
	size_t room;
	void *n;

	if (!p)
		return malloc(size);
	h = header_of(p);
	room = (1UL << h->shift) - h->offset - sizeof(*h);
	if (size <= room)
		return p;
	n = malloc(size);
	if (n) {
		memcpy(n, p, room);
		free(p);
	}
	return n;
}
