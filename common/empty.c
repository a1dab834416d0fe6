/*
 * The empty guest, one source for every arch: reports nothing and exits at
 * once. `make bench` times it against the VMM's floor to measure what boot and
 * the harness cost per test.
 */
#include "hvut.h"

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	return 0;
}
