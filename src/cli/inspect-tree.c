/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate inspect --tree / --dot: this machine's PCI topology, each function with its
 * IOMMU group and driver, each bridge with whether ACS isolates what is below it. The
 * facts come from the topology module (sysfs links and read-only config, see
 * include/pcigate/topology.h); names from pci.ids. Names are printed with control
 * characters replaced, and DOT labels escaped, so a crafted pci.ids or sysfs tree cannot
 * inject terminal escapes or DOT syntax.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcigate/pcigate.h>

#include "cli.h"

#define LABEL_LEN 192u

struct node {
	struct pg_topo_dev *t;
	char label[LABEL_LEN];
	int parent;                       /* index in the node array, -1 for a root */
	const struct pg_topo_bridge *own; /* this node judged as a bridge by a child */
};

/* "Ethernet controller: Intel Corporation I210 [8086:1533]", printable ASCII only. */
static void make_label(struct pg_names *names, struct pg_cfg_layout *l,
		       const struct pg_topo_dev *t, char *out, size_t cap)
{
	struct pg_dev_names n;

	l->vendor = t->vendor;
	l->device = t->device;
	l->class_code = t->class_code;
	pg_names_lookup(names, l, &n);
	if (n.class_name)
		snprintf(out, cap, "%s: %s%s%s [%04x:%04x]", n.class_name,
			 n.vendor ? n.vendor : "", n.vendor && n.device ? " " : "",
			 n.device ? n.device : "", t->vendor, t->device);
	else
		snprintf(out, cap, "class %04x [%04x:%04x]", t->class_code >> 8, t->vendor,
			 t->device);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

static void free_nodes(struct node *nodes, size_t n)
{
	for (size_t i = 0; nodes && i < n; i++)
		free(nodes[i].t);
	free(nodes);
}

/* Read every function; link each to its parent and each bridge to its own verdict. */
static int load(const char *root, struct pg_names *names, struct node **ret, size_t *ret_n)
{
	char (*bdfs)[13] = NULL;
	struct pg_cfg_layout *l = calloc(1, sizeof(*l));
	struct node *nodes = NULL;
	size_t n = 0, got = 0, k = 0;
	int r = l ? pg_sysfs_list(root, NULL, 0, &n) : -ENOMEM;

	if (r >= 0 && n) {
		bdfs = calloc(n, sizeof(*bdfs));
		nodes = calloc(n, sizeof(*nodes));
		r = bdfs && nodes ? pg_sysfs_list(root, bdfs, n, &got) : -ENOMEM;
	}
	for (size_t i = 0; r >= 0 && i < got; i++) {
		struct pg_topo_dev *t = malloc(sizeof(*t));
		int e = t ? pg_topo_read(root, bdfs[i], t) : -ENOMEM;

		if (e < 0) {
			pg_cli_warn("inspect", "%s: %s", bdfs[i], strerror(-e));
			free(t);
			continue;
		}
		nodes[k].t = t;
		nodes[k].parent = -1;
		make_label(names, l, t, nodes[k].label, sizeof(nodes[k].label));
		k++;
	}
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; nodes[i].t->parent[0] && j < k; j++)
			if (!strcmp(nodes[j].t->bdf, nodes[i].t->parent)) {
				nodes[i].parent = (int)j;
				nodes[j].own = &nodes[i].t->upstream[0];
			}
	free(bdfs);
	free(l);
	if (r < 0) {
		free_nodes(nodes, k);
		return r;
	}
	*ret = nodes;
	*ret_n = k;
	return 0;
}

static void node_facts(const struct node *nd, char *out, size_t cap)
{
	const struct pg_topo_dev *t = nd->t;
	size_t used;

	if (t->iommu_group >= 0)
		snprintf(out, cap, "group %d", t->iommu_group);
	else
		snprintf(out, cap, "no IOMMU group");
	used = strlen(out);
	if (t->driver[0])
		snprintf(out + used, cap - used, ", %s", t->driver);
	used = strlen(out);
	if (nd->own && nd->own->needs_acs)
		snprintf(out + used, cap - used, ", ACS: %s",
			 nd->own->isolates ? "isolates" : !nd->own->known ? "unknown"
						       : nd->own->why);
}

/* Depth-first, children in BDF order; depth is bounded by PG_TOPO_MAX_DEPTH. */
static void print_tree(const struct node *nodes, size_t n, int parent, char *prefix,
		       unsigned depth)
{
	size_t len = strlen(prefix);
	int last = -1;

	for (size_t i = 0; i < n; i++)
		if (nodes[i].parent == parent)
			last = (int)i;
	for (size_t i = 0; i < n; i++) {
		char facts[160];

		if (nodes[i].parent != parent)
			continue;
		node_facts(&nodes[i], facts, sizeof(facts));
		printf("%s%s%s %s  (%s)\n", prefix, parent < 0 ? "" : (int)i == last ? "`-- " : "|-- ",
		       nodes[i].t->bdf, nodes[i].label, facts);
		if (depth >= PG_TOPO_MAX_DEPTH)
			continue;
		if (parent >= 0)
			strcpy(prefix + len, (int)i == last ? "    " : "|   ");
		print_tree(nodes, n, (int)i, prefix, depth + 1);
		prefix[len] = '\0';
	}
}

static void dot_escaped(const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
}

/* Nodes clustered by IOMMU group; edges bridge -> function; a bridge that does not
 * isolate is drawn red, one whose ACS is unknown orange. */
static void print_dot(const struct node *nodes, size_t n)
{
	printf("digraph pci {\n\trankdir=LR;\n\tnode [shape=box, fontname=\"monospace\"];\n");
	for (size_t i = 0; i < n; i++) {
		const struct node *nd = &nodes[i];
		char facts[160];

		node_facts(nd, facts, sizeof(facts));
		if (nd->t->iommu_group >= 0)
			printf("\tsubgraph \"cluster_iommu_%d\" { label=\"IOMMU group %d\"; "
			       "\"%s\"; }\n", nd->t->iommu_group, nd->t->iommu_group, nd->t->bdf);
		printf("\t\"%s\" [label=\"%s\\n", nd->t->bdf, nd->t->bdf);
		dot_escaped(nd->label);
		printf("\\n");
		dot_escaped(facts);
		printf("\"%s];\n", !nd->own || !nd->own->needs_acs || nd->own->isolates ? ""
				  : nd->own->known ? ", color=red" : ", color=orange");
	}
	for (size_t i = 0; i < n; i++)
		if (nodes[i].parent >= 0)
			printf("\t\"%s\" -> \"%s\";\n", nodes[nodes[i].parent].t->bdf,
			       nodes[i].t->bdf);
	printf("}\n");
}

int pg_cli_topology(const char *root, struct pg_names *names, bool dot)
{
	char prefix[4 * (PG_TOPO_MAX_DEPTH + 2)] = "";
	struct node *nodes = NULL;
	size_t n = 0;
	int r = load(root, names, &nodes, &n);

	if (r < 0) {
		pg_cli_error("inspect", "%s/bus/pci/devices: %s", root ? root : "/sys", strerror(-r));
		return PG_EXIT_INPUT;
	}
	if (dot)
		print_dot(nodes, n);
	else
		print_tree(nodes, n, -1, prefix, 0);
	free_nodes(nodes, n);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		pg_cli_error("inspect", "cannot write the topology: %s", strerror(errno));
		return PG_EXIT_INPUT;
	}
	return PG_EXIT_OK;
}
