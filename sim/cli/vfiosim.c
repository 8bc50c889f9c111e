// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiosim: the command line.
 *
 *   vfiosim devices [--format text|json]
 *   vfiosim layout  [--device NAME] [--layout L|all] [--wc-alias INDEX]...
 *                   [--format text|json]
 *
 * Exit status: 0 success, 1 an operation failed, 2 bad usage or bad input.
 */
#include "devices.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define SIM_MAX_COOKIES		64
#define SIM_MMAP2_REACH		(1ULL << 44)

static const char *const layout_names[] = {
	[VFIO_COOKIE_LAYOUT_LEGACY] = "legacy",
	[VFIO_COOKIE_LAYOUT_COMPAT] = "compat",
	[VFIO_COOKIE_LAYOUT_COMPACT] = "compact",
};

enum sim_format { SIM_TEXT, SIM_JSON };

static __attribute__((format(printf, 1, 2))) int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vfiosim: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vfiosim --help'.\n");
	return 2;
}

static int parse_format(const char *arg, enum sim_format *format)
{
	if (!strcmp(arg, "text"))
		*format = SIM_TEXT;
	else if (!strcmp(arg, "json"))
		*format = SIM_JSON;
	else
		return usage_error("unknown format '%s' (text or json)", arg);
	return 0;
}

static void help(FILE *out)
{
	fputs("usage: vfiosim COMMAND [OPTIONS]\n"
	      "\n"
	      "Simulates per-fd VFIO offset cookies on the kernel's maple tree.\n"
	      "\n"
	      "commands:\n"
	      "  devices   list the built-in device region tables\n"
	      "  layout    place a device's regions (and WC aliases) under each\n"
	      "            layout and print the offset space\n"
	      "\n"
	      "Run 'vfiosim COMMAND --help' for the options of a command.\n"
	      "Exit status: 0 success, 1 an operation failed, 2 bad usage.\n",
	      out);
}

static void help_layout(FILE *out)
{
	fputs("usage: vfiosim layout [--device NAME] [--layout L|all]\n"
	      "                      [--wc-alias INDEX]... [--format text|json]\n"
	      "\n"
	      "Opens a simulated device fd, asks for the offset of every region\n"
	      "in index order (as QEMU's vfio_get_region_info() loop does), then\n"
	      "for a write-combining alias of each --wc-alias region, and prints\n"
	      "the offset space with its figures.\n"
	      "\n"
	      "  --device NAME   a device of 'vfiosim devices' (default h100)\n"
	      "  --layout L      legacy, compat, compact or all (default all)\n"
	      "  --wc-alias N    ask for a WC alias of region N (repeatable)\n"
	      "  --format F      text (default) or json\n",
	      out);
}

struct sim_layout_run {
	const struct sim_device *dev;
	enum vfio_cookie_layout layout;
	const u32 *aliases;
	unsigned int nr_aliases;
	enum sim_format format;
	bool first;
	unsigned int entries;
};

static int print_entry(void *priv, const struct vfio_cookie *c, u64 first,
		       u64 last)
{
	struct sim_layout_run *run = priv;
	bool alias = c->kind == VFIO_COOKIE_ALIAS;
	bool wc = c->attrs & VFIO_COOKIE_ATTR_WC;

	if (run->format == SIM_JSON) {
		printf("%s\n        {\"first\": %llu, \"last\": %llu, "
		       "\"index\": %u, \"target\": %u, \"kind\": \"%s\", "
		       "\"wc\": %s, \"size\": %llu}",
		       run->entries++ ? "," : "", (unsigned long long)first,
		       (unsigned long long)last, c->index, c->target,
		       alias ? "alias" : "region", wc ? "true" : "false",
		       (unsigned long long)c->size);
		return 0;
	}
	printf("  0x%016llx-0x%016llx  %-6s %2u -> %-6s%s  size %#llx\n",
	       (unsigned long long)first, (unsigned long long)last,
	       alias ? "alias" : "region", c->index,
	       sim_region_name(c->target), wc ? " wc" : "   ",
	       (unsigned long long)c->size);
	return 0;
}

