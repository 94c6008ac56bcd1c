// SPDX-License-Identifier: GPL-2.0
/*
 * What each caller may see and do, and how strictly requests are checked.
 *
 *  - isolation: a connection between netns A and B shows in A's dump (as
 *    A sees it) and in B's (as B sees it), nowhere else: a third netns
 *    sees nothing, counts are per netns. A dump with NETNS_FD reads
 *    another netns for root, and fails with EPERM (and an extack message)
 *    for an unprivileged user (uid 65534, no capabilities).
 *  - unprivileged: GET_STATS, GET_CONN, GET_CONFIG and SUBSCRIBE work;
 *    RESET_STATS, SET_CONFIG and FLUSH fail with EPERM and change nothing.
 *  - validation: unknown attributes, wrong lengths and out-of-range values
 *    are rejected with EINVAL and an extack message, and change nothing; a
 *    SET_CONFIG is applied whole or not at all.
 */
#include "kselftest_harness.h"
#include "lib/nl.h"

#include <grp.h>

#define PORT_SRV	8101
#define PORT_CLI	41001
#define NOBODY		65534

FIXTURE(np) {
	struct st_topo t;
	struct st_nl na, nb;
	int lfd, a, b;
	char c[48];		/* a third netns, without traffic */
	int fc;
};

FIXTURE_VARIANT(np) {
	int family;
};

FIXTURE_VARIANT_ADD(np, ipv4) { .family = AF_INET };
FIXTURE_VARIANT_ADD(np, ipv6) { .family = AF_INET6 };

FIXTURE_SETUP(np)
{
	struct st_topo *t = &self->t;
	char path[96];

	self->lfd = self->a = self->b = -1;
	ASSERT_EQ(0, st_topo_up(t, variant->family, "np"));
	snprintf(self->c, sizeof(self->c), "swe-np-c-%d", getpid());
	ASSERT_EQ(0, st_sh("ip netns add %s", self->c));
	snprintf(path, sizeof(path), "/run/netns/%s", self->c);
	self->fc = open(path, O_RDONLY);
	ASSERT_LE(0, self->fc);
	ASSERT_EQ(0, st_nl_open_ns(&self->na, t, t->fa));
	ASSERT_EQ(0, st_nl_open_ns(&self->nb, t, t->fb));
	/* one established connection A -> B */
	ASSERT_EQ(0, st_topo_pair(t, &self->na, &self->nb, PORT_CLI, PORT_SRV,
			       &self->lfd, &self->a, &self->b));
}

FIXTURE_TEARDOWN(np)
{
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
	if (self->lfd >= 0)
		close(self->lfd);
	if (self->fc > 0)
		close(self->fc);
	st_nl_close(&self->na);
	st_nl_close(&self->nb);
	if (self->c[0])
		st_sh("ip netns del %s", self->c);
	st_topo_down(&self->t);
}

/* A dump of another netns, through SYNWATCH_A_FILTER_NETNS_FD. */
static int dump_netns(struct st_nl *s, int fd, struct st_conn *out, int max)
{
	struct st_filt f = FILT_ANY;

	f.netns_fd = fd;
	return st_dump(s, &f, out, max);
}

