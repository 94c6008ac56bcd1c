// SPDX-License-Identifier: GPL-2.0
/*
 * Capture files: pcap and pcapng, any timestamp precision.
 *
 * libpcap opens every file. Reading its records through libpcap costs
 * two copies of every byte (stdio, then libpcap's buffer) and two fread()
 * calls per frame, more than the engine itself, so a classic pcap file in
 * this host's byte order, version 2.4, is read here: large pread()s, on
 * a thread of their own (ahead_run()) or else on this one (direct_run()),
 * each frame handed to the driver where it lies. Such a
 * record is four fields; while they are plain (the captured length within
 * libpcap's snapshot length, time stamp fields below 2^31), the result is
 * what pcap_next_ex() would give. At the first record that is not (a
 * file cut short, an oversized or odd record), libpcap is moved to it and
 * reads on from there, so that it decides, and words the error, as
 * always. pcapng, swapped or older files, and stdin, go through libpcap.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/futex.h>
#include <pcap/pcap.h>

#include "replay.h"

#define MAGIC_USEC	0xa1b2c3d4U
#define MAGIC_NSEC	0xa1b23c4dU
#define REC_HDR		16		/* struct pcap_sf_pkthdr */
#define FILE_HDR	24		/* struct pcap_file_header */
#define READ_CHUNK	(256 * 1024)	/* stays in the L2 cache */

/* nanosecond precision asked for: tv_usec holds nanoseconds */
static uint64_t ts_ns(const struct pcap_pkthdr *h)
{
	return (uint64_t)h->ts.tv_sec * 1000000000ULL + (uint64_t)h->ts.tv_usec;
}

