// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile arguments at the uAPI level of the simulated device fd
 * (vfiosim/vfio.h), under each of the four designs and each layout.
 *
 * Every case starts from the same system: two functions of one NIC and a
 * VF of another, opened by one process, with region offsets asked for, a
 * BAR mapped, an ioeventfd registered and a WC cookie obtained in the
 * design's own way.  A case makes one call with the real structs of
 * <linux/vfio.h> or of vfiosim/proposed_uapi.h and asserts the errno the
 * kernel answers (the table names the function whose check it is), then
 * that nothing changed: the dump of every file's cookie space (through
 * vfio_cookie_for_each()), the fd tables, the VMAs, the devices' aliases
 * and ioeventfds is the same before and after, and every invariant holds.
 * The fixture fails on any allocation left at teardown.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vfiosim/proposed_uapi.h"
#include "vfiosim/vfio.h"
#include "sim.h"

#define P		100
#define FD_A		3	/* nic0 */
#define FD_B		4	/* nic0 again: the same device */
#define FD_C		5	/* vf1: another device */
#define FD_W		6	/* wide: 20 regions */
#define FD_X		7	/* opened by a case's prepare */
#define PAGE		0x1000ULL
#define BAR0_SIZE	0x100000ULL
#define MSIX_OFF	0x80000ULL
#define FAR		(127ULL << 40)	/* in no cookie, any layout */
#define TOP		(1ULL << 63)	/* loff_t says negative */
#define NA		1		/* the case does not apply */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define IOEV_SZ		((uint32_t)sizeof(struct vfio_device_ioeventfd))
#define GM_SZ		((uint32_t)sizeof(struct vfio_region_get_mmap))
#define GM_WC		VFIOSIM_REGION_MMAP_FLAG_WC

static struct vfiosim_device devs[3];

static void reg(struct vfiosim_device *d, unsigned int i, uint64_t size,
		uint32_t flags)
{
	d->regions[i].described = true;
	d->regions[i].size = size;
	d->regions[i].flags = flags;
}

static void irq(struct vfiosim_device *d, unsigned int i, uint32_t count,
		uint32_t flags)
{
	d->irqs[i].described = true;
	d->irqs[i].count = count;
	d->irqs[i].flags = flags;
}

static void make_devices(void)
{
	const uint32_t rw = VFIOSIM_REG_R | VFIOSIM_REG_W;
	const uint32_t rwm = rw | VFIOSIM_REG_MMAP;
	const uint32_t ev = VFIOSIM_IRQ_EVENTFD;
	struct vfiosim_device *d;
	unsigned int i;

	memset(devs, 0, sizeof(devs));
	/* nic0: a PF with INTx, MSI-X in BAR0, an I/O BAR and a ROM */
	d = &devs[0];
	snprintf(d->name, sizeof(d->name), "nic0");
	d->flags = VFIOSIM_DEV_PCI | VFIOSIM_DEV_RESET;
	d->nr_regions = 9;
	d->nr_irqs = 5;
	reg(d, 0, BAR0_SIZE, rwm);
	d->regions[0].has_msix = true;
	d->regions[0].msix.off = MSIX_OFF;
	d->regions[0].msix.len = PAGE;
	reg(d, 1, 0, 0);			/* not implemented */
	reg(d, 2, 0x20, rw);
	d->regions[2].io = true;
	reg(d, 3, 0x4000, rwm);
	reg(d, 4, 0x10000, rwm);
	reg(d, 6, 0x10000, VFIOSIM_REG_R);	/* ROM */
	reg(d, 7, 0x1000, rw);			/* config */
	irq(d, 0, 1, ev | VFIOSIM_IRQ_MASKABLE | VFIOSIM_IRQ_AUTOMASKED);
	irq(d, 1, 1, ev | VFIOSIM_IRQ_NORESIZE);
	irq(d, 2, 8, ev);
	irq(d, 3, 1, ev | VFIOSIM_IRQ_NORESIZE);
	irq(d, 4, 1, ev | VFIOSIM_IRQ_NORESIZE);
	/* vf1: a VF without INTx or ERR, no reset, no ioeventfd */
	d = &devs[1];
	snprintf(d->name, sizeof(d->name), "vf1");
	d->flags = VFIOSIM_DEV_PCI;
	d->nr_regions = 9;
	d->nr_irqs = 5;
	d->ioeventfd_enotty = true;
	reg(d, 0, 0x2000, rwm);
	reg(d, 7, 0x100, rw);
	irq(d, 2, 4, ev);
	irq(d, 4, 1, ev | VFIOSIM_IRQ_NORESIZE);
	/* wide: 17 mmappable regions, one more than the aliases allowed */
	d = &devs[2];
	snprintf(d->name, sizeof(d->name), "wide");
	d->flags = VFIOSIM_DEV_PCI | VFIOSIM_DEV_RESET;
	d->nr_regions = 20;
	d->nr_irqs = 5;
	for (i = 0; i < 20; i++)
		if (i <= 5 || i >= 9)
			reg(d, i, PAGE, rwm);
	reg(d, 7, 0x1000, rw);
	irq(d, 4, 1, ev | VFIOSIM_IRQ_NORESIZE);
}

/* ---- the system every case starts from ---- */

struct hctx {
	struct vfiosim_vfio *v;
	enum vfiosim_design design;
	enum vfiosim_layout layout;
	uint64_t a[9];		/* fd A: offsets of regions 0-4, 6, 7 */
	uint64_t b0, c0, c7;	/* fd B: BAR0; fd C: BAR0, config */
	uint64_t wc;		/* fd A: the design's WC cookie of BAR0/3 */
	uint32_t alias;		/* alias design: the alias's index */
	uint32_t nreg;		/* fd A: GET_INFO num_regions */
	uint64_t va;		/* fd A: BAR0's first page, mapped */
	uint8_t arg[256];	/* the case's ioctl argument */
};

static long io(struct hctx *c, int fd, unsigned long cmd, void *arg)
{
	return vfiosim_vfio_ioctl(c->v, P, fd, cmd, arg);
}

static uint64_t offset_of(struct hctx *c, int fd, uint32_t idx)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = idx };

	ck_assert_int_eq(io(c, fd, VFIO_DEVICE_GET_REGION_INFO, &info), 0);
	return info.offset;
}

static long feature_alias(struct hctx *c, int fd, uint32_t flags,
			  uint32_t argsz, uint32_t aflags, uint32_t index,
			  uint32_t resv1, uint64_t resv2, uint32_t *alias_index)
{
	struct vfio_device_feature hdr = { .argsz = argsz, .flags = flags };
	struct vfio_device_feature_alias_region al = {
		.flags = aflags, .index = index, ._resv1 = resv1,
		._resv2 = resv2,
	};
	long ret;

	memset(c->arg, 0, sizeof(c->arg));
	memcpy(c->arg, &hdr, sizeof(hdr));
	memcpy(c->arg + sizeof(hdr), &al, sizeof(al));
	ret = io(c, fd, VFIO_DEVICE_FEATURE, c->arg);
	if (!ret && alias_index) {
		memcpy(&al, c->arg + sizeof(hdr), sizeof(al));
		*alias_index = al.alias_index;
	}
	return ret;
}

/* A SET of the alias feature as the RFC's user makes it. */
static long alias_set(struct hctx *c, int fd, uint32_t index, uint32_t *out)
{
	return feature_alias(c, fd,
			     VFIO_DEVICE_FEATURE_SET |
			     VFIOSIM_DEVICE_FEATURE_ALIAS_REGION,
			     sizeof(struct vfio_device_feature) +
			     sizeof(struct vfio_device_feature_alias_region),
			     VFIOSIM_ALIAS_REGION_FLAG_WC, index, 0, 0, out);
}

static long region_mmap(struct hctx *c, int fd, uint32_t argsz,
			uint32_t index, uint32_t flags, uint64_t *off)
{
	struct vfio_region_get_mmap req = {
		.argsz = argsz, .region_index = index, .mmap_flags = flags,
	};
	long ret = io(c, fd, VFIOSIM_DEVICE_GET_REGION_MMAP, &req);

	if (!ret && off)
		*off = req.fd_offset;
	return ret;
}

static long set_attrs(struct hctx *c, int fd, uint64_t off, uint32_t attrs)
{
	struct vfio_mmap_attrs a = { .offset = off, .attrs = attrs };

	return io(c, fd, VFIO_DEVICE_SET_MMAP_ATTRS, &a);
}

static long ioeventfd(struct hctx *c, int fd, uint32_t argsz, uint32_t flags,
		      uint64_t off, uint64_t data, int32_t efd)
{
	struct vfio_device_ioeventfd ioev = {
		.argsz = argsz, .flags = flags, .offset = off, .data = data,
		.fd = efd,
	};

	return io(c, fd, VFIO_DEVICE_IOEVENTFD, &ioev);
}