TEST_F(np, isolation)
{
	struct st_topo *t = &self->t;
	struct st_stats sa, sb, sc;
	struct st_conn r[4];
	struct st_nl nc;

	ASSERT_EQ(1, st_dump(&self->na, NULL, r, 4));
	EXPECT_EQ(PORT_CLI, r[0].lport);
	EXPECT_EQ(PORT_SRV, r[0].rport);
	EXPECT_EQ(0, memcmp(r[0].laddr, t->addr_a, t->alen));
	EXPECT_EQ(SYNWATCH_CONN_F_ACTIVE, r[0].flags & SYNWATCH_CONN_F_ACTIVE);
	ASSERT_EQ(1, st_dump(&self->nb, NULL, r, 4));
	EXPECT_EQ(PORT_SRV, r[0].lport);
	EXPECT_EQ(PORT_CLI, r[0].rport);
	EXPECT_EQ(0, memcmp(r[0].laddr, t->addr_b, t->alen));
	EXPECT_EQ(0, r[0].flags & SYNWATCH_CONN_F_ACTIVE);

	ASSERT_EQ(0, st_nl_open_ns(&nc, t, self->fc));
	EXPECT_EQ(0, st_dump(&nc, NULL, r, 4));
	ASSERT_EQ(0, st_get_stats(&self->na, &sa));
	ASSERT_EQ(0, st_get_stats(&self->nb, &sb));
	ASSERT_EQ(0, st_get_stats(&nc, &sc));
	EXPECT_EQ(1, sa.v[SYNWATCH_A_STATS_CONN_COUNT]);
	EXPECT_EQ(1, sb.v[SYNWATCH_A_STATS_CONN_COUNT]);
	EXPECT_EQ(0, sc.v[SYNWATCH_A_STATS_CONN_COUNT]);
	EXPECT_EQ(1, sa.v[SYNWATCH_A_STATS_CONN_NEW]);
	EXPECT_EQ(1, sb.v[SYNWATCH_A_STATS_CONN_NEW]);
	EXPECT_EQ(0, sc.v[SYNWATCH_A_STATS_CONN_NEW]);
	EXPECT_EQ(0, sc.v[SYNWATCH_A_STATS_PKTS_IN]);
	/* the table's total is every netns' */
	EXPECT_LE(2, sc.v[SYNWATCH_A_STATS_CONN_COUNT_TOTAL]);

	/* root reads B from C, and C from A */
	ASSERT_EQ(1, dump_netns(&nc, t->fb, r, 4));
	EXPECT_EQ(PORT_SRV, r[0].lport);
	EXPECT_EQ(0, dump_netns(&self->na, self->fc, r, 4));
	ASSERT_EQ(1, dump_netns(&self->na, t->fa, r, 4));
	EXPECT_EQ(PORT_CLI, r[0].lport);
	/* not a netns */
	EXPECT_EQ(-EINVAL, dump_netns(&self->na, self->lfd, r, 4));
	EXPECT_NE(0, self->na.ext[0]);
	EXPECT_EQ(-EBADF, dump_netns(&self->na, 1000, r, 4));
	st_nl_close(&nc);
}

/*
 * In a child: enter netns A, become uid/gid 65534 with no capabilities,
 * then run fn. The child's exit status is fn's number of failures.
 */
static int as_nobody(FIXTURE_DATA(np) *self, int (*fn)(FIXTURE_DATA(np) *))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (st_ns_enter(self->t.fa) || setgroups(0, NULL) ||
		    setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(100);
		_exit(fn(self));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

#define CHILD_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "# child, line %d: %s failed\n",	\
			__LINE__, #cond);				\
		fails++;						\
	}								\
} while (0)

static int nobody_netns_fd(FIXTURE_DATA(np) *self)
{
	struct st_conn r[4];
	struct st_nl s;
	int fails = 0, n;

	CHILD_CHECK(geteuid() == NOBODY);
	CHILD_CHECK(st_nl_open(&s) == 0);
	/* its own netns: fine */
	CHILD_CHECK(st_dump(&s, NULL, r, 4) == 1);
	/* B's: not without CAP_NET_ADMIN over it */
	n = dump_netns(&s, self->t.fb, r, 4);
	CHILD_CHECK(n == -EPERM);
	CHILD_CHECK(s.ext[0] != '\0');
	fprintf(stderr, "# NETNS_FD as nobody: %d (%s)\n", n, s.ext);
	/* not even its own netns through an fd */
	CHILD_CHECK(dump_netns(&s, self->t.fa, r, 4) == -EPERM);
	st_nl_close(&s);
	return fails;
}

TEST_F(np, netns_fd_unprivileged)
{
	EXPECT_EQ(0, as_nobody(self, nobody_netns_fd));
}

static int nobody_rights(FIXTURE_DATA(np) *self)
{
	struct st_stats st;
	struct st_filt f = FILT_ANY;
	struct st_conn r[4];
	struct st_nl s;
	struct nlmsghdr *nlh;
	int fails = 0, err;

	(void)self;	/* as_nobody()'s callback type; this one needs none */
	CHILD_CHECK(st_nl_open(&s) == 0);
	CHILD_CHECK(st_get_stats(&s, &st) == 0);
	CHILD_CHECK(st.v[SYNWATCH_A_STATS_CONN_NEW] == 1);
	CHILD_CHECK(st_dump(&s, NULL, r, 4) == 1);
	CHILD_CHECK(st_cmd(&s, SYNWATCH_CMD_GET_CONFIG) == 0);
	/* reading events needs no privilege */
	f.lport = PORT_CLI;
	CHILD_CHECK(st_subscribe(&s, &f) == 0);
	CHILD_CHECK(st_cmd(&s, SYNWATCH_CMD_UNSUBSCRIBE) == 0);

	err = st_cmd(&s, SYNWATCH_CMD_RESET_STATS);
	CHILD_CHECK(err == -EPERM);
	err = st_set_timeout(&s, SYNWATCH_STATE_ESTABLISHED, 7);
	CHILD_CHECK(err == -EPERM);
	err = st_cmd(&s, SYNWATCH_CMD_FLUSH);
	CHILD_CHECK(err == -EPERM);
	nlh = st_msg(&s, SYNWATCH_CMD_FLUSH, 0);
	st_put_filter(nlh, &f);
	CHILD_CHECK(st_nl_talk(&s, nlh, NULL, NULL) == -EPERM);
	st_nl_close(&s);
	return fails;
}

