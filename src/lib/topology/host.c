/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host-wide facts a passthrough decision needs besides a function's own surroundings:
 * whether the kernel remaps interrupts (so a device cannot forge MSIs to another domain's
 * vectors), and whether vfio_iommu_type1's allow_unsafe_interrupts was set to do without.
 * Read from /proc/interrupts and the module parameter only; never written.
 *
 * Threat: both files are the kernel's, but the roots may be test trees: reads are bounded
 * (1 MiB of /proc/interrupts, one byte of the parameter) and nothing read is echoed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcigate/topology.h>

#include "util/util.h"

#define INTERRUPTS_MAX (1u << 20)

bool pg_topo_unsafe_interrupts(const char *root)
{
	char path[PATH_MAX], c = 'N';
	int fd;

	(void)snprintf(path, sizeof(path),
		       "%s/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
		       root ? root : "/sys");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = 'N';
	close(fd);
	return c == 'Y' || c == 'y' || c == '1';
}

/* 1: an "IR-" irqchip (IR-IO-APIC, IR-PCI-MSI...) in /proc/interrupts; 0: none; -1: the
 * file could not be read. */
static int proc_shows_ir(const char *proc_root)
{
	char *text = NULL;
	size_t len = 0;
	int dirfd = open(proc_root ? proc_root : "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ir;

	if (dirfd < 0)
		return -1;
	if (pg_util_read_file_at(dirfd, "interrupts", INTERRUPTS_MAX, false, &text, &len) < 0) {
		close(dirfd);
		return -1;
	}
	close(dirfd);
	ir = memmem(text, len, " IR-", 4) != NULL;
	free(text);
	return ir;
}

enum pg_topo_irq_remap pg_topo_irq_remap(const char *root, const char *proc_root,
					 const char **why)
{
	int ir = proc_shows_ir(proc_root);
	enum pg_topo_irq_remap state;
	const char *w;

	if (ir > 0) {
		state = PG_TOPO_IR_ON;
		w = "the kernel's irqchips remap interrupts (IR- in /proc/interrupts)";
	} else if (ir < 0) {
		state = PG_TOPO_IR_UNKNOWN;
		w = "/proc/interrupts could not be read";
	} else {
		state = PG_TOPO_IR_OFF;
		w = pg_topo_unsafe_interrupts(root)
			    ? "no interrupt remapping, and allow_unsafe_interrupts is set on "
			      "vfio_iommu_type1 (a device could forge MSIs)"
			    : "no interrupt remapping seen in /proc/interrupts";
	}
	if (why)
		*why = w;
	return state;
}

const char *pg_topo_irq_remap_name(enum pg_topo_irq_remap state)
{
	switch (state) {
	case PG_TOPO_IR_ON:
		return "on";
	case PG_TOPO_IR_OFF:
		return "off";
	default:
		return "unknown";
	}
}
