// SPDX-License-Identifier: GPL-2.0
/*
 * Events come several to a datagram (uapi "Batches"):
 *
 *  - burst: 40 connections, then all closed at once; a subscriber with
 *    BATCH_BYTES = 64 KiB gets them in datagrams of several complete
 *    messages, none over SYNWATCH_BATCH_BYTES_MAX, SUB_SEQ 1, 2, 3...
 *    without a gap in arrival order; one without BATCH_BYTES gets the
 *    same events in datagrams of at most a page.
 *  - timer: a single event, with nothing after it to fill the batch,
 *    still arrives (the flush timer, SYNWATCH_BATCH_DELAY_MS).
 *  - unsubscribe: what waits in the batch comes before UNSUBSCRIBE's ACK.
 */
#include "kselftest_harness.h"
#include "lib/nl.h"

#define PORT_SRV	8301
#define NCONN		40

FIXTURE(batch) {
	struct st_topo t;
	struct st_nl big, page;
	int lfd;
};

FIXTURE_SETUP(batch)
{
	struct st_topo *t = &self->t;
	struct st_filt f = FILT_ANY;

	self->lfd = -1;
	ASSERT_EQ(0, st_topo_up(t, AF_INET, "bt"));
	ASSERT_EQ(0, st_nl_open_ns(&self->big, t, t->fa));
	ASSERT_EQ(0, st_nl_open_ns(&self->page, t, t->fa));
	f.batch_bytes = 64 * 1024;
	ASSERT_EQ(0, st_subscribe(&self->big, &f));
	f.batch_bytes = 0;
	ASSERT_EQ(0, st_subscribe(&self->page, &f));
	self->lfd = st_tcp_listen(t, t->fb, t->addr_b, PORT_SRV);
	ASSERT_LE(0, self->lfd);
}

FIXTURE_TEARDOWN(batch)
{
	if (self->lfd >= 0)
		close(self->lfd);
	st_nl_close(&self->big);
	st_nl_close(&self->page);
	st_topo_down(&self->t);
}

struct dgrams {
	int datagrams, events, most, bad;
	ssize_t largest;
	uint64_t next_subseq;
};

/* Raw datagrams until timeout_ms without one: count and check them. */
static void read_dgrams(struct st_nl *s, struct dgrams *d, int timeout_ms)
{
	int fd = mnl_socket_get_fd(s->nl);
	ssize_t n;

	while (st_fd_wait(fd, POLLIN, timeout_ms) > 0) {
		struct nlmsghdr *m;
		int len, k = 0;

		n = recv(fd, s->buf, ST_NL_BUF, 0);
		if (n <= 0)
			break;
		d->datagrams++;
		if (n > d->largest)
			d->largest = n;
		len = (int)n;
		for (m = (struct nlmsghdr *)s->buf; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			struct st_ev e;

			if (m->nlmsg_type != s->fam || st_ev_parse(m, &e)) {
				d->bad++;
				continue;
			}
			if (e.subseq != d->next_subseq)
				d->bad++;
			d->next_subseq = e.subseq + 1;
			k++;
		}
		if (len)
			d->bad++;	/* a partial message at the end */
		d->events += k;
		if (k > d->most)
			d->most = k;
	}
}

/* n connections opened one after the other, then all closed at once */
static void burst(struct st_topo *t, int lfd, int n)
{
	int c[NCONN], b[NCONN], i;

	for (i = 0; i < n; i++) {
		c[i] = st_tcp_connect(t, t->fa, t->addr_a, 0, t->addr_b,
				   PORT_SRV, false);
		b[i] = c[i] >= 0 ? accept(lfd, NULL, NULL) : -1;
	}
	for (i = 0; i < n; i++) {
		if (b[i] >= 0)
			close(b[i]);
		if (c[i] >= 0)
			close(c[i]);
	}
}

