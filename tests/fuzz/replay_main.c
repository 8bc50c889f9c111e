// SPDX-License-Identifier: GPL-2.0-only
/*
 * The plain driver of a fuzz target, for any compiler: runs every file of
 * the given directories (recursively, in name order) and files through
 * LLVMFuzzerTestOneInput(), with every check the target has turned on
 * (vfiosim_fuzz_exact).  CTest runs it over the seed corpus and
 * traces/regress/, so a build without clang still catches regressions.
 *
 *   <target>_replay [-v] [--skip-missing] PATH...     run every input
 *   <target>_replay --dump-trace PATH...              and describe each
 *   <target>_replay --encode FILE                     text form -> bytes
 *   <target>_replay --roundtrip PATH...               dump, encode, dump:
 *                                                     the same text twice
 *
 * A target whose inputs have a text form (fuzz_cookie_ops: .ops files)
 * turns such files into bytes before they run.  A crash names the file.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static const char *current;
static bool verbose, skip_missing;
static unsigned long nr_inputs;
static size_t nr_bytes;

static void crashed(int sig)
{
	static const char msg[] = "replay: crashed on input ";

	if (current) {
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0 ||
		    write(STDERR_FILENO, current, strlen(current)) < 0 ||
		    write(STDERR_FILENO, "\n", 1) < 0)
			_exit(126);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_crashes(void)
{
	static const int sigs[] = { SIGILL, SIGABRT, SIGSEGV, SIGBUS, SIGFPE };
	struct sigaction sa = { .sa_handler = crashed };
	size_t i;

	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static uint8_t *read_all(const char *path, size_t *len)
{
	uint8_t *buf = NULL;
	size_t cap = 0, n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	*len = 0;
	do {
		if (*len == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		exit(2);
	}
	fclose(f);
	return buf;
}

static bool is_text(const char *path)
{
	const char *ext = vfiosim_fuzz_target.text_ext;
	size_t n = strlen(path);

	return ext && n >= strlen(ext) && !strcmp(path + n - strlen(ext), ext);
}

/* The input of @path as the target takes it: text forms encoded. */
static uint8_t *load(const char *path, size_t *len)
{
	uint8_t *buf = read_all(path, len), *bytes;
	char err[256];

	if (!is_text(path))
		return buf;
	if (vfiosim_fuzz_target.encode((const char *)buf, *len, &bytes, len,
				       err, sizeof(err))) {
		fprintf(stderr, "replay: %s: %s\n", path, err);
		exit(2);
	}
	free(buf);
	return bytes;
}

/* Run @data and return what --dump-trace prints for it. */
static char *dump(const uint8_t *data, size_t len, size_t *text_len)
{
	FILE *saved = vfiosim_fuzz_dump;
	char *text = NULL;

	vfiosim_fuzz_dump = open_memstream(&text, text_len);
	if (!vfiosim_fuzz_dump)
		abort();
	LLVMFuzzerTestOneInput(data, len);
	fclose(vfiosim_fuzz_dump);
	vfiosim_fuzz_dump = saved;
	return text;
}

/* Dump, encode the dump, dump again: both dumps must be the same text. */
static void roundtrip(const char *path, const uint8_t *data, size_t len)
{
	size_t len1, len2, blen, i;
	char *one, *two, err[256];
	uint8_t *bytes;

	one = dump(data, len, &len1);
	if (vfiosim_fuzz_target.encode(one, len1, &bytes, &blen, err,
				       sizeof(err))) {
		fprintf(stderr, "replay: %s: its dump does not encode: %s\n",
			path, err);
		exit(1);
	}
	two = dump(bytes, blen, &len2);
	if (len1 != len2 || memcmp(one, two, len1)) {
		for (i = 0; i < len1 && i < len2 && one[i] == two[i]; i++)
			;
		fprintf(stderr,
			"replay: %s: the encoded dump runs differently from byte %zu of the dump:\n%s\n--- again ---\n%s\n",
			path, i, one, two);
		exit(1);
	}
	free(bytes);
	free(two);
	free(one);
}

static void run_file(const char *path, bool check_roundtrip)
{
	uint8_t *data;
	size_t len;

	current = path;
	if (verbose)
		fprintf(stderr, "replay: %s\n", path);
	data = load(path, &len);
	if (vfiosim_fuzz_dump)
		fprintf(vfiosim_fuzz_dump, "# %s (%zu bytes)\n", path, len);
	if (check_roundtrip)
		roundtrip(path, data, len);
	else
		LLVMFuzzerTestOneInput(data, len);
	free(data);
	nr_inputs++;
	nr_bytes += len;
	current = NULL;
}

static void run_path(const char *path, bool check_roundtrip)
{
	struct dirent **names;
	struct stat st;
	int n, i;

	if (stat(path, &st)) {
		if (errno == ENOENT && skip_missing)
			return;
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path, check_roundtrip);
		return;
	}
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
		char *sub;

		if (names[i]->d_name[0] != '.') {
			sub = malloc(len);
			if (!sub)
				abort();
			snprintf(sub, len, "%s/%s", path, names[i]->d_name);
			run_path(sub, check_roundtrip);
			free(sub);
		}
		free(names[i]);
	}
	free(names);
}

static int usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [-v] [--skip-missing] [--dump-trace | --roundtrip] PATH...\n"
		"       %s --encode FILE%s\n",
		argv0, argv0,
		vfiosim_fuzz_target.text_ext ? vfiosim_fuzz_target.text_ext :
					       "");
	return 2;
}

static int encode_file(const char *path)
{
	uint8_t *data;
	size_t len;

	if (!vfiosim_fuzz_target.encode) {
		fprintf(stderr, "replay: %s inputs have no text form\n",
			vfiosim_fuzz_target.name);
		return 2;
	}
	if (!is_text(path)) {
		fprintf(stderr, "replay: %s: not a %s file\n", path,
			vfiosim_fuzz_target.text_ext);
		return 2;
	}
	data = load(path, &len);
	if (fwrite(data, 1, len, stdout) != len || fflush(stdout))
		return 1;
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	bool check_roundtrip = false;
	int i, first;

	LLVMFuzzerInitialize(&argc, &argv);
	vfiosim_fuzz_exact = true;
	catch_crashes();

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose = true;
		} else if (!strcmp(argv[i], "--skip-missing")) {
			skip_missing = true;
		} else if (!strcmp(argv[i], "--dump-trace")) {
			vfiosim_fuzz_dump = stdout;
		} else if (!strcmp(argv[i], "--roundtrip")) {
			check_roundtrip = true;
		} else if (!strcmp(argv[i], "--encode")) {
			if (i + 2 != argc)
				return usage(argv[0]);
			return encode_file(argv[i + 1]);
		} else {
			return usage(argv[0]);
		}
	}
	first = i;
	if (first == argc)
		return usage(argv[0]);
	if (check_roundtrip && !vfiosim_fuzz_target.encode) {
		fprintf(stderr, "replay: %s inputs have no text form\n",
			vfiosim_fuzz_target.name);
		return 2;
	}
	for (i = first; i < argc; i++)
		run_path(argv[i], check_roundtrip);
	fprintf(stderr, "replay: %s: %lu inputs, %zu bytes, all passed\n",
		vfiosim_fuzz_target.name, nr_inputs, nr_bytes);
	return 0;
}
