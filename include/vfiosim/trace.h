/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfiotrace 1: the in-memory form of a trace, its reader and its writer.
 * The format is specified in traces/README.md.
 */
#ifndef _VFIOSIM_TRACE_H
#define _VFIOSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VFIOSIM_MAX_REGIONS	32
#define VFIOSIM_MAX_IRQS	8
#define VFIOSIM_MAX_SPARSE	8
#define VFIOSIM_MAX_DEVICES	8
#define VFIOSIM_NAME_LEN	32
#define VFIOSIM_MAX_DATA	64	/* bytes of data= kept per event */

/* Region flags: the values of VFIO_REGION_INFO_FLAG_{READ,WRITE,MMAP,CAPS}. */
#define VFIOSIM_REG_R		(1u << 0)
#define VFIOSIM_REG_W		(1u << 1)
#define VFIOSIM_REG_MMAP	(1u << 2)
#define VFIOSIM_REG_CAPS	(1u << 3)

/* Device flags: the values of VFIO_DEVICE_FLAGS_{RESET,PCI,CAPS}. */
#define VFIOSIM_DEV_RESET	(1u << 0)
#define VFIOSIM_DEV_PCI		(1u << 1)
#define VFIOSIM_DEV_CAPS	(1u << 7)

/* IRQ flags: the values of VFIO_IRQ_INFO_*. */
#define VFIOSIM_IRQ_EVENTFD	(1u << 0)
#define VFIOSIM_IRQ_MASKABLE	(1u << 1)
#define VFIOSIM_IRQ_AUTOMASKED	(1u << 2)
#define VFIOSIM_IRQ_NORESIZE	(1u << 3)

/* Capabilities a region advertises (bit n = capability id n). */
#define VFIOSIM_CAP_SPARSE	(1u << 1)	/* VFIO_REGION_INFO_CAP_SPARSE_MMAP */
#define VFIOSIM_CAP_TYPE	(1u << 2)	/* VFIO_REGION_INFO_CAP_TYPE */
#define VFIOSIM_CAP_MSIX	(1u << 3)	/* VFIO_REGION_INFO_CAP_MSIX_MAPPABLE */

/* mmap prot and flags as the trace spells them. */
#define VFIOSIM_PROT_R		(1u << 0)
#define VFIOSIM_PROT_W		(1u << 1)
#define VFIOSIM_PROT_X		(1u << 2)
#define VFIOSIM_MAP_SHARED	(1u << 0)
#define VFIOSIM_MAP_PRIVATE	(1u << 1)
#define VFIOSIM_MAP_FIXED	(1u << 2)

struct vfiosim_range {
	uint64_t off;
	uint64_t len;
};

struct vfiosim_region {
	bool described;			/* a reg line (or the catalog) named it */
	char name[VFIOSIM_NAME_LEN];
	uint64_t size;
	uint32_t flags;			/* VFIOSIM_REG_R|W|MMAP */
	bool absent;			/* GET_REGION_INFO gives -EINVAL */
	bool io;			/* I/O-port BAR */
	bool msix_mappable;
	bool wc;			/* write-combining by driver policy */
	bool has_msix, has_pba, has_type, has_fill;
	struct vfiosim_range msix, pba;
	uint32_t type, subtype;
	uint64_t fill;
	unsigned int nr_sparse;
	struct vfiosim_range sparse[VFIOSIM_MAX_SPARSE];
};

struct vfiosim_irq {
	uint32_t count;
	uint32_t flags;
	bool described;			/* an irq line (or the catalog) named it */
	char name[VFIOSIM_NAME_LEN];	/* irq NAME: documentation */
};

struct vfiosim_device {
	char name[VFIOSIM_NAME_LEN];
	char from[VFIOSIM_NAME_LEN];	/* catalog entry it was copied from */
	char bdf[16];
	uint16_t vendor, device;
	uint32_t class_code;
	uint32_t cfgsize;
	uint32_t flags;			/* VFIOSIM_DEV_* */
	uint32_t nr_regions;		/* DEVICE_GET_INFO num_regions */
	uint32_t nr_irqs;		/* DEVICE_GET_INFO num_irqs */
	bool ioeventfd_enotty;
	struct vfiosim_region regions[VFIOSIM_MAX_REGIONS];
	struct vfiosim_irq irqs[VFIOSIM_MAX_IRQS];
};

