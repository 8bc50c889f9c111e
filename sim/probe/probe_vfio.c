// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiosim-probe: finding the real device and getting a device fd for it,
 * the three ways a VFIO client can: a type1 container with the device's
 * IOMMU group, a noiommu group, or the device cdev bound to an iommufd.
 *
 * The container and group of a device stay open until the probe exits, so
 * a trace that opens the same device twice gets a second GET_DEVICE_FD on
 * the same group, as QEMU and DPDK do.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "probe.h"

/*
 * The cdev and iommufd ioctls are newer than the uapi headers of Debian 12
 * (6.1); their numbers and layouts are fixed uAPI (include/uapi/linux/
 * vfio.h and iommufd.h of 6.6 and later).
 */
#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};
#define VFIO_DEVICE_BIND_IOMMUFD	_IO(VFIO_TYPE, VFIO_BASE + 18)
struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 19)
#endif

struct probe_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define PROBE_IOMMUFD_TYPE		(';')
#define PROBE_IOMMU_IOAS_ALLOC		_IO(PROBE_IOMMUFD_TYPE, 0x81)

#define SYSFS_PCI	"/sys/bus/pci/devices"

static int read_hex_file(const char *bdf, const char *name, unsigned long *v)
{
	char path[PATH_MAX], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/%s", bdf, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*v = strtoul(buf, NULL, 16);
	return 0;
}

static bool ids_match(const struct vfiosim_device *d, const char *bdf)
{
	unsigned long vendor, device;

	if (read_hex_file(bdf, "vendor", &vendor) ||
	    read_hex_file(bdf, "device", &device))
		return false;
	return (!d->vendor || d->vendor == vendor) &&
	       (!d->device || d->device == device);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int probe_find_bdf(const struct vfiosim_device *d, const char *wanted,
		   char *bdf, size_t len)
{
	char path[PATH_MAX];
	char *names[256];
	unsigned int n = 0, i;
	struct dirent *de;
	int ret = -1;
	DIR *dir;

	if (wanted) {
		snprintf(path, sizeof(path), SYSFS_PCI "/%s", wanted);
		if (access(path, F_OK)) {
			fprintf(stderr, "vfiosim-probe: no PCI device %s\n",
				wanted);
			return -1;
		}
		snprintf(bdf, len, "%s", wanted);
		return 0;
	}
	/* The trace's own address, if the device there is the one named. */
	if (d->bdf[0] && ids_match(d, d->bdf)) {
		snprintf(bdf, len, "%s", d->bdf);
		return 0;
	}
	dir = opendir(SYSFS_PCI);
	if (!dir) {
		perror("vfiosim-probe: " SYSFS_PCI);
		return -1;
	}
	while ((de = readdir(dir)) && n < 256) {
		if (de->d_name[0] == '.')
			continue;
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(dir);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n; i++) {
		if (ret && ids_match(d, names[i])) {
			snprintf(bdf, len, "%s", names[i]);
			ret = 0;
		}
		free(names[i]);
	}
	if (ret)
		fprintf(stderr, "vfiosim-probe: no PCI device %04x:%04x for "
			"dev %s (map one with --map %s=BDF)\n", d->vendor,
			d->device, d->name, d->name);
	return ret;
}

static int iommu_group_of(const char *bdf)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	base = strrchr(link, '/');
	return atoi(base ? base + 1 : link);
}

