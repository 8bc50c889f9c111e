// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiosim: the command line (docs/vfiosim.1; design §7 is the contract).
 *
 *   vfiosim replay  [--design D] [--layout L] [--format text|json] TRACE...
 *   vfiosim compare [--format text|json|csv] TRACE...
 *   vfiosim layout  [--design D] [--layout L] [--svg OUT] TRACE
 *   vfiosim devices [--format text|json]
 *   vfiosim import-strace [--sidecar FILE] [-o OUT] STRACE_LOG
 *   vfiosim gen strace [--sidecar FILE] [-o OUT] TRACE
 *
 * Exit status: 0 every event matched, 1 some did not, 2 bad usage or bad
 * input.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vfiosim/replay.h"
#include "vfiosim/report.h"
#include "vfiosim/strace.h"
#include "vfiosim/trace.h"

#ifndef VFIOSIM_VERSION
#define VFIOSIM_VERSION "unknown"
#endif
#ifndef VFIOSIM_CATALOG_DIR
#define VFIOSIM_CATALOG_DIR "traces/devices"
#endif

#define EXIT_MATCH	0
#define EXIT_MISMATCH	1
#define EXIT_USAGE	2

/* What every command shares. */
struct cli {
	const char *cmd;
	const char *catalog;
	enum vfiosim_format format;
	int design, layout;	/* -1: the command's default */
	const char *svg;
	unsigned int nr_traces;
	struct vfiosim_trace **traces;
	bool thread;
};

static __attribute__((format(printf, 2, 3))) int
usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vfiosim%s%s: ", cli->cmd ? " " : "",
		cli->cmd ? cli->cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vfiosim %s%s--help'.\n",
		cli->cmd ? cli->cmd : "", cli->cmd ? " " : "");
	return EXIT_USAGE;
}

static __attribute__((format(printf, 2, 3))) void
error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vfiosim %s: ", cli->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char help_main[] =
	"usage: vfiosim COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"Replays recorded VFIO client traces against a simulated device fd\n"
	"whose offset cookies live in the kernel's maple tree, under four\n"
	"uAPI designs (legacy setattr alias getmmap) and three offset\n"
	"layouts (legacy compat compact).\n"
	"\n"
	"commands:\n"
	"  replay   replay traces under one design and layout\n"
	"  compare  replay traces under every design and layout\n"
	"  layout   the offset space a trace builds, as a table or an SVG\n"
	"  devices  the device catalog (traces/devices)\n"
	"  import-strace  turn an strace log of a VFIO client into a trace\n"
	"  gen      gen strace: the strace log of a trace's client\n"
	"           (synthetic traces: not implemented yet)\n"
	"  help     the help of a command\n"
	"\n"
	"Every command takes --catalog DIR (default $VFIOSIM_CATALOG, else\n"
	VFIOSIM_CATALOG_DIR ")\n"
	"and --help.  Run 'vfiosim COMMAND --help' for its options; the\n"
	"manual is docs/vfiosim.1.\n"
	"\n"
	"Exit status: 0 every event matched, 1 some did not, 2 bad usage or\n"
	"bad input.\n";

static const char help_replay[] =
	"usage: vfiosim replay [--design D] [--layout L] [--format text|json]\n"
	"                      [--catalog DIR] TRACE...\n"
	"\n"
	"Replays each TRACE ('-' is standard input) under one uAPI design and\n"
	"one offset layout and checks every recorded result.  Text: one line\n"
	"'TRACE:LINE: outcome: reason' per event that was not a match (or\n"
	"unchecked), then a summary line per trace.\n"
	"\n"
	"  --design D     legacy (default), setattr, alias or getmmap\n"
	"  --layout L     legacy (default), compat or compact\n"
	"  --format F     text (default) or json\n"
	"  --catalog DIR  where 'dev from=NAME' finds NAME.dev\n"
	"\n"
	"Exit status: 0 every event matched, 1 some did not, 2 bad usage or\n"
	"bad input (a parse error is reported as FILE:LINE:COLUMN: message).\n";

static const char help_compare[] =
	"usage: vfiosim compare [--format text|json|csv] [--catalog DIR]\n"
	"                       TRACE...\n"
	"\n"
	"Replays each TRACE under every design and every layout (12 results a\n"
	"trace).  Text: a table of mismatched/unsupported/skipped events, one\n"
	"row group per trace; JSON: {\"results\": [...]}; CSV: a header and a\n"
	"row per result.\n"
	"\n"
	"  --format F     text (default), json or csv\n"
	"  --catalog DIR  where 'dev from=NAME' finds NAME.dev\n"
	"\n"
	"Exit status: 0 every event matched everywhere, 1 some did not, 2 bad\n"
	"usage or bad input.\n";