/* The whole SYNWATCH_A_CONFIG nest of GET_CONFIG, as bytes. */
struct cfgblob {
	size_t len;
	uint8_t data[1024];
};

static int cfg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct cfgblob *b = data;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SYNWATCH_A_CONFIG)
			continue;
		b->len = mnl_attr_get_len(a);
		if (b->len > sizeof(b->data))
			b->len = sizeof(b->data);
		memcpy(b->data, a, b->len);
	}
	return MNL_CB_OK;
}

static int get_cfg(struct st_nl *s, struct cfgblob *b)
{
	memset(b, 0, sizeof(*b));
	return st_nl_talk(s, st_msg(s, SYNWATCH_CMD_GET_CONFIG, 0), cfg_cb, b);
}

/* The timeout of a state in a GET_CONFIG blob, or 0. */
static uint32_t cfg_timeout(const struct cfgblob *b, int state)
{
	const struct nlattr *a = (const struct nlattr *)b->data, *n, *t;

	mnl_attr_for_each_nested(n, a) {
		if (mnl_attr_get_type(n) != SYNWATCH_A_CONFIG_TIMEOUTS)
			continue;
		mnl_attr_for_each_nested(t, n)
			if (mnl_attr_get_type(t) == state + 1)
				return mnl_attr_get_u32(t);
	}
	return 0;
}

TEST_F(np, unprivileged)
{
	struct st_stats st;
	struct cfgblob c0, c1;
	struct st_conn r[4];

	ASSERT_EQ(0, get_cfg(&self->na, &c0));
	ASSERT_NE(0, c0.len);
	EXPECT_EQ(0, as_nobody(self, nobody_rights));
	/* nothing changed */
	ASSERT_EQ(0, get_cfg(&self->na, &c1));
	EXPECT_EQ(c0.len, c1.len);
	EXPECT_EQ(0, memcmp(c0.data, c1.data, c0.len));
	ASSERT_EQ(0, st_get_stats(&self->na, &st));
	EXPECT_EQ(1, st.v[SYNWATCH_A_STATS_CONN_NEW]);
	EXPECT_EQ(1, st_dump(&self->na, NULL, r, 4));
	/* root may */
	ASSERT_EQ(0, st_cmd(&self->na, SYNWATCH_CMD_RESET_STATS));
	ASSERT_EQ(0, st_get_stats(&self->na, &st));
	EXPECT_EQ(0, st.v[SYNWATCH_A_STATS_CONN_NEW]);
	EXPECT_EQ(1, st.v[SYNWATCH_A_STATS_CONN_COUNT]);
}

/* Expect EINVAL with an extack message, and no config change. */
#define EXPECT_REJECTED(s, nlh, what) \
	EXPECT_REJECTED_ERR(s, nlh, what, -EINVAL)

/* The same, with another error (ERANGE: outside the policy's range). */
#define EXPECT_REJECTED_ERR(s, nlh, what, want) do {			\
	struct cfgblob _b0, _b1;					\
	char _req[4096];						\
	int _err;							\
									\
	memcpy(_req, nlh, (nlh)->nlmsg_len);	/* get_cfg reuses buf */ \
	ASSERT_EQ(0, get_cfg(s, &_b0));					\
	_err = st_nl_talk(s, (struct nlmsghdr *)_req, NULL, NULL);	\
	EXPECT_EQ(want, _err) TH_LOG("%s", what);			\
	EXPECT_NE(0, (s)->ext[0]) TH_LOG("%s: no extack", what);	\
	TH_LOG("%s: %d \"%s\"", what, _err, (s)->ext);			\
	ASSERT_EQ(0, get_cfg(s, &_b1));					\
	EXPECT_EQ(0, memcmp(_b0.data, _b1.data, _b0.len))		\
		TH_LOG("%s changed the config", what);			\
} while (0)

