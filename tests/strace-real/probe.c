// SPDX-License-Identifier: GPL-2.0-only
/*
 * The client of the real-strace test (tests/strace-real/run.sh): the calls
 * a VFIO client makes on its device fd, made on an ordinary file, so that
 * the strace binary prints them as it would for a device.  An ordinary
 * file answers the VFIO ioctls with ENOTTY: strace records those errors
 * and the importer keeps them as the expected results.
 *
 *   probe FILE
 *
 * What it does, in order (run.sh counts it in the imported trace):
 *   open FILE; 9 VFIO ioctls (-ENOTTY); pwrite64 of 4 and 100 bytes in
 *   "region 0"; pread64 of 4 bytes at 0, of 2 bytes at 7 << 40 + 4 (past
 *   the end: 0 bytes) and of 100 bytes at 0; mmap of 2 pages at 0 and of 1
 *   page at 2 << 40, MAP_SHARED; munmap of both; dup; fcntl(F_DUPFD_CLOEXEC);
 *   close of the dup; fork, the child preads 4 bytes at 0x10 and exits;
 *   a thread preads 4 bytes at 0x20; close.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define VFIO_IO(n)	(0x3b00u + 100u + (n))

static int fd;

static void *thread_main(void *arg)
{
	char buf[4];

	(void)arg;
	if (pread(fd, buf, sizeof(buf), 0x20) < 0)
		perror("pread (thread)");
	return NULL;
}

int main(int argc, char **argv)
{
	static const unsigned int cmds[] = {
		VFIO_IO(7),	/* VFIO_DEVICE_GET_INFO */
		VFIO_IO(8),	/* VFIO_DEVICE_GET_REGION_INFO */
		VFIO_IO(8),
		VFIO_IO(9),	/* VFIO_DEVICE_GET_IRQ_INFO */
		VFIO_IO(10),	/* VFIO_DEVICE_SET_IRQS */
		VFIO_IO(11),	/* VFIO_DEVICE_RESET */
		VFIO_IO(16),	/* VFIO_DEVICE_IOEVENTFD */
		VFIO_IO(17),	/* VFIO_DEVICE_FEATURE */
		VFIO_IO(60),	/* unknown: _IOC(_IOC_NONE, 0x3b, 0xa0, 0) */
	};
	uint8_t data[100], buf[100];
	struct { uint32_t argsz, flags, index, cap; uint64_t size, off; } ri;
	unsigned int i;
	pthread_t thr;
	void *a, *b;
	pid_t child;
	int d, d2;

	if (argc != 2) {
		fprintf(stderr, "usage: probe FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, 3 * 4096)) {
		perror(argv[1]);
		return 1;
	}
	memset(&ri, 0, sizeof(ri));
	ri.argsz = sizeof(ri);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		ioctl(fd, cmds[i], &ri);	/* -ENOTTY */
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	data[0] = 0x06;
	data[1] = 0x04;
	if (pwrite(fd, data, 4, 0) != 4 ||
	    pwrite(fd, data, sizeof(data), 0x100) != sizeof(data))
		perror("pwrite");
	if (pread(fd, buf, 4, 0) != 4 ||
	    pread(fd, buf, 2, (7ULL << 40) + 4) != 0 ||
	    pread(fd, buf, sizeof(buf), 0) != sizeof(buf))
		perror("pread");
	a = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	b = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 2ULL << 40);
	if (a == MAP_FAILED || b == MAP_FAILED)
		perror("mmap");
	if (a != MAP_FAILED)
		munmap(a, 2 * 4096);
	if (b != MAP_FAILED)
		munmap(b, 4096);
	d = dup(fd);
	d2 = fcntl(fd, F_DUPFD_CLOEXEC, 20);
	if (d < 0 || d2 < 0)
		perror("dup");
	close(d);
	fflush(NULL);
	child = fork();
	if (child == 0) {
		if (pread(fd, buf, 4, 0x10) != 4)
			perror("pread (child)");
		_exit(0);
	}
	if (child > 0)
		waitpid(child, NULL, 0);
	if (pthread_create(&thr, NULL, thread_main, NULL) == 0)
		pthread_join(thr, NULL);
	close(d2);
	close(fd);
	return 0;
}