static const char help_layout[] =
	"usage: vfiosim layout [--design D] [--layout L] [--svg OUT]\n"
	"                      [--format text|json] [--catalog DIR] TRACE\n"
	"\n"
	"Replays TRACE and prints the offset space of its largest device fd\n"
	"at its fullest, one table per layout.\n"
	"\n"
	"  --design D     legacy (default), setattr, alias or getmmap\n"
	"  --layout L     legacy, compat or compact (default: all three)\n"
	"  --svg OUT      also draw the spaces to scale, one band per layout,\n"
	"                 into OUT ('-': standard output, instead of the\n"
	"                 tables)\n"
	"  --format F     text (default) or json (the results with their map)\n"
	"  --catalog DIR  where 'dev from=NAME' finds NAME.dev\n"
	"\n"
	"Exit status: 0 every event matched, 1 some did not, 2 bad usage or\n"
	"bad input.\n";

static const char help_devices[] =
	"usage: vfiosim devices [--format text|json] [--catalog DIR]\n"
	"\n"
	"Lists the device catalog: every NAME.dev of the catalog directory,\n"
	"as a trace's 'dev D from=NAME' sees it.\n"
	"\n"
	"  --format F     text (default) or json\n"
	"  --catalog DIR  the catalog (default $VFIOSIM_CATALOG, else\n"
	"                 " VFIOSIM_CATALOG_DIR ")\n";

static const char help_import[] =
	"usage: vfiosim import-strace [--sidecar FILE] [--device-path PATH]...\n"
	"                             [--strict] [-o OUT] STRACE_LOG\n"
	"\n"
	"Turns an strace log of a VFIO client ('-' is standard input) into a\n"
	"vfiotrace on OUT (default standard output).  Capture with\n"
	"  strace -f -o LOG -y -tt -T -X verbose -x -s 64 -e trace=openat,close,\n"
	"    dup,dup2,dup3,fcntl,ioctl,mmap,munmap,mremap,pread64,pwrite64,\n"
	"    clone,clone3,fork,vfork,execve -e signal=none CMD\n"
	"(docs/capture.md).  strace does not show the structs of VFIO ioctls:\n"
	"region indexes are inferred, and the trace's comments say what was.\n"
	"A summary goes to standard error, with each line that could not be\n"
	"imported (also kept as comments in the trace).\n"
	"\n"
	"  --sidecar FILE      the devices: sysfs resource and config of each\n"
	"                      (docs/capture.md); without it sizes are inferred\n"
	"  --device-path PATH  fds opened on PATH are VFIO device fds\n"
	"  --strict            a line that cannot be imported is an error\n"
	"  -o, --output OUT    where the trace goes\n"
	"\n"
	"Exit status: 0 imported, 2 bad usage or a malformed log (reported as\n"
	"LOG:LINE:COLUMN: message).\n";

static const char help_gen[] =
	"usage: vfiosim gen strace [--sidecar FILE] [-o OUT] [--pids P]\n"
	"                          [--xlat X] [--time T] [--strsize N]\n"
	"                          [--no-y] [--no-x] [--no-T] [--interleave]\n"
	"                          [--catalog DIR] TRACE\n"
	"       vfiosim gen SCENARIO [--seed N] [--ops N] [-o OUT]\n"
	"\n"
	"gen strace writes the strace log the client of TRACE would give on a\n"
	"legacy kernel, as strace 6.1 prints it (by default with the options of\n"
	"the recommended capture: -f -o -y -tt -T -X verbose -x -s 64), and\n"
	"with --sidecar a sidecar describing its devices.  Events a legacy\n"
	"kernel cannot do (wc, WC cookies) are left out; results a trace does\n"
	"not record come from its legacy/legacy replay.\n"
	"\n"
	"  --pids P      plain (-f -o, default), bracket (-f) or none\n"
	"  --xlat X      verbose (default), abbrev or raw (-X)\n"
	"  --time T      tt (default), t, ttt or none\n"
	"  --strsize N   -s (default 64)\n"
	"  --no-y        no fd paths; --no-x: octal escapes; --no-T: no times\n"
	"  --interleave  split a call around the next process's call\n"
	"                (<unfinished ...> / <... resumed>)\n"
	"\n"
	"Synthetic traces (gen SCENARIO): not implemented yet.\n";

enum {
	OPT_DESIGN = 256,
	OPT_LAYOUT,
	OPT_FORMAT,
	OPT_SVG,
	OPT_CATALOG,
	OPT_HELP,
};

/* The options of each command: a bit per option. */
#define WANT_DESIGN	(1u << 0)
#define WANT_LAYOUT	(1u << 1)
#define WANT_FORMAT	(1u << 2)
#define WANT_SVG	(1u << 3)

