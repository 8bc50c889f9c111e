// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compiled with the flags and include order of the kernel objects
 * (maple-shim.c), so it sees the node layout the maple tree was built with.
 * Without -DCONFIG_64BIT=1 the kernel's shim picks the 32-bit layout on a
 * 64-bit host (63 slots, 512-byte nodes).
 */
#include "maple-shared.h"
#include <linux/maple_tree.h>

_Static_assert(sizeof(struct maple_node) == 256,
	       "maple_node is not the 64-bit kernel layout: pass -DCONFIG_64BIT=1");
_Static_assert(MAPLE_NODE_SLOTS == 31,
	       "maple_node is not the 64-bit kernel layout: pass -DCONFIG_64BIT=1");

/* The compiled node size, for a run-time check. */
unsigned long sim_maple_node_size(void)
{
	return sizeof(struct maple_node);
}