enum vfiosim_op {
	VFIOSIM_OP_OPEN,
	VFIOSIM_OP_CLOSE,
	VFIOSIM_OP_DUP,
	VFIOSIM_OP_FORK,
	VFIOSIM_OP_INFO,
	VFIOSIM_OP_RINFO,
	VFIOSIM_OP_IRQINFO,
	VFIOSIM_OP_IRQSET,
	VFIOSIM_OP_RD,
	VFIOSIM_OP_WR,
	VFIOSIM_OP_MMAP,
	VFIOSIM_OP_MUNMAP,
	VFIOSIM_OP_RESET,
	VFIOSIM_OP_IOEVENTFD,
	VFIOSIM_OP_WC,
	VFIOSIM_OP_IOCTL,
	VFIOSIM_OP_NR,
};

enum vfiosim_addr_kind {
	VFIOSIM_ADDR_NONE,
	VFIOSIM_ADDR_REGION,		/* @I+OFF or @I/wc+OFF */
	VFIOSIM_ADDR_LITERAL,		/* !OFF */
};

struct vfiosim_addr {
	enum vfiosim_addr_kind kind;
	uint32_t index;
	bool wc;			/* @I/wc */
	uint64_t off;			/* OFF, or the literal offset */
	bool has_from;			/* from=fdN or from=pP.fdN */
	int from_pid;			/* the event's own pid for from=fdN */
	int from_fd;
};

/* irqset action= and data= */
enum vfiosim_irq_action { VFIOSIM_IRQ_TRIGGER, VFIOSIM_IRQ_MASK, VFIOSIM_IRQ_UNMASK };
enum vfiosim_irq_data { VFIOSIM_IRQ_DATA_NONE, VFIOSIM_IRQ_DATA_BOOL, VFIOSIM_IRQ_DATA_EVENTFD };

/*
 * The recorded result.  @present: the event has "= ...".  @err: 0 or a
 * negative errno.  @value: the bare integer result (bytes, fd).  Keyed
 * fields are present when their has_ bit is set.
 */
struct vfiosim_result {
	bool present;
	int err;
	bool has_value;
	int64_t value;
	bool has_argsz, has_flags, has_size, has_off, has_caps, has_va;
	bool has_regions, has_irqs, has_count;
	uint32_t argsz;
	uint32_t flags;
	uint64_t size;
	struct vfiosim_addr off;	/* rinfo off=@I or off=!OFF */
	uint32_t caps;			/* VFIOSIM_CAP_* */
	uint64_t va;
	uint32_t regions, irqs, count;
};

struct vfiosim_event {
	unsigned int line;		/* line in the trace file */
	enum vfiosim_op op;
	int pid;
	bool has_t;
	char t[24];			/* t= as written */
	int fd;				/* fd= (-1 when the op has none) */
	int new_fd;			/* dup new= */
	int child;			/* fork child= */
	int dev;			/* open dev=: index into trace->devices */
	char via[12];			/* open via= */
	uint32_t idx;			/* rinfo/irqinfo/irqset/wc idx= */
	bool has_argsz;
	uint32_t argsz;			/* info/rinfo argsz= */
	struct vfiosim_addr at;		/* rd/wr/mmap/ioeventfd at= */
	uint64_t len;			/* rd/wr/mmap/munmap len=, ioeventfd size= */
	uint32_t prot, mflags;		/* mmap prot= flags= */
	bool has_addr;
	uint64_t va;			/* mmap addr=, munmap va= */
	uint32_t start, count;		/* irqset */
	enum vfiosim_irq_action action;
	enum vfiosim_irq_data data_kind;
	uint64_t ioev_data;		/* ioeventfd data= */
	int efd;			/* ioeventfd efd= */
	uint64_t cmd;			/* ioctl cmd= */
	unsigned int data_len;		/* rd/wr data=: bytes kept */
	uint8_t data[VFIOSIM_MAX_DATA];
	char *comment;			/* trailing comment, kept by the writer */
	struct vfiosim_result expect;
};

