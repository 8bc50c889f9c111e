// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioctl() of the simulated VFIO device fd, at the uAPI level: each command
 * copies the user's struct of <linux/vfio.h> (or of vfiosim/proposed_uapi.h)
 * in, makes the checks the kernel makes before the driver is involved, in
 * the kernel's order, asks the device model (model.h) and copies the answer
 * out.  A NULL @arg is an address copy_from_user() cannot read.  This unit
 * sees the uAPI and libc, never the kernel shim.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vfiosim/proposed_uapi.h"
#include "model.h"
#include "uapi.h"

#define sim_offsetofend(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

/* copy_from_user(), copy_to_user(): the only fault is a NULL address. */
static int from_user(void *to, const void *from, size_t n)
{
	if (!from)
		return -EFAULT;
	memcpy(to, from, n);
	return 0;
}

static int to_user(void *to, const void *from, size_t n)
{
	if (!to)
		return -EFAULT;
	memcpy(to, from, n);
	return 0;
}

/* vfio_pci_ioctl_get_info() */
static long get_info(struct vfiosim_vfio *v, struct sim_file *f, void *arg)
{
	size_t minsz = sim_offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	memset(&info, 0, sizeof(info));
	if (from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	minsz = info.argsz < sizeof(info) ? info.argsz : sizeof(info);
	sim_vfio_device_info(v, f, &info.flags, &info.num_regions,
			     &info.num_irqs);
	return to_user(arg, &info, minsz);
}

/* vfio_get_region_info() of v6.19 and vfio_pci_ioctl_get_region_info() */
static long get_region_info(struct vfiosim_vfio *v, struct sim_file *f,
			    void *arg)
{
	size_t minsz = sim_offsetofend(struct vfio_region_info, offset);
	uint64_t sparse[2 * VFIOSIM_MAX_SPARSE];
	struct sim_region_reply rep;
	struct vfio_region_info info;
	uint8_t buf[SIM_UAPI_BUF];
	int ret;

	if (from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	memset(&rep, 0, sizeof(rep));
	ret = sim_vfio_region_info(v, f, info.index, &rep, sparse);
	if (ret)
		return ret;
	rep.argsz = info.argsz;
	ret = sim_uapi_region_info(&rep, buf);
	if (ret < 0)
		return ret;
	/* The chain after the struct, then the struct's first minsz bytes. */
	if ((size_t)ret > minsz &&
	    to_user((uint8_t *)arg + sizeof(info), buf + sizeof(info),
		    ret - sizeof(info)))
		return -EFAULT;
	/* The index as the caller gave it: the reply leaves it 0. */
	memcpy(buf + offsetof(struct vfio_region_info, index), &info.index,
	       sizeof(info.index));
	return to_user(arg, buf, minsz);
}

/* vfio_pci_ioctl_get_irq_info() */
static long get_irq_info(struct vfiosim_vfio *v, struct sim_file *f,
			 void *arg)
{
	size_t minsz = sim_offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	int ret;

	if (from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	ret = sim_vfio_irq_info(v, f, info.index, &info.count, &info.flags);
	if (ret)
		return ret;
	return to_user(arg, &info, minsz);
}

#define IRQ_TYPE(index)	((index) + 1)	/* 0 is VFIO_PCI_NUM_IRQS: none */

/*
 * vfio_pci_set_intx_trigger(): count 0 with DATA_NONE disables INTx when it
 * is on; otherwise INTx (or nothing) must be on, start 0 and count 1, and
 * an eventfd enables it.
 */
static long intx_trigger(struct vfiosim_vfio *v, struct sim_file *f,
			 const struct vfio_irq_set *hdr)
{
	uint32_t type = sim_vfio_irq_type(v, f), intx = IRQ_TYPE(hdr->index);
	uint32_t data = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;

	if (type == intx && !hdr->count && data == VFIO_IRQ_SET_DATA_NONE) {
		sim_vfio_set_irq_type(v, f, 0);
		return 0;
	}
	if ((type != intx && type) || hdr->start || hdr->count != 1)
		return -EINVAL;
	if (data == VFIO_IRQ_SET_DATA_EVENTFD)
		sim_vfio_set_irq_type(v, f, intx);
	return 0;
}

/*
 * vfio_pci_set_msi_trigger(): count 0 with DATA_NONE disables MSI or MSI-X
 * when it is on; another type on gives -EINVAL; an eventfd enables it; a
 * NONE or BOOL trigger needs it on.
 */
static long msi_trigger(struct vfiosim_vfio *v, struct sim_file *f,
			const struct vfio_irq_set *hdr)
{
	uint32_t type = sim_vfio_irq_type(v, f), want = IRQ_TYPE(hdr->index);
	uint32_t data = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;

	if (type == want && !hdr->count && data == VFIO_IRQ_SET_DATA_NONE) {
		sim_vfio_set_irq_type(v, f, 0);
		return 0;
	}
	if (type != want && type)
		return -EINVAL;
	if (data == VFIO_IRQ_SET_DATA_EVENTFD) {
		if (hdr->count)
			sim_vfio_set_irq_type(v, f, want);
		return 0;
	}
	return type == want ? 0 : -EINVAL;
}

/*
 * vfio_pci_ioctl_set_irqs(): vfio_set_irqs_validate_and_prepare(), then
 * vfio_pci_set_irqs_ioctl()'s choice of a handler by index and action
 * (-ENOTTY when there is none), and the handlers' checks of the enabled
 * interrupt type.  The data array is not read: nothing here uses the
 * eventfds or bools.
 */
static long set_irqs(struct vfiosim_vfio *v, struct sim_file *f, void *arg)
{
	size_t minsz = sim_offsetofend(struct vfio_irq_set, count);
	uint32_t max, types = sim_vfio_nr_irq_types(v, f);
	struct vfio_irq_set hdr;
	uint32_t action;
	size_t size;

	if (from_user(&hdr, arg, minsz))
		return -EFAULT;
	max = sim_vfio_irq_count(v, f, hdr.index);
	if (hdr.argsz < minsz || hdr.index >= types ||
	    hdr.count >= UINT32_MAX - hdr.start ||
	    (hdr.flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK |
			   VFIO_IRQ_SET_ACTION_TYPE_MASK)))
		return -EINVAL;
	if (hdr.start >= max || hdr.start + hdr.count > max)
		return -EINVAL;
	switch (hdr.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		size = 0;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		size = sizeof(uint8_t);
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		size = sizeof(int32_t);
		break;
	default:
		return -EINVAL;
	}
	if (size && hdr.argsz - minsz < (size_t)hdr.count * size)
		return -EINVAL;

	action = hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	switch (hdr.index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return intx_trigger(v, f, &hdr);
		/* vfio_pci_set_intx_mask()/_unmask(): INTx must be on */
		if (action == VFIO_IRQ_SET_ACTION_MASK ||
		    action == VFIO_IRQ_SET_ACTION_UNMASK)
			return sim_vfio_irq_type(v, f) != IRQ_TYPE(hdr.index) ||
			       hdr.start || hdr.count != 1 ? -EINVAL : 0;
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_MSIX_IRQ_INDEX:
		/* "XXX Need masking support exported" */
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return msi_trigger(v, f, &hdr);
		break;
	case VFIO_PCI_ERR_IRQ_INDEX:	/* counted only on PCIe */
	case VFIO_PCI_REQ_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return 0;
		break;
	}
	return -ENOTTY;
}

/* vfio_pci_ioctl_ioeventfd() */
static long ioeventfd(struct vfiosim_vfio *v, struct sim_file *f, void *arg)
{
	size_t minsz = sim_offsetofend(struct vfio_device_ioeventfd, fd);
	struct vfio_device_ioeventfd ioev;
	uint32_t count;

	/* A variant driver without it: vfio_pci_core_ioctl() never runs. */
	if (!sim_vfio_has_ioeventfd(v, f))
		return -ENOTTY;
	if (from_user(&ioev, arg, minsz))
		return -EFAULT;
	if (ioev.argsz < minsz)
		return -EINVAL;
	if (ioev.flags & ~VFIO_DEVICE_IOEVENTFD_SIZE_MASK)
		return -EINVAL;
	count = ioev.flags & VFIO_DEVICE_IOEVENTFD_SIZE_MASK;
	if (__builtin_popcount(count) != 1 || ioev.fd < -1)
		return -EINVAL;
	return sim_vfio_ioeventfd(v, f, ioev.offset, ioev.data, count,
				 ioev.fd);
}

/* vfio_check_feature(): 1 to go on, else what the ioctl answers. */
static int check_feature(uint32_t flags, size_t argsz, uint32_t supported,
			 size_t minsz)
{
	if ((flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET)) &
	    ~supported)
		return -EINVAL;
	if (flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if (!(flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET)))
		return -EINVAL;
	if (argsz < minsz)
		return -EINVAL;
	return 1;
}

/* The alias RFC's handler (patch 7/7, 20250924141018.80202-8) */
static long feature_alias(struct vfiosim_vfio *v, struct sim_file *f,
			  uint32_t flags, void *data, size_t argsz)
{
	struct vfio_device_feature_alias_region alias;
	int ret;

	ret = check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET,
			    sizeof(alias));
	if (ret != 1)
		return ret;
	if (from_user(&alias, data, sizeof(alias)))
		return -EFAULT;
	if (alias.flags != VFIOSIM_ALIAS_REGION_FLAG_WC || alias._resv1 ||
	    alias._resv2)
		return -EINVAL;
	ret = sim_vfio_alias_region(v, f, alias.index, SIM_ATTR_WC,
				    &alias.alias_index);
	if (ret)
		return ret;
	return to_user(data, &alias, sizeof(alias));
}