static int group_setup(struct probe_vfio *v, struct probe_group *g)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	long type;

	snprintf(path, sizeof(path), "/dev/vfio/%d", g->id);
	g->group = open(path, O_RDWR | O_CLOEXEC);
	if (g->group < 0 && errno == ENOENT) {
		snprintf(path, sizeof(path), "/dev/vfio/noiommu-%d", g->id);
		g->group = open(path, O_RDWR | O_CLOEXEC);
		g->noiommu = true;
	}
	if (g->group < 0)
		return -errno;
	g->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (g->container < 0)
		return -errno;
	if (ioctl(g->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return -EINVAL;
	if (ioctl(g->group, VFIO_GROUP_GET_STATUS, &status))
		return -errno;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		fprintf(stderr, "vfiosim-probe: group %d is not viable (bind "
			"every device of it to vfio-pci)\n", g->id);
		return -EBUSY;
	}
	if (ioctl(g->group, VFIO_GROUP_SET_CONTAINER, &g->container))
		return -errno;
	if (g->noiommu)
		type = VFIO_NOIOMMU_IOMMU;
	else if (ioctl(g->container, VFIO_CHECK_EXTENSION,
		       VFIO_TYPE1v2_IOMMU) > 0)
		type = VFIO_TYPE1v2_IOMMU;
	else
		type = VFIO_TYPE1_IOMMU;
	if (ioctl(g->container, VFIO_SET_IOMMU, type))
		return -errno;
	if (v->verbose)
		fprintf(stderr, "vfiosim-probe: %s, container %d, IOMMU type "
			"%ld\n", path, g->container, type);
	return 0;
}

static int group_get(struct probe_vfio *v, const char *bdf,
		     struct probe_group **out)
{
	struct probe_group *g;
	unsigned int i;
	int id, ret;

	id = iommu_group_of(bdf);
	if (id < 0)
		return id;
	for (i = 0; i < v->nr_groups; i++) {
		if (v->groups[i].id == id) {
			*out = &v->groups[i];
			return 0;
		}
	}
	if (v->nr_groups == PROBE_MAX_GROUPS)
		return -ENOSPC;
	g = &v->groups[v->nr_groups++];
	g->id = id;
	g->noiommu = false;
	g->container = -1;
	g->group = -1;
	ret = group_setup(v, g);
	if (ret) {
		if (g->group >= 0)
			close(g->group);
		if (g->container >= 0)
			close(g->container);
		v->nr_groups--;
		return ret;
	}
	*out = g;
	return 0;
}

static int cdev_open(struct probe_vfio *v, const char *bdf)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
	};
	char path[PATH_MAX], dev[300] = "";
	struct dirent *de;
	DIR *dir;
	int fd, err;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)))
		if (!strncmp(de->d_name, "vfio", 4))
			snprintf(dev, sizeof(dev), "/dev/vfio/devices/%s",
				 de->d_name);
	closedir(dir);
	if (!dev[0])
		return -ENODEV;
	if (v->iommufd < 0) {
		struct probe_ioas_alloc alloc = { .size = sizeof(alloc) };

		v->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
		if (v->iommufd < 0)
			return -errno;
		if (ioctl(v->iommufd, PROBE_IOMMU_IOAS_ALLOC, &alloc))
			return -errno;
		v->ioas = alloc.out_ioas_id;
	}
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	bind.iommufd = v->iommufd;
	attach.pt_id = v->ioas;
	if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) ||
	    ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int probe_open_device(struct probe_vfio *v, const char *bdf,
		      enum probe_via via)
{
	struct probe_group *g;
	int fd, ret;

