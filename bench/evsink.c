// SPDX-License-Identifier: GPL-2.0
/*
 * evsink: the cheapest possible reader of synwatch's events, for the
 * bench's configuration (n). It subscribes to every event type exactly as
 * synwatchd does (libsynwatch's swl_stream_open(), subscribe mode, the
 * same receive buffer and batch size), then only receives the datagrams
 * and counts their messages with libmnl, decoding nothing and writing
 * nothing. What (n) costs over (b) is therefore what the event contract
 * itself costs: the kernel building and queueing every event, and one
 * copy of each into a reader. No daemon can cost less than that.
 *
 * Runs until SIGTERM/SIGINT, reads what is queued by then, and prints
 * "evsink: D datagrams, M messages, O overruns" (O: receive buffer
 * overruns, ENOBUFS) on stderr; exits 1 if a receive failed otherwise.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <libmnl/libmnl.h>

#include "stream.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(void)
{
	/* as synwatchd with events = all, mode = subscribe, its buffer_size */
	struct swl_stream_opts o = { .multicast = false,
				    .rcvbuf = SWL_DAEMON_RCVBUF };
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long long dgrams = 0, msgs = 0, overruns = 0;
	struct swl_stream s;
	struct timeval tick = { .tv_usec = 100000 };
	int ret, fd;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	ret = swl_stream_open(&s, &o);
	if (ret) {
		fprintf(stderr, "evsink: %s: %s\n", s.failed_step,
			strerror(-ret));
		return 1;
	}
	fd = swl_nl_fd(&s.nl);
	/* a signal just before a blocking recv() is seen within 100 ms */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
	fprintf(stderr, "evsink: started\n");
	for (;;) {
		/* once told to stop, what is queued yet, then out */
		ssize_t n = recv(fd, s.nl.recvbuf, s.nl.recvbuf_len,
				 stop ? MSG_DONTWAIT : 0);
		const struct nlmsghdr *nlh;
		int len;

		if (n < 0) {
			if (errno == ENOBUFS)
				overruns++;
			else if (stop && errno == EAGAIN)
				break;	/* all read */
			else if (errno != EAGAIN && errno != EINTR)
				break;	/* a real error: said below */
			continue;
		}
		dgrams++;
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)s.nl.recvbuf;
		     mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			msgs++;
	}
	if (!(stop && errno == EAGAIN)) {
		fprintf(stderr, "evsink: recv: %s\n", strerror(errno));
		ret = 1;
	}
	fprintf(stderr, "evsink: %llu datagrams, %llu messages, %llu overruns\n",
		dgrams, msgs, overruns);
	swl_stream_close(&s);
	return ret;
}