static const struct option all_opts[] = {
	{ "design", required_argument, NULL, OPT_DESIGN },
	{ "layout", required_argument, NULL, OPT_LAYOUT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "catalog", required_argument, NULL, OPT_CATALOG },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/*
 * What getopt_long() returns that every command takes alike: -h/--help,
 * a missing argument and an unknown option.  Returns the exit status.
 */
static int opt_common(const struct cli *cli, int opt, char **argv,
		      const char *help)
{
	switch (opt) {
	case 'h':
	case OPT_HELP:
		fputs(help, stdout);
		return fflush(stdout) ? EXIT_USAGE : 0;
	case ':':
		return usage_error(cli, "option '%s' needs an argument",
				   argv[optind - 1]);
	default:
		if (optopt)
			return usage_error(cli, "unknown option '-%c'",
					   optopt);
		return usage_error(cli, "unknown option '%s'",
				   argv[optind - 1]);
	}
}

static int design_from_name(const char *name)
{
	int d;

	for (d = 0; d < VFIOSIM_DESIGN_NR; d++)
		if (!strcmp(name, vfiosim_report_design_name(d)))
			return d;
	return -1;
}

static int layout_from_name(const char *name)
{
	int l;

	for (l = 0; l < VFIOSIM_LAYOUT_NR; l++)
		if (!strcmp(name, vfiosim_report_layout_name(l)))
			return l;
	return -1;
}

/*
 * Parse the options of a command.  Returns -1 to go on, or the exit status
 * (0 after --help).  @formats: a bit per format the command writes.
 */
static int parse_opts(struct cli *cli, int argc, char **argv,
		      unsigned int want, unsigned int formats,
		      const char *help)
{
	struct option opts[sizeof(all_opts) / sizeof(all_opts[0])];
	bool csv = formats & (1u << VFIOSIM_FORMAT_CSV);
	unsigned int i, n = 0;
	const char *env;
	int opt, v;

	for (i = 0; all_opts[i].name; i++) {
		int val = all_opts[i].val;

		if ((val == OPT_DESIGN && !(want & WANT_DESIGN)) ||
		    (val == OPT_LAYOUT && !(want & WANT_LAYOUT)) ||
		    (val == OPT_FORMAT && !(want & WANT_FORMAT)) ||
		    (val == OPT_SVG && !(want & WANT_SVG)))
			continue;
		opts[n++] = all_opts[i];
	}
	memset(&opts[n], 0, sizeof(opts[n]));

	env = getenv("VFIOSIM_CATALOG");
	cli->catalog = env && env[0] ? env : VFIOSIM_CATALOG_DIR;
	cli->format = VFIOSIM_FORMAT_TEXT;
	cli->design = -1;
	cli->layout = -1;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_DESIGN:
			v = design_from_name(optarg);
			if (v < 0)
				return usage_error(cli, "unknown design '%s' "
						   "(legacy, setattr, alias or "
						   "getmmap)", optarg);
			cli->design = v;
			break;
		case OPT_LAYOUT:
			v = layout_from_name(optarg);
			if (v < 0)
				return usage_error(cli, "unknown layout '%s' "
						   "(legacy, compat or "
						   "compact)", optarg);
			cli->layout = v;
			break;
		case OPT_FORMAT:
			v = vfiosim_format_from_name(optarg);
			if (v < 0 || !(formats & (1u << v)))
				return usage_error(cli, "unknown format '%s' "
						   "(%s)", optarg, csv ?
						   "text, json or csv" :
						   "text or json");
			cli->format = v;
			break;
		case OPT_SVG:
			cli->svg = optarg;
			break;
		case OPT_CATALOG:
			cli->catalog = optarg;
			break;
		default:
			return opt_common(cli, opt, argv, help);
		}
	}
	return -1;
}

static void free_traces(struct cli *cli)
{
	unsigned int i;

	for (i = 0; i < cli->nr_traces; i++)
		vfiosim_trace_free(cli->traces[i]);
	free(cli->traces);
	cli->traces = NULL;
	cli->nr_traces = 0;
}

/*
 * Load every trace before writing anything, so that bad input never leaves
 * half a report.  Every parse error is reported.
 */
static int load_traces(struct cli *cli, int argc, char **argv)
{
	struct vfiosim_parse_opts popts = { .catalog_dir = cli->catalog };
	struct vfiosim_error err;
	int i, bad = 0;

	cli->traces = calloc(argc, sizeof(*cli->traces));
	if (!cli->traces) {
		error(cli, "out of memory");
		return EXIT_USAGE;
	}
	for (i = 0; i < argc; i++) {
		memset(&err, 0, sizeof(err));
		if (vfiosim_trace_load(argv[i], &popts,
				       &cli->traces[cli->nr_traces], &err)) {
			vfiosim_error_print(&err, stderr);
			bad++;
			continue;
		}
		cli->nr_traces++;
	}
	if (bad) {
		free_traces(cli);
		return EXIT_USAGE;
	}
	return -1;
}

static void start_thread(struct cli *cli)
{
	if (!cli->thread) {
		vfiosim_init_thread();
		cli->thread = true;
	}
}

static int replay_one(struct cli *cli, const struct vfiosim_trace *trace,
		      int design, int layout,
		      struct vfiosim_replay_result *res)
{
	int ret;

