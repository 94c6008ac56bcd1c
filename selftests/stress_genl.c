// SPDX-License-Identifier: GPL-2.0
/*
 * Reliability suite: a generic netlink fuzzer against the family
 * "synwatch", in netns A of a veth pair A <-> B (IPv4), while B's real
 * stack makes connections to a listener of A.
 *
 *  - root_fuzz: random and semi-valid requests for every command number
 *    (SYNWATCH_CMD_*, and the ones past them), doit and dump, with random
 *    attributes: random types, lengths and flags, CONFIG and FILTER nests
 *    with random and boundary values, nests of garbage, nests in nests.
 *    Every request is answered (an ACK, an error or a dump's DONE) within
 *    the socket's SO_RCVTIMEO, with an error the contract names (EINVAL,
 *    ERANGE, EOPNOTSUPP, EBADF for a NETNS_FD that is no fd); GET_STATS
 *    answers throughout.
 *  - unprivileged_fuzz: the same from a child that became uid/gid 65534
 *    with no capabilities (capget says none): every mutating command
 *    (RESET_STATS, SET_CONFIG, FLUSH), whatever it carries, and every
 *    dump aimed at a netns by NETNS_FD, is refused with EPERM; afterwards
 *    the configuration is unchanged, the counters were not reset and no
 *    record was flushed.
 *  - config_ranges: out-of-range values of every SET_CONFIG key (kmod/
 *    config.c's policy: timeouts 1..SYNWATCH_TIMEOUT_MAX_S, EVENT_MASK
 *    bits, COMPLETION_PCT <= 100, HOLD_MS/UPDATE_MS 100..3600000, the
 *    read-only MAX_CONNS_GLOBAL, LOW above HIGH, wrong attribute lengths,
 *    unknown timeout states, a missing nest), alone or beside a valid key:
 *    rejected with the kernel's error (ERANGE for a policy range, EINVAL
 *    for the rest) and an extack message, and GET_CONFIG is byte for byte
 *    what it was. In-range values are applied and read back.
 *  - concurrent_dumps: DUMPERS processes dump conns and listeners (with
 *    and without filters) for some seconds while connections are made and
 *    closed and root flushes the table now and then: every dump ends with
 *    DONE and every record is sane.
 *  - abandoned_dumps: dumps begun on a socket with a small receive buffer,
 *    one datagram read (or none), the socket closed: each dump holds a
 *    reference to netns A until its done callback; once A is deleted, its
 *    records must leave the table (they would stay with a leaked one).
 *  - slow_subscriber: a subscriber with a small receive buffer that never
 *    reads while connections churn: the kernel counts in EVENT_DROP exactly
 *    the events that did not reach it (each subscription event numbered
 *    1..N was either delivered or counted dropped), and once it reads
 *    again, or closes, nothing else is lost.
 *
 * Every test ends with a plain GET_STATS; the VM runner fails the run on
 * any kernel WARNING, BUG or KASAN report, so a clean console is part of
 * what is checked.
 *
 * STRESS_SEED seeds the PRNG (each test prints its seed); STRESS_SCALE
 * (default 1) multiplies the work: at scale S, S * 20 000 random requests
 * as root, S * 15 000 unprivileged, S * 2 000 rounds of SET_CONFIG (5
 * requests each), S * 8 s of concurrent dumps (about S * 1 800 dumps in
 * the TCG VM), S * 400 abandoned dumps and S * 300 connections under a
 * slow subscriber: about S * 47 000 requests in all (each test prints its
 * count), so make stress's STRESS_SCALE=5 sends over twice the issue's
 * 10^5. At scale 1 the program takes about 65 s in the TCG VM with 2
 * vCPUs, 45 of them setting up the network namespaces.
 */
#include "kselftest_harness.h"
#include "lib/nl.h"
#include "lib/stress.h"

#include <grp.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#define SRV_PORT	8400
#define NOBODY		65534
#define ROOT_MSGS	20000	/* at scale 1 */
#define NOBODY_MSGS	15000
#define RANGE_ROUNDS	2000	/* 5 requests each */
#define DUMPERS		8
#define DUMP_SECS	8
#define ABANDONED	400
#define CHURN_CONNS	300	/* slow_subscriber */

#ifndef NETLINK_NO_ENOBUFS
#define NETLINK_NO_ENOBUFS 5
#endif

/* ------------------------------------------------------------------ */
/* Requests                                                           */
/* ------------------------------------------------------------------ */

/* A value a u32 policy is likely to have an edge at, or any. */
static uint32_t edgy_u32(void)
{
	static const uint32_t edges[] = {
		0, 1, 2, 99, 100, 101, 255, 256, 4095, 4096, 65535, 65536,
		3600000, 3600001, SYNWATCH_TIMEOUT_MAX_S,
		SYNWATCH_TIMEOUT_MAX_S + 1, 0x7fffffff, 0x80000000, 0xffffffff,
	};

	return st_chance(60) ? edges[st_rnd_below(sizeof(edges) / sizeof(edges[0]))] :
			    st_rnd();
}

/* An attribute of a random length (mostly a u8/u16/u32/u64's). */
static void put_random_attr(struct nlmsghdr *nlh, uint16_t type)
{
	static const uint8_t lens[] = { 0, 1, 2, 4, 4, 4, 8, 16, 3, 5 };
	uint8_t buf[64];
	size_t len = st_chance(90) ? lens[st_rnd_below(sizeof(lens))] :
				  st_rnd_below(sizeof(buf));
	uint32_t v = edgy_u32();
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = st_rnd();
	if (len >= 4)
		memcpy(buf, &v, 4);
	else if (len)
		memcpy(buf, &v, len);	/* little-endian: the low bytes */
	mnl_attr_put(nlh, type, len, buf);
}

/*
 * A nest of up to n attributes of types below max + 3 (some unknown),
 * maybe nests themselves, maybe garbage instead of attributes.
 */
static void put_random_nest(struct nlmsghdr *nlh, uint16_t type,
			    uint16_t max, int depth)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	unsigned int n = st_rnd_below(6), i;

	if (st_chance(10)) {
		/* bytes that do not parse as attributes */
		uint8_t *junk = mnl_nlmsg_get_payload_tail(nlh);
		size_t len = st_rnd_below(24);

		for (i = 0; i < len; i++)
			junk[i] = st_rnd();
		nlh->nlmsg_len += MNL_ALIGN(len);
	} else {
		for (i = 0; i < n; i++) {
			uint16_t t = st_rnd_below(max + 3);

			if (depth < 3 && st_chance(15))
				put_random_nest(nlh, t, max, depth + 1);
			else
				put_random_attr(nlh, t);
		}
	}
	/* the nested flag missing now and then: strict parsing wants it */
	if (st_chance(5))
		nest->nla_type &= ~NLA_F_NESTED;
	mnl_attr_nest_end(nlh, nest);
}