static int layout_one(struct sim_layout_run *run)
{
	const struct sim_device *dev = run->dev;
	struct vfio_cookie_space space;
	struct vfio_cookie_stats stats;
	long nodes_before, nodes;
	unsigned int i, failed = 0;
	u64 offset;
	u32 index;
	int ret;

	nodes_before = sim_live_allocs();
	ret = vfio_cookie_space_init(&space, run->layout, dev->regions,
				     dev->nr_regions, SIM_MAX_COOKIES);
	if (ret) {
		fprintf(stderr, "vfiosim: %s: init failed: %s\n", dev->name,
			strerror(-ret));
		return 1;
	}

	if (run->format == SIM_TEXT)
		printf("%s, layout %s:\n", dev->name, layout_names[run->layout]);
	for (i = 0; i < dev->nr_regions; i++) {
		ret = vfio_cookie_region_offset(&space, i, &offset);
		if (ret) {
			failed++;
			fprintf(stderr, "vfiosim: %s %s: region %u (%s): %s\n",
				dev->name, layout_names[run->layout], i,
				sim_region_name(i), strerror(-ret));
		}
	}
	for (i = 0; i < run->nr_aliases; i++) {
		ret = vfio_cookie_alias(&space, run->aliases[i],
					VFIO_COOKIE_ATTR_WC, &offset, &index);
		if (ret) {
			failed++;
			fprintf(stderr, "vfiosim: %s %s: WC alias of %u: %s\n",
				dev->name, layout_names[run->layout],
				run->aliases[i], strerror(-ret));
		}
	}

	vfio_cookie_space_stats(&space, &stats);
	nodes = sim_live_allocs() - nodes_before;
	if (run->format == SIM_JSON) {
		printf("%s\n    {\"device\": \"%s\", \"layout\": \"%s\", "
		       "\"failures\": %u, \"cookies\": %u, "
		       "\"span_bytes\": %llu, \"region_bytes\": %llu, "
		       "\"allocations\": %ld, \"fits_mmap2_32bit\": %s,\n"
		       "     \"entries\": [",
		       run->first ? "" : ",", dev->name,
		       layout_names[run->layout], failed, stats.nr_cookies,
		       (unsigned long long)stats.span_bytes,
		       (unsigned long long)stats.region_bytes, nodes,
		       stats.span_bytes <= SIM_MMAP2_REACH ? "true" : "false");
	}
	run->entries = 0;
	vfio_cookie_for_each(&space, print_entry, run);
	if (run->format == SIM_JSON)
		printf("]}");
	else
		printf("  cookies %u, span %#llx bytes, regions %#llx bytes, "
		       "%ld allocations (cookies + maple nodes + tables), "
		       "%s mmap2's 2^44 reach\n\n",
		       stats.nr_cookies,
		       (unsigned long long)stats.span_bytes,
		       (unsigned long long)stats.region_bytes, nodes,
		       stats.span_bytes <= SIM_MMAP2_REACH ? "inside" :
							     "beyond");

	ret = vfio_cookie_space_validate(&space, NULL) ? 0 : 1;
	vfio_cookie_space_destroy(&space);
	run->first = false;
	return ret || failed ? 1 : 0;
}

static int cmd_layout(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "layout", required_argument, NULL, 'l' },
		{ "wc-alias", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sim_layout_run run = { .format = SIM_TEXT, .first = true };
	u32 aliases[SIM_DEVICE_MAX_REGIONS];
	const char *device = "h100";
	int layout = -1, opt, l, ret = 0;
	unsigned long val;
	char *end;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			device = optarg;
			break;
		case 'l':
			if (!strcmp(optarg, "all")) {
				layout = -1;
				break;
			}
			for (l = 0; l < 3 && strcmp(optarg, layout_names[l]); l++)
				;
			if (l == 3)
				return usage_error("unknown layout '%s'", optarg);
			layout = l;
			break;
		case 'w':
			errno = 0;
			val = strtoul(optarg, &end, 0);
			if (errno || *end || end == optarg ||
			    val >= SIM_DEVICE_MAX_REGIONS)
				return usage_error("--wc-alias '%s': not a region index 0..8",
						   optarg);
			if (run.nr_aliases == SIM_DEVICE_MAX_REGIONS)
				return usage_error("too many --wc-alias");
			aliases[run.nr_aliases++] = val;
			break;
		case 'f':
			if (parse_format(optarg, &run.format))
				return 2;
			break;
		case 'h':
			help_layout(stdout);
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	run.dev = sim_device_find(device);
	if (!run.dev)
		return usage_error("unknown device '%s' (see 'vfiosim devices')",
				   device);
	run.aliases = aliases;

	sim_thread_init();
	if (run.format == SIM_JSON)
		printf("{\"results\": [");
	for (l = 0; l < 3; l++) {
		if (layout >= 0 && l != layout)
			continue;
		run.layout = l;
		ret |= layout_one(&run);
	}
	if (run.format == SIM_JSON)
		printf("\n]}\n");
	sim_thread_exit();
	return ret;
}

static int cmd_devices(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum sim_format format = SIM_TEXT;
	unsigned int d, i;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (parse_format(optarg, &format))
				return 2;
			break;
		case 'h':
			puts("usage: vfiosim devices [--format text|json]");
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument '%s'", argv[optind]);

	if (format == SIM_JSON)
		printf("{\"devices\": [");
	for (d = 0; d < sim_nr_devices; d++) {
		const struct sim_device *dev = &sim_devices[d];

		if (format == SIM_JSON)
			printf("%s\n  {\"name\": \"%s\", \"what\": \"%s\", "
			       "\"regions\": [", d ? "," : "", dev->name,
			       dev->what);
		else
			printf("%-8s %s (%s)\n", dev->name, dev->what,
			       dev->source);
		for (i = 0; i < dev->nr_regions; i++) {
			const struct vfio_cookie_region *r = &dev->regions[i];

			if (format == SIM_JSON)
				printf("%s{\"size\": %llu, \"flags\": %u}",
				       i ? ", " : "",
				       (unsigned long long)r->size, r->flags);
			else if (r->size)
				printf("         %-6s %#llx%s%s%s\n",
				       sim_region_name(i),
				       (unsigned long long)r->size,
				       r->flags & VFIO_COOKIE_FLAG_READ ? " R" : "",
				       r->flags & VFIO_COOKIE_FLAG_WRITE ? "W" : "",
				       r->flags & VFIO_COOKIE_FLAG_MMAP ? " mmap" : "");
		}
		if (format == SIM_JSON)
			printf("]}");
	}
	if (format == SIM_JSON)
		printf("\n]}\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		help(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		help(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "layout"))
		return cmd_layout(argc - 1, argv + 1);
	if (!strcmp(argv[1], "devices"))
		return cmd_devices(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", argv[1]);
}
