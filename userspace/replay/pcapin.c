// SPDX-License-Identifier: GPL-2.0
/*
 * Capture files: pcap and pcapng, any timestamp precision.
 *
 * libpcap opens every file. Reading its records through libpcap costs
 * two copies of every byte (stdio, then libpcap's buffer) and two fread()
 * calls per frame, more than the engine itself, so a classic pcap file in
 * this host's byte order, version 2.4, is read here: large pread()s into
 * one buffer, each frame handed to the driver where it lies. Such a
 * record is four fields; while they are plain (the captured length within
 * libpcap's snapshot length, time stamp fields below 2^31), the result is
 * what pcap_next_ex() would give. At the first record that is not (a
 * file cut short, an oversized or odd record), libpcap is moved to it and
 * reads on from there, so that it decides, and words the error, as
 * always. pcapng, swapped or older files, and stdin, go through libpcap.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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
 * Replays the records from file offset off on; returns the offset of the
 * first one left to libpcap, or -1 at a clean end of the file.
 */
static int64_t direct_run(struct rp_pcap *f, struct rp *rp, uint64_t off)
{
	size_t size = READ_CHUNK + REC_HDR + f->snaplen;
	uint8_t *buf = malloc(size);
	size_t have = 0, pos = 0;	/* buf[0] is at file offset off */
	struct rp_frame_in fr[RP_BATCH];
	unsigned int nf = 0;
	ssize_t n;

	if (!buf)
		return (int64_t)off;
	for (;;) {
		uint32_t r[4];		/* sec, frac, caplen, len */

		if (have - pos >= REC_HDR) {
			memcpy(r, buf + pos, sizeof(r));
			if (__builtin_expect(r[2] > f->snaplen ||
					     r[0] > INT32_MAX ||
					     r[1] > INT32_MAX, 0))
				break;
			if (have - pos >= REC_HDR + r[2]) {
				fr[nf].ts_ns = (uint64_t)r[0] * 1000000000ULL +
					       (f->nsec ? r[1] :
							  (uint64_t)r[1] * 1000);
				fr[nf].data = buf + pos + REC_HDR;
				fr[nf].caplen = r[2];
				fr[nf].len = r[3];
				if (++nf == RP_BATCH) {
					rp_frames(rp, fr, nf);
					nf = 0;
				}
				pos += REC_HDR + r[2];
				continue;
			}
		}
		/* the frames in the buffer first: it is about to move */
		rp_frames(rp, fr, nf);
		nf = 0;
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
	rp_frames(rp, fr, nf);
	free(buf);
	return (int64_t)(off + pos);
}

int rp_pcap_run(struct rp_pcap *f, struct rp *rp, char *err, size_t errlen)
{
	pcap_t *p = f->p;
	FILE *fp = pcap_file(p);
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = 1;

	if (f->fd >= 0) {
		int64_t rest = direct_run(f, rp, FILE_HDR);

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