static void setup_system(struct hctx *c, enum vfiosim_design d,
			 enum vfiosim_layout l)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	static const uint32_t asked[] = { 0, 3, 4, 6, 7, 1, 2 };
	uint64_t va;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->design = d;
	c->layout = l;
	c->v = vfiosim_vfio_new(devs, 3, d, l);
	ck_assert_ptr_nonnull(c->v);
	ck_assert_int_eq(vfiosim_vfio_open(c->v, P, FD_A, 0), 0);
	ck_assert_int_eq(vfiosim_vfio_open(c->v, P, FD_B, 0), 0);
	ck_assert_int_eq(vfiosim_vfio_open(c->v, P, FD_C, 1), 0);
	ck_assert_int_eq(vfiosim_vfio_open(c->v, P, FD_W, 2), 0);
	for (i = 0; i < ARRAY_SIZE(asked); i++)
		c->a[asked[i]] = offset_of(c, FD_A, asked[i]);
	c->b0 = offset_of(c, FD_B, 0);
	c->c0 = offset_of(c, FD_C, 0);
	c->c7 = offset_of(c, FD_C, 7);
	ck_assert_int_eq(vfiosim_vfio_mmap(c->v, P, FD_A, 0, PAGE,
					   PROT_READ | PROT_WRITE, MAP_SHARED,
					   c->a[0], &va), 0);
	c->va = va;
	ck_assert_int_eq(ioeventfd(c, FD_A, IOEV_SZ, VFIO_DEVICE_IOEVENTFD_32,
				   c->a[0] + 0x10, 1, 10), 0);
	switch (d) {
	case VFIOSIM_DESIGN_SETATTR:
		c->wc = c->a[3];
		ck_assert_int_eq(set_attrs(c, FD_A, c->wc,
					   VFIO_MMAP_ATTR_WRITE_COMBINE), 0);
		break;
	case VFIOSIM_DESIGN_ALIAS:
		ck_assert_int_eq(alias_set(c, FD_A, 0, &c->alias), 0);
		c->wc = offset_of(c, FD_A, c->alias);
		break;
	case VFIOSIM_DESIGN_GETMMAP:
		ck_assert_int_eq(region_mmap(c, FD_A, GM_SZ, 0, GM_WC,
					     &c->wc), 0);
		break;
	default:
		break;
	}
	ck_assert_int_eq(io(c, FD_A, VFIO_DEVICE_GET_INFO, &info), 0);
	c->nreg = info.num_regions;
}

/* ---- the cases ---- */

#define CASE(name) static long name(struct hctx *c)

/* VFIO_DEVICE_GET_INFO */
CASE(info_null) { return io(c, FD_A, VFIO_DEVICE_GET_INFO, NULL); }

static long info_argsz(struct hctx *c, uint32_t argsz)
{
	struct vfio_device_info info = { .argsz = argsz };

	return io(c, FD_A, VFIO_DEVICE_GET_INFO, &info);
}

CASE(info_argsz_0) { return info_argsz(c, 0); }
CASE(info_argsz_15) { return info_argsz(c, 15); }
CASE(info_argsz_huge) { return info_argsz(c, UINT32_MAX); }

/* VFIO_DEVICE_GET_REGION_INFO */
static long rinfo(struct hctx *c, int fd, uint32_t argsz, uint32_t index)
{
	struct vfio_region_info *info = (void *)c->arg;

	memset(c->arg, 0, sizeof(c->arg));
	info->argsz = argsz;
	info->index = index;
	return io(c, fd, VFIO_DEVICE_GET_REGION_INFO, c->arg);
}

CASE(rinfo_null) { return io(c, FD_A, VFIO_DEVICE_GET_REGION_INFO, NULL); }
CASE(rinfo_argsz_0) { return rinfo(c, FD_A, 0, 0); }
CASE(rinfo_argsz_31) { return rinfo(c, FD_A, 31, 0); }
CASE(rinfo_argsz_huge) { return rinfo(c, FD_A, UINT32_MAX, 0); }
CASE(rinfo_past_last) { return rinfo(c, FD_A, 32, c->nreg); }
CASE(rinfo_index_max) { return rinfo(c, FD_A, 32, UINT32_MAX); }
CASE(rinfo_index_2g) { return rinfo(c, FD_A, 32, 0x80000000u); }
CASE(rinfo_no_vga) { return rinfo(c, FD_A, 32, 8); }
CASE(rinfo_past_alias) { return rinfo(c, FD_A, 32, c->alias + 1); }

/* VFIO_DEVICE_GET_IRQ_INFO */
static long irqinfo(struct hctx *c, int fd, uint32_t argsz, uint32_t index)
{
	struct vfio_irq_info info = { .argsz = argsz, .index = index };

	return io(c, fd, VFIO_DEVICE_GET_IRQ_INFO, &info);
}

CASE(irqinfo_null) { return io(c, FD_A, VFIO_DEVICE_GET_IRQ_INFO, NULL); }
CASE(irqinfo_argsz_15) { return irqinfo(c, FD_A, 15, 0); }
CASE(irqinfo_index_5) { return irqinfo(c, FD_A, 16, 5); }
CASE(irqinfo_index_max) { return irqinfo(c, FD_A, 16, UINT32_MAX); }
CASE(irqinfo_err_not_pcie) { return irqinfo(c, FD_C, 16, 3); }

/* VFIO_DEVICE_SET_IRQS */
static long irqset(struct hctx *c, int fd, uint32_t argsz, uint32_t flags,
		   uint32_t index, uint32_t start, uint32_t count)
{
	struct vfio_irq_set *set = (void *)c->arg;

	memset(c->arg, 0, sizeof(c->arg));
	set->argsz = argsz;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	return io(c, fd, VFIO_DEVICE_SET_IRQS, c->arg);
}

#define TRIG_NONE	(VFIO_IRQ_SET_ACTION_TRIGGER | VFIO_IRQ_SET_DATA_NONE)
#define TRIG_EFD	(VFIO_IRQ_SET_ACTION_TRIGGER | \
			 VFIO_IRQ_SET_DATA_EVENTFD)
#define TRIG_BOOL	(VFIO_IRQ_SET_ACTION_TRIGGER | VFIO_IRQ_SET_DATA_BOOL)

CASE(irqset_null) { return io(c, FD_A, VFIO_DEVICE_SET_IRQS, NULL); }
CASE(irqset_argsz_19) { return irqset(c, FD_A, 19, TRIG_NONE, 2, 0, 0); }
CASE(irqset_index_5) { return irqset(c, FD_A, 20, TRIG_NONE, 5, 0, 0); }
CASE(irqset_index_max)
{
	return irqset(c, FD_A, 20, TRIG_NONE, UINT32_MAX, 0, 0);
}
CASE(irqset_flag_unknown)
{
	return irqset(c, FD_A, 20, TRIG_NONE | (1u << 6), 2, 0, 1);
}
CASE(irqset_count_max)
{
	return irqset(c, FD_A, 256, TRIG_NONE, 2, 0, UINT32_MAX);
}
CASE(irqset_start_wraps)
{
	return irqset(c, FD_A, 256, TRIG_NONE, 2, 1, UINT32_MAX - 1);
}
CASE(irqset_start_past) { return irqset(c, FD_A, 20, TRIG_NONE, 2, 8, 0); }
CASE(irqset_count_past) { return irqset(c, FD_A, 20, TRIG_NONE, 2, 0, 9); }
CASE(irqset_two_types)
{
	return irqset(c, FD_A, 256, TRIG_NONE | VFIO_IRQ_SET_DATA_BOOL, 2, 0,
		      1);
}
CASE(irqset_no_type)
{
	return irqset(c, FD_A, 256, VFIO_IRQ_SET_ACTION_TRIGGER, 2, 0, 1);
}
CASE(irqset_efd_short) { return irqset(c, FD_A, 20, TRIG_EFD, 2, 0, 2); }
CASE(irqset_bool_short) { return irqset(c, FD_A, 27, TRIG_BOOL, 2, 0, 8); }
CASE(irqset_msi_mask)
{
	return irqset(c, FD_A, 20, VFIO_IRQ_SET_ACTION_MASK |
		      VFIO_IRQ_SET_DATA_NONE, 1, 0, 1);
}
CASE(irqset_req_unmask)
{
	return irqset(c, FD_A, 20, VFIO_IRQ_SET_ACTION_UNMASK |
		      VFIO_IRQ_SET_DATA_NONE, 4, 0, 1);
}
CASE(irqset_two_actions)
{
	return irqset(c, FD_A, 20, TRIG_NONE | VFIO_IRQ_SET_ACTION_MASK, 0,
		      0, 1);
}
CASE(irqset_no_action)
{
	return irqset(c, FD_A, 20, VFIO_IRQ_SET_DATA_NONE, 0, 0, 1);
}
CASE(irqset_no_intx) { return irqset(c, FD_C, 20, TRIG_NONE, 0, 0, 0); }

/* VFIO_DEVICE_RESET */
CASE(reset_no_reset) { return io(c, FD_C, VFIO_DEVICE_RESET, NULL); }

