// SPDX-License-Identifier: GPL-2.0
/*
 * gen_capture FILE [CONNS [SNAPLEN]]: writes an Ethernet pcap of CONNS
 * (default 100000) complete TCP connections to one server, 10 frames each
 * (the handshake, a request and a reply with their ACKs, a 4-way close),
 * 256 of them under way at any time; for the replay benchmark
 * (bench-replay.sh). With SNAPLEN, frames are cut to that many bytes, as
 * "tcpdump -s SNAPLEN" captures them, and the file says so.
 */
#include "pcapgen.h"

#define LIVE 256

int main(int argc, char **argv)
{
	static struct pg_flow fl[LIVE];
	long conns = argc > 2 ? atol(argv[2]) : 100000;
	uint32_t snaplen = argc > 3 ? (uint32_t)atol(argv[3]) : 0;
	struct pg_cap c;
	char addr[32];

	if (argc < 2 || conns <= 0) {
		fprintf(stderr, "usage: %s FILE [CONNS]\n", argv[0]);
		return 1;
	}
	if (pg_open_path(&c, argv[1], PG_ETHERNET, false)) {
		perror(argv[1]);
		return 1;
	}
	c.snaplen = snaplen;
	/* each round: step s of every live connection; new ones start */
	for (long base = 0; base < conns; base += LIVE) {
		long n = conns - base < LIVE ? conns - base : LIVE;

		for (long i = 0; i < n; i++) {
			long k = base + i;

			snprintf(addr, sizeof(addr), "10.%ld.%ld.%ld",
				 (k >> 16) & 255, (k >> 8) & 255, k & 255);
			pg_flow(&fl[i], addr, (uint16_t)(1024 + k % 60000),
				"192.0.2.1", 443, (uint32_t)k * 2654435761U,
				(uint32_t)k * 40503U);
		}
		for (int step = 0; step < 10; step++) {
			for (long i = 0; i < n; i++) {
				static const struct { bool srv; uint8_t fl; uint32_t len; } s[10] = {
					{ false, PG_SYN, 0 },
					{ true, PG_SYN | PG_ACK, 0 },
					{ false, PG_ACK, 0 },
					{ false, PG_ACK | PG_PSH, 300 },
					{ true, PG_ACK | PG_PSH, 1200 },
					{ false, PG_ACK, 0 },
					{ false, PG_FIN | PG_ACK, 0 },
					{ true, PG_ACK, 0 },
					{ true, PG_FIN | PG_ACK, 0 },
					{ false, PG_ACK, 0 },
				};

				pg_send_o(&c, &fl[i], s[step].srv, s[step].fl,
					  s[step].len, NULL, 2000);
			}
		}
	}
	/* the file header's snapshot length */
	if (snaplen && (fseek(c.f, 16, SEEK_SET) ||
			fwrite(&snaplen, 4, 1, c.f) != 1)) {
		perror(argv[1]);
		return 1;
	}
	pg_close(&c);
	return 0;
}