	start_thread(cli);
	memset(res, 0, sizeof(*res));
	ret = vfiosim_replay(trace, design, layout, res);
	if (ret) {
		error(cli, "%s: %s/%s: the replay could not run: %s",
		      trace->path, vfiosim_report_design_name(design),
		      vfiosim_report_layout_name(layout), strerror(-ret));
		return EXIT_USAGE;
	}
	return -1;
}

static int finish(struct cli *cli, struct vfiosim_report *rep, int status)
{
	int ret = rep ? vfiosim_report_end(rep) : 0;

	if (ret) {
		error(cli, "writing the report: %s", strerror(-ret));
		status = EXIT_USAGE;
	}
	free_traces(cli);
	if (cli->thread)
		vfiosim_exit_thread();
	return status;
}

/*
 * Progress on a terminal only, nothing when stderr is piped; the line is
 * cleared before any report is written, so the two never share a line.
 */
static void progress(bool on, unsigned int i, unsigned int n,
		     const char *path)
{
	if (!on)
		return;
	if (!path)
		fputs("\r\033[K", stderr);
	else
		fprintf(stderr, "\r\033[Kvfiosim %s: [%u/%u] %.60s", "compare",
			i + 1, n, path);
	fflush(stderr);
}

/*
 * Replay every trace under one design and layout, or all of them (@all),
 * and report.  A trace's results are all computed before any is written.
 */
static int run_replays(struct cli *cli, unsigned int flags, bool all,
		       bool show_progress)
{
	struct vfiosim_replay_result res[VFIOSIM_DESIGN_NR * VFIOSIM_LAYOUT_NR];
	struct vfiosim_report *rep;
	int status = EXIT_MATCH, ret = -1, d, l;
	unsigned int t, nr, i;

	rep = vfiosim_report_begin(stdout, cli->format, flags);
	if (!rep) {
		error(cli, "out of memory");
		return finish(cli, NULL, EXIT_USAGE);
	}
	for (t = 0; t < cli->nr_traces && ret < 0; t++) {
		progress(show_progress, t, cli->nr_traces,
			 cli->traces[t]->path);
		nr = 0;
		for (d = 0; d < VFIOSIM_DESIGN_NR && ret < 0; d++) {
			for (l = 0; l < VFIOSIM_LAYOUT_NR && ret < 0; l++) {
				if (!all && (d != cli->design ||
					     l != cli->layout))
					continue;
				ret = replay_one(cli, cli->traces[t], d, l,
						 &res[nr]);
				if (ret < 0)
					nr++;
			}
		}
		progress(show_progress, 0, 0, NULL);
		for (i = 0; i < nr; i++) {
			if (vfiosim_report_failed(&res[i]))
				status = EXIT_MISMATCH;
			if (ret < 0 && vfiosim_report_add(rep, &res[i]))
				ret = EXIT_USAGE;
			vfiosim_replay_result_free(&res[i]);
		}
		fflush(stdout);
	}
	return finish(cli, rep, ret >= 0 ? ret : status);
}

static int cmd_replay(struct cli *cli, int argc, char **argv)
{
	int ret;

	ret = parse_opts(cli, argc, argv,
			 WANT_DESIGN | WANT_LAYOUT | WANT_FORMAT,
			 1u << VFIOSIM_FORMAT_TEXT | 1u << VFIOSIM_FORMAT_JSON,
			 help_replay);
	if (ret >= 0)
		return ret;
	if (optind == argc)
		return usage_error(cli, "no trace given");
	if (cli->design < 0)
		cli->design = VFIOSIM_DESIGN_LEGACY;
	if (cli->layout < 0)
		cli->layout = VFIOSIM_LAYOUT_LEGACY;
	ret = load_traces(cli, argc - optind, argv + optind);
	if (ret >= 0)
		return ret;
	return run_replays(cli, VFIOSIM_REPORT_EVENTS, false, false);
}

static int cmd_compare(struct cli *cli, int argc, char **argv)
{
	int ret;

	ret = parse_opts(cli, argc, argv, WANT_FORMAT,
			 1u << VFIOSIM_FORMAT_TEXT | 1u << VFIOSIM_FORMAT_JSON |
			 1u << VFIOSIM_FORMAT_CSV, help_compare);
	if (ret >= 0)
		return ret;
	if (optind == argc)
		return usage_error(cli, "no trace given");
	ret = load_traces(cli, argc - optind, argv + optind);
	if (ret >= 0)
		return ret;
	return run_replays(cli,
			   cli->format == VFIOSIM_FORMAT_TEXT ?
			   VFIOSIM_REPORT_TABLE : 0, true,
			   cli->nr_traces > 1 && isatty(STDERR_FILENO));
}