/* VFIO_DEVICE_IOEVENTFD */
CASE(ioev_null) { return io(c, FD_A, VFIO_DEVICE_IOEVENTFD, NULL); }
CASE(ioev_argsz_27)
{
	return ioeventfd(c, FD_A, 27, 4, c->a[0] + 0x20, 1, 11);
}
CASE(ioev_flag_unknown)
{
	return ioeventfd(c, FD_A, IOEV_SZ, 4 | (1u << 4), c->a[0] + 0x20, 1,
			 11);
}
CASE(ioev_size_3)
{
	return ioeventfd(c, FD_A, IOEV_SZ, 3, c->a[0] + 0x20, 1, 11);
}
CASE(ioev_size_0)
{
	return ioeventfd(c, FD_A, IOEV_SZ, 0, c->a[0] + 0x20, 1, 11);
}
CASE(ioev_fd_minus_2)
{
	return ioeventfd(c, FD_A, IOEV_SZ, 4, c->a[0] + 0x20, 1, -2);
}
CASE(ioev_in_rom) { return ioeventfd(c, FD_A, IOEV_SZ, 4, c->a[6], 1, 11); }
CASE(ioev_in_config)
{
	return ioeventfd(c, FD_A, IOEV_SZ, 4, c->a[7], 1, 11);
}
CASE(ioev_straddles_end)
{
	return ioeventfd(c, FD_A, IOEV_SZ, 4, c->a[0] + BAR0_SIZE - 2, 1, 11);
}
CASE(ioev_in_msix)
{
	return ioeventfd(c, FD_A, IOEV_SZ, 4, c->a[0] + MSIX_OFF + 8, 1, 11);
}
CASE(ioev_top) { return ioeventfd(c, FD_A, IOEV_SZ, 4, TOP, 1, 11); }
CASE(ioev_max) { return ioeventfd(c, FD_A, IOEV_SZ, 4, UINT64_MAX, 1, 11); }
CASE(ioev_far) { return ioeventfd(c, FD_A, IOEV_SZ, 4, FAR, 1, 11); }
CASE(ioev_remove_absent)
{
	return ioeventfd(c, FD_A, IOEV_SZ, 4, c->a[0] + 0x10, 2, -1);
}
CASE(ioev_exists)
{
	return ioeventfd(c, FD_A, IOEV_SZ, 4, c->a[0] + 0x10, 1, 12);
}
CASE(ioev_no_driver)
{
	return ioeventfd(c, FD_C, IOEV_SZ, 4, c->c0, 1, 11);
}

/* VFIO_DEVICE_FEATURE, whatever the design */
static long feature(struct hctx *c, uint32_t argsz, uint32_t flags)
{
	struct vfio_device_feature *f = (void *)c->arg;

	memset(c->arg, 0, sizeof(c->arg));
	f->argsz = argsz;
	f->flags = flags;
	return io(c, FD_A, VFIO_DEVICE_FEATURE, c->arg);
}

CASE(feat_null) { return io(c, FD_A, VFIO_DEVICE_FEATURE, NULL); }
CASE(feat_argsz_7) { return feature(c, 7, VFIO_DEVICE_FEATURE_PROBE | 1); }
CASE(feat_flag_unknown)
{
	return feature(c, 64, VFIO_DEVICE_FEATURE_GET | (1u << 19) | 1);
}
CASE(feat_get_set)
{
	return feature(c, 64, VFIO_DEVICE_FEATURE_GET |
		       VFIO_DEVICE_FEATURE_SET | 0xffff);
}
CASE(feat_unknown) { return feature(c, 64, VFIO_DEVICE_FEATURE_SET | 0xffff); }
CASE(feat_migration)
{
	return feature(c, 64, VFIO_DEVICE_FEATURE_GET |
		       VFIO_DEVICE_FEATURE_MIGRATION);
}
CASE(feat_probe_all_unknown)
{
	return feature(c, 64, VFIO_DEVICE_FEATURE_PROBE |
		       VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET |
		       0x7fff);
}

/* the alias feature, under every design */
#define AL_SZ	((uint32_t)(sizeof(struct vfio_device_feature) + \
			    sizeof(struct vfio_device_feature_alias_region)))
#define AL_SET	(VFIO_DEVICE_FEATURE_SET | \
		 VFIOSIM_DEVICE_FEATURE_ALIAS_REGION)
#define AL_WC	VFIOSIM_ALIAS_REGION_FLAG_WC

CASE(alias_argsz_hdr)
{
	return feature_alias(c, FD_A, AL_SET, 8, AL_WC, 3, 0, 0, NULL);
}
CASE(alias_argsz_short)
{
	return feature_alias(c, FD_A, AL_SET, AL_SZ - 1, AL_WC, 3, 0, 0, NULL);
}
CASE(alias_get)
{
	return feature_alias(c, FD_A, VFIO_DEVICE_FEATURE_GET |
			     VFIOSIM_DEVICE_FEATURE_ALIAS_REGION, AL_SZ, AL_WC,
			     3, 0, 0, NULL);
}
CASE(alias_probe_get)
{
	return feature_alias(c, FD_A, VFIO_DEVICE_FEATURE_PROBE |
			     VFIO_DEVICE_FEATURE_GET |
			     VFIOSIM_DEVICE_FEATURE_ALIAS_REGION, AL_SZ, AL_WC,
			     3, 0, 0, NULL);
}
CASE(alias_probe)
{
	return feature_alias(c, FD_A, VFIO_DEVICE_FEATURE_PROBE |
			     VFIOSIM_DEVICE_FEATURE_ALIAS_REGION, 8, 0, 0, 0,
			     0, NULL);
}
CASE(alias_probe_set)
{
	return feature_alias(c, FD_A, VFIO_DEVICE_FEATURE_PROBE | AL_SET,
			     AL_SZ, AL_WC, 3, 0, 0, NULL);
}
CASE(alias_neither)
{
	return feature_alias(c, FD_A, VFIOSIM_DEVICE_FEATURE_ALIAS_REGION,
			     AL_SZ, AL_WC, 3, 0, 0, NULL);
}
CASE(alias_get_set)
{
	return feature_alias(c, FD_A, AL_SET | VFIO_DEVICE_FEATURE_GET,
			     AL_SZ, AL_WC, 3, 0, 0, NULL);
}
CASE(alias_flags_0)
{
	return feature_alias(c, FD_A, AL_SET, AL_SZ, 0, 3, 0, 0, NULL);
}
CASE(alias_flags_unknown)
{
	return feature_alias(c, FD_A, AL_SET, AL_SZ, AL_WC | (1u << 6), 3, 0,
			     0, NULL);
}
CASE(alias_flags_all)
{
	return feature_alias(c, FD_A, AL_SET, AL_SZ, UINT32_MAX, 3, 0, 0,
			     NULL);
}
CASE(alias_resv1)
{
	return feature_alias(c, FD_A, AL_SET, AL_SZ, AL_WC, 3, 1, 0, NULL);
}
CASE(alias_resv2)
{
	return feature_alias(c, FD_A, AL_SET, AL_SZ, AL_WC, 3, 0, 1ULL << 63,
			     NULL);
}
CASE(alias_past_last) { return alias_set(c, FD_A, c->nreg, NULL); }
CASE(alias_index_max) { return alias_set(c, FD_A, UINT32_MAX, NULL); }
CASE(alias_of_alias) { return alias_set(c, FD_A, c->alias, NULL); }
CASE(alias_config) { return alias_set(c, FD_A, 7, NULL); }
CASE(alias_rom) { return alias_set(c, FD_A, 6, NULL); }
CASE(alias_io_bar) { return alias_set(c, FD_A, 2, NULL); }
CASE(alias_empty_bar) { return alias_set(c, FD_A, 1, NULL); }
CASE(alias_no_vga) { return alias_set(c, FD_A, 8, NULL); }

/* Sixteen aliases on the wide device: the next is one too many. */
static void prepare_sixteen(struct hctx *c)
{
	static const uint32_t idx[] = {
		0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
	};
	unsigned int i;

	for (i = 0; i < 16; i++)
		ck_assert_int_eq(alias_set(c, FD_W, idx[i], NULL), 0);
}

CASE(alias_seventeenth) { return alias_set(c, FD_W, 19, NULL); }

/*
 * A new fd of nic0 with no room for one more cookie: the per-fd limit is
 * its regions and the aliases the device has.
 */
static void prepare_full_fd(struct hctx *c)
{
	unsigned int aliases = c->design == VFIOSIM_DESIGN_ALIAS;

	ck_assert_int_eq(vfiosim_vfio_set_max_cookies(c->v, 9 + aliases), 0);
	ck_assert_int_eq(vfiosim_vfio_open(c->v, P, FD_X, 0), 0);
}

CASE(alias_fd_full) { return alias_set(c, FD_A, 3, NULL); }

/* VFIO_DEVICE_SET_MMAP_ATTRS (setattr) */
#define WCA	VFIO_MMAP_ATTR_WRITE_COMBINE

CASE(attrs_null) { return io(c, FD_A, VFIO_DEVICE_SET_MMAP_ATTRS, NULL); }
CASE(attrs_unknown) { return set_attrs(c, FD_A, c->a[3], WCA | (1u << 1)); }
CASE(attrs_all) { return set_attrs(c, FD_A, c->a[3], UINT32_MAX); }
CASE(attrs_far) { return set_attrs(c, FD_A, FAR, WCA); }
CASE(attrs_top) { return set_attrs(c, FD_A, TOP, WCA); }
CASE(attrs_max) { return set_attrs(c, FD_A, UINT64_MAX, WCA); }
CASE(attrs_config) { return set_attrs(c, FD_A, c->a[7], WCA); }
CASE(attrs_rom) { return set_attrs(c, FD_A, c->a[6], WCA); }
CASE(attrs_io_bar) { return set_attrs(c, FD_A, c->a[2], WCA); }
CASE(attrs_empty_bar) { return set_attrs(c, FD_A, c->a[1], WCA); }
CASE(attrs_other_device) { return set_attrs(c, FD_C, c->a[3], WCA); }
CASE(attrs_same_device) { return set_attrs(c, FD_B, c->a[3], WCA); }
CASE(attrs_bad_fd) { return set_attrs(c, 9, c->a[3], WCA); }

