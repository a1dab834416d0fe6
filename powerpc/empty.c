/*
 * The empty guest: reports nothing and exits at once. `make bench` times it
 * against the bare VMM to measure what boot and the harness cost per test.
 */
#include "hvut.h"

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	return 0;
}
