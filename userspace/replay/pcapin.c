// SPDX-License-Identifier: GPL-2.0
/* Capture files through libpcap: pcap and pcapng, any timestamp precision. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <pcap/pcap.h>

#include "replay.h"

/* One libpcap callback per frame, straight into the driver. */
static void on_frame(u_char *user, const struct pcap_pkthdr *h,
		     const u_char *data)
{
	/* nanosecond precision asked for: tv_usec holds nanoseconds */
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ULL +
		      (uint64_t)h->ts.tv_usec;

	rp_frame((struct rp *)user, ts, data, h->caplen, h->len);
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
	return 0;
}

int rp_pcap_run(struct rp_pcap *f, struct rp *rp, char *err, size_t errlen)
{
	pcap_t *p = f->p;
	int rc = pcap_loop(p, -1, on_frame, (u_char *)rp);

	if (rc == PCAP_ERROR)
		/* a capture cut short: keep what was read, say why */
		snprintf(err, errlen, "%s", pcap_geterr(p));
	pcap_close(p);
	f->p = NULL;
	return rc == PCAP_ERROR ? 1 : 0;
}