/* Write the SVG to @out (opened early: a bad path costs no replay). */
static int write_svg(struct cli *cli, FILE *out,
		     const struct vfiosim_trace *trace,
		     const struct vfiosim_replay_result *res, unsigned int nr)
{
	bool std = out == stdout;
	int ret;

	ret = vfiosim_report_svg(out, trace, res, nr);
	if (std ? fflush(out) : fclose(out))
		ret = -errno;
	if (ret) {
		error(cli, "%s: %s", std ? "standard output" : cli->svg,
		      strerror(-ret));
		return EXIT_USAGE;
	}
	return -1;
}

static int cmd_layout(struct cli *cli, int argc, char **argv)
{
	struct vfiosim_replay_result res[VFIOSIM_LAYOUT_NR];
	struct vfiosim_report *rep = NULL;
	unsigned int nr = 0, i;
	int status = EXIT_MATCH, ret, l;
	FILE *svg = NULL;
	bool tables;

	ret = parse_opts(cli, argc, argv,
			 WANT_DESIGN | WANT_LAYOUT | WANT_FORMAT | WANT_SVG,
			 1u << VFIOSIM_FORMAT_TEXT | 1u << VFIOSIM_FORMAT_JSON,
			 help_layout);
	if (ret >= 0)
		return ret;
	if (optind == argc)
		return usage_error(cli, "no trace given");
	if (argc - optind > 1)
		return usage_error(cli, "one trace at a time ('%s' is a "
				   "second)", argv[optind + 1]);
	if (cli->design < 0)
		cli->design = VFIOSIM_DESIGN_LEGACY;
	ret = load_traces(cli, 1, argv + optind);
	if (ret >= 0)
		return ret;
	if (cli->svg) {
		svg = strcmp(cli->svg, "-") ? fopen(cli->svg, "w") : stdout;
		if (!svg) {
			error(cli, "%s: %s", cli->svg, strerror(errno));
			return finish(cli, NULL, EXIT_USAGE);
		}
	}

	for (l = 0; l < VFIOSIM_LAYOUT_NR; l++) {
		if (cli->layout >= 0 && l != cli->layout)
			continue;
		ret = replay_one(cli, cli->traces[0], cli->design, l,
				 &res[nr]);
		if (ret >= 0)
			goto out;
		if (vfiosim_report_failed(&res[nr]))
			status = EXIT_MISMATCH;
		nr++;
	}

	tables = svg != stdout;
	if (tables && cli->format == VFIOSIM_FORMAT_JSON) {
		rep = vfiosim_report_begin(stdout, VFIOSIM_FORMAT_JSON,
					   VFIOSIM_REPORT_MAP);
		if (!rep) {
			error(cli, "out of memory");
			ret = EXIT_USAGE;
			goto out;
		}
		for (i = 0; i < nr; i++)
			vfiosim_report_add(rep, &res[i]);
	} else if (tables) {
		for (i = 0; i < nr; i++) {
			if (i)
				putchar('\n');
			vfiosim_report_map(stdout, cli->traces[0], &res[i]);
			if (!vfiosim_report_failed(&res[i]))
				continue;
			printf("  %u events did not match%s (see 'vfiosim "
			       "replay --design %s --layout %s')\n",
			       res[i].outcomes[VFIOSIM_MISMATCH],
			       res[i].invalid ? ", an invariant broke" : "",
			       vfiosim_report_design_name(res[i].design),
			       vfiosim_report_layout_name(res[i].layout));
		}
		if (fflush(stdout) || ferror(stdout)) {
			error(cli, "writing the report: %s", strerror(EIO));
			ret = EXIT_USAGE;
			goto out;
		}
	}
	ret = svg ? write_svg(cli, svg, cli->traces[0], res, nr) : -1;
	svg = NULL;
out:
	if (svg && svg != stdout)
		fclose(svg);
	for (i = 0; i < nr; i++)
		vfiosim_replay_result_free(&res[i]);
	if (ret >= 0) {
		if (rep)
			vfiosim_report_end(rep);
		return finish(cli, NULL, ret);
	}
	return finish(cli, rep, status);
}

/* Device catalog */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A catalog name must be a word of the trace format. */
static bool catalog_word(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		      *s == '.'))
			return false;
	return true;
}

/* The NAME.dev files of @dir, sorted; NULL with errno set on failure. */
static char **catalog_names(const char *dir, unsigned int *nr)
{
	char **names = NULL, **grown;
	unsigned int n = 0, cap = 0;
	struct dirent *de;
	size_t len;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (len <= 4 || strcmp(de->d_name + len - 4, ".dev"))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown)
				goto nomem;
			names = grown;
		}
		names[n] = strndup(de->d_name, len - 4);
		if (!names[n])
			goto nomem;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	*nr = n;
	if (!names)
		names = calloc(1, sizeof(*names));
	return names;
nomem:
	while (n)
		free(names[--n]);
	free(names);
	closedir(d);
	errno = ENOMEM;
	return NULL;
}

/* "# NAME: what it is" on the first line of NAME.dev, or NULL. */
static char *catalog_what(const char *dir, const char *name)
{
	char path[4096], line[512], *nl;
	size_t n = strlen(name);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dev", dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	if (strncmp(line, "# ", 2) || strncmp(line + 2, name, n) ||
	    strncmp(line + 2 + n, ": ", 2))
		return NULL;
	return strdup(line + 4 + n);
}