/* SYNWATCH_A_CONFIG with random keys and values, some of them sane. */
static void put_random_config(struct nlmsghdr *nlh)
{
	struct nlattr *c = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG);
	unsigned int n = 1 + st_rnd_below(4), i;

	for (i = 0; i < n; i++) {
		uint16_t k = st_rnd_below(SYNWATCH_A_CONFIG_MAX + 2);

		if (k == SYNWATCH_A_CONFIG_TIMEOUTS) {
			put_random_nest(nlh, k, SYNWATCH_STATE_MAX + 1, 1);
		} else if (k == SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT &&
			   st_chance(70)) {
			mnl_attr_put_u8(nlh, k, st_rnd_below(256));
		} else if (st_chance(70)) {
			mnl_attr_put_u32(nlh, k, edgy_u32());
		} else {
			put_random_attr(nlh, k);
		}
	}
	mnl_attr_nest_end(nlh, c);
}

/* SYNWATCH_A_FILTER: random keys, mostly the right size. */
static void put_random_filter(struct nlmsghdr *nlh, const int *fds, int nfds)
{
	struct nlattr *f = mnl_attr_nest_start(nlh, SYNWATCH_A_FILTER);
	unsigned int n = st_rnd_below(5), i;
	uint8_t addr[16];

	for (i = 0; i < sizeof(addr); i++)
		addr[i] = st_rnd();
	for (i = 0; i < n; i++) {
		uint16_t k = st_rnd_below(SYNWATCH_A_FILTER_MAX + 2);

		switch (st_chance(70) ? k : 0) {
		case SYNWATCH_A_FILTER_STATE_MASK:
		case SYNWATCH_A_FILTER_EVENT_MASK:
		case SYNWATCH_A_FILTER_BATCH_BYTES:
			mnl_attr_put_u32(nlh, k, st_chance(50) ? st_rnd() : edgy_u32());
			break;
		case SYNWATCH_A_FILTER_FAMILY:
			mnl_attr_put_u8(nlh, k, st_chance(60) ? (st_chance(50) ? AF_INET :
						 AF_INET6) : st_rnd());
			break;
		case SYNWATCH_A_FILTER_LADDR:
		case SYNWATCH_A_FILTER_RADDR:
			mnl_attr_put(nlh, k, st_chance(80) ? (st_chance(50) ? 4 : 16) :
				     st_rnd_below(17), addr);
			break;
		case SYNWATCH_A_FILTER_LPREFIX:
		case SYNWATCH_A_FILTER_RPREFIX:
			mnl_attr_put_u8(nlh, k, st_rnd_below(140));
			break;
		case SYNWATCH_A_FILTER_LPORT_MIN:
		case SYNWATCH_A_FILTER_LPORT_MAX:
		case SYNWATCH_A_FILTER_RPORT_MIN:
		case SYNWATCH_A_FILTER_RPORT_MAX:
			mnl_attr_put_u16(nlh, k, st_rnd());
			break;
		case SYNWATCH_A_FILTER_LPORT_INVERT:
		case SYNWATCH_A_FILTER_RPORT_INVERT:
			mnl_attr_put(nlh, k, 0, NULL);
			break;
		case SYNWATCH_A_FILTER_NETNS_FD:
			/* no fd, a netns, something else, nothing at all */
			mnl_attr_put_u32(nlh, k, st_chance(50) ? (uint32_t)fds[st_rnd_below(nfds)] :
					 edgy_u32());
			break;
		default:
			put_random_attr(nlh, k);
			break;
		}
	}
	mnl_attr_nest_end(nlh, f);
}

/*
 * One random request in s->buf: any command number (some past
 * SYNWATCH_CMD_MAX), doit or dump, no attributes, sane nests, random ones,
 * or a truncated generic netlink header. Always NLM_F_REQUEST | NLM_F_ACK
 * and a length the kernel can parse as a netlink message, so that a reply
 * must come.
 */
static struct nlmsghdr *random_request(struct st_nl *s, uint8_t *cmd,
				       const int *fds, int nfds)
{
	struct nlmsghdr *nlh;
	unsigned int n, i;

	*cmd = st_rnd_below(SYNWATCH_CMD_MAX + 4);
	nlh = st_nl_msg(s, s->fam, *cmd, NLM_F_ACK |
		       (st_chance(40) ? NLM_F_DUMP : 0));
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = st_rnd();
	if (st_chance(2)) {
		/* shorter than a generic netlink header */
		nlh->nlmsg_len = MNL_NLMSG_HDRLEN + st_rnd_below(4);
		return nlh;
	}
	n = st_rnd_below(4);
	for (i = 0; i < n; i++) {
		switch (st_rnd_below(5)) {
		case 0:
			put_random_config(nlh);
			break;
		case 1:
			put_random_filter(nlh, fds, nfds);
			break;
		case 2:
			put_random_nest(nlh, st_rnd_below(SYNWATCH_A_MAX + 3),
					SYNWATCH_A_CONFIG_MAX, 0);
			break;
		default:
			put_random_attr(nlh, st_rnd_below(SYNWATCH_A_MAX + 3));
			break;
		}
	}
	return nlh;
}

/* Does the command change state (GENL_UNS_ADMIN_PERM in kmod/netlink.c)? */
static bool mutating(uint8_t cmd)
{
	return cmd == SYNWATCH_CMD_RESET_STATS ||
	       cmd == SYNWATCH_CMD_SET_CONFIG || cmd == SYNWATCH_CMD_FLUSH;
}

/*
 * An error a request may get at all (uapi header: "Documentation"), and
 * UNSUBSCRIBE's when the socket has no subscription.
 */
static bool known_error(uint8_t cmd, int err)
{
	return err == 0 || err == -EINVAL || err == -ERANGE ||
	       err == -EOPNOTSUPP || err == -EBADF || err == -EPERM ||
	       (cmd == SYNWATCH_CMD_UNSUBSCRIBE && err == -ENOENT);
}