	if (via == PROBE_VIA_CDEV)
		return cdev_open(v, bdf);
	ret = group_get(v, bdf, &g);
	if (ret)
		return ret;
	if (via == PROBE_VIA_NOIOMMU && !g->noiommu)
		return -ENODEV;
	fd = ioctl(g->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	return fd < 0 ? -errno : fd;
}

void probe_vfio_release(struct probe_vfio *v)
{
	unsigned int i;

	/* The order QEMU tears down in: unset, then close group, container. */
	for (i = 0; i < v->nr_groups; i++) {
		ioctl(v->groups[i].group, VFIO_GROUP_UNSET_CONTAINER);
		close(v->groups[i].group);
		close(v->groups[i].container);
	}
	v->nr_groups = 0;
	if (v->iommufd >= 0)
		close(v->iommufd);
	v->iommufd = -1;
}

void probe_kernel_release(char *buf, size_t len)
{
	struct utsname u;

	if (uname(&u))
		snprintf(buf, len, "Linux (unknown)");
	else
		snprintf(buf, len, "%s %s", u.sysname, u.release);
}

/* ---- --describe: a catalog entry from what the kernel answers ---- */

static int cfg_read(int fd, uint64_t cfg, unsigned int pos, void *buf,
		    size_t len)
{
	return pread(fd, buf, len, cfg + pos) == (ssize_t)len ? 0 : -1;
}

struct msix_place {
	bool found;
	unsigned int table_bar, pba_bar;
	uint32_t table_off, pba_off, vectors;
};

static void find_msix(int fd, uint64_t cfg, struct msix_place *m)
{
	uint16_t status, ctrl;
	uint32_t table, pba;
	uint8_t pos, id;
	unsigned int guard;

	m->found = false;
	if (cfg_read(fd, cfg, 0x06, &status, 2) || !(status & 0x10))
		return;
	if (cfg_read(fd, cfg, 0x34, &pos, 1))
		return;
	for (guard = 0; pos >= 0x40 && guard < 48; guard++) {
		if (cfg_read(fd, cfg, pos, &id, 1))
			return;
		if (id == 0x11) {
			if (cfg_read(fd, cfg, pos + 2, &ctrl, 2) ||
			    cfg_read(fd, cfg, pos + 4, &table, 4) ||
			    cfg_read(fd, cfg, pos + 8, &pba, 4))
				return;
			m->found = true;
			m->vectors = (ctrl & 0x7ff) + 1;
			m->table_bar = table & 7;
			m->table_off = table & ~7u;
			m->pba_bar = pba & 7;
			m->pba_off = pba & ~7u;
			return;
		}
		if (cfg_read(fd, cfg, pos + 1, &pos, 1))
			return;
	}
}

static const char *const region_names[] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "CONFIG", "VGA",
};

static const char *const irq_names[] = { "INTX", "MSI", "MSIX", "ERR", "REQ" };

static void describe_region(FILE *out, int fd, const char *name,
			    unsigned int i, uint64_t cfg,
			    const struct msix_place *m)
{
	uint8_t buf[1024];
	struct vfio_region_info *ri = (void *)buf;
	struct vfio_info_cap_header *h;
	char flags[64];
	uint32_t bar;
	unsigned int at, guard, k;

	memset(buf, 0, sizeof(buf));
	ri->argsz = sizeof(buf);
	ri->index = i;
	fprintf(out, "reg %s %u %s", name, i,
		i < 9 ? region_names[i] : "DEVSPECIFIC");
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, ri)) {
		fprintf(out, " absent\n");
		return;
	}
	if (i <= VFIO_PCI_BAR5_REGION_INDEX && ri->size &&
	    !cfg_read(fd, cfg, 0x10 + 4 * i, &bar, 4) && (bar & 1))
		fputs(" io", out);
	vfiosim_list_format(VFIOSIM_LIST_REGION,
			    ri->flags & (VFIOSIM_REG_R | VFIOSIM_REG_W |
					 VFIOSIM_REG_MMAP), flags,
			    sizeof(flags));
	fprintf(out, " size=0x%" PRIx64 " flags=%s", (uint64_t)ri->size,
		flags);
	at = (ri->flags & VFIO_REGION_INFO_FLAG_CAPS) ? ri->cap_offset : 0;
	for (guard = 0; at && at + sizeof(*h) <= sizeof(buf) && guard < 16;
	     guard++) {
		h = (void *)(buf + at);
		if (h->id == VFIO_REGION_INFO_CAP_MSIX_MAPPABLE) {
			fputs(" msix_mappable", out);
		} else if (h->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
			struct vfio_region_info_cap_sparse_mmap *s = (void *)h;

			for (k = 0; k < s->nr_areas && k < VFIOSIM_MAX_SPARSE;
			     k++)
				fprintf(out, "%s0x%llx+0x%llx",
					k ? "," : " sparse=",
					(unsigned long long)s->areas[k].offset,
					(unsigned long long)s->areas[k].size);
		} else if (h->id == VFIO_REGION_INFO_CAP_TYPE) {
			struct vfio_region_info_cap_type *t = (void *)h;

			fprintf(out, " type=%x/%x", t->type, t->subtype);
		}
		at = h->next;
	}
	if (m->found && m->table_bar == i)
		fprintf(out, " msix=0x%" PRIx32 "+0x%" PRIx32, m->table_off,
			m->vectors * 16);
	if (m->found && m->pba_bar == i)
		fprintf(out, " pba=0x%" PRIx32 "+0x%" PRIx32, m->pba_off,
			(m->vectors + 63) / 64 * 8);
	fputc('\n', out);
}