static int cmd_devices(struct cli *cli, int argc, char **argv)
{
	struct vfiosim_parse_opts popts;
	const struct vfiosim_device **devs = NULL;
	struct vfiosim_error err;
	char **names, **what = NULL, text[128];
	unsigned int nr = 0, i;
	int ret;

	ret = parse_opts(cli, argc, argv, WANT_FORMAT,
			 1u << VFIOSIM_FORMAT_TEXT | 1u << VFIOSIM_FORMAT_JSON,
			 help_devices);
	if (ret >= 0)
		return ret;
	if (optind != argc)
		return usage_error(cli, "unexpected argument '%s'",
				   argv[optind]);
	popts.catalog_dir = cli->catalog;
	names = catalog_names(cli->catalog, &nr);
	if (!names) {
		error(cli, "catalog %s: %s", cli->catalog, strerror(errno));
		return EXIT_USAGE;
	}
	ret = EXIT_USAGE;
	if (!nr) {
		error(cli, "catalog %s: no NAME.dev in it", cli->catalog);
		goto out;
	}
	cli->traces = calloc(nr, sizeof(*cli->traces));
	devs = calloc(nr, sizeof(*devs));
	what = calloc(nr, sizeof(*what));
	if (!cli->traces || !devs || !what) {
		error(cli, "out of memory");
		goto out;
	}
	for (i = 0; i < nr; i++) {
		struct vfiosim_trace *t;
		struct vfiosim_device *dev;

		if (!catalog_word(names[i]) ||
		    strlen(names[i]) >= VFIOSIM_NAME_LEN) {
			error(cli, "%s/%s.dev: the name is not a word of at "
			      "most %d characters", cli->catalog, names[i],
			      VFIOSIM_NAME_LEN - 1);
			goto out;
		}
		/* what a trace's "dev D from=NAME" gets */
		snprintf(text, sizeof(text), "vfiotrace 1\ndev d from=%s\n",
			 names[i]);
		memset(&err, 0, sizeof(err));
		if (vfiosim_trace_parse(names[i], text, strlen(text), &popts,
					&t, &err)) {
			vfiosim_error_print(&err, stderr);
			goto out;
		}
		cli->traces[cli->nr_traces++] = t;
		dev = &t->devices[0];
		snprintf(dev->name, sizeof(dev->name), "%s", names[i]);
		devs[i] = dev;
		what[i] = catalog_what(cli->catalog, names[i]);
	}
	ret = vfiosim_report_devices(stdout, cli->format, devs,
				     (const char *const *)what, nr);
	if (fflush(stdout))
		ret = -EIO;
	if (ret) {
		error(cli, "writing the report: %s", strerror(-ret));
		ret = EXIT_USAGE;
	}
out:
	for (i = 0; i < nr; i++) {
		free(names[i]);
		if (what)
			free(what[i]);
	}
	free(names);
	free(what);
	free(devs);
	free_traces(cli);
	return ret;
}

/* Read a whole file ('-': standard input), at most @max bytes. */
static int slurp(const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 0, n = 0, got;
	char *buf = NULL, *grown;
	int err = 0;

	if (!f)
		return -errno;
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			if (cap > max + 1)
				cap = max + 1;
			if (n == cap) {
				err = -EFBIG;
				break;
			}
			grown = realloc(buf, cap);
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			buf = grown;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				err = -EIO;
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf ? buf : strdup("");
	*len = n;
	return *out ? 0 : -ENOMEM;
}

#define MAX_LOG_BYTES	((size_t)1 << 30)

enum {
	OPT_SIDECAR = 300,
	OPT_DEVPATH,
	OPT_STRICT,
	OPT_PIDS,
	OPT_XLAT,
	OPT_TIME,
	OPT_STRSIZE,
	OPT_NO_Y,
	OPT_NO_X,
	OPT_NO_T,
	OPT_INTERLEAVE,
};