TEST_F_TIMEOUT(batch, burst, 120)
{
	struct dgrams big = { .next_subseq = 1 }, page = { .next_subseq = 1 };
	int quiet = 1000 * (int)st_slow_scale();

	burst(&self->t, self->lfd, NCONN);
	read_dgrams(&self->big, &big, quiet);
	read_dgrams(&self->page, &page, quiet);
	/*
	 * An event made late (a FIN retransmitted after its 1 s RTO on a
	 * loaded or debug kernel) can come after the first reader's quiet
	 * period and before the second's: read both again.
	 */
	if (big.events != page.events) {
		TH_LOG("%d and %d events: reading both again", big.events,
		       page.events);
		read_dgrams(&self->big, &big, quiet);
		read_dgrams(&self->page, &page, quiet);
	}
	TH_LOG("BATCH_BYTES 64k: %d events in %d datagrams (most %d, largest %zd bytes); no BATCH_BYTES: %d in %d (most %d, largest %zd)",
	       big.events, big.datagrams, big.most, big.largest, page.events,
	       page.datagrams, page.most, page.largest);
	/* NEW, SYN_SENT -> ESTABLISHED, and more per connection */
	EXPECT_LE(2 * NCONN, big.events);
	EXPECT_EQ(big.events, page.events);
	EXPECT_EQ(0, big.bad);
	EXPECT_EQ(0, page.bad);
	EXPECT_LT(1, big.most);
	EXPECT_LT(big.datagrams, big.events);
	EXPECT_GE(SYNWATCH_BATCH_BYTES_MAX, big.largest);
	EXPECT_GE(4096, page.largest);
}

TEST_F_TIMEOUT(batch, timer, 90)
{
	struct dgrams d = { .next_subseq = 1 };
	struct st_ev e;
	uint64_t t0;
	int fd;

	/* one SYN, nobody answers: its NEW and nothing else */
	close(self->lfd);
	self->lfd = -1;
	t0 = st_now_us();
	fd = st_tcp_connect(&self->t, self->t.fa, self->t.addr_a, 0,
			 self->t.addr_b, PORT_SRV + 1, true);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, st_ev_next(&self->big, &e, 2000));
	TH_LOG("first event %llu us after the connect()",
	       (unsigned long long)(st_now_us() - t0));
	EXPECT_EQ(SYNWATCH_EVENT_NEW, e.type);
	EXPECT_EQ(1, e.subseq);
	close(fd);
	read_dgrams(&self->page, &d, 1000);
	EXPECT_LE(1, d.events);
	EXPECT_EQ(0, d.bad);
}

TEST_F_TIMEOUT(batch, unsubscribe, 90)
{
	struct st_nl *s = &self->big;
	int fd = mnl_socket_get_fd(s->nl), before = 0, after = 0, len;
	struct nlmsghdr *nlh, *m;
	uint32_t seq;
	bool acked = false;
	ssize_t n;

	burst(&self->t, self->lfd, 4);
	/* at once: the batch has most likely not left by timer yet */
	nlh = st_msg(s, SYNWATCH_CMD_UNSUBSCRIBE, 0);
	seq = nlh->nlmsg_seq;
	ASSERT_LE(0, mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len));
	while (st_fd_wait(fd, POLLIN, acked ? 500 : 5000) > 0) {
		n = recv(fd, s->buf, ST_NL_BUF, 0);
		if (n <= 0)
			break;
		len = (int)n;
		for (m = (struct nlmsghdr *)s->buf; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_type == NLMSG_ERROR && m->nlmsg_seq == seq)
				acked = true;
			else if (m->nlmsg_type == s->fam)
				(*(acked ? &after : &before))++;
		}
	}
	TH_LOG("%d events before UNSUBSCRIBE's ACK, %d after", before, after);
	EXPECT_TRUE(acked);
	EXPECT_LE(1, before);
	EXPECT_EQ(0, after);
}

TEST_HARNESS_MAIN