/* VFIOSIM_DEVICE_GET_REGION_MMAP (getmmap) */
CASE(gm_null) { return io(c, FD_A, VFIOSIM_DEVICE_GET_REGION_MMAP, NULL); }
CASE(gm_argsz_0) { return region_mmap(c, FD_A, 0, 0, GM_WC, NULL); }
CASE(gm_argsz_31) { return region_mmap(c, FD_A, 31, 0, GM_WC, NULL); }
CASE(gm_flag_unknown)
{
	return region_mmap(c, FD_A, GM_SZ, 0, GM_WC | (1u << 1), NULL);
}
CASE(gm_flags_all) { return region_mmap(c, FD_A, GM_SZ, 0, UINT32_MAX, NULL); }
CASE(gm_past_last) { return region_mmap(c, FD_A, GM_SZ, 9, GM_WC, NULL); }
CASE(gm_index_max)
{
	return region_mmap(c, FD_A, GM_SZ, UINT32_MAX, GM_WC, NULL);
}
CASE(gm_no_vga) { return region_mmap(c, FD_A, GM_SZ, 8, GM_WC, NULL); }
CASE(gm_config) { return region_mmap(c, FD_A, GM_SZ, 7, GM_WC, NULL); }
CASE(gm_config_uc) { return region_mmap(c, FD_A, GM_SZ, 7, 0, NULL); }
CASE(gm_rom) { return region_mmap(c, FD_A, GM_SZ, 6, GM_WC, NULL); }
CASE(gm_io_bar) { return region_mmap(c, FD_A, GM_SZ, 2, GM_WC, NULL); }
CASE(gm_empty_bar) { return region_mmap(c, FD_A, GM_SZ, 1, GM_WC, NULL); }
CASE(gm_fd_full) { return region_mmap(c, FD_X, GM_SZ, 0, GM_WC, NULL); }

/* Unknown ioctls and fds */
CASE(ioctl_zero) { return io(c, FD_A, 0, c->arg); }
CASE(ioctl_unknown)
{
	return io(c, FD_A, _IO(VFIO_TYPE, VFIO_BASE + 60), c->arg);
}
CASE(ioctl_bad_fd) { return io(c, 9, VFIO_DEVICE_GET_INFO, c->arg); }
CASE(ioctl_fd_negative) { return io(c, -1, VFIO_DEVICE_GET_INFO, c->arg); }
CASE(ioctl_fd_64) { return io(c, 64, VFIO_DEVICE_GET_INFO, c->arg); }

/* pread(), pwrite(); @buf == @c stands for a good buffer of 8 bytes */
static long rd(struct hctx *c, int fd, void *buf, uint64_t count,
	       uint64_t off)
{
	uint8_t tmp[8];

	return vfiosim_vfio_pread(c->v, P, fd, buf == c ? tmp : buf,
				  count < 8 ? count : 8, count, off);
}

static long wr(struct hctx *c, int fd, const void *buf, uint64_t count,
	       uint64_t off)
{
	static const uint8_t zero[8];

	return vfiosim_vfio_pwrite(c->v, P, fd, buf == c ? zero : buf,
				   count < 8 ? count : 8, count, off);
}

CASE(rd_top) { return rd(c, FD_A, c, 4, TOP); }
CASE(rd_max) { return rd(c, FD_A, c, 4, UINT64_MAX); }
CASE(rd_count_top) { return rd(c, FD_A, c, TOP, c->a[0]); }
CASE(rd_end_top) { return rd(c, FD_A, c, TOP - 0x800, c->a[0] + PAGE); }
CASE(rd_zero_top) { return rd(c, FD_A, c, 0, TOP); }
CASE(rd_past_end) { return rd(c, FD_A, c, 4, c->a[0] + BAR0_SIZE); }
CASE(rd_far) { return rd(c, FD_A, c, 4, FAR); }
CASE(rd_config_past) { return rd(c, FD_A, c, 4, c->a[7] + 0x1000 - 2); }
CASE(rd_null_buf) { return rd(c, FD_A, NULL, 4, c->a[0]); }
CASE(rd_no_vga) { return rd(c, FD_A, c, 4, 8ULL << 40); }
CASE(rd_bad_fd) { return rd(c, 9, c, 4, c->a[0]); }
CASE(rd_alias) { return rd(c, FD_A, c, 4, c->wc); }
CASE(wr_rom) { return wr(c, FD_A, c, 4, c->a[6]); }
CASE(wr_empty_bar) { return wr(c, FD_A, c, 4, c->a[1]); }
CASE(wr_null_command) { return wr(c, FD_A, NULL, 2, c->a[7] + 4); }
CASE(wr_null_bar) { return wr(c, FD_A, NULL, 4, c->a[0]); }
CASE(wr_zero) { return wr(c, FD_A, c, 0, c->a[7] + 4); }
CASE(wr_top) { return wr(c, FD_A, c, 4, TOP); }

/* mmap(), munmap() */
static long map(struct hctx *c, int fd, uint64_t addr, uint64_t len,
		int prot, int flags, uint64_t off)
{
	uint64_t va;

	return vfiosim_vfio_mmap(c->v, P, fd, addr, len, prot, flags, off,
				 &va);
}

#define RW	(PROT_READ | PROT_WRITE)

CASE(map_len_0) { return map(c, FD_A, 0, 0, RW, MAP_SHARED, c->a[0]); }
CASE(map_unaligned)
{
	return map(c, FD_A, 0, PAGE, RW, MAP_SHARED, c->a[0] + 1);
}
CASE(map_len_wraps)
{
	return map(c, FD_A, 0, UINT64_MAX, RW, MAP_SHARED, c->a[0]);
}
CASE(map_len_huge)
{
	return map(c, FD_A, 0, 1ULL << 60, RW, MAP_SHARED, c->a[0]);
}
CASE(map_off_wraps)
{
	return map(c, FD_A, 0, 2 * PAGE, RW, MAP_SHARED, 0ULL - PAGE);
}
CASE(map_no_type) { return map(c, FD_A, 0, PAGE, RW, 0, c->a[0]); }
CASE(map_validate_sync)
{
	return map(c, FD_A, 0, PAGE, RW, MAP_SHARED_VALIDATE | MAP_SYNC,
		   c->a[0]);
}
CASE(map_hugetlb)
{
	return map(c, FD_A, 0, PAGE, RW, MAP_SHARED | MAP_HUGETLB, c->a[0]);
}
CASE(map_growsdown)
{
	return map(c, FD_A, 0, PAGE, RW, MAP_SHARED | MAP_GROWSDOWN, c->a[0]);
}
CASE(map_fixed_unaligned)
{
	return map(c, FD_A, c->va + 1, PAGE, RW, MAP_SHARED | MAP_FIXED,
		   c->a[0]);
}
CASE(map_fixed_too_high)
{
	return map(c, FD_A, (1ULL << 56) - PAGE, PAGE, RW,
		   MAP_SHARED | MAP_FIXED, c->a[0]);
}
CASE(map_fixed_noreplace)
{
	return map(c, FD_A, c->va, PAGE, RW, MAP_SHARED | MAP_FIXED_NOREPLACE,
		   c->a[0]);
}
CASE(map_private) { return map(c, FD_A, 0, PAGE, RW, MAP_PRIVATE, c->a[0]); }
CASE(map_crosses_end)
{
	return map(c, FD_A, 0, 2 * PAGE, RW, MAP_SHARED,
		   c->a[0] + BAR0_SIZE - PAGE);
}
CASE(map_far) { return map(c, FD_A, 0, PAGE, RW, MAP_SHARED, FAR); }
CASE(map_top) { return map(c, FD_A, 0, PAGE, RW, MAP_SHARED, TOP); }
CASE(map_config) { return map(c, FD_A, 0, PAGE, RW, MAP_SHARED, c->a[7]); }
CASE(map_rom) { return map(c, FD_A, 0, PAGE, RW, MAP_SHARED, c->a[6]); }
CASE(map_io_bar) { return map(c, FD_A, 0, PAGE, RW, MAP_SHARED, c->a[2]); }
CASE(map_empty_bar)
{
	return map(c, FD_A, 0, PAGE, RW, MAP_SHARED, c->a[1]);
}
CASE(map_bad_fd) { return map(c, 9, 0, PAGE, RW, MAP_SHARED, c->a[0]); }
CASE(map_exec)
{
	return map(c, FD_A, 0, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED,
		   c->a[0] + PAGE);
}
CASE(map_wc_private)
{
	return map(c, FD_A, 0, PAGE, RW, MAP_PRIVATE, c->wc);
}
CASE(map_wc_crosses)
{
	return map(c, FD_A, 0, BAR0_SIZE + PAGE, RW, MAP_SHARED, c->wc);
}
CASE(map_wc_other_device)
{
	return map(c, FD_C, 0, PAGE, RW, MAP_SHARED, c->wc);
}
CASE(map_wc_same_device)
{
	return map(c, FD_B, 0, PAGE, RW, MAP_SHARED, c->wc);
}

CASE(unmap_unaligned) { return vfiosim_vfio_munmap(c->v, P, c->va + 1, PAGE); }
CASE(unmap_len_0) { return vfiosim_vfio_munmap(c->v, P, c->va, 0); }
CASE(unmap_too_high)
{
	return vfiosim_vfio_munmap(c->v, P, 1ULL << 60, PAGE);
}
CASE(unmap_len_wraps)
{
	return vfiosim_vfio_munmap(c->v, P, c->va, UINT64_MAX);
}
CASE(unmap_hole) { return vfiosim_vfio_munmap(c->v, P, c->va + PAGE, PAGE); }