static int cmd_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sidecar", required_argument, NULL, OPT_SIDECAR },
		{ "device-path", required_argument, NULL, OPT_DEVPATH },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct vfiosim_strace_opts sopts = { 0 };
	struct vfiosim_strace_import imp;
	struct vfiosim_error err;
	const char *out_path = "-", *log_path, **paths = NULL;
	char *log = NULL, *side = NULL;
	size_t log_len = 0, side_len = 0;
	unsigned int i, shown;
	int opt, ret = EXIT_USAGE;
	FILE *out;

	paths = calloc(argc ? (size_t)argc : 1, sizeof(*paths));
	if (!paths) {
		error(cli, "out of memory");
		return EXIT_USAGE;
	}
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_SIDECAR:
			sopts.sidecar_path = optarg;
			break;
		case OPT_DEVPATH:
			paths[sopts.nr_device_paths++] = optarg;
			break;
		case OPT_STRICT:
			sopts.strict = true;
			break;
		case 'o':
			out_path = optarg;
			break;
		default:
			free(paths);
			return opt_common(cli, opt, argv, help_import);
		}
	}
	sopts.device_paths = paths;
	if (optind == argc) {
		free(paths);
		return usage_error(cli, "no strace log given");
	}
	if (argc - optind > 1) {
		free(paths);
		return usage_error(cli, "one log at a time ('%s' is a second)",
				   argv[optind + 1]);
	}
	log_path = argv[optind];
	ret = slurp(log_path, MAX_LOG_BYTES, &log, &log_len);
	if (ret) {
		error(cli, "%s: %s", log_path, strerror(-ret));
		ret = EXIT_USAGE;
		goto out;
	}
	if (sopts.sidecar_path) {
		ret = slurp(sopts.sidecar_path, (size_t)64 << 20, &side,
			    &side_len);
		if (ret) {
			error(cli, "%s: %s", sopts.sidecar_path, strerror(-ret));
			ret = EXIT_USAGE;
			goto out;
		}
		sopts.sidecar = side;
		sopts.sidecar_len = side_len;
	}
	ret = EXIT_USAGE;
	if (vfiosim_strace_import(log_path, log, log_len, &sopts, &imp,
				  &err)) {
		vfiosim_error_print(&err, stderr);
		goto out;
	}
	out = strcmp(out_path, "-") ? fopen(out_path, "w") : stdout;
	if (!out) {
		error(cli, "%s: %s", out_path, strerror(errno));
		vfiosim_strace_import_free(&imp);
		goto out;
	}
	fwrite(imp.text, 1, imp.len, out);
	if (out == stdout ? fflush(out) : fclose(out)) {
		error(cli, "%s: %s", out_path, strerror(errno));
		vfiosim_strace_import_free(&imp);
		goto out;
	}
	fprintf(stderr, "vfiosim import-strace: %s: %u lines: %u events from "
		"%u lines, %u ignored (not VFIO), %u not imported; %u region "
		"indexes inferred, %u events with placeholder arguments\n",
		log_path, imp.lines, imp.events, imp.imported, imp.ignored,
		imp.nr_notes, imp.rinfo_inferred, imp.placeholders);
	shown = imp.nr_notes < 20 ? imp.nr_notes : 20;
	for (i = 0; i < shown; i++)
		fprintf(stderr, "%s:%u: not imported: %s\n", log_path,
			imp.notes[i].line, imp.notes[i].msg);
	if (imp.nr_notes > shown)
		fprintf(stderr, "... and %u more lines not imported (each is a "
			"comment in the trace)\n", imp.nr_notes - shown);
	vfiosim_strace_import_free(&imp);
	ret = 0;
out:
	free(log);
	free(side);
	free(paths);
	return ret;
}

static int gen_choice(struct cli *cli, const char *opt, const char *val,
		      const char *const *names, int *out)
{
	int i;

	for (i = 0; names[i]; i++) {
		if (!strcmp(val, names[i])) {
			*out = i;
			return -1;
		}
	}
	return usage_error(cli, "unknown %s '%s'", opt, val);
}