struct vfiosim_meta {
	char *client, *source, *capture, *note;
};

struct vfiosim_trace {
	char *path;
	struct vfiosim_meta meta;
	unsigned int nr_devices;
	struct vfiosim_device devices[VFIOSIM_MAX_DEVICES];
	unsigned int nr_events;
	struct vfiosim_event *events;
};

/* A parse error: where, and what was expected. */
struct vfiosim_error {
	char file[256];
	unsigned int line;
	unsigned int column;
	char msg[256];
};

struct vfiosim_parse_opts {
	/* where dev from=NAME finds NAME.dev; NULL: from= is an error */
	const char *catalog_dir;
};

/*
 * Parse @len bytes of @text, named @path in messages.  Returns 0 and a new
 * trace in *@out, or -1 with @err filled in (never a partial trace).
 */
int vfiosim_trace_parse(const char *path, const char *text, size_t len,
			const struct vfiosim_parse_opts *opts,
			struct vfiosim_trace **out, struct vfiosim_error *err);
/* Read and parse a file ("-" is standard input). */
int vfiosim_trace_load(const char *path, const struct vfiosim_parse_opts *opts,
		       struct vfiosim_trace **out, struct vfiosim_error *err);
/* Write @trace in canonical form; parsing the output gives an equal trace. */
int vfiosim_trace_write(const struct vfiosim_trace *trace, FILE *out);
/* Are two traces equal in every field the format carries? */
bool vfiosim_trace_equal(const struct vfiosim_trace *a,
			 const struct vfiosim_trace *b, char *why, size_t len);
void vfiosim_trace_free(struct vfiosim_trace *trace);
/* num_regions when regions= is not given: 9, or the highest described + 1. */
unsigned int vfiosim_default_regions(const struct vfiosim_device *d);

/* "path:line:column: message" */
void vfiosim_error_print(const struct vfiosim_error *err, FILE *out);

const char *vfiosim_op_name(enum vfiosim_op op);
/* errno name ("EINVAL") of a positive errno, or NULL; and back. */
const char *vfiosim_errno_name(int err);
int vfiosim_errno_from_name(const char *name);

/* Write one event as its canonical line, '\n' included (0, or -1). */
int vfiosim_event_write(const struct vfiosim_trace *trace,
			const struct vfiosim_event *ev, FILE *out);

/* The list-valued keys, each with its own words. */
enum vfiosim_list {
	VFIOSIM_LIST_REGION,	/* reg flags= (R, W, MMAP); rinfo = flags= (+CAPS) */
	VFIOSIM_LIST_DEVICE,	/* dev flags=, info = flags= */
	VFIOSIM_LIST_IRQ,	/* irq flags=, irqinfo = flags= */
	VFIOSIM_LIST_PROT,	/* mmap prot= */
	VFIOSIM_LIST_MAP,	/* mmap flags= */
	VFIOSIM_LIST_CAPS,	/* rinfo = caps= (sparse, type, msix_mappable) */
	VFIOSIM_LIST_NR,
};

/* The bit of the word @name (@len bytes) in @list, or 0 if it is none. */
uint32_t vfiosim_list_bit(enum vfiosim_list list, const char *name,
			  size_t len);
/*
 * @bits as the trace spells them, in canonical order ("R,W,MMAP"; "none",
 * "NONE" for prot, when empty).  False when a bit has no word or @len is
 * too small.
 */
bool vfiosim_list_format(enum vfiosim_list list, uint32_t bits, char *buf,
			 size_t len);

/*
 * The trace's mmap prot and flag bits to and from this host's <sys/mman.h>
 * values (the recorder, the probe and the replay; the strace importer and
 * generator speak the x86-64 ABI's numbers instead).  Bits that have no
 * counterpart are dropped.
 */
int vfiosim_prot_to_host(uint32_t prot);
uint32_t vfiosim_prot_from_host(int prot);
int vfiosim_mflags_to_host(uint32_t mflags);
uint32_t vfiosim_mflags_from_host(int flags);

#endif /* _VFIOSIM_TRACE_H */
