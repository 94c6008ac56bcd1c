// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logfile.h"

int logfile_reopen(struct logfile *lf)
{
	struct stat st;
	int fd;

	fd = open(lf->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (lf->fd >= 0)
		close(lf->fd);
	lf->fd = fd;
	lf->size = (uint64_t)st.st_size;
	return 0;
}

int logfile_open(struct logfile *lf, const char *path, uint64_t max_bytes,
		 unsigned int keep)
{
	int ret;

	memset(lf, 0, sizeof(*lf));
	lf->fd = -1;
	lf->path = strdup(path);
	if (!lf->path)
		return -ENOMEM;
	lf->max_bytes = max_bytes;
	lf->keep = keep;
	ret = logfile_reopen(lf);
	if (ret) {
		free(lf->path);
		lf->path = NULL;
	}
	return ret;
}

static void generation(char *buf, size_t len, const char *path, unsigned int n)
{
	snprintf(buf, len, "%s.%u", path, n);
}

int logfile_rotate(struct logfile *lf)
{
	char from[PATH_MAX], to[PATH_MAX];

	if (lf->keep == 0) {
		/* no old generations wanted: start over in place */
		if (ftruncate(lf->fd, 0))
			return -errno;
		lf->size = 0;
		lf->rotations++;
		return 0;
	}
	/* oldest first, so that nothing is overwritten before it moved */
	for (unsigned int n = lf->keep; n > 1; n--) {
		generation(from, sizeof(from), lf->path, n - 1);
		generation(to, sizeof(to), lf->path, n);
		if (rename(from, to) && errno != ENOENT)
			return -errno;
	}
	generation(to, sizeof(to), lf->path, 1);
	if (rename(lf->path, to))
		return -errno;
	lf->rotations++;
	/* the old fd still points at path.1; lines keep going there until
	 * the new file is open, so none is lost if reopening fails */
	return logfile_reopen(lf);
}

/* One write(2) of whole lines at the end of the file, or none of them. */
static int write_lines(struct logfile *lf, const char *line, size_t len)
{
	ssize_t n;
	int ret;

	do {
		n = write(lf->fd, line, len);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len) {
		lf->size += len;
		return 0;
	}
	ret = n < 0 ? -errno : -ENOSPC;
	/* a torn line would corrupt the JSON stream: cut it off again */
	if (n > 0 && ftruncate(lf->fd, (off_t)lf->size))
		ret = -errno;
	return ret;
}

int logfile_flush(struct logfile *lf)
{
	int ret;

	if (!lf->pend_len)
		return 0;
	if (lf->fd < 0)
		ret = -EBADF;
	else
		ret = write_lines(lf, lf->pend, lf->pend_len);
	lf->pend_len = 0;
	return ret;
}

int logfile_append(struct logfile *lf, const char *line, size_t len)
{
	int ret;

	if (lf->fd < 0)
		return -EBADF;
	/* as logfile_write(): a line that does not fit starts a new file */
	if (lf->size + lf->pend_len &&
	    lf->size + lf->pend_len + len > lf->max_bytes) {
		ret = logfile_flush(lf);
		if (!ret && lf->size)
			ret = logfile_rotate(lf);
		if (ret)
			return ret;
	}
	if (lf->pend_len + len > lf->pend_cap) {
		size_t cap = lf->pend_cap ? lf->pend_cap : 64 * 1024;
		char *p;

		while (cap < lf->pend_len + len)
			cap *= 2;
		p = realloc(lf->pend, cap);
		if (!p) {
			/* no room to gather: straight out, as one line */
			ret = logfile_flush(lf);
			return ret ? ret : write_lines(lf, line, len);
		}
		lf->pend = p;
		lf->pend_cap = cap;
	}
	memcpy(lf->pend + lf->pend_len, line, len);
	lf->pend_len += len;
	return 0;
}

int logfile_write(struct logfile *lf, const char *line, size_t len)
{
	int ret;

	if (lf->fd < 0)
		return -EBADF;
	/* a line that does not fit starts a new file; a line larger than a
	 * whole file still goes out whole, alone in its file */
	ret = logfile_flush(lf);
	if (ret)
		return ret;
	if (lf->size && lf->size + len > lf->max_bytes) {
		ret = logfile_rotate(lf);
		if (ret)
			return ret;
	}
	return write_lines(lf, line, len);
}

void logfile_close(struct logfile *lf)
{
	logfile_flush(lf);
	free(lf->pend);
	lf->pend = NULL;
	lf->pend_len = lf->pend_cap = 0;
	if (lf->fd >= 0)
		close(lf->fd);
	lf->fd = -1;
	free(lf->path);
	lf->path = NULL;
}
