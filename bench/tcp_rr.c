// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_rr: request/response on a few long-lived TCP connections, in the
 * manner of netperf's TCP_RR. The client keeps CONNS connections open and
 * on each one sends SIZE bytes, waits for SIZE bytes back, and repeats; the
 * server echoes. The result is transactions per second over the measured
 * duration (after a warm-up), as one JSON line:
 *
 *   {"test":"tcp_rr","family":"ipv4","conns":4,"size":64,
 *    "duration_s":2.000,"transactions":12345,"tps":6172.5,"errors":0,...}
 *
 * "hold" (the client's options) opens CONNS connections, makes one
 * transaction on each, prints {"test":"tcp_hold","conns":N} and keeps them
 * open and idle for the duration, or until killed: the long-lived, quiet
 * connections of a busy server, for the bench's churnest4.
 */
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <netinet/tcp.h>
#include "bench.h"

#define PROG "tcp_rr"
#define MAX_EVENTS 64

struct rr_conn {
	int fd;
	int got;		/* bytes of the current response received */
};

static void nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* echo what came; a small response fits the socket buffer */
static void echo(int fd, const char *buf, ssize_t r)
{
	if (r <= 0 || write(fd, buf, r) != r)
		close(fd);
}

static int server(const struct bench_opts *o)
{
	bench_serve(PROG, bench_listen(PROG, o), nodelay, echo);
	return 0;
}

static int connect_nb(const struct sockaddr_storage *ss, socklen_t len)
{
	int fd = bench_connect_retry(PROG, ss, len);

	nodelay(fd);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static int client(const struct bench_opts *o)
{
	struct epoll_event ev, events[MAX_EVENTS];
	struct sockaddr_storage ss;
	socklen_t len = bench_addr(PROG, o->addr, o->port, &ss);
	struct rr_conn *conns = calloc(o->conns, sizeof(*conns));
	char *buf = malloc(o->size), *req = malloc(o->size);
	unsigned long long done = 0, errors = 0, before = 0;
	struct bench_window w;
	double elapsed;
	int ep = epoll_create1(0);
	int i, n, tick;

	if (!conns || !buf || !req || ep < 0)
		bench_die(PROG, "epoll/malloc: %s", strerror(errno));
	memset(req, 'q', o->size);
	for (i = 0; i < o->conns; i++) {
		conns[i].fd = connect_nb(&ss, len);
		ev = (struct epoll_event){ .events = EPOLLIN, .data.u32 = i };
		epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
	}
	bench_window_start(&w, o);
	for (i = 0; i < o->conns; i++)
		if (write(conns[i].fd, req, o->size) != o->size)
			bench_die(PROG, "first write: %s", strerror(errno));
	while ((tick = bench_window_tick(&w)) >= 0) {
		if (tick)
			before = done;
		n = epoll_wait(ep, events, MAX_EVENTS, 100);
		for (i = 0; i < n; i++) {
			struct rr_conn *c = &conns[events[i].data.u32];
			ssize_t r = read(c->fd, buf, o->size - c->got);

			if (r < 0 && errno == EAGAIN)
				continue;
			if (r <= 0) {
				bench_die(PROG, "server closed a connection: %s",
					  r ? strerror(errno) : "EOF");
			}
			c->got += r;
			if (c->got < o->size)
				continue;
			c->got = 0;
			done++;
			if (write(c->fd, req, o->size) != o->size)
				errors++;
		}
	}
	elapsed = bench_window_elapsed(&w);
	for (i = 0; i < o->conns; i++)
		close(conns[i].fd);
	printf("{\"test\":\"tcp_rr\",\"family\":\"%s\",\"conns\":%d,"
	       "\"size\":%d,\"duration_s\":%.3f,\"transactions\":%llu,"
	       "\"tps\":%.1f,\"errors\":%llu,\"tag\":\"%s\"}\n",
	       bench_family(&ss), o->conns, o->size, elapsed,
	       done - before, (done - before) / elapsed, errors,
	       o->tag);
	return errors ? 1 : 0;
}

static volatile sig_atomic_t hold_stop;

static void hold_signal(int sig)
{
	(void)sig;
	hold_stop = 1;
}

static int hold(const struct bench_opts *o)
{
	struct sockaddr_storage ss;
	socklen_t len = bench_addr(PROG, o->addr, o->port, &ss);
	int *fds = calloc(o->conns, sizeof(*fds));
	char *buf = malloc(o->size);
	struct timespec t0, t;
	int i, got;
	ssize_t r;

	if (!fds || !buf)
		bench_die(PROG, "malloc: %s", strerror(errno));
	signal(SIGTERM, hold_signal);
	signal(SIGINT, hold_signal);
	memset(buf, 'q', o->size);
	for (i = 0; i < o->conns; i++) {
		fds[i] = bench_connect_retry(PROG, &ss, len);
		if (write(fds[i], buf, o->size) != o->size)
			bench_die(PROG, "write: %s", strerror(errno));
		for (got = 0; got < o->size; got += r) {
			r = read(fds[i], buf, o->size - got);
			if (r <= 0)
				bench_die(PROG, "read: %s",
					  r ? strerror(errno) : "EOF");
		}
	}
	printf("{\"test\":\"tcp_hold\",\"family\":\"%s\",\"conns\":%d}\n",
	       bench_family(&ss), o->conns);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		usleep(10000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (!hold_stop &&
		 (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 <
		 o->duration);
	for (i = 0; i < o->conns; i++)
		close(fds[i]);
	return 0;
}

int main(int argc, char **argv)
{
	static char client_mode[] = "client";
	bool hold_mode = argc > 1 && !strcmp(argv[1], "hold");
	struct bench_opts o;

	/* "hold" takes the client's options */
	if (hold_mode)
		argv[1] = client_mode;
	bench_parse(argc, argv,
		    "Request/response (TCP_RR style) on CONNS long-lived connections.\n"
		    "'tcp_rr hold' (client options): CONNS connections, one transaction\n"
		    "each, then idle for the duration or until killed.",
		    &o);
	if (hold_mode)
		return hold(&o);
	return strcmp(o.mode, "server") ? client(&o) : server(&o);
}
