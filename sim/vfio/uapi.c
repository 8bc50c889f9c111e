// SPDX-License-Identifier: GPL-2.0-only
/*
 * The GET_REGION_INFO reply in the layout of <linux/vfio.h>, and its
 * decoding.
 */
#include "uapi.h"

#include <errno.h>
#include <string.h>
#include <linux/vfio.h>

const uint32_t sim_uapi_rom_index = VFIO_PCI_ROM_REGION_INDEX;
const uint32_t sim_uapi_config_index = VFIO_PCI_CONFIG_REGION_INDEX;
const uint32_t sim_uapi_vga_index = VFIO_PCI_VGA_REGION_INDEX;
const uint32_t sim_uapi_num_regions = VFIO_PCI_NUM_REGIONS;

#define sim_offsetofend(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

struct sim_cap_alias {
	struct vfio_info_cap_header header;
	uint32_t target;
	uint32_t flags;
};

/* Append one capability at @pos of @caps; returns the new end. */
static size_t sim_cap_add(uint8_t *caps, size_t pos, const void *cap,
			  size_t len, size_t *last)
{
	struct vfio_info_cap_header hdr;

	if (*last != (size_t)-1) {
		/* Link the previous one: next is from the buffer start. */
		memcpy(&hdr, caps + *last, sizeof(hdr));
		hdr.next = sizeof(struct vfio_region_info) + pos;
		memcpy(caps + *last, &hdr, sizeof(hdr));
	}
	memcpy(caps + pos, cap, len);
	*last = pos;
	return pos + len;
}

int sim_uapi_region_info(const struct sim_region_reply *r, uint8_t *buf)
{
	size_t minsz = sim_offsetofend(struct vfio_region_info, offset);
	uint8_t caps[SIM_UAPI_BUF - sizeof(struct vfio_region_info)];
	struct vfio_region_info info;
	size_t len = 0, last = (size_t)-1;

	if (r->argsz < minsz)
		return -EINVAL;

	memset(&info, 0, sizeof(info));
	info.argsz = r->argsz;
	info.flags = r->flags;
	info.size = r->size;
	info.offset = r->offset;

	if (r->msix_mappable) {
		struct vfio_info_cap_header cap = {
			.id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, .version = 1,
		};

		len = sim_cap_add(caps, len, &cap, sizeof(cap), &last);
	}
	if (r->nr_sparse) {
		struct vfio_region_info_cap_sparse_mmap sp = {
			.header = { .id = VFIO_REGION_INFO_CAP_SPARSE_MMAP,
				    .version = 1 },
			.nr_areas = r->nr_sparse,
		};
		struct vfio_region_sparse_mmap_area area;
		unsigned int i;

		len = sim_cap_add(caps, len, &sp, sizeof(sp), &last);
		for (i = 0; i < r->nr_sparse; i++) {
			area.offset = r->sparse[2 * i];
			area.size = r->sparse[2 * i + 1];
			memcpy(caps + len, &area, sizeof(area));
			len += sizeof(area);
		}
	}
	if (r->has_type) {
		struct vfio_region_info_cap_type t = {
			.header = { .id = VFIO_REGION_INFO_CAP_TYPE,
				    .version = 1 },
			.type = r->type, .subtype = r->subtype,
		};

		len = sim_cap_add(caps, len, &t, sizeof(t), &last);
	}
	if (r->is_alias) {
		struct sim_cap_alias a = {
			.header = { .id = SIM_REGION_INFO_CAP_ALIAS,
				    .version = 1 },
			.target = r->alias_target, .flags = r->alias_flags,
		};

		len = sim_cap_add(caps, len, &a, sizeof(a), &last);
	}

	memset(buf, 0, SIM_UAPI_BUF);
	if (len) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + len) {
			/* Too small: say how much is needed, no caps. */
			info.argsz = sizeof(info) + len;
			info.cap_offset = 0;
			len = 0;
		} else {
			info.cap_offset = sizeof(info);
			memcpy(buf + sizeof(info), caps, len);
		}
	}
	/* The kernel copies back minsz bytes of the struct itself. */
	memcpy(buf, &info, minsz);
	return len ? (int)(sizeof(info) + len) : (int)minsz;
}

int sim_uapi_region_seen(const uint8_t *buf, struct sim_region_seen *seen)
{
	struct vfio_region_info info;
	uint32_t pos;
	unsigned int hops = 0;

	memcpy(&info, buf, sizeof(info));
	memset(seen, 0, sizeof(*seen));
	seen->argsz = info.argsz;
	seen->flags = info.flags & ~VFIO_REGION_INFO_FLAG_CAPS;
	seen->cap_offset = info.cap_offset;
	seen->size = info.size;
	seen->offset = info.offset;
	if (info.flags & VFIO_REGION_INFO_FLAG_CAPS)
		seen->flags |= VFIO_REGION_INFO_FLAG_CAPS;

	for (pos = info.cap_offset; pos; hops++) {
		struct vfio_info_cap_header hdr;

		if (hops > 16 || pos < sizeof(info) ||
		    pos + sizeof(hdr) > SIM_UAPI_BUF)
			return -EINVAL;
		memcpy(&hdr, buf + pos, sizeof(hdr));
		if (hdr.id < 32)
			seen->caps |= 1u << hdr.id;
		if (hdr.id == SIM_REGION_INFO_CAP_ALIAS) {
			struct sim_cap_alias a;

			if (pos + sizeof(a) > SIM_UAPI_BUF)
				return -EINVAL;
			memcpy(&a, buf + pos, sizeof(a));
			seen->alias = true;
			seen->alias_target = a.target;
		}
		pos = hdr.next;
	}
	return 0;
}