/* Can the records be read here? Sets f->fd, f->nsec, f->snaplen. */
static void direct_setup(struct rp_pcap *f, pcap_t *p, FILE *fp)
{
	uint8_t h[FILE_HDR];
	uint32_t magic;
	uint16_t major, minor;
	struct stat st;
	int fd = fileno(fp);

	f->fd = -1;
	if (fp == stdin || fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    pcap_is_swapped(p) || pcap_snapshot(p) <= 0 ||
	    pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return;
	memcpy(&magic, h, 4);
	memcpy(&major, h + 4, 2);
	memcpy(&minor, h + 6, 2);
	if ((magic != MAGIC_USEC && magic != MAGIC_NSEC) || major != 2 ||
	    minor != 4)
		return;
	f->nsec = magic == MAGIC_NSEC;
	f->snaplen = (uint32_t)pcap_snapshot(p);
	f->fd = fd;
}

int rp_pcap_open(struct rp_pcap *f, struct rp *rp, const char *path,
		 char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	const char *name, *desc;
	pcap_t *p;
	FILE *fp;
	int dlt;

	f->p = NULL;
	f->fd = -1;
	fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* large reads: libpcap reads a record at a time through stdio */
	setvbuf(fp, NULL, _IOFBF, 1 << 20);
	p = pcap_fopen_offline_with_tstamp_precision(fp,
						     PCAP_TSTAMP_PRECISION_NANO,
						     ebuf);
	if (!p) {
		snprintf(err, errlen, "%s: %s", path, ebuf);
		if (fp != stdin)
			fclose(fp);
		return -1;
	}
	dlt = pcap_datalink(p);
	name = pcap_datalink_val_to_name(dlt);
	desc = pcap_datalink_val_to_description(dlt);
	snprintf(f->link, sizeof(f->link), "%s", name ? name : "?");
	if (rp_set_link(rp, dlt)) {
		snprintf(err, errlen,
			 "%s: link type %s (%s, DLT %d) is not supported; replay reads EN10MB (Ethernet, with VLAN tags), LINUX_SLL, LINUX_SLL2, RAW, IPV4, IPV6, NULL and LOOP",
			 path, name ? name : "unknown",
			 desc ? desc : "no description", dlt);
		pcap_close(p);
		return -1;
	}
	f->p = p;
	direct_setup(f, p, fp);
	return 0;
}

/*
 * The whole records of buf[*pos, end) through rp, up to an odd one (true
 * is returned) or a partial one; *pos is left at the first not replayed.
 * rp_frames() has seen them all when this returns: buf may change.
 */
static bool walk(const struct rp_pcap *f, struct rp *rp, const uint8_t *buf,
		 size_t *pos, size_t end)
{
	struct rp_frame_in fr[RP_BATCH];
	unsigned int nf = 0;
	size_t p = *pos;
	bool odd = false;

	while (end - p >= REC_HDR) {
		uint32_t r[4];		/* sec, frac, caplen, len */

		memcpy(r, buf + p, sizeof(r));
		if (__builtin_expect(r[2] > f->snaplen || r[0] > INT32_MAX ||
				     r[1] > INT32_MAX, 0)) {
			odd = true;
			break;
		}
		if (end - p - REC_HDR < r[2])
			break;
		fr[nf].ts_ns = (uint64_t)r[0] * 1000000000ULL +
			       (f->nsec ? r[1] : (uint64_t)r[1] * 1000);
		fr[nf].data = buf + p + REC_HDR;
		fr[nf].caplen = r[2];
		fr[nf].len = r[3];
		if (++nf == RP_BATCH) {
			rp_frames(rp, fr, nf);
			nf = 0;
		}
		p += REC_HDR + r[2];
	}
	rp_frames(rp, fr, nf);
	*pos = p;
	return odd;
}

/*
 * Replays the records from file offset off on; returns the offset of the
 * first one left to libpcap, or -1 at a clean end of the file.
 */
static int64_t direct_run(struct rp_pcap *f, struct rp *rp, uint64_t off)
{
	size_t size = READ_CHUNK + REC_HDR + f->snaplen;
	uint8_t *buf = malloc(size);
	size_t have = 0, pos = 0;	/* buf[0] is at file offset off */
	ssize_t n;

	if (!buf)
		return (int64_t)off;
	while (!walk(f, rp, buf, &pos, have)) {
		/* the partial record to the front, then read on */
		memmove(buf, buf + pos, have - pos);
		off += pos;
		have -= pos;
		pos = 0;
		n = pread(f->fd, buf + have, READ_CHUNK, (off_t)(off + have));
		if (n <= 0) {
			free(buf);
			/* libpcap says what is wrong with a partial record */
			return n == 0 && !have ? -1 : (int64_t)off;
		}
		have += (size_t)n;
	}
	free(buf);
	return (int64_t)(off + pos);
}

/*
 * The same with the reading on a thread of its own: it copies the file
 * into a ring of AHEAD_BUFS chunks while the engine replays the ones
 * before, so that on two cores the copy out of the page cache (about a
 * quarter of a replay's time on one thread) overlaps the engine's work.
 * The threads meet once a chunk. A record cut by the end of a chunk is
 * copied in front of the next chunk's data (pad bytes are kept free
 * there): what the engine sees is what direct_run() gives it. A build
 * with -DAHEAD_CHUNK=8192 cuts many records, for testing.
 */
#ifndef AHEAD_CHUNK
#define AHEAD_CHUNK	(1024 * 1024)
#endif
#define AHEAD_BUFS	4
#define AHEAD_SPINS	200

struct ahead {
	_Alignas(64) _Atomic uint32_t filled;	/* chunks read */
	_Alignas(64) _Atomic uint32_t used;	/* chunks replayed */
	_Atomic uint32_t stop;			/* read no more */
	/* asleep on the other side's count (futex), to be woken */
	_Alignas(64) _Atomic uint32_t reader_sleeps, engine_sleeps;
	int fd;
	uint64_t off;			/* file offset of the first chunk */
	size_t pad;			/* room for a cut record, per chunk */
	uint8_t *buf[AHEAD_BUFS];	/* pad bytes, then the chunk */
	ssize_t len[AHEAD_BUFS];	/* pread()'s result */
};

/*
 * Waits until *w is no longer v: spins a little, then sleeps on the
 * futex. The other side stores *w, then wakes a sleeper; with seq_cst on
 * both sides, either this side sees the new *w or that one sees *sleeps.
 */
static void wait_change(_Atomic uint32_t *w, uint32_t v,
			_Atomic uint32_t *sleeps)
{
	for (int i = 0; i < AHEAD_SPINS; i++) {
		if (atomic_load_explicit(w, memory_order_acquire) != v)
			return;
		__builtin_ia32_pause();
	}
	while (atomic_load(w) == v) {
		atomic_store(sleeps, 1);
		if (atomic_load(w) == v)
			syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, v, NULL, NULL,
				0);
		atomic_store(sleeps, 0);
	}
}