/* The raw SYNWATCH_A_CONFIG of GET_CONFIG, to compare byte for byte. */
struct cfg_raw {
	uint8_t b[512];
	size_t len;
};

static int cfg_raw_cb(const struct nlmsghdr *nlh, void *data)
{
	struct cfg_raw *c = data;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SYNWATCH_A_CONFIG ||
		    a->nla_len > sizeof(c->b))
			continue;
		memcpy(c->b, a, a->nla_len);
		c->len = a->nla_len;
	}
	return MNL_CB_OK;
}

static int get_cfg(struct st_nl *s, struct cfg_raw *c)
{
	int err;

	memset(c, 0, sizeof(*c));
	err = st_nl_talk(s, st_msg(s, SYNWATCH_CMD_GET_CONFIG, 0), cfg_raw_cb,
			c);
	return err ? err : c->len ? 0 : -ENODATA;
}

static bool cfg_eq(const struct cfg_raw *a, const struct cfg_raw *b)
{
	return a->len == b->len && !memcmp(a->b, b->b, a->len);
}

/* A u32 of the config (a top-level key, or a timeout: 100 + state). */
static uint32_t cfg_u32(const struct cfg_raw *c, int key)
{
	const struct nlattr *a, *t;

	mnl_attr_for_each_nested(a, (const struct nlattr *)c->b) {
		if (key >= 100 && mnl_attr_get_type(a) ==
				  SYNWATCH_A_CONFIG_TIMEOUTS) {
			mnl_attr_for_each_nested(t, a)
				if (mnl_attr_get_type(t) == key - 100 + 1)
					return mnl_attr_get_u32(t);
		}
		if (mnl_attr_get_type(a) != key)
			continue;
		if (mnl_attr_get_payload_len(a) == 1)
			return mnl_attr_get_u8(a);
		return mnl_attr_get_u32(a);
	}
	return 0xdeadbeef;
}

/* ------------------------------------------------------------------ */
/* Fixture                                                            */
/* ------------------------------------------------------------------ */

FIXTURE(gf) {
	struct st_topo t;
	struct st_nl na;		/* root, in A */
	int lfd;
	int held[2];			/* held_conn()'s two ends, or -1 */
};

FIXTURE_SETUP(gf)
{
	ASSERT_EQ(0, st_topo_up(&self->t, AF_INET, "gf"));
	ASSERT_EQ(0, st_nl_open_ns(&self->na, &self->t, self->t.fa));
	self->held[0] = self->held[1] = -1;
	self->lfd = st_tcp_listen(&self->t, self->t.fa, self->t.addr_a,
			       SRV_PORT);
	ASSERT_LE(0, self->lfd);
}

FIXTURE_TEARDOWN(gf)
{
	if (self->held[0] >= 0)
		close(self->held[0]);
	if (self->held[1] >= 0)
		close(self->held[1]);
	if (self->lfd > 0)
		close(self->lfd);
	st_nl_close(&self->na);
	st_topo_down(&self->t);
}

/*
 * One connection from B's stack to A's listener, accepted and closed by
 * both (the client first). Records in A: ESTABLISHED on the way, then
 * closing states. 0 or -errno.
 */
/* A connection from B's stack to A's listener, accepted: *c and *a. */
static int conn_pair(FIXTURE_DATA(gf) *self, int *c, int *a)
{
	*c = st_tcp_connect(&self->t, self->t.fb, self->t.addr_b, 0,
			    self->t.addr_a, SRV_PORT, false);
	if (*c < 0)
		return *c;
	if (st_fd_wait(self->lfd, POLLIN, 5000 * st_slow_scale()) != 1) {
		close(*c);
		return -ETIMEDOUT;
	}
	*a = accept(self->lfd, NULL, NULL);
	if (*a < 0) {
		close(*c);
		return -errno;
	}
	return 0;
}

static int one_conn(FIXTURE_DATA(gf) *self)
{
	int c, a, err = conn_pair(self, &c, &a);

	if (err)
		return err;
	close(c);
	close(a);
	return 0;
}

/*
 * A session in the current netns, with the options a fuzzing socket
 * wants: random SUBSCRIBEs succeed, and their events filling the receive
 * buffer must not fail a recv() with ENOBUFS.
 */
static int fuzz_open(struct st_nl *s)
{
	int one = 1, err = st_nl_open(s);

	if (!err)
		mnl_socket_setsockopt(s->nl, NETLINK_NO_ENOBUFS, &one,
				      sizeof(one));
	return err;
}

/* Counts of a fuzz run, by command. */
struct fuzz_res {
	uint64_t msgs, ok, errs, eperm, hangs, unknown, mut, mut_eperm;
	int bad_err, bad_cmd;		/* the first unexpected reply */
	char bad_ext[256];
};

/*
 * n random requests on s. Unprivileged, every mutating command must get
 * EPERM; root, none may. Stops at the first hang.
 */
static void fuzz_run(struct st_nl *s, uint64_t n, bool root, const int *fds,
		     int nfds, struct fuzz_res *r)
{
	uint64_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++) {
		uint8_t cmd;
		struct nlmsghdr *nlh = random_request(s, &cmd, fds, nfds);
		bool full = nlh->nlmsg_len >= MNL_NLMSG_HDRLEN +
					      sizeof(struct genlmsghdr);
		bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
		bool refused;
		/*
		 * st_nl_talk() skips events and other sequence numbers; a
		 * reply that does not come within the socket's SO_RCVTIMEO
		 * makes it return -EAGAIN: a hang.
		 */
		int err = st_nl_talk(s, nlh, NULL, NULL);

		r->msgs++;
		if (err == -EAGAIN) {
			r->hangs++;
			r->bad_cmd = cmd;
			r->bad_err = err;
			return;
		}
		if (err)
			r->errs++;
		else
			r->ok++;
		if (err == -EPERM)
			r->eperm++;
		/*
		 * A mutating command has no dump: asked for one, 6.12's
		 * genetlink answers EOPNOTSUPP before it looks at the
		 * permission (6.1 says EPERM). Refused either way, and the
		 * test checks afterwards that nothing changed.
		 */
		refused = err == -EPERM || (dump && err == -EOPNOTSUPP);
		if (full && mutating(cmd)) {
			r->mut++;
			r->mut_eperm += refused;
		}
		if (!known_error(cmd, err) || (root && err == -EPERM) ||
		    (!root && full && mutating(cmd) && !refused)) {
			if (!r->unknown++) {
				r->bad_err = err;
				r->bad_cmd = cmd;
				snprintf(r->bad_ext, sizeof(r->bad_ext), "%s",
					 s->ext);
			}
		}
	}
}

