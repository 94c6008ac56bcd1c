/* SPDX-License-Identifier: GPL-2.0 */
/* Two network namespaces A and B joined by veth, and TCP sockets in them. */
#ifndef ST_TOPO_H
#define ST_TOPO_H

#include "util.h"

struct st_topo {
	int family;
	char a[48], b[48];		/* netns names */
	int fa, fb, self;		/* netns fds */
	int ifa, ifb;			/* ifindex of veth0 in A, in B */
	uint8_t mac_a[6], mac_b[6];
	uint8_t addr_a[16], addr_b[16];	/* 4 or 16 bytes used */
	int alen;
	const char *sa, *sb;		/* address strings */
	bool up;
};

int st_ns_enter(int fd);

/*
 * The TCP segments the stack of netns nsfd received (Tcp: InSegs) and
 * sent (OutSegs: every segment but retransmitted data) so far, from its
 * /proc/net/snmp, read from this thread (/proc/thread-self: setns() moves
 * the thread, not the process). With one connection in a netns, what
 * synwatch counts for it must agree with these, however many ACKs the
 * stack chose to send. 0, or -errno.
 */
int st_tcp_mib(struct st_topo *t, int nsfd, uint64_t *in,
	    uint64_t *out);

/* socket() in the netns nsfd, back to self afterwards. */
int st_ns_socket(struct st_topo *t, int nsfd, int dom, int type,
	      int proto);

void st_parse_mac(const char *s, uint8_t *m);


void st_topo_down(struct st_topo *t);

/*
 * A (veth0, MAC_A, IP4_A/IP6_A) <-> B (veth0, MAC_B, IP4_B/IP6_B); the
 * calling thread stays in its own netns.
 */
int st_topo_up(struct st_topo *t, int family, const char *tag);

/* Fill a sockaddr for addr (A's or B's) and port. */
socklen_t st_topo_sa(const struct st_topo *t, const uint8_t *addr,
		  uint16_t port, struct sockaddr_storage *ss);

/* A TCP socket in nsfd bound to addr:port (port 0: any); -errno. */
int st_tcp_sock(struct st_topo *t, int nsfd, const uint8_t *addr,
	     uint16_t port);

int st_tcp_listen(struct st_topo *t, int nsfd, const uint8_t *addr,
	       uint16_t port);

/* Blocking connect from (nsfd, laddr:lport) to raddr:rport. */
int st_tcp_connect(struct st_topo *t, int nsfd, const uint8_t *laddr,
		uint16_t lport, const uint8_t *raddr,
		uint16_t rport, bool nonblock);

uint16_t st_sock_port(int fd);

/* Wait until fd is readable (or writable); 1 ready, 0 timeout. */
int st_fd_wait(int fd, short events, int timeout_ms);

#endif