/* *w = v, and the other side woken if it sleeps on it */
static void publish(_Atomic uint32_t *w, uint32_t v, _Atomic uint32_t *sleeps)
{
	atomic_store(w, v);
	if (atomic_load(sleeps))
		syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *read_ahead(void *arg)
{
	struct ahead *a = arg;
	uint64_t off = a->off;

	for (uint32_t n = 0;; n++) {
		uint32_t used = atomic_load(&a->used);
		ssize_t r;

		while (n - used == AHEAD_BUFS && !atomic_load(&a->stop)) {
			wait_change(&a->used, used, &a->reader_sleeps);
			used = atomic_load(&a->used);
		}
		if (atomic_load(&a->stop))
			break;
		r = pread(a->fd, a->buf[n % AHEAD_BUFS] + a->pad, AHEAD_CHUNK,
			  (off_t)off);
		a->len[n % AHEAD_BUFS] = r;
		publish(&a->filled, n + 1, &a->engine_sleeps);
		if (r <= 0)
			break;
		off += (uint64_t)r;
	}
	return NULL;
}

/* direct_run() on two threads; -2 if they cannot be had (nothing read) */
static int64_t ahead_run(struct rp_pcap *f, struct rp *rp, uint64_t off)
{
	struct ahead *a = aligned_alloc(64, sizeof(*a));
	uint64_t coff = off;		/* file offset of the chunk's data */
	size_t carry = 0;		/* bytes of a cut record before it */
	int64_t ret = -2;
	pthread_t t;
	uint32_t n;

	if (!a)
		return -2;
	memset(a, 0, sizeof(*a));
	a->fd = f->fd;
	a->off = off;
	a->pad = (REC_HDR + f->snaplen + 63) & ~(size_t)63;
	for (n = 0; n < AHEAD_BUFS; n++)
		if (!(a->buf[n] = aligned_alloc(64, a->pad + AHEAD_CHUNK)))
			goto out;
	if (pthread_create(&t, NULL, read_ahead, a))
		goto out;
	for (n = 0;; n++) {
		uint32_t filled = atomic_load(&a->filled);
		uint8_t *b = a->buf[n % AHEAD_BUFS];
		size_t pos, end;
		ssize_t len;

		while (filled == n) {
			wait_change(&a->filled, filled, &a->engine_sleeps);
			filled = atomic_load(&a->filled);
		}
		len = a->len[n % AHEAD_BUFS];
		if (len <= 0) {
			/* libpcap says what is wrong with a partial record */
			ret = len == 0 && !carry ? -1 : (int64_t)(coff - carry);
			break;
		}
		pos = a->pad - carry;
		end = a->pad + (size_t)len;
		if (walk(f, rp, b, &pos, end)) {
			ret = (int64_t)(coff + pos) - (int64_t)a->pad;
			break;
		}
		carry = end - pos;
		if (carry > a->pad) {
			/* a short read left more than a record: libpcap's */
			ret = (int64_t)(coff + pos) - (int64_t)a->pad;
			break;
		}
		memcpy(a->buf[(n + 1) % AHEAD_BUFS] + a->pad - carry, b + pos,
		       carry);
		coff += (size_t)len;
		publish(&a->used, n + 1, &a->reader_sleeps);
	}
	atomic_store(&a->stop, 1);
	publish(&a->used, n + AHEAD_BUFS + 1, &a->reader_sleeps);
	pthread_join(t, NULL);
out:
	for (n = 0; n < AHEAD_BUFS; n++)
		free(a->buf[n]);
	free(a);
	return ret;
}

int rp_pcap_run(struct rp_pcap *f, struct rp *rp, char *err, size_t errlen)
{
	pcap_t *p = f->p;
	FILE *fp = pcap_file(p);
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = 1;

	if (f->fd >= 0) {
		int64_t rest = ahead_run(f, rp, FILE_HDR);

		if (rest == -2)
			rest = direct_run(f, rp, FILE_HDR);

		if (rest < 0)
			rc = PCAP_ERROR_BREAK;
		else if (fseeko(fp, (off_t)rest, SEEK_SET))
			rc = PCAP_ERROR;
	}
	while (rc == 1) {
		rc = pcap_next_ex(p, &h, &data);
		if (rc == 1)
			rp_frame(rp, ts_ns(h), data, h->caplen, h->len);
	}
	if (rc == PCAP_ERROR)
		/* a capture cut short: keep what was read, say why */
		snprintf(err, errlen, "%s", pcap_geterr(p));
	pcap_close(p);
	f->p = NULL;
	return rc == PCAP_ERROR ? 1 : 0;
}