TEST_F_TIMEOUT(gf, root_fuzz, 3600)
{
	uint64_t n = (uint64_t)ROOT_MSGS * st_stress_scale(), done = 0;
	int fds[] = { -1, 0, 1, 2, 1000, self->t.fa, self->t.fb,
		      self->t.self, self->lfd };
	struct st_stats st;
	struct fuzz_res r;
	struct st_nl s;
	uint64_t t0 = st_now_us();

	st_seed_rng(_metadata, "root_fuzz");
	ASSERT_EQ(0, st_ns_enter(self->t.fa));
	ASSERT_EQ(0, fuzz_open(&s));
	ASSERT_EQ(0, st_ns_enter(self->t.self));
	/* in rounds, with traffic between them and GET_STATS after each */
	while (done < n) {
		uint64_t round = n - done < 1000 ? n - done : 1000;

		ASSERT_EQ(0, one_conn(self));
		fuzz_run(&s, round, true, fds, sizeof(fds) / sizeof(fds[0]),
			 &r);
		done += r.msgs;
		ASSERT_EQ(0, r.hangs)
			TH_LOG("no reply within SO_RCVTIMEO to command %d",
			       r.bad_cmd);
		EXPECT_EQ(0, r.unknown)
			TH_LOG("command %d: error %d (%s), %llu such",
			       r.bad_cmd, r.bad_err, r.bad_ext,
			       (unsigned long long)r.unknown);
		ASSERT_EQ(0, st_get_stats(&self->na, &st));
		done++;
	}
	TH_LOG("%llu requests as root in %.1f s", (unsigned long long)done,
	       (st_now_us() - t0) / 1e6);
	st_nl_close(&s);
	ASSERT_EQ(0, st_get_stats(&self->na, &st));
}

/* capget(): all of the effective, permitted and inheritable sets. */
static int caps_none(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	return !(d[0].effective | d[0].permitted | d[0].inheritable |
		 d[1].effective | d[1].permitted | d[1].inheritable);
}

/* A dump aimed at netns fd with an otherwise sane filter. */
static int dump_netns_fd(struct st_nl *s, uint8_t cmd, int fd)
{
	struct nlmsghdr *nlh = st_msg(s, cmd, NLM_F_DUMP);
	struct nlattr *f = mnl_attr_nest_start(nlh, SYNWATCH_A_FILTER);

	mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_NETNS_FD, fd);
	mnl_attr_nest_end(nlh, f);
	return st_nl_talk(s, nlh, NULL, NULL);
}

/*
 * A connection from B to A left open until the test ends: its records
 * stay ESTABLISHED (5 days), whatever the test's length (minutes on the
 * KASAN debug kernel, past a closed connection's TIME_WAIT timeout).
 */
static int held_conn(FIXTURE_DATA(gf) *self)
{
	int c, a, err = conn_pair(self, &c, &a);

	if (err)
		return err;
	self->held[0] = c;
	self->held[1] = a;
	return 0;
}

/* What the unprivileged child reports through its pipe. */
struct nobody_res {
	int setup;		/* 0, or the step that failed */
	int caps_none;
	struct fuzz_res r;
	int netns_fd[2];	/* GET_CONN / GET_LISTENER at A's fd */
};

TEST_F_TIMEOUT(gf, unprivileged_fuzz, 3600)
{
	uint64_t n = (uint64_t)NOBODY_MSGS * st_stress_scale();
	struct cfg_raw c0, c1;
	struct st_stats s0, s1;
	struct nobody_res res;
	struct st_conn recs[4];
	int pfd[2], status, conns;
	uint64_t t0 = st_now_us();
	pid_t pid;

	st_seed_rng(_metadata, "unprivileged_fuzz");
	/*
	 * Something to flush and counters to reset, if EPERM failed: a
	 * record that cannot time out while the fuzz runs.
	 */
	ASSERT_EQ(0, held_conn(self));
	ASSERT_EQ(0, get_cfg(&self->na, &c0));
	ASSERT_EQ(0, st_get_stats(&self->na, &s0));
	conns = st_dump(&self->na, NULL, recs, 4);
	ASSERT_LE(1, conns);
	ASSERT_EQ(0, pipe(pfd));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fds[] = { -1, 0, 1000, self->t.fa, self->t.fb,
			      self->t.self };
		struct st_nl s;

		memset(&res, 0, sizeof(res));
		close(pfd[0]);
		/* the socket is opened after the drop: its opener counts */
		if (st_ns_enter(self->t.fa))
			res.setup = 1;
		else if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
			 setresuid(NOBODY, NOBODY, NOBODY))
			res.setup = 2;
		else if (fuzz_open(&s))
			res.setup = 3;
		if (!res.setup) {
			res.caps_none = caps_none();
			res.netns_fd[0] = dump_netns_fd(&s, SYNWATCH_CMD_GET_CONN,
							self->t.fa);
			res.netns_fd[1] = dump_netns_fd(&s,
							SYNWATCH_CMD_GET_LISTENER,
							self->t.fa);
			fuzz_run(&s, n, false, fds, sizeof(fds) / sizeof(fds[0]),
				 &res.r);
			st_nl_close(&s);
		}
		if (write(pfd[1], &res, sizeof(res)) != sizeof(res))
			_exit(2);
		_exit(0);
	}
	close(pfd[1]);
	memset(&res, 0, sizeof(res));
	ASSERT_EQ((ssize_t)sizeof(res), read(pfd[0], &res, sizeof(res)));
	close(pfd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));

	ASSERT_EQ(0, res.setup);
	EXPECT_EQ(1, res.caps_none);
	EXPECT_EQ(-EPERM, res.netns_fd[0]);
	EXPECT_EQ(-EPERM, res.netns_fd[1]);
	EXPECT_EQ(0, res.r.hangs)
		TH_LOG("no reply within SO_RCVTIMEO to command %d",
		       res.r.bad_cmd);
	EXPECT_EQ(0, res.r.unknown)
		TH_LOG("command %d: error %d (%s), %llu such", res.r.bad_cmd,
		       res.r.bad_err, res.r.bad_ext,
		       (unsigned long long)res.r.unknown);
	EXPECT_EQ(res.r.mut, res.r.mut_eperm);	/* EPERM, or no dump */
	EXPECT_LT(0, res.r.mut);

	/* nothing changed: config, counters (not reset), records */
	ASSERT_EQ(0, get_cfg(&self->na, &c1));
	EXPECT_TRUE(cfg_eq(&c0, &c1));
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	EXPECT_LE(s0.v[SYNWATCH_A_STATS_CONN_NEW],
		  s1.v[SYNWATCH_A_STATS_CONN_NEW]);
	EXPECT_LE(s0.v[SYNWATCH_A_STATS_PKTS_IN],
		  s1.v[SYNWATCH_A_STATS_PKTS_IN]);
	EXPECT_EQ(conns, st_dump(&self->na, NULL, recs, 4));
	TH_LOG("%llu requests as uid %d in %.1f s: %llu mutating, all refused",
	       (unsigned long long)res.r.msgs, NOBODY, (st_now_us() - t0) / 1e6,
	       (unsigned long long)res.r.mut);
}