/* the fd table */
CASE(dup_bad_fd) { return vfiosim_vfio_dup2(c->v, P, 9, 10); }
CASE(dup_new_64) { return vfiosim_vfio_dup2(c->v, P, FD_A, 64); }
CASE(dup_new_negative) { return vfiosim_vfio_dup2(c->v, P, FD_A, -1); }
CASE(dup_onto_itself) { return vfiosim_vfio_dup2(c->v, P, FD_A, FD_A); }
CASE(close_bad_fd) { return vfiosim_vfio_close(c->v, P, 9); }
CASE(close_negative) { return vfiosim_vfio_close(c->v, P, -1); }
CASE(open_in_use) { return vfiosim_vfio_open(c->v, P, FD_A, 1); }
CASE(open_fd_64) { return vfiosim_vfio_open(c->v, P, 64, 0); }

/* ---- the table ---- */

#define ALL(e)		{ e, e, e, e }
#define LG		(1u << VFIOSIM_LAYOUT_LEGACY)
#define CP		(1u << VFIOSIM_LAYOUT_COMPAT)
#define CK		(1u << VFIOSIM_LAYOUT_COMPACT)

struct hcase {
	const char *name;
	long (*run)(struct hctx *c);
	/* the answer under legacy, setattr, alias, getmmap; NA: skipped */
	long expect[VFIOSIM_DESIGN_NR];
	/* the kernel function whose check answers */
	const char *check;
	unsigned int layouts;		/* 0: all three */
	void (*prepare)(struct hctx *c);
	bool changes;			/* a success that maps */
};

#define EN(e)	(-(long)(e))
#define D4(l, s, a, g)	{ l, s, a, g }
#define H(n, f, e, c)	{ .name = n, .run = f, .expect = e, .check = c }
/* only under the layouts @l */
#define HL(n, f, e, c, l) \
	{ .name = n, .run = f, .expect = e, .check = c, .layouts = l }
/* after @p, before the snapshot */
#define HP(n, f, e, c, p) \
	{ .name = n, .run = f, .expect = e, .check = c, .prepare = p }
/* a success that changes the state */
#define HC(n, f, e, c) \
	{ .name = n, .run = f, .expect = e, .check = c, .changes = true }