uint32_t probe_region_result(struct vfiosim_result *r,
			     const struct vfio_region_info *ri, size_t len,
			     uint32_t argsz, uint32_t index)
{
	const struct vfio_info_cap_header *h;
	uint32_t at = 0, unknown = 0;
	unsigned int guard;

	memset(r, 0, sizeof(*r));
	r->present = true;
	r->has_argsz = r->has_flags = r->has_size = r->has_off = true;
	r->argsz = ri->argsz;
	r->flags = ri->flags;
	r->size = ri->size;
	r->off.kind = VFIOSIM_ADDR_REGION;
	r->off.index = index;
	r->off.from_fd = -1;
	if ((ri->flags & VFIO_REGION_INFO_FLAG_CAPS) && ri->argsz <= argsz) {
		at = ri->cap_offset;
		r->has_caps = at != 0;
	}
	if (len > ri->argsz)
		len = ri->argsz;
	for (guard = 0; at && guard < 32; guard++) {
		if (at < sizeof(*ri) || at + sizeof(*h) > len)
			break;
		h = (const void *)((const uint8_t *)ri + at);
		if (h->id >= 1 && h->id <= 3)
			r->caps |= 1u << h->id;
		else if (!unknown)
			unknown = h->id;
		at = h->next;
	}
	return unknown;
}

int probe_describe_fd(int fd, const char *bdf, const char *name, FILE *out)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info cfgi = { .argsz = sizeof(cfgi) };
	struct msix_place m = { .found = false };
	uint16_t ids[2];
	uint8_t cls[3];
	char flags[64];
	unsigned int i;

	cfgi.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(fd, VFIO_DEVICE_GET_INFO, &info) ||
	    ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &cfgi) ||
	    cfg_read(fd, cfgi.offset, 0, ids, 4) ||
	    cfg_read(fd, cfgi.offset, 9, cls, 3))
		return -1;
	find_msix(fd, cfgi.offset, &m);
	vfiosim_list_format(VFIOSIM_LIST_DEVICE, info.flags &
			    (VFIOSIM_DEV_PCI | VFIOSIM_DEV_RESET |
			     VFIOSIM_DEV_CAPS), flags, sizeof(flags));
	fprintf(out, "dev %s bdf=%s vendor=%04x device=%04x class=%02x%02x%02x "
		"cfgsize=%llu flags=%s regions=%u irqs=%u\n", name, bdf,
		ids[0], ids[1], cls[2], cls[1], cls[0],
		(unsigned long long)cfgi.size, flags, info.num_regions,
		info.num_irqs);
	for (i = 0; i < info.num_regions && i < VFIOSIM_MAX_REGIONS; i++)
		describe_region(out, fd, name, i, cfgi.offset, &m);
	for (i = 0; i < info.num_irqs && i < VFIOSIM_MAX_IRQS; i++) {
		struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = i };

		fprintf(out, "irq %s %u %s", name, i, i < 5 ? irq_names[i] :
			"IRQ");
		if (ioctl(fd, VFIO_DEVICE_GET_IRQ_INFO, &irq)) {
			/* ERR on conventional PCI: -EINVAL, declared count 0 */
			fprintf(out, " count=0 # GET_IRQ_INFO: -%s\n",
				vfiosim_errno_name(errno));
			continue;
		}
		vfiosim_list_format(VFIOSIM_LIST_IRQ, irq.flags, flags,
				    sizeof(flags));
		fprintf(out, " count=%u flags=%s\n", irq.count, flags);
	}
	return 0;
}

int probe_describe(struct probe_vfio *v, const char *bdf, const char *name,
		   FILE *out)
{
	int fd, ret;

	fd = probe_open_device(v, bdf, PROBE_VIA_GROUP);
	if (fd < 0) {
		fprintf(stderr, "vfiosim-probe: %s: %s\n", bdf, strerror(-fd));
		return -1;
	}
	ret = probe_describe_fd(fd, bdf, name, out);
	if (ret)
		perror("vfiosim-probe: describe");
	close(fd);
	return ret;
}