/* ------------------------------------------------------------------ */
/* SET_CONFIG ranges                                                  */
/* ------------------------------------------------------------------ */

/* Keys of enum synwatch_config_attr; timeouts are 100 + state. */
#define KEY_TIMEOUT(st)	(100 + (st))

/* A SET_CONFIG of one key (a u32, or len bytes of v when len != 4). */
static struct nlmsghdr *set_one(struct st_nl *s, int key, uint32_t v,
				size_t len)
{
	struct nlmsghdr *nlh = st_msg(s, SYNWATCH_CMD_SET_CONFIG, 0);
	struct nlattr *c = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG), *t;
	uint8_t buf[8] = { 0 };

	memcpy(buf, &v, 4);
	if (key >= 100) {
		t = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG_TIMEOUTS);
		mnl_attr_put(nlh, key - 100 + 1, len, buf);
		mnl_attr_nest_end(nlh, t);
	} else {
		mnl_attr_put(nlh, key, len, buf);
	}
	mnl_attr_nest_end(nlh, c);
	return nlh;
}

/* One bad value of a key, and the error the kernel gives it. */
struct bad_val {
	int key;
	uint32_t v;
	size_t len;
	int err;
};

/*
 * A random out-of-range or malformed value for a random key, from
 * kmod/netcfg.c's policy and sw_config_set(); cur is the config now (for
 * LOW above HIGH).
 */
static struct bad_val random_bad(const struct cfg_raw *cur)
{
	struct bad_val b = { .len = 4, .err = -ERANGE };
	uint32_t hi;

	switch (st_rnd_below(11)) {
	case 0:		/* a timeout of 0 or past the maximum */
		b.key = KEY_TIMEOUT(st_rnd_below(SYNWATCH_STATE_MAX + 1));
		b.v = st_chance(30) ? 0 : SYNWATCH_TIMEOUT_MAX_S + 1 +
				       st_rnd_below(0xffffffffu -
						 SYNWATCH_TIMEOUT_MAX_S);
		break;
	case 1:		/* a timeout of a state that does not exist */
		b.key = KEY_TIMEOUT(SYNWATCH_STATE_MAX + 1 + st_rnd_below(20));
		b.v = 1 + st_rnd_below(100);
		b.err = -EINVAL;
		break;
	case 2:		/* event types that do not exist (bit 0: UNSPEC) */
		b.key = SYNWATCH_A_CONFIG_EVENT_MASK;
		b.v = (st_rnd() & SYNWATCH_EVENT_MASK_ALL) |
		      (st_chance(50) ? 1 : 1u << (__SYNWATCH_EVENT_MAX +
					       st_rnd_below(32 - __SYNWATCH_EVENT_MAX)));
		b.err = -EINVAL;
		break;
	case 3:		/* read-only */
		b.key = SYNWATCH_A_CONFIG_MAX_CONNS_GLOBAL;
		b.v = st_rnd();
		b.err = -EINVAL;
		break;
	case 4:		/* a percentage over 100 */
		b.key = SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT;
		b.v = 101 + st_rnd_below(155);
		b.len = 1;
		break;
	case 5:		/* hold/update periods outside 100..3600000 ms */
		b.key = st_chance(50) ? SYNWATCH_A_CONFIG_FLOOD_HOLD_MS :
				     SYNWATCH_A_CONFIG_FLOOD_UPDATE_MS;
		b.v = st_chance(50) ? st_rnd_below(100) :
				   3600001 + st_rnd_below(0xffffffffu - 3600001);
		break;
	case 6:		/* a low mark above its high mark */
	case 7:
		b.err = -EINVAL;
		if (st_chance(50)) {
			b.key = st_chance(50) ? SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW :
					     SYNWATCH_A_CONFIG_FLOOD_RATE_LOW;
			hi = cfg_u32(cur, b.key - 1);
			b.v = hi + 1 + st_rnd_below(0xffffffffu - hi);
		} else {
			/* or a high mark under the low one (which is >= 1) */
			b.key = st_chance(50) ? SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH :
					     SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH;
			b.v = st_rnd_below(cfg_u32(cur, b.key + 1));
		}
		break;
	default:	/* a u32 (or the u8) of the wrong length */
		b.key = SYNWATCH_A_CONFIG_EVENT_MASK +
			st_rnd_below(SYNWATCH_A_CONFIG_MAX -
				  SYNWATCH_A_CONFIG_EVENT_MASK + 1);
		if (b.key == SYNWATCH_A_CONFIG_MAX_CONNS_GLOBAL)
			b.key = SYNWATCH_A_CONFIG_MAX_CONNS;
		do {
			b.len = st_rnd_below(9);
		} while (b.len == (b.key ==
				   SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT ?
				   1u : 4u));
		b.v = 200;
		b.err = -EINVAL;
		break;
	}
	return b;
}

/* A random in-range value of a random key, and what GET_CONFIG shows. */
static void random_good(const struct cfg_raw *cur, int *key, uint32_t *v,
			size_t *len)
{
	*len = 4;
	switch (st_rnd_below(6)) {
	case 0:
		*key = KEY_TIMEOUT(st_rnd_below(SYNWATCH_STATE_MAX + 1));
		*v = 1 + st_rnd_below(SYNWATCH_TIMEOUT_MAX_S);
		break;
	case 1:
		*key = SYNWATCH_A_CONFIG_EVENT_MASK;
		*v = st_rnd() & SYNWATCH_EVENT_MASK_ALL;
		break;
	case 2:
		*key = SYNWATCH_A_CONFIG_MAX_CONNS;
		*v = st_rnd();
		break;
	case 3:
		*key = SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT;
		*v = st_rnd_below(101);
		*len = 1;
		break;
	case 4:
		*key = st_chance(50) ? SYNWATCH_A_CONFIG_FLOOD_HOLD_MS :
				    SYNWATCH_A_CONFIG_FLOOD_UPDATE_MS;
		*v = 100 + st_rnd_below(3600000 - 100 + 1);
		break;
	default:	/* a high mark at or above its low one */
		*key = st_chance(50) ? SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH :
				    SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH;
		*v = cfg_u32(cur, *key + 1) + st_rnd_below(1000);
		break;
	}
}

