/* A test-and-set spinlock on the compiler's atomics: the same code on every arch. */
#ifndef HVUT_SPINLOCK_H
#define HVUT_SPINLOCK_H
#include <stdbool.h>

struct spinlock {
	bool locked;
};

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_test_and_set(&l->locked, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			;
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_clear(&l->locked, __ATOMIC_RELEASE);
}

#endif
