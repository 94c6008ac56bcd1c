/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selftests' library (selftests/lib/, built once into
 * selftests/build/libst.a and linked into every test program):
 *
 *  - topo_*: two network namespaces A and B joined by veth, IPv4 or IPv6,
 *    fixed MAC addresses and permanent neighbours (no ARP/ND races);
 *  - swnl_*: a generic netlink session with the synwatch module (libmnl):
 *    stats, connection dumps, config, subscriptions and their events;
 *  - pd_*: a mini-packetdrill. The real TCP stack under test runs in A; the
 *    peer in B is a script that reads A's segments with AF_PACKET on B's
 *    veth and answers with segments it builds itself, also sent with
 *    AF_PACKET (so that B's own netfilter never sees them). An nft rule in
 *    B drops what arrives for the script's port, so that B's kernel never
 *    answers for it. pd_out_*() sends a segment as if A's stack had sent it,
 *    through a raw IP socket in A: it crosses A's LOCAL_OUT hook.
 *
 * Every function returns a negative errno (or -1) on failure; the tests
 * ASSERT on it.
 */
#ifndef ST_UTIL_H
#define ST_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>
#include <linux/synwatch.h>

/* TCP flags, header byte 13 */
#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10
#define F_URG	0x20

#define IP4_A	"198.18.0.1"
#define IP4_B	"198.18.0.2"
#define IP6_A	"2001:db8::1"
#define IP6_B	"2001:db8::2"
#define MAC_A	"02:5a:00:00:00:0a"
#define MAC_B	"02:5a:00:00:00:0b"


const char *st_state_name(unsigned int s);

uint64_t st_now_us(void);

/*
 * How much slower than a plain kernel this one runs: run_tests.sh's
 * TEST_TIMEOUT_SCALE (5 on the KASAN/lockdep debug build), 1 if unset. A
 * latency a test asserts in wall-clock time is multiplied by it; on the
 * kernels CI runs, it is 1 and the budget is the documented one.
 */
unsigned int st_slow_scale(void);

/*
 * The harness gives each test 30 s unless TEST_F_TIMEOUT says otherwise:
 * on the debug kernel with the host busy (a benchmark beside the VM),
 * genl_netns_perm's tests ran out of it. The limit is only there to
 * end a hung test, so it is generous: 120 s, and a test that needs more
 * still says so. TEST_F() expands it where each test is declared, after
 * this.
 */
#ifdef TEST_TIMEOUT_DEFAULT
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120
#endif

/* Run a shell command (printf format); returns its exit status. */
int st_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