static const char *key_name(int key)
{
	static const char *const names[] = {
		"?", "TIMEOUTS", "EVENT_MASK", "MAX_CONNS", "MAX_CONNS_GLOBAL",
		"FLOOD_HALF_OPEN_HIGH", "FLOOD_HALF_OPEN_LOW",
		"FLOOD_RATE_HIGH", "FLOOD_RATE_LOW", "FLOOD_COMPLETION_PCT",
		"FLOOD_HOLD_MS", "FLOOD_UPDATE_MS",
	};
	static char buf[32];

	if (key >= 100) {
		snprintf(buf, sizeof(buf), "timeout[%s]", st_state_name(key - 100));
		return buf;
	}
	return key >= 0 && key <= SYNWATCH_A_CONFIG_MAX ? names[key] : "?";
}

TEST_F_TIMEOUT(gf, config_ranges, 3600)
{
	unsigned int rounds = RANGE_ROUNDS * st_stress_scale(), i;
	struct cfg_raw c0, c1;
	struct nlmsghdr *nlh;
	uint64_t msgs = 0, rejected = 0, applied = 0, t0 = st_now_us();
	struct st_nl *s = &self->na;
	int err;

	st_seed_rng(_metadata, "config_ranges");
	/* no SYNWATCH_A_CONFIG at all */
	ASSERT_EQ(0, get_cfg(s, &c0));
	EXPECT_EQ(-EINVAL, st_nl_talk(s, st_msg(s, SYNWATCH_CMD_SET_CONFIG, 0),
				     NULL, NULL));
	EXPECT_NE(0, s->ext[0]);
	msgs += 2;

	for (i = 0; i < rounds; i++) {
		struct bad_val b;
		int key;
		uint32_t v;
		size_t len;

		ASSERT_EQ(0, get_cfg(s, &c0));
		b = random_bad(&c0);
		nlh = set_one(s, b.key, b.v, b.len);
		if (st_chance(50)) {
			/* beside a valid key, which must not apply either */
			struct nlattr *c = (struct nlattr *)
				((char *)mnl_nlmsg_get_payload(nlh) +
				 sizeof(struct genlmsghdr));

			random_good(&c0, &key, &v, &len);
			/*
			 * Not a flood mark (it could make a LOW above HIGH
			 * right), nor the bad key again (the last one of a
			 * type is the one taken).
			 */
			if (key < 100 && key != b.key &&
			    key != SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH &&
			    key != SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH) {
				mnl_attr_put(nlh, key, len, &v);
				c->nla_len += MNL_ALIGN(MNL_ATTR_HDRLEN + len);
			}
		}
		err = st_nl_talk(s, nlh, NULL, NULL);
		EXPECT_EQ(b.err, err)
			TH_LOG("%s = %u (%zu bytes): %s", key_name(b.key), b.v,
			       b.len, s->ext);
		EXPECT_NE(0, s->ext[0])
			TH_LOG("%s = %u: no extack message", key_name(b.key),
			       b.v);
		ASSERT_EQ(0, get_cfg(s, &c1));
		EXPECT_TRUE(cfg_eq(&c0, &c1))
			TH_LOG("%s = %u (%zu bytes) was rejected (%d) but the "
			       "config changed", key_name(b.key), b.v, b.len,
			       err);
		msgs += 3;
		rejected++;

		/* and a valid value is applied, and read back */
		random_good(&c0, &key, &v, &len);
		EXPECT_EQ(0, st_nl_talk(s, set_one(s, key, v, len), NULL, NULL))
			TH_LOG("%s = %u: %s", key_name(key), v, s->ext);
		ASSERT_EQ(0, get_cfg(s, &c1));
		EXPECT_EQ(v, cfg_u32(&c1, key))
			TH_LOG("%s", key_name(key));
		msgs += 2;
		applied++;
		if (!_metadata->passed)
			break;
	}
	TH_LOG("%llu requests in %.1f s: %llu bad values rejected, %llu good "
	       "ones applied", (unsigned long long)msgs,
	       (st_now_us() - t0) / 1e6, (unsigned long long)rejected,
	       (unsigned long long)applied);
}

/* ------------------------------------------------------------------ */
/* Dumps                                                              */
/* ------------------------------------------------------------------ */

/* What one dumper did; in memory shared with the parent. */
struct dumper {
	uint64_t dumps, conns, lsts, bad;
	int fails, first_err;
	char ext[128];
};

/* Count a dump's records; a record must be sane. */
static int dump_count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dumper *d = data;
	struct nlattr *a, *b;
	struct st_conn c;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == SYNWATCH_A_CONN) {
			d->conns++;
			if (st_conn_parse(a, &c) ||
			    c.family != AF_INET || c.state > SYNWATCH_STATE_MAX ||
			    !c.lport || !c.rport)
				d->bad++;
		} else if (mnl_attr_get_type(a) == SYNWATCH_A_LISTENER) {
			d->lsts++;
			mnl_attr_for_each_nested(b, a)
				if (mnl_attr_get_type(b) ==
				    SYNWATCH_A_LISTENER_PORT &&
				    mnl_attr_get_u16(b) != SRV_PORT)
					d->bad++;
		} else {
			d->bad++;
		}
	}
	return MNL_CB_OK;
}

