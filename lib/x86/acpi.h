#ifndef HVUT_X86_ACPI_H
#define HVUT_X86_ACPI_H
/* Fills ids with the APIC IDs of the enabled CPUs from the MADT; returns how many (0: no ACPI). */
int acpi_cpu_apic_ids(unsigned *ids, int max);
#endif
