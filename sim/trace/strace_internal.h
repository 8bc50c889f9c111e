/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the strace importer and generator share: the sidecar (its reader,
 * and the device vfio-pci shows for it), the VFIO ioctl numbers and the
 * helpers that turn header text into a struct vfiosim_device.
 */
#ifndef _VFIOSIM_STRACE_INTERNAL_H
#define _VFIOSIM_STRACE_INTERNAL_H

#include <stdint.h>

#include "vfiosim/strace.h"

#define SIM_PAGE		4096ULL
#define SIM_LEGACY_SHIFT	40
#define SIM_LEGACY_MASK		((1ULL << SIM_LEGACY_SHIFT) - 1)
#define SIM_CFG_MAX		4096
#define SIM_NR_RES		7	/* BAR0..5 and the ROM */

/* VFIO ioctl numbers: _IO(';', 100 + n) */
#define SIM_VFIO_TYPE			0x3b
#define SIM_VFIO_GET_API_VERSION	0x3b64
#define SIM_VFIO_CHECK_EXTENSION	0x3b65
#define SIM_VFIO_SET_IOMMU		0x3b66
#define SIM_VFIO_GROUP_GET_STATUS	0x3b67
#define SIM_VFIO_GROUP_SET_CONTAINER	0x3b68
#define SIM_VFIO_GROUP_GET_DEVICE_FD	0x3b6a
#define SIM_VFIO_DEVICE_GET_INFO	0x3b6b
#define SIM_VFIO_DEVICE_GET_REGION_INFO	0x3b6c
#define SIM_VFIO_DEVICE_GET_IRQ_INFO	0x3b6d
#define SIM_VFIO_DEVICE_SET_IRQS	0x3b6e
#define SIM_VFIO_DEVICE_RESET		0x3b6f
#define SIM_VFIO_DEVICE_IOEVENTFD	0x3b74

/* The name strace 6.1 gives an ioctl number ("A or B"), or NULL. */
const char *sim_ioctl_name61(uint64_t cmd);
/* The number of an ioctl name (any strace version), or -1. */
int64_t sim_ioctl_number(const char *name, size_t len);

/* One device of a sidecar file (docs/capture.md). */
struct sim_sidecar_dev {
	unsigned int line;		/* its "device" line */
	char bdf[16];
	char group[24];			/* "42", "noiommu-0" or "" */
	char cdev[24];			/* "vfio3" or "" */
	unsigned int nr_res;
	uint64_t res[SIM_NR_RES][3];	/* start, end, flags */
	bool has_config;
	unsigned int config_len;	/* bytes of config given */
	uint8_t config[SIM_CFG_MAX];
	unsigned int cfgsize;		/* config=, 0 if not given */
	bool has_vendor, has_device, has_class;
	uint32_t vendor, device, class_code;
	int reset;			/* -1 not said, 0 no, 1 yes */
	int ioeventfd_enotty;		/* -1 not said, 0 no, 1 yes */
	int regions, irqs;		/* -1 not said */
	char *reg[VFIOSIM_MAX_REGIONS];	/* "reg I ..." overrides, after I */
	unsigned int reg_line[VFIOSIM_MAX_REGIONS];
	char *irq[VFIOSIM_MAX_IRQS];
	unsigned int irq_line[VFIOSIM_MAX_IRQS];
	bool used;			/* matched to a device of the log */
};

struct sim_sidecar {
	unsigned int nr;
	struct sim_sidecar_dev *devs;
};

/* Parse a sidecar; -1 with @err ("SIDECAR:LINE:COLUMN: ..."). */
int sim_sidecar_parse(const char *path, const char *text, size_t len,
		      struct sim_sidecar *sc, struct vfiosim_error *err);
void sim_sidecar_free(struct sim_sidecar *sc);

/*
 * Write the dev, reg and irq records of the device vfio-pci shows for
 * @sd, named @name, each line with a comment saying where it comes from.
 * 0, or -1 on a write error.
 */
int sim_sidecar_header(const struct sim_sidecar_dev *sd, const char *name,
		       FILE *out);

/* Parse header records (dev/reg/irq of one device) into @dev. */
int sim_header_device(const char *text, size_t len,
		      struct vfiosim_device *dev, struct vfiosim_error *err);

/* Region @idx of @a and @b behave the same under replay. */
bool sim_region_same(const struct vfiosim_device *a,
		     const struct vfiosim_device *b, unsigned int idx);
bool sim_irq_same(const struct vfiosim_device *a,
		  const struct vfiosim_device *b, unsigned int idx);

/*
 * Slot @idx of @dev as a reg (or irq) record writes it, canonical, from
 * the index on ("2 BAR2 size=0x1000 flags=R,W"), into @buf.
 */
bool sim_format_slot(const struct vfiosim_device *dev, bool irq,
		     unsigned int idx, char *buf, size_t len);

/* The region index of a legacy offset, and the offset inside it. */
static inline unsigned int sim_legacy_index(uint64_t off)
{
	return (unsigned int)(off >> SIM_LEGACY_SHIFT);
}

#endif /* _VFIOSIM_STRACE_INTERNAL_H */