/* A dumper process: conns and listeners dumps until end_us. */
static void dumper_run(FIXTURE_DATA(gf) *self, struct dumper *d,
		       uint64_t end_us)
{
	struct st_nl s;
	int err;

	if (st_nl_open_ns(&s, &self->t, self->t.fa)) {
		d->fails++;
		return;
	}
	while (st_now_us() < end_us) {
		bool conns = st_chance(70);
		struct nlmsghdr *nlh = st_msg(&s, conns ? SYNWATCH_CMD_GET_CONN :
						       SYNWATCH_CMD_GET_LISTENER,
					      NLM_F_DUMP);

		if (st_chance(40)) {
			struct st_filt f = FILT_ANY;

			f.state_mask = st_rnd() & ((1u << __SYNWATCH_STATE_MAX) - 1);
			f.family = st_chance(50) ? AF_INET : 0;
			f.lport = st_chance(30) ? SRV_PORT : -1;
			st_put_filter(nlh, &f);
		}
		err = st_nl_talk(&s, nlh, dump_count_cb, d);
		d->dumps++;
		if (err && !d->fails++) {
			d->first_err = err;
			snprintf(d->ext, sizeof(d->ext), "%.*s",
				 (int)sizeof(d->ext) - 1, s.ext);
		}
	}
	st_nl_close(&s);
}

TEST_F_TIMEOUT(gf, concurrent_dumps, 3600)
{
	unsigned int secs = DUMP_SECS * st_stress_scale(), i, conns = 0;
	uint64_t end, dumps = 0, recs = 0, flushes = 0;
	pid_t pids[DUMPERS];
	struct dumper *d;
	struct st_stats st;
	int status;

	st_seed_rng(_metadata, "concurrent_dumps");
	d = mmap(NULL, sizeof(*d) * DUMPERS, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, d);
	memset(d, 0, sizeof(*d) * DUMPERS);
	/* some records to start with */
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, one_conn(self));
	end = st_now_us() + secs * 1000000ull;
	for (i = 0; i < DUMPERS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			st_rng ^= (i + 1) * 0x9E3779B97F4A7C15ull;
			dumper_run(self, &d[i], end);
			_exit(0);
		}
	}
	/* meanwhile: connections come and go, and root flushes now and then */
	while (st_now_us() < end) {
		ASSERT_EQ(0, one_conn(self));
		if (++conns % 50 == 0) {
			EXPECT_EQ(0, st_cmd(&self->na, SYNWATCH_CMD_FLUSH));
			flushes++;
		}
	}
	for (i = 0; i < DUMPERS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
		EXPECT_EQ(0, d[i].fails)
			TH_LOG("dumper %u: %d failed dumps, the first %d (%s)", i,
			       d[i].fails, d[i].first_err, d[i].ext);
		EXPECT_EQ(0, d[i].bad) TH_LOG("dumper %u: bad records", i);
		EXPECT_LT(0, d[i].dumps);
		dumps += d[i].dumps;
		recs += d[i].conns + d[i].lsts;
	}
	munmap(d, sizeof(*d) * DUMPERS);
	ASSERT_EQ(0, st_get_stats(&self->na, &st));
	TH_LOG("%d dumpers, %u s: %llu dumps (%llu records), %u connections, "
	       "%llu flushes", DUMPERS, secs, (unsigned long long)dumps,
	       (unsigned long long)recs, conns, (unsigned long long)flushes);
}

/*
 * Begin a dump on a fresh socket in A with a small receive buffer, read
 * one datagram of it or none, and close: the dump is abandoned.
 */
static int abandon_dump(FIXTURE_DATA(gf) *self, uint8_t cmd, bool read_one)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
	} req = {
		.n = { .nlmsg_len = sizeof(req), .nlmsg_type = self->na.fam,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		       .nlmsg_seq = 1 },
		.g = { .cmd = cmd, .version = SYNWATCH_GENL_VERSION },
	};
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	int fd, small = 1024, err = 0;
	char buf[8192];

	fd = st_ns_socket(&self->t, self->t.fa, AF_NETLINK, SOCK_RAW,
		       NETLINK_GENERIC);
	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&nl,
		   sizeof(nl)) != sizeof(req))
		err = -errno;
	else if (read_one && st_fd_wait(fd, POLLIN, 5000 * st_slow_scale()) != 1)
		err = -ETIMEDOUT;
	else if (read_one && recv(fd, buf, sizeof(buf), 0) <= 0)
		err = -errno;
	close(fd);
	return err;
}

TEST_F_TIMEOUT(gf, abandoned_dumps, 3600)
{
	unsigned int n = ABANDONED * st_stress_scale(), i;
	struct st_stats sa, si0, si1;
	uint64_t end, left, t0 = st_now_us();
	struct st_conn recs[1];
	struct st_nl ni;
	int nrec;

	st_seed_rng(_metadata, "abandoned_dumps");
	/* enough records for a dump of many datagrams */
	for (i = 0; i < 200; i++)
		ASSERT_EQ(0, one_conn(self));
	nrec = st_dump(&self->na, NULL, recs, 1);
	ASSERT_LE(150, nrec);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, abandon_dump(self, st_chance(80) ? SYNWATCH_CMD_GET_CONN :
						 SYNWATCH_CMD_GET_LISTENER,
					  st_chance(70)));
	}
	ASSERT_EQ(0, st_get_stats(&self->na, &sa));

	/*
	 * Each dump held a reference to netns A (kmod/netlink.c,
	 * sw_dump_start()) until its done callback: once A is deleted, its
	 * records must leave the table; a leaked reference would keep them.
	 */
	ASSERT_EQ(0, st_nl_open(&ni));
	ASSERT_EQ(0, st_get_stats(&ni, &si0));
	close(self->lfd);
	self->lfd = -1;
	st_nl_close(&self->na);
	st_topo_down(&self->t);
	end = st_now_us() + 30000000ull * st_slow_scale();
	do {
		usleep(100000);
		ASSERT_EQ(0, st_get_stats(&ni, &si1));
		left = si1.v[SYNWATCH_A_STATS_CONN_COUNT_TOTAL];
	} while (left + sa.v[SYNWATCH_A_STATS_CONN_COUNT] >
		 si0.v[SYNWATCH_A_STATS_CONN_COUNT_TOTAL] && st_now_us() < end);
	EXPECT_GE(si0.v[SYNWATCH_A_STATS_CONN_COUNT_TOTAL],
		  left + sa.v[SYNWATCH_A_STATS_CONN_COUNT])
		TH_LOG("netns A deleted, its %llu records still there",
		       (unsigned long long)sa.v[SYNWATCH_A_STATS_CONN_COUNT]);
	st_nl_close(&ni);
	TH_LOG("%u dumps of %d records abandoned in %.1f s", n, nrec,
	       (st_now_us() - t0) / 1e6);
}

/* ------------------------------------------------------------------ */
/* A subscriber that does not read                                    */
/* ------------------------------------------------------------------ */

