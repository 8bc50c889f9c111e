// SPDX-License-Identifier: GPL-2.0-only
/* Region tables shared by the model-driven suites: see tables.h. */
#include "tables.h"

const struct vfio_cookie_region sim_tab_h100[9] = {
	{ MIB(16), RWM }, { 0, 0 }, { GIB(64), RWM }, { 0, 0 },
	{ MIB(32), RWM }, { 0, 0 }, { 0, 0 }, { 4096, RW }, { 0, 0 },
};

const struct vfio_cookie_region sim_tab_big[9] = {
	{ TIB(2), RWM }, { 0, 0 }, { MIB(16), RWM }, { 0, 0 },
	{ TIB(1), RWM }, { 0, 0 }, { 0, 0 }, { 4096, RW }, { 0, 0 },
};

const struct vfio_cookie_region sim_tab_many[20] = {
	{ MIB(1), RWM }, { 0, 0 }, { MIB(256), RWM }, { 0, 0 },
	{ KIB(8), RWM }, { 0, 0 }, { KIB(128), RO }, { 4096, RW },
	{ 0xc0000, RW }, { 4096, RWM }, { 0x2000, RO }, { MIB(8), RWM },
	{ 0, 0 }, { GIB(3), RWM }, { 0x1800, RWM }, { 5, RO },
	{ GIB(2) + 4096, RWM }, { KIB(64), RW }, { MIB(2), RWM },
	{ 0x3000, WO },
};