/* vfio_ioctl_device_feature() */
static long feature(struct vfiosim_vfio *v, struct sim_file *f, void *arg)
{
	size_t minsz = sim_offsetofend(struct vfio_device_feature, flags);
	struct vfio_device_feature hdr;

	if (from_user(&hdr, arg, minsz))
		return -EFAULT;
	if (hdr.argsz < minsz)
		return -EINVAL;
	/* Check unknown flags */
	if (hdr.flags & ~(VFIO_DEVICE_FEATURE_MASK | VFIO_DEVICE_FEATURE_SET |
			  VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_PROBE))
		return -EINVAL;
	/* GET & SET are mutually exclusive except with PROBE */
	if (!(hdr.flags & VFIO_DEVICE_FEATURE_PROBE) &&
	    (hdr.flags & VFIO_DEVICE_FEATURE_SET) &&
	    (hdr.flags & VFIO_DEVICE_FEATURE_GET))
		return -EINVAL;
	if ((hdr.flags & VFIO_DEVICE_FEATURE_MASK) ==
	    VFIOSIM_DEVICE_FEATURE_ALIAS_REGION &&
	    sim_vfio_design(v) == VFIOSIM_DESIGN_ALIAS)
		return feature_alias(v, f, hdr.flags,
				     (uint8_t *)arg + minsz,
				     hdr.argsz - minsz);
	/*
	 * Every other feature: the device has no migration, DMA logging or
	 * VF token, and the simulator does not model low-power entry, so
	 * -ENOTTY as vfio_pci_core_ioctl_feature() answers one it lacks.
	 */
	return -ENOTTY;
}