#define SEQ_BITS	(1u << 22)

/* What a subscriber received: events, each SUB_SEQ once. */
struct sub_rx {
	uint8_t *seen;		/* SEQ_BITS bits */
	uint64_t events, dups, max_seq, overruns;
};

/* Read what is queued on s (wait up to ms for more); 0 or -errno. */
static int sub_drain(struct st_nl *s, struct sub_rx *rx, int ms)
{
	int fd = mnl_socket_get_fd(s->nl);

	for (;;) {
		struct nlmsghdr *m;
		struct st_ev e;
		int len, r = st_fd_wait(fd, POLLIN, ms);

		if (r < 0)
			return r;
		if (!r)
			return 0;
		len = recv(fd, s->evbuf, ST_NL_BUF, MSG_DONTWAIT);
		if (len < 0 && errno == ENOBUFS) {
			/* the kernel says it dropped some: that is the test */
			rx->overruns++;
			continue;
		}
		if (len < 0)
			return -errno;
		for (m = (struct nlmsghdr *)s->evbuf; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_type != s->fam || st_ev_parse(m, &e))
				continue;
			rx->events++;
			if (e.subseq >= SEQ_BITS)
				return -E2BIG;
			if (rx->seen[e.subseq / 8] & (1 << e.subseq % 8))
				rx->dups++;
			rx->seen[e.subseq / 8] |= 1 << e.subseq % 8;
			if (e.subseq > rx->max_seq)
				rx->max_seq = e.subseq;
		}
	}
}

TEST_F_TIMEOUT(gf, slow_subscriber, 3600)
{
	unsigned int n = CHURN_CONNS * st_stress_scale(), i;
	struct st_stats s0, s1, s2, s3;
	struct st_nl slow, fast;
	struct sub_rx rx = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *c, *t;
	struct st_evlog log = { .n = 0 };
	int small = 4096;
	uint64_t sent, drop, before, end;

	st_seed_rng(_metadata, "slow_subscriber");
	rx.seen = calloc(SEQ_BITS / 8, 1);
	ASSERT_NE(NULL, rx.seen);
	/* no record may expire meanwhile: each event is the churn's */
	nlh = st_msg(&self->na, SYNWATCH_CMD_SET_CONFIG, 0);
	c = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG);
	t = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG_TIMEOUTS);
	for (i = 0; i <= SYNWATCH_STATE_MAX; i++)
		mnl_attr_put_u32(nlh, i + 1, 3600);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_nest_end(nlh, c);
	ASSERT_EQ(0, st_nl_talk(&self->na, nlh, NULL, NULL));

	ASSERT_EQ(0, st_nl_open_ns(&slow, &self->t, self->t.fa));
	ASSERT_EQ(0, setsockopt(mnl_socket_get_fd(slow.nl), SOL_SOCKET,
				SO_RCVBUF, &small, sizeof(small)));
	ASSERT_EQ(0, st_subscribe(&slow, NULL));
	ASSERT_EQ(0, st_get_stats(&self->na, &s0));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, one_conn(self));
	/* the last batch leaves within SYNWATCH_BATCH_DELAY_MS */
	usleep(200000);
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	drop = s1.v[SYNWATCH_A_STATS_EVENT_DROP] -
	       s0.v[SYNWATCH_A_STATS_EVENT_DROP];
	EXPECT_LT(0, drop) TH_LOG("a full receive buffer dropped nothing?");

	/* it reads again: what was queued, then a new connection's events */
	ASSERT_EQ(0, sub_drain(&slow, &rx, 0));
	EXPECT_LT(0, rx.overruns);
	before = rx.events;
	ASSERT_EQ(0, one_conn(self));
	/*
	 * Until everything the kernel counted as sent has arrived (it counts
	 * a datagram after queueing it): a loaded host may be slow to run
	 * the batch timer and the connection's close.
	 */
	end = st_now_us() + 10000000ull * st_slow_scale();
	do {
		ASSERT_EQ(0, sub_drain(&slow, &rx, 100));
		ASSERT_EQ(0, st_get_stats(&self->na, &s2));
		sent = s2.v[SYNWATCH_A_STATS_EVENTS_SENT] -
		       s0.v[SYNWATCH_A_STATS_EVENTS_SENT];
		drop = s2.v[SYNWATCH_A_STATS_EVENT_DROP] -
		       s0.v[SYNWATCH_A_STATS_EVENT_DROP];
	} while ((rx.events != sent || rx.max_seq != sent + drop) &&
		 st_now_us() < end);
	EXPECT_LT(before, rx.events);
	/* everything sent arrived once; numbered 1..N, sent or dropped */
	EXPECT_EQ(sent, rx.events);
	EXPECT_EQ(0, rx.dups);
	EXPECT_EQ(rx.max_seq, sent + drop)
		TH_LOG("%llu events numbered, %llu sent, %llu dropped",
		       (unsigned long long)rx.max_seq,
		       (unsigned long long)sent, (unsigned long long)drop);

	/* closed, it costs nothing: no event is made, none dropped */
	st_nl_close(&slow);
	ASSERT_EQ(0, one_conn(self));
	usleep(100000);
	ASSERT_EQ(0, st_get_stats(&self->na, &s3));
	EXPECT_EQ(s2.v[SYNWATCH_A_STATS_EVENT_DROP],
		  s3.v[SYNWATCH_A_STATS_EVENT_DROP]);
	EXPECT_EQ(s2.v[SYNWATCH_A_STATS_EVENTS_SENT],
		  s3.v[SYNWATCH_A_STATS_EVENTS_SENT]);

	/* and a subscriber that reads gets a new connection's events */
	ASSERT_EQ(0, st_nl_open_ns(&fast, &self->t, self->t.fa));
	ASSERT_EQ(0, st_subscribe(&fast, NULL));
	ASSERT_EQ(0, one_conn(self));
	EXPECT_EQ(1, st_ev_wait(&fast, &log, SYNWATCH_EVENT_NEW, -1,
			     5000 * st_slow_scale()));
	st_nl_close(&fast);
	ASSERT_EQ(0, st_get_stats(&self->na, &s3));
	TH_LOG("%u connections: %llu events to a subscriber that did not "
	       "read, %llu dropped (%llu overruns reported)", n + 1,
	       (unsigned long long)(sent + drop), (unsigned long long)drop,
	       (unsigned long long)rx.overruns);
	free(rx.seen);
}

TEST_HARNESS_MAIN