static struct nlmsghdr *set_cfg_start(struct st_nl *s, struct nlattr **c)
{
	struct nlmsghdr *nlh = st_msg(s, SYNWATCH_CMD_SET_CONFIG, 0);

	*c = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG);
	return nlh;
}

/* SET_CONFIG of the timeouts nest with one attribute (type, len bytes). */
static struct nlmsghdr *set_timeout_raw(struct st_nl *s, uint16_t type,
					const void *v, size_t len,
					bool with_valid)
{
	struct nlattr *c, *t;
	struct nlmsghdr *nlh = set_cfg_start(s, &c);

	t = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG_TIMEOUTS);
	if (with_valid)
		mnl_attr_put_u32(nlh, SYNWATCH_STATE_CLOSE_WAIT + 1, 5);
	mnl_attr_put(nlh, type, len, v);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_nest_end(nlh, c);
	return nlh;
}

TEST_F(np, validation)
{
	struct st_nl *s = &self->na;
	struct nlmsghdr *nlh;
	struct nlattr *c, *f;
	struct cfgblob b;
	struct st_conn r[4];
	uint32_t zero = 0, big = SYNWATCH_TIMEOUT_MAX_S + 1, ok = 42;
	uint16_t short_v = 5;
	uint8_t addr5[5] = { 0 };

	/* an unknown attribute at the top level */
	nlh = st_msg(s, SYNWATCH_CMD_GET_STATS, 0);
	mnl_attr_put_u32(nlh, SYNWATCH_A_MAX + 1, 1);
	EXPECT_REJECTED(s, nlh, "GET_STATS with an unknown attribute");
	/* timeouts: 0, above the maximum, a short value, an unknown state */
	EXPECT_REJECTED_ERR(s, set_timeout_raw(s, SYNWATCH_STATE_TIME_WAIT + 1,
					   &zero, 4, false), "timeout 0", -ERANGE);
	EXPECT_REJECTED_ERR(s, set_timeout_raw(s, SYNWATCH_STATE_TIME_WAIT + 1,
					   &big, 4, false), "timeout too big", -ERANGE);
	EXPECT_REJECTED(s, set_timeout_raw(s, SYNWATCH_STATE_TIME_WAIT + 1,
					   &short_v, 2, false),
			"timeout of 2 bytes");
	EXPECT_REJECTED(s, set_timeout_raw(s, SYNWATCH_STATE_MAX + 2, &ok, 4,
					   false), "timeout of no state");
	/* all or nothing: a valid timeout beside a bad one is not applied */
	EXPECT_REJECTED_ERR(s, set_timeout_raw(s, SYNWATCH_STATE_TIME_WAIT + 1,
					   &zero, 4, true),
			"valid and invalid timeout", -ERANGE);
	/* a read-only value, an unknown config attribute, marks crossed */
	nlh = set_cfg_start(s, &c);
	mnl_attr_put_u32(nlh, SYNWATCH_A_CONFIG_MAX_CONNS_GLOBAL, 10);
	mnl_attr_nest_end(nlh, c);
	EXPECT_REJECTED(s, nlh, "MAX_CONNS_GLOBAL");
	nlh = set_cfg_start(s, &c);
	mnl_attr_put_u32(nlh, SYNWATCH_A_CONFIG_MAX + 1, 10);
	mnl_attr_nest_end(nlh, c);
	EXPECT_REJECTED(s, nlh, "unknown config attribute");
	nlh = set_cfg_start(s, &c);
	mnl_attr_put_u32(nlh, SYNWATCH_A_CONFIG_EVENT_MASK, 1U << 31);
	mnl_attr_nest_end(nlh, c);
	EXPECT_REJECTED(s, nlh, "event mask bit 31");
	nlh = set_cfg_start(s, &c);
	mnl_attr_put_u32(nlh, SYNWATCH_A_CONFIG_MAX_CONNS, 100);
	mnl_attr_put_u32(nlh, SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH, 10);
	mnl_attr_put_u32(nlh, SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW, 20);
	mnl_attr_nest_end(nlh, c);
	EXPECT_REJECTED(s, nlh, "half-open low above high");
	nlh = set_cfg_start(s, &c);
	mnl_attr_put_u8(nlh, SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT, 101);
	mnl_attr_nest_end(nlh, c);
	EXPECT_REJECTED_ERR(s, nlh, "completion 101 %", -ERANGE);
	nlh = set_cfg_start(s, &c);
	mnl_attr_put_u32(nlh, SYNWATCH_A_CONFIG_FLOOD_HOLD_MS, 99);
	mnl_attr_nest_end(nlh, c);
	EXPECT_REJECTED_ERR(s, nlh, "hold 99 ms", -ERANGE);
	nlh = st_msg(s, SYNWATCH_CMD_SET_CONFIG, 0);
	EXPECT_REJECTED(s, nlh, "SET_CONFIG without a config");

	/* filters */
	nlh = st_msg(s, SYNWATCH_CMD_GET_CONN, NLM_F_DUMP);
	f = mnl_attr_nest_start(nlh, SYNWATCH_A_FILTER);
	mnl_attr_put_u8(nlh, SYNWATCH_A_FILTER_FAMILY, 7);
	mnl_attr_nest_end(nlh, f);
	EXPECT_REJECTED(s, nlh, "family 7");
	nlh = st_msg(s, SYNWATCH_CMD_GET_CONN, NLM_F_DUMP);
	f = mnl_attr_nest_start(nlh, SYNWATCH_A_FILTER);
	mnl_attr_put_u16(nlh, SYNWATCH_A_FILTER_LPORT_MIN, 10);
	mnl_attr_put_u16(nlh, SYNWATCH_A_FILTER_LPORT_MAX, 9);
	mnl_attr_nest_end(nlh, f);
	EXPECT_REJECTED(s, nlh, "port range 10..9");
	nlh = st_msg(s, SYNWATCH_CMD_GET_CONN, NLM_F_DUMP);
	f = mnl_attr_nest_start(nlh, SYNWATCH_A_FILTER);
	mnl_attr_put(nlh, SYNWATCH_A_FILTER_LADDR, sizeof(addr5), addr5);
	mnl_attr_nest_end(nlh, f);
	EXPECT_REJECTED(s, nlh, "address of 5 bytes");
	nlh = st_msg(s, SYNWATCH_CMD_GET_CONN, NLM_F_DUMP);
	f = mnl_attr_nest_start(nlh, SYNWATCH_A_FILTER);
	mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_STATE_MASK,
			 1U << (SYNWATCH_STATE_MAX + 1));
	mnl_attr_nest_end(nlh, f);
	EXPECT_REJECTED(s, nlh, "state mask beyond the states");
	nlh = st_msg(s, SYNWATCH_CMD_GET_CONN, NLM_F_DUMP);
	f = mnl_attr_nest_start(nlh, SYNWATCH_A_FILTER);
	mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_MAX + 1, 0);
	mnl_attr_nest_end(nlh, f);
	EXPECT_REJECTED(s, nlh, "unknown filter attribute");
	nlh = st_msg(s, SYNWATCH_CMD_GET_CONN, NLM_F_DUMP);
	f = mnl_attr_nest_start(nlh, SYNWATCH_A_FILTER);
	mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_LPREFIX, 24);
	mnl_attr_nest_end(nlh, f);
	EXPECT_REJECTED(s, nlh, "prefix of 4 bytes");
	nlh = st_msg(s, SYNWATCH_CMD_SUBSCRIBE, 0);
	f = mnl_attr_nest_start(nlh, SYNWATCH_A_FILTER);
	mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_NETNS_FD, self->t.fb);
	mnl_attr_nest_end(nlh, f);
	EXPECT_REJECTED(s, nlh, "SUBSCRIBE with NETNS_FD");
	nlh = st_msg(s, SYNWATCH_CMD_FLUSH, 0);
	f = mnl_attr_nest_start(nlh, SYNWATCH_A_FILTER);
	mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_NETNS_FD, self->t.fb);
	mnl_attr_nest_end(nlh, f);
	EXPECT_REJECTED(s, nlh, "FLUSH with NETNS_FD");
	/* nothing was flushed */
	EXPECT_EQ(1, st_dump(s, NULL, r, 4));
	EXPECT_EQ(1, st_dump(&self->nb, NULL, r, 4));

	/* and a valid one is applied */
	ASSERT_EQ(0, st_set_timeout(s, SYNWATCH_STATE_CLOSE_WAIT, 33));
	ASSERT_EQ(0, get_cfg(s, &b));
	EXPECT_EQ(33, cfg_timeout(&b, SYNWATCH_STATE_CLOSE_WAIT));
}

TEST_HARNESS_MAIN