/* RFC v1 patch 9/9: VFIO_DEVICE_SET_MMAP_ATTRS */
static long set_mmap_attrs(struct vfiosim_vfio *v, struct sim_file *f,
			   void *arg)
{
	struct vfio_mmap_attrs attrs;

	if (from_user(&attrs, arg, sizeof(attrs)))
		return -EFAULT;
	if (attrs.attrs & ~VFIO_MMAP_ATTR_WRITE_COMBINE)
		return -EINVAL;
	return sim_vfio_set_mmap_attrs(v, f, attrs.offset,
				       attrs.attrs ? SIM_ATTR_WC : 0);
}

/* Jason's GET_REGION_MMAP, with the rules of vfiosim/proposed_uapi.h */
static long get_region_mmap(struct vfiosim_vfio *v, struct sim_file *f,
			    void *arg)
{
	size_t minsz = sim_offsetofend(struct vfio_region_get_mmap, fd_offset);
	struct vfio_region_get_mmap req;
	uint64_t size, offset;
	int ret;

	if (from_user(&req, arg, minsz))
		return -EFAULT;
	if (req.argsz < minsz)
		return -EINVAL;
	if (req.mmap_flags & ~VFIOSIM_REGION_MMAP_FLAG_WC)
		return -EINVAL;
	ret = sim_vfio_get_region_mmap(v, f, req.region_index,
				       req.mmap_flags ? SIM_ATTR_WC : 0,
				       &size, &offset);
	if (ret)
		return ret;
	req.region_size = size;
	req.fd_offset = offset;
	return to_user(arg, &req, minsz);
}

long vfiosim_vfio_ioctl(struct vfiosim_vfio *v, int pid, int fd,
			unsigned long cmd, void *arg)
{
	struct sim_file *f = sim_vfio_begin(v, pid, fd);

	if (!f)
		return -EBADF;
	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return get_info(v, f, arg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return get_region_info(v, f, arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return get_irq_info(v, f, arg);
	case VFIO_DEVICE_SET_IRQS:
		return set_irqs(v, f, arg);
	case VFIO_DEVICE_RESET:
		return sim_vfio_reset(v, f);
	case VFIO_DEVICE_IOEVENTFD:
		return ioeventfd(v, f, arg);
	case VFIO_DEVICE_FEATURE:
		return feature(v, f, arg);
	case VFIO_DEVICE_SET_MMAP_ATTRS:
		if (sim_vfio_design(v) == VFIOSIM_DESIGN_SETATTR)
			return set_mmap_attrs(v, f, arg);
		break;
	case VFIOSIM_DEVICE_GET_REGION_MMAP:
		if (sim_vfio_design(v) == VFIOSIM_DESIGN_GETMMAP)
			return get_region_mmap(v, f, arg);
		break;
	}
	/* vfio_pci_core_ioctl(): an ioctl it does not know */
	return -ENOTTY;
}