static int cmd_gen_strace(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sidecar", required_argument, NULL, OPT_SIDECAR },
		{ "output", required_argument, NULL, 'o' },
		{ "pids", required_argument, NULL, OPT_PIDS },
		{ "xlat", required_argument, NULL, OPT_XLAT },
		{ "time", required_argument, NULL, OPT_TIME },
		{ "strsize", required_argument, NULL, OPT_STRSIZE },
		{ "no-y", no_argument, NULL, OPT_NO_Y },
		{ "no-x", no_argument, NULL, OPT_NO_X },
		{ "no-T", no_argument, NULL, OPT_NO_T },
		{ "interleave", no_argument, NULL, OPT_INTERLEAVE },
		{ "catalog", required_argument, NULL, OPT_CATALOG },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const pids[] = { "none", "plain", "bracket", NULL };
	static const char *const xlats[] = { "verbose", "abbrev", "raw", NULL };
	static const char *const times[] = { "none", "t", "tt", "ttt", NULL };
	struct vfiosim_strace_gen_opts gopts;
	struct vfiosim_replay_result res;
	const char *out_path = "-", *side_path = NULL, *env;
	FILE *out = NULL, *side = NULL;
	int opt, ret, v = 0;
	char *end;

	vfiosim_strace_gen_defaults(&gopts);
	env = getenv("VFIOSIM_CATALOG");
	cli->catalog = env && env[0] ? env : VFIOSIM_CATALOG_DIR;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":ho:s:", opts, NULL)) != -1) {
		ret = -1;
		switch (opt) {
		case OPT_SIDECAR:
			side_path = optarg;
			break;
		case 'o':
			out_path = optarg;
			break;
		case OPT_PIDS:
			ret = gen_choice(cli, "--pids", optarg, pids, &v);
			gopts.pids = v;
			break;
		case OPT_XLAT:
			ret = gen_choice(cli, "--xlat", optarg, xlats, &v);
			gopts.xlat = v;
			break;
		case OPT_TIME:
			ret = gen_choice(cli, "--time", optarg, times, &v);
			gopts.time = v;
			break;
		case 's':
		case OPT_STRSIZE:
			errno = 0;
			gopts.strsize = (unsigned int)strtoul(optarg, &end, 10);
			if (errno || *end || !gopts.strsize ||
			    gopts.strsize > 4096)
				return usage_error(cli, "--strsize takes 1 to "
						   "4096, not '%s'", optarg);
			break;
		case OPT_NO_Y:
			gopts.annotate = false;
			break;
		case OPT_NO_X:
			gopts.hex = false;
			break;
		case OPT_NO_T:
			gopts.durations = false;
			break;
		case OPT_INTERLEAVE:
			gopts.interleave = true;
			break;
		case OPT_CATALOG:
			cli->catalog = optarg;
			break;
		default:
			return opt_common(cli, opt, argv, help_gen);
		}
		if (ret >= 0)
			return ret;
	}
	if (optind == argc)
		return usage_error(cli, "no trace given");
	if (argc - optind > 1)
		return usage_error(cli, "one trace at a time ('%s' is a second)",
				   argv[optind + 1]);
	ret = load_traces(cli, 1, argv + optind);
	if (ret >= 0)
		return ret;
	ret = replay_one(cli, cli->traces[0], VFIOSIM_DESIGN_LEGACY,
			 VFIOSIM_LAYOUT_LEGACY, &res);
	if (ret >= 0)
		return finish(cli, NULL, ret);
	gopts.results = res.per_event;
	ret = EXIT_USAGE;
	out = strcmp(out_path, "-") ? fopen(out_path, "w") : stdout;
	if (!out) {
		error(cli, "%s: %s", out_path, strerror(errno));
		goto done;
	}
	if (side_path) {
		side = strcmp(side_path, "-") ? fopen(side_path, "w") : stdout;
		if (!side) {
			error(cli, "%s: %s", side_path, strerror(errno));
			goto done;
		}
	}
	if (vfiosim_strace_gen(cli->traces[0], &gopts, out)) {
		error(cli, "%s: %s", out_path, "could not write the log");
		goto done;
	}
	if (side && vfiosim_strace_gen_sidecar(cli->traces[0], side)) {
		error(cli, "%s: %s", side_path, "could not write the sidecar");
		goto done;
	}
	ret = 0;
done:
	if (out && out != stdout && fclose(out) && !ret) {
		error(cli, "%s: %s", out_path, strerror(errno));
		ret = EXIT_USAGE;
	}
	if (side && side != stdout && fclose(side) && !ret) {
		error(cli, "%s: %s", side_path, strerror(errno));
		ret = EXIT_USAGE;
	}
	if ((out == stdout || side == stdout) && fflush(stdout) && !ret)
		ret = EXIT_USAGE;
	vfiosim_replay_result_free(&res);
	return finish(cli, NULL, ret);
}

/* gen strace TRACE; gen SCENARIO (synthetic) is still to come. */
static int cmd_gen(struct cli *cli, int argc, char **argv)
{
	int i;

	if (argc > 1 && !strcmp(argv[1], "strace"))
		return cmd_gen_strace(cli, argc - 1, argv + 1);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(help_gen, stdout);
			return 0;
		}
	}
	fprintf(stderr, "vfiosim %s: not implemented yet (only 'gen strace "
		"TRACE' is)\n", cli->cmd);
	return EXIT_USAGE;
}

static const struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *help;
} commands[] = {
	{ "replay", cmd_replay, help_replay },
	{ "compare", cmd_compare, help_compare },
	{ "layout", cmd_layout, help_layout },
	{ "devices", cmd_devices, help_devices },
	{ "import-strace", cmd_import, help_import },
	{ "gen", cmd_gen, help_gen },
};

#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	unsigned int i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static int cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		fputs(help_main, stdout);
		return 0;
	}
	if (argc > 2)
		return usage_error(cli, "one command at a time");
	c = find_command(argv[1]);
	if (!c)
		return usage_error(cli, "unknown command '%s'", argv[1]);
	fputs(c->help, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	const struct command *c;

	if (argc < 2) {
		fputs(help_main, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(help_main, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		puts("vfiosim " VFIOSIM_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help")) {
		cli.cmd = "help";
		return cmd_help(&cli, argc - 1, argv + 1);
	}
	c = find_command(argv[1]);
	if (!c) {
		if (argv[1][0] == '-')
			return usage_error(&cli, "unknown option '%s' (a "
					   "command comes first)", argv[1]);
		return usage_error(&cli, "unknown command '%s'", argv[1]);
	}
	cli.cmd = c->name;
	return c->run(&cli, argc - 1, argv + 1);
}