static const struct hcase cases[] = {
	H("GET_INFO NULL", info_null, ALL(EN(EFAULT)),
	   "vfio_pci_ioctl_get_info(): copy_from_user()"),
	H("GET_INFO argsz 0", info_argsz_0, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_get_info(): argsz < minsz"),
	H("GET_INFO argsz 15", info_argsz_15, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_get_info(): argsz < offsetofend(num_irqs)"),
	H("GET_INFO argsz 0xffffffff", info_argsz_huge, ALL(0),
	   "vfio_pci_ioctl_get_info(): copies min(argsz, sizeof)"),
	H("GET_REGION_INFO NULL", rinfo_null, ALL(EN(EFAULT)),
	   "vfio_get_region_info(): copy_from_user()"),
	H("GET_REGION_INFO argsz 0", rinfo_argsz_0, ALL(EN(EINVAL)),
	   "vfio_get_region_info(): argsz < minsz"),
	H("GET_REGION_INFO argsz 31", rinfo_argsz_31, ALL(EN(EINVAL)),
	   "vfio_get_region_info(): argsz < offsetofend(offset)"),
	H("GET_REGION_INFO argsz 0xffffffff", rinfo_argsz_huge, ALL(0),
	   "vfio_get_region_info(): caps only if they fit"),
	H("GET_REGION_INFO index num_regions", rinfo_past_last, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_get_region_info(): index >= 9 + num_regions"),
	H("GET_REGION_INFO index 0xffffffff", rinfo_index_max, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_get_region_info(): default"),
	H("GET_REGION_INFO index 2^31", rinfo_index_2g, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_get_region_info(): default"),
	H("GET_REGION_INFO VGA without VGA", rinfo_no_vga, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_get_region_info(): !vdev->has_vga"),
	H("GET_REGION_INFO past the alias", rinfo_past_alias,
	   D4(NA, NA, EN(EINVAL), NA),
	   "alias RFC: index >= 9 + num_regions (aliases counted)"),
	H("GET_IRQ_INFO NULL", irqinfo_null, ALL(EN(EFAULT)),
	   "vfio_pci_ioctl_get_irq_info(): copy_from_user()"),
	H("GET_IRQ_INFO argsz 15", irqinfo_argsz_15, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_get_irq_info(): argsz < minsz"),
	H("GET_IRQ_INFO index 5", irqinfo_index_5, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_get_irq_info(): index >= VFIO_PCI_NUM_IRQS"),
	H("GET_IRQ_INFO index 0xffffffff", irqinfo_index_max, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_get_irq_info(): index >= VFIO_PCI_NUM_IRQS"),
	H("GET_IRQ_INFO ERR off PCIe", irqinfo_err_not_pcie, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_get_irq_info(): ERR only if pci_is_pcie()"),
	H("SET_IRQS NULL", irqset_null, ALL(EN(EFAULT)),
	   "vfio_pci_ioctl_set_irqs(): copy_from_user()"),
	H("SET_IRQS argsz 19", irqset_argsz_19, ALL(EN(EINVAL)),
	   "vfio_set_irqs_validate_and_prepare(): argsz < minsz"),
	H("SET_IRQS index 5", irqset_index_5, ALL(EN(EINVAL)),
	   "vfio_set_irqs_validate_and_prepare(): index >= max_irq_type"),
	H("SET_IRQS index 0xffffffff", irqset_index_max, ALL(EN(EINVAL)),
	   "vfio_set_irqs_validate_and_prepare(): index >= max_irq_type"),
	H("SET_IRQS unknown flag", irqset_flag_unknown, ALL(EN(EINVAL)),
	   "vfio_set_irqs_validate_and_prepare(): flags outside the masks"),
	H("SET_IRQS count 0xffffffff", irqset_count_max, ALL(EN(EINVAL)),
	   "vfio_set_irqs_validate_and_prepare(): count >= U32_MAX - start"),
	H("SET_IRQS start + count wraps", irqset_start_wraps, ALL(EN(EINVAL)),
	   "vfio_set_irqs_validate_and_prepare(): count >= U32_MAX - start"),
	H("SET_IRQS start past MSI-X", irqset_start_past, ALL(EN(EINVAL)),
	   "vfio_set_irqs_validate_and_prepare(): start >= num_irqs"),
	H("SET_IRQS count past MSI-X", irqset_count_past, ALL(EN(EINVAL)),
	   "vfio_set_irqs_validate_and_prepare(): start + count > num_irqs"),
	H("SET_IRQS two data types", irqset_two_types, ALL(EN(EINVAL)),
	   "vfio_set_irqs_validate_and_prepare(): data type default"),
	H("SET_IRQS no data type", irqset_no_type, ALL(EN(EINVAL)),
	   "vfio_set_irqs_validate_and_prepare(): data type default"),
	H("SET_IRQS eventfds past argsz", irqset_efd_short, ALL(EN(EINVAL)),
	   "vfio_set_irqs_validate_and_prepare(): argsz - minsz < count*size"),
	H("SET_IRQS bools past argsz", irqset_bool_short, ALL(EN(EINVAL)),
	   "vfio_set_irqs_validate_and_prepare(): argsz - minsz < count*size"),
	H("SET_IRQS MSI MASK", irqset_msi_mask, ALL(EN(ENOTTY)),
	   "vfio_pci_set_irqs_ioctl(): no MSI masking handler"),
	H("SET_IRQS REQ UNMASK", irqset_req_unmask, ALL(EN(ENOTTY)),
	   "vfio_pci_set_irqs_ioctl(): REQ has TRIGGER only"),
	H("SET_IRQS two actions", irqset_two_actions, ALL(EN(ENOTTY)),
	   "vfio_pci_set_irqs_ioctl(): no handler for the action bits"),
	H("SET_IRQS no action", irqset_no_action, ALL(EN(ENOTTY)),
	   "vfio_pci_set_irqs_ioctl(): no handler for the action bits"),
	H("SET_IRQS INTx of a VF", irqset_no_intx, ALL(EN(EINVAL)),
	   "vfio_set_irqs_validate_and_prepare(): start >= num_irqs (0)"),
	H("RESET without reset", reset_no_reset, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_reset(): !vdev->reset_works"),
	H("IOEVENTFD NULL", ioev_null, ALL(EN(EFAULT)),
	   "vfio_pci_ioctl_ioeventfd(): copy_from_user()"),
	H("IOEVENTFD argsz 27", ioev_argsz_27, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_ioeventfd(): argsz < offsetofend(fd)"),
	H("IOEVENTFD unknown flag", ioev_flag_unknown, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_ioeventfd(): flags & ~SIZE_MASK"),
	H("IOEVENTFD size 3", ioev_size_3, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_ioeventfd(): hweight8(count) != 1"),
	H("IOEVENTFD size 0", ioev_size_0, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_ioeventfd(): hweight8(count) != 1"),
	H("IOEVENTFD fd -2", ioev_fd_minus_2, ALL(EN(EINVAL)),
	   "vfio_pci_ioctl_ioeventfd(): fd < -1"),
	H("IOEVENTFD in the ROM", ioev_in_rom, ALL(EN(EINVAL)),
	   "vfio_pci_ioeventfd(): only into BARs"),
	H("IOEVENTFD in config space", ioev_in_config, ALL(EN(EINVAL)),
	   "vfio_pci_ioeventfd(): only into BARs"),
	H("IOEVENTFD across the BAR end", ioev_straddles_end, ALL(EN(EINVAL)),
	   "vfio_pci_ioeventfd(): pos + count > pci_resource_len()"),
	H("IOEVENTFD in the MSI-X table", ioev_in_msix, ALL(EN(EINVAL)),
	   "vfio_pci_ioeventfd(): working around MSI-X table writes"),
	H("IOEVENTFD offset 2^63", ioev_top, ALL(EN(EINVAL)),
	   "vfio_pci_ioeventfd(): only into BARs"),
	H("IOEVENTFD offset 2^64-1", ioev_max, ALL(EN(EINVAL)),
	   "vfio_pci_ioeventfd(): only into BARs"),
	H("IOEVENTFD offset in no cookie", ioev_far, ALL(EN(EINVAL)),
	   "vfio_pci_ioeventfd(): only into BARs"),
	H("IOEVENTFD remove one never added", ioev_remove_absent,
	   ALL(EN(ENODEV)),
	   "vfio_pci_ioeventfd(): fd < 0, none matches"),
	H("IOEVENTFD add one twice", ioev_exists, ALL(EN(EEXIST)),
	   "vfio_pci_ioeventfd(): the same pos, bar, data, count"),
	H("IOEVENTFD without the driver's", ioev_no_driver, ALL(EN(ENOTTY)),
	   "a variant driver's ioctl: VFIO_DEVICE_IOEVENTFD unknown"),
	H("FEATURE NULL", feat_null, ALL(EN(EFAULT)),
	   "vfio_ioctl_device_feature(): copy_from_user()"),
	H("FEATURE argsz 7", feat_argsz_7, ALL(EN(EINVAL)),
	   "vfio_ioctl_device_feature(): argsz < minsz"),
	H("FEATURE unknown flag", feat_flag_unknown, ALL(EN(EINVAL)),
	   "vfio_ioctl_device_feature(): Check unknown flags"),
	H("FEATURE GET and SET", feat_get_set, ALL(EN(EINVAL)),
	   "vfio_ioctl_device_feature(): GET & SET mutually exclusive"),
	H("FEATURE unknown", feat_unknown, ALL(EN(ENOTTY)),
	   "vfio_pci_core_ioctl_feature(): default"),
	H("FEATURE MIGRATION without mig_ops", feat_migration, ALL(EN(ENOTTY)),
	   "vfio_ioctl_device_feature_migration(): !device->mig_ops"),
	H("FEATURE PROBE GET SET unknown", feat_probe_all_unknown,
	   ALL(EN(ENOTTY)),
	   "vfio_pci_core_ioctl_feature(): default"),
	H("ALIAS_REGION argsz of the header", alias_argsz_hdr,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "vfio_check_feature(): argsz < minsz"),
	H("ALIAS_REGION argsz one short", alias_argsz_short,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "vfio_check_feature(): argsz < minsz"),
	H("ALIAS_REGION GET", alias_get,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "vfio_check_feature(): GET not supported"),
	H("ALIAS_REGION PROBE GET", alias_probe_get,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "vfio_check_feature(): GET not supported, even to PROBE"),
	H("ALIAS_REGION PROBE", alias_probe,
	   D4(EN(ENOTTY), EN(ENOTTY), 0, EN(ENOTTY)),
	   "vfio_check_feature(): PROBE answers 0 and does nothing"),
	H("ALIAS_REGION PROBE SET", alias_probe_set,
	   D4(EN(ENOTTY), EN(ENOTTY), 0, EN(ENOTTY)),
	   "vfio_check_feature(): PROBE answers 0 and does nothing"),
	H("ALIAS_REGION neither GET nor SET", alias_neither,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "vfio_check_feature(): without PROBE, GET or SET"),
	H("ALIAS_REGION GET and SET", alias_get_set, ALL(EN(EINVAL)),
	   "vfio_ioctl_device_feature(): GET & SET mutually exclusive"),
	H("ALIAS_REGION flags 0", alias_flags_0,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "alias RFC handler: flags other than WC"),
	H("ALIAS_REGION unknown flag", alias_flags_unknown,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "alias RFC handler: flags other than WC"),
	H("ALIAS_REGION flags 0xffffffff", alias_flags_all,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "alias RFC handler: flags other than WC"),
	H("ALIAS_REGION _resv1", alias_resv1,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "vfiosim/proposed_uapi.h: reserved fields must be 0"),
	H("ALIAS_REGION _resv2", alias_resv2,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "vfiosim/proposed_uapi.h: reserved fields must be 0"),
	H("ALIAS_REGION index num_regions", alias_past_last,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "alias RFC handler: index >= 9 + num_regions"),
	H("ALIAS_REGION index 0xffffffff", alias_index_max,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "alias RFC handler: index >= 9 + num_regions"),
	H("ALIAS_REGION alias of an alias", alias_of_alias,
	   D4(NA, NA, EN(EINVAL), NA),
	   "alias RFC handler: alias of an alias"),
	H("ALIAS_REGION config space", alias_config,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "alias RFC handler: only mmap-capable regions"),
	H("ALIAS_REGION ROM", alias_rom,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "alias RFC handler: only mmap-capable regions"),
	H("ALIAS_REGION I/O BAR", alias_io_bar,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "alias RFC handler: bar_mmap_supported"),
	H("ALIAS_REGION empty BAR", alias_empty_bar,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "alias RFC handler: bar_mmap_supported"),
	H("ALIAS_REGION VGA without VGA", alias_no_vga,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(EINVAL), EN(ENOTTY)),
	   "alias RFC handler: only mmap-capable regions"),
	HP("ALIAS_REGION seventeenth alias", alias_seventeenth,
	   D4(NA, NA, EN(ENOSPC), NA),
	   "alias RFC / Alex 20250807130605: out of indexes, -ENOSPC",
	   prepare_sixteen),
	HP("ALIAS_REGION an fd with no room", alias_fd_full,
	   D4(NA, NA, EN(ENOSPC), NA),
	   "vfio_cookie_new_alias(): the per-fd limit", prepare_full_fd),
	H("SET_MMAP_ATTRS NULL", attrs_null,
	   D4(EN(ENOTTY), EN(EFAULT), EN(ENOTTY), EN(ENOTTY)),
	   "RFC v1 handler: copy_from_user()"),
	H("SET_MMAP_ATTRS unknown attr", attrs_unknown,
	   D4(EN(ENOTTY), EN(EINVAL), EN(ENOTTY), EN(ENOTTY)),
	   "RFC v1 handler: unknown attribute bits"),
	H("SET_MMAP_ATTRS attrs 0xffffffff", attrs_all,
	   D4(EN(ENOTTY), EN(EINVAL), EN(ENOTTY), EN(ENOTTY)),
	   "RFC v1 handler: unknown attribute bits"),
	H("SET_MMAP_ATTRS offset in no cookie", attrs_far,
	   D4(EN(ENOTTY), EN(EINVAL), EN(ENOTTY), EN(ENOTTY)),
	   "RFC v1 handler: mtree_load() misses"),
	H("SET_MMAP_ATTRS offset 2^63", attrs_top,
	   D4(EN(ENOTTY), EN(EINVAL), EN(ENOTTY), EN(ENOTTY)),
	   "RFC v1 handler: mtree_load() misses"),
	H("SET_MMAP_ATTRS offset 2^64-1", attrs_max,
	   D4(EN(ENOTTY), EN(EINVAL), EN(ENOTTY), EN(ENOTTY)),
	   "RFC v1 handler: mtree_load() misses"),
	H("SET_MMAP_ATTRS config space", attrs_config,
	   D4(EN(ENOTTY), EN(EINVAL), EN(ENOTTY), EN(ENOTTY)),
	   "RFC v1 handler: no VFIO_REGION_INFO_FLAG_MMAP"),
	H("SET_MMAP_ATTRS ROM", attrs_rom,
	   D4(EN(ENOTTY), EN(EINVAL), EN(ENOTTY), EN(ENOTTY)),
	   "RFC v1 handler: no VFIO_REGION_INFO_FLAG_MMAP"),
	H("SET_MMAP_ATTRS I/O BAR", attrs_io_bar,
	   D4(EN(ENOTTY), EN(EINVAL), EN(ENOTTY), EN(ENOTTY)),
	   "RFC v1 handler: no VFIO_REGION_INFO_FLAG_MMAP"),
	H("SET_MMAP_ATTRS empty BAR", attrs_empty_bar,
	   D4(EN(ENOTTY), EN(EINVAL), EN(ENOTTY), EN(ENOTTY)),
	   "RFC v1 handler: no VFIO_REGION_INFO_FLAG_MMAP"),
	H("SET_MMAP_ATTRS fd A's offset on another device", attrs_other_device,
	   D4(EN(ENOTTY), EN(EINVAL), EN(ENOTTY), EN(ENOTTY)),
	   "RFC v1 handler: vf1's BAR3 is empty, or nothing is there"),
	HL("SET_MMAP_ATTRS fd A's offset on fd B", attrs_same_device,
	   D4(EN(ENOTTY), EN(EINVAL), EN(ENOTTY), EN(ENOTTY)),
	   "RFC v1 handler: mtree_load() on fd B misses (packed per fd)", CK),
	H("SET_MMAP_ATTRS bad fd", attrs_bad_fd, ALL(EN(EBADF)),
	   "ksys_ioctl(): fdget()"),
	H("GET_REGION_MMAP NULL", gm_null,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(ENOTTY), EN(EFAULT)),
	   "getmmap: copy_from_user()"),
	H("GET_REGION_MMAP argsz 0", gm_argsz_0,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(ENOTTY), EN(EINVAL)),
	   "getmmap: argsz < offsetofend(fd_offset)"),
	H("GET_REGION_MMAP argsz 31", gm_argsz_31,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(ENOTTY), EN(EINVAL)),
	   "getmmap: argsz < offsetofend(fd_offset)"),
	H("GET_REGION_MMAP unknown flag", gm_flag_unknown,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(ENOTTY), EN(EINVAL)),
	   "getmmap: unknown mmap_flags"),
	H("GET_REGION_MMAP flags 0xffffffff", gm_flags_all,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(ENOTTY), EN(EINVAL)),
	   "getmmap: unknown mmap_flags"),
	H("GET_REGION_MMAP index num_regions", gm_past_last,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(ENOTTY), EN(EINVAL)),
	   "getmmap: no such region"),
	H("GET_REGION_MMAP index 0xffffffff", gm_index_max,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(ENOTTY), EN(EINVAL)),
	   "getmmap: no such region"),
	H("GET_REGION_MMAP VGA without VGA", gm_no_vga,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(ENOTTY), EN(EINVAL)),
	   "getmmap: no such region"),
	H("GET_REGION_MMAP WC config space", gm_config,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(ENOTTY), EN(EINVAL)),
	   "vfio_cookie_alias(): a region that cannot be mmapped"),
	H("GET_REGION_MMAP UC config space", gm_config_uc,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(ENOTTY), EN(EINVAL)),
	   "vfio_cookie_alias(): a region that cannot be mmapped"),
	H("GET_REGION_MMAP WC ROM", gm_rom,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(ENOTTY), EN(EINVAL)),
	   "vfio_cookie_alias(): a region that cannot be mmapped"),
	H("GET_REGION_MMAP WC I/O BAR", gm_io_bar,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(ENOTTY), EN(EINVAL)),
	   "vfio_cookie_alias(): a region that cannot be mmapped"),
	H("GET_REGION_MMAP WC empty BAR", gm_empty_bar,
	   D4(EN(ENOTTY), EN(ENOTTY), EN(ENOTTY), EN(EINVAL)),
	   "vfio_cookie_alias(): a region that cannot be mmapped"),
	HP("GET_REGION_MMAP an fd with no room", gm_fd_full,
	   D4(NA, NA, NA, EN(ENOSPC)),
	   "vfio_cookie_new_alias(): the per-fd limit", prepare_full_fd),
	H("ioctl 0", ioctl_zero, ALL(EN(ENOTTY)),
	   "vfio_pci_core_ioctl(): default"),
	H("ioctl _IO(';', 160)", ioctl_unknown, ALL(EN(ENOTTY)),
	   "vfio_pci_core_ioctl(): default"),
	H("ioctl on a closed fd", ioctl_bad_fd, ALL(EN(EBADF)),
	   "ksys_ioctl(): fdget()"),
	H("ioctl on fd -1", ioctl_fd_negative, ALL(EN(EBADF)),
	   "ksys_ioctl(): fdget()"),
	H("ioctl on fd 64", ioctl_fd_64, ALL(EN(EBADF)),
	   "ksys_ioctl(): fdget()"),
	H("pread at 2^63", rd_top, ALL(EN(EINVAL)),
	   "ksys_pread64(): pos < 0"),
	H("pread at 2^64-1", rd_max, ALL(EN(EINVAL)),
	   "ksys_pread64(): pos < 0"),
	H("pread of 2^63 bytes", rd_count_top, ALL(EN(EINVAL)),
	   "rw_verify_area(): (ssize_t)count < 0"),
	H("pread ending past 2^63", rd_end_top, ALL(EN(EINVAL)),
	   "rw_verify_area(): pos + count < 0"),
	H("pread of 0 bytes at 2^63", rd_zero_top, ALL(EN(EINVAL)),
	   "ksys_pread64(): pos < 0, before the count"),
	HL("pread at the BAR end", rd_past_end, ALL(EN(EINVAL)),
	   "vfio_pci_bar_rw(): pos >= end", LG),
	H("pread in no cookie", rd_far, ALL(EN(EINVAL)),
	   "vfio_pci_rw(): index >= 9 + num_regions"),
	H("pread across the config end", rd_config_past, ALL(EN(EFAULT)),
	   "vfio_config_do_rw(): *ppos + count > cfg_size"),
	H("pread into NULL", rd_null_buf, ALL(EN(EFAULT)),
	   "vfio_pci_core_do_io_rw(): copy_to_user()"),
	H("pread of VGA without VGA", rd_no_vga, ALL(EN(EINVAL)),
	   "vfio_pci_rw(): no VGA region"),
	H("pread on a closed fd", rd_bad_fd, ALL(EN(EBADF)),
	   "ksys_pread64(): fdget()"),
	H("pread of an alias region", rd_alias, D4(NA, NA, EN(EINVAL), NA),
	   "alias regions are mmap-only (20250814115247.4458764a)"),
	H("pwrite to the ROM", wr_rom, ALL(EN(EINVAL)),
	   "vfio_pci_rw(): the ROM is read-only"),
	H("pwrite to an empty BAR", wr_empty_bar, ALL(EN(EINVAL)),
	   "vfio_pci_bar_rw(): BAR not assigned"),
	H("pwrite from NULL to PCI_COMMAND", wr_null_command, ALL(EN(EFAULT)),
	   "vfio_config_do_rw(): copy_from_user(), no zap"),
	H("pwrite from NULL to a BAR", wr_null_bar, ALL(EN(EFAULT)),
	   "vfio_pci_core_do_io_rw(): copy_from_user()"),
	H("pwrite of 0 bytes", wr_zero, ALL(0),
	   "vfio_pci_core_write(): !count"),
	H("pwrite at 2^63", wr_top, ALL(EN(EINVAL)),
	   "ksys_pwrite64(): pos < 0"),
	H("mmap of 0 bytes", map_len_0, ALL(EN(EINVAL)),
	   "do_mmap(): !len"),
	H("mmap at an unaligned offset", map_unaligned, ALL(EN(EINVAL)),
	   "sys_mmap(): off & ~PAGE_MASK"),
	H("mmap of 2^64-1 bytes", map_len_wraps, ALL(EN(ENOMEM)),
	   "do_mmap(): PAGE_ALIGN(len) wraps to 0"),
	H("mmap of 2^60 bytes", map_len_huge, ALL(EN(ENOMEM)),
	   "__get_unmapped_area(): len > TASK_SIZE"),
	H("mmap whose offset wraps", map_off_wraps, ALL(EN(EOVERFLOW)),
	   "file_mmap_ok(): pgoff past ULONG_MAX - len"),
	H("mmap neither shared nor private", map_no_type, ALL(EN(EINVAL)),
	   "do_mmap(): MAP_TYPE default"),
	H("mmap MAP_SHARED_VALIDATE | MAP_SYNC", map_validate_sync,
	   ALL(EN(EOPNOTSUPP)),
	   "do_mmap(): flags & ~LEGACY_MAP_MASK"),
	H("mmap MAP_HUGETLB", map_hugetlb, ALL(EN(EINVAL)),
	   "ksys_mmap_pgoff(): MAP_HUGETLB on a non-hugetlbfs file"),
	H("mmap MAP_GROWSDOWN", map_growsdown, ALL(EN(EINVAL)),
	   "do_mmap(): VM_GROWSDOWN on a shared file mapping"),
	H("mmap MAP_FIXED unaligned", map_fixed_unaligned, ALL(EN(EINVAL)),
	   "__get_unmapped_area(): offset_in_page(addr)"),
	H("mmap MAP_FIXED past TASK_SIZE", map_fixed_too_high, ALL(EN(ENOMEM)),
	   "__get_unmapped_area(): addr > TASK_SIZE - len"),
	H("mmap MAP_FIXED_NOREPLACE over a VMA", map_fixed_noreplace,
	   ALL(EN(EEXIST)),
	   "do_mmap(): find_vma_intersection()"),
	H("mmap MAP_PRIVATE", map_private, ALL(EN(EINVAL)),
	   "vfio_pci_core_mmap(): !(vma->vm_flags & VM_SHARED)"),
	H("mmap across the BAR end", map_crosses_end,
	   D4(EN(EINVAL), EN(EINVAL), EN(EINVAL), EN(ENXIO)),
	   "vfio_pci_core_mmap(): req_start + req_len > phys_len; getmmap: "
	     "one cookie (20250716184028.GA2177603)"),
	H("mmap in no cookie", map_far,
	   D4(EN(EINVAL), EN(EINVAL), EN(EINVAL), EN(ENXIO)),
	   "vfio_pci_core_mmap(): index >= 9 + num_regions; getmmap: miss"),
	H("mmap at 2^63", map_top,
	   D4(EN(EINVAL), EN(EINVAL), EN(EINVAL), EN(ENXIO)),
	   "vfio_pci_core_mmap(): index >= 9 + num_regions; getmmap: miss"),
	H("mmap of config space", map_config, ALL(EN(EINVAL)),
	   "vfio_pci_core_mmap(): index >= VFIO_PCI_ROM_REGION_INDEX"),
	H("mmap of the ROM", map_rom, ALL(EN(EINVAL)),
	   "vfio_pci_core_mmap(): index >= VFIO_PCI_ROM_REGION_INDEX"),
	H("mmap of an I/O BAR", map_io_bar, ALL(EN(EINVAL)),
	   "vfio_pci_core_mmap(): !bar_mmap_supported"),
	H("mmap of an empty BAR", map_empty_bar, ALL(EN(EINVAL)),
	   "vfio_pci_core_mmap(): !bar_mmap_supported"),
	H("mmap on a closed fd", map_bad_fd, ALL(EN(EBADF)),
	   "ksys_mmap_pgoff(): fget()"),
	HC("mmap PROT_EXEC", map_exec, ALL(0),
	   "vfio_pci_core_mmap() checks no protection (qemu-vfio.md)"),
	H("mmap the WC cookie MAP_PRIVATE", map_wc_private,
	   D4(NA, EN(EINVAL), EN(EINVAL), EN(EINVAL)),
	   "vfio_pci_core_mmap(), iommufd_fops_mmap(): VM_SHARED"),
	H("mmap the WC cookie past its end", map_wc_crosses,
	   D4(NA, EN(EINVAL), EN(EINVAL), EN(ENXIO)),
	   "vfio_pci_core_mmap(): past the end; getmmap: one cookie"),
	H("mmap fd A's WC cookie on another device", map_wc_other_device,
	   D4(NA, NA, EN(EINVAL), EN(ENXIO)),
	   "vf1 has no such cookie: vfio_pci_core_mmap(); getmmap: miss"),
	H("mmap fd A's WC cookie on fd B", map_wc_same_device,
	   D4(NA, NA, NA, EN(ENXIO)),
	   "getmmap cookies are per fd: fd B misses"),
	HL("mmap fd A's alias offset on fd B", map_wc_same_device,
	   D4(NA, NA, EN(EINVAL), NA),
	   "packed per fd: fd B has its alias elsewhere", CK),
	H("munmap unaligned", unmap_unaligned, ALL(EN(EINVAL)),
	   "do_vmi_munmap(): offset_in_page(start)"),
	H("munmap of 0 bytes", unmap_len_0, ALL(EN(EINVAL)),
	   "do_vmi_munmap(): end == start"),
	H("munmap past TASK_SIZE", unmap_too_high, ALL(EN(EINVAL)),
	   "do_vmi_munmap(): start > TASK_SIZE"),
	H("munmap whose length wraps", unmap_len_wraps, ALL(EN(EINVAL)),
	   "do_vmi_munmap(): len > TASK_SIZE - start"),
	H("munmap of a hole", unmap_hole, ALL(0),
	   "do_vmi_munmap(): no VMA there, 0"),
	H("dup2 of a closed fd", dup_bad_fd, ALL(EN(EBADF)),
	   "ksys_dup3(): fget()"),
	H("dup2 onto fd 64", dup_new_64, ALL(EN(EBADF)),
	   "ksys_dup3(): newfd >= rlimit(RLIMIT_NOFILE)"),
	H("dup2 onto fd -1", dup_new_negative, ALL(EN(EBADF)),
	   "ksys_dup3(): newfd >= rlimit (unsigned)"),
	H("dup2 onto itself", dup_onto_itself, ALL(FD_A),
	   "dup2(): oldfd == newfd returns it, nothing else"),
	H("close of a closed fd", close_bad_fd, ALL(EN(EBADF)),
	   "close_fd(): no file"),
	H("close of fd -1", close_negative, ALL(EN(EBADF)),
	   "close_fd(): no file"),
	H("open onto a taken fd", open_in_use, ALL(EN(EMFILE)),
	   "the simulator's fd table: numbers are the trace's"),
	H("open onto fd 64", open_fd_64, ALL(EN(EMFILE)),
	   "alloc_fd(): past RLIMIT_NOFILE"),
};

/* ---- the runner ---- */

static char *snapshot(struct vfiosim_vfio *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(vfiosim_vfio_dump(v, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static bool applies(const struct hcase *hc, enum vfiosim_design d,
		    enum vfiosim_layout l)
{
	return hc->expect[d] != NA &&
	       (!hc->layouts || (hc->layouts & (1u << l)));
}

/* One case on a fresh system; false (and why, on stderr) if it fails. */
static bool run_case(const struct hcase *hc, enum vfiosim_design d,
		     enum vfiosim_layout l)
{
	const char *tag = vfiosim_design_name(d), *why = NULL;
	char *before, *after;
	struct hctx c;
	bool ok = true;
	long ret;

	setup_system(&c, d, l);
	if (hc->prepare)
		hc->prepare(&c);
	before = snapshot(c.v);
	ret = hc->run(&c);
	after = snapshot(c.v);
	if (ret != hc->expect[d]) {
		fprintf(stderr, "%s/%s: %s: got %ld, want %ld (%s)\n", tag,
			vfiosim_layout_name(l), hc->name, ret, hc->expect[d],
			hc->check);
		ok = false;
	}
	if (!hc->changes && strcmp(before, after)) {
		fprintf(stderr, "%s/%s: %s: the state changed\n--- before\n%s"
			"--- after\n%s", tag, vfiosim_layout_name(l), hc->name,
			before, after);
		ok = false;
	}
	if (hc->changes && !strcmp(before, after)) {
		fprintf(stderr, "%s/%s: %s: it changed nothing\n", tag,
			vfiosim_layout_name(l), hc->name);
		ok = false;
	}
	if (!vfiosim_vfio_validate(c.v, &why)) {
		fprintf(stderr, "%s/%s: %s: invalid: %s\n", tag,
			vfiosim_layout_name(l), hc->name, why);
		ok = false;
	}
	free(before);
	free(after);
	vfiosim_vfio_free(c.v);
	return ok;
}

static unsigned int count_cases(enum vfiosim_design d)
{
	unsigned int i, l, n = 0;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (l = 0; l < VFIOSIM_LAYOUT_NR; l++) {
			if (applies(&cases[i], d, l)) {
				n++;
				break;
			}
		}
	}
	return n;
}

static void setup(void)
{
	vfiosim_init_thread();
	sim_warn_reset();
	make_devices();
}

static void teardown(void)
{
	long live = sim_live_allocs();

	vfiosim_exit_thread();
	ck_assert_msg(live == 0, "%ld allocations live after the cases", live);
	ck_assert_uint_eq(sim_warn_count(), 0);
}

/* Every case that applies to design _i, under each layout. */
START_TEST(test_hostile_design)
{
	enum vfiosim_design d = _i;
	unsigned int i, runs = 0, failed = 0;
	int l;

	for (l = 0; l < VFIOSIM_LAYOUT_NR; l++) {
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			if (!applies(&cases[i], d, l))
				continue;
			runs++;
			if (!run_case(&cases[i], d, l))
				failed++;
		}
	}
	ck_assert_msg(!failed, "%s: %u of %u hostile calls failed",
		      vfiosim_design_name(d), failed, runs);
	ck_assert_msg(sim_live_allocs() == 0, "%s: allocations left",
		      vfiosim_design_name(d));
}
END_TEST

/* At least 50 distinct hostile cases for each design. */
START_TEST(test_hostile_counts)
{
	int d;

	for (d = 0; d < VFIOSIM_DESIGN_NR; d++) {
		unsigned int n = count_cases(d);

		fprintf(stderr, "hostile: %s: %u cases\n",
			vfiosim_design_name(d), n);
		ck_assert_uint_ge(n, 50);
	}
}
END_TEST

/*
 * A zap that misses nothing, and a failed pwrite to PCI_COMMAND that does
 * not zap: the counter and the memory-enable state stay as they were.
 */
START_TEST(test_hostile_command_write_needs_its_bytes)
{
	static const uint8_t off[2] = { 0x00, 0x00 };
	struct hctx c;
	char *before, *after;
	int d;

	for (d = 0; d < VFIOSIM_DESIGN_NR; d++) {
		setup_system(&c, d, VFIOSIM_LAYOUT_COMPACT);
		before = snapshot(c.v);
		/* the low byte unknown: nothing to decide on */
		ck_assert_int_eq(vfiosim_vfio_pwrite(c.v, P, FD_A, off, 0, 2,
						     c.a[7] + 4), 2);
		after = snapshot(c.v);
		ck_assert_str_eq(before, after);
		free(after);
		/* memory decode off: the BAR VMA is zapped */
		ck_assert_int_eq(vfiosim_vfio_pwrite(c.v, P, FD_A, off, 2, 2,
						     c.a[7] + 4), 2);
		after = snapshot(c.v);
		ck_assert_str_ne(before, after);
		ck_assert_uint_eq(vfiosim_vfio_zap_missed(c.v), 0);
		ck_assert_int_eq(vfiosim_vfio_pread(c.v, P, FD_A, NULL, 0, 4,
						    c.a[0]), -EIO);
		free(before);
		free(after);
		vfiosim_vfio_free(c.v);
	}
}
END_TEST

static Suite *hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("uapi");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_hostile_counts);
	tcase_add_loop_test(tc, test_hostile_design, 0, VFIOSIM_DESIGN_NR);
	tcase_add_test(tc, test_hostile_command_write_needs_its_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(hostile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
