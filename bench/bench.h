/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the load generators (tcp_churn, tcp_rr):
 * clocks, address parsing, the common options and the one-line JSON result.
 *
 * Every generator is a single-threaded epoll loop: on the benchmark VM's
 * one vCPU, threads would only add context switches to what is measured.
 */
#ifndef _SW_BENCH_H
#define _SW_BENCH_H

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void bench_die(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ADDR (IPv4 or IPv6, no brackets) and PORT into ss; returns its length. */
static inline socklen_t bench_addr(const char *prog, const char *addr,
				   int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		return sizeof(*s4);
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
	bench_die(prog, "bad address '%s'", addr);
	return 0;
}

static inline const char *bench_family(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? "ipv6" : "ipv4";
}

/* Options common to the client/server programs. */
struct bench_opts {
	const char *mode;	/* "client" or "server" */
	const char *addr;	/* client: server to reach; server: bind */
	int port;
	double duration;	/* client: seconds of measurement */
	double warmup;		/* client: seconds run before measuring */
	int conns;		/* client: concurrent connections */
	int size;		/* request and response bytes */
	const char *tag;	/* free text copied into the JSON line */
};

static inline void bench_usage(const char *prog, const char *what, int rc)
{
	fprintf(rc ? stderr : stdout,
		"Usage: %s server [-a ADDR] [-p PORT] [-s SIZE]\n"
		"       %s client -a ADDR [-p PORT] [-d SECONDS] [-w SECONDS]\n"
		"              [-c CONNS] [-s SIZE] [-T TAG]\n\n"
		"%s\n\n"
		"  -a ADDR   server: address to listen on (default ::, any family)\n"
		"            client: server address, IPv4 or IPv6\n"
		"  -p PORT   TCP port (default 7001)\n"
		"  -d SECS   client: measured duration (default 2)\n"
		"  -w SECS   client: warm-up before measuring (default 0.2)\n"
		"  -c CONNS  client: concurrent connections (default 4)\n"
		"  -s SIZE   request and response size in bytes (default 64)\n"
		"  -T TAG    client: copied to the result as \"tag\"\n\n"
		"The server runs until killed. The client prints one JSON line\n"
		"and exits 0 if the run completed without errors.\n",
		prog, prog, what);
	exit(rc);
}

static inline void bench_parse(int argc, char **argv, const char *what,
			       struct bench_opts *o)
{
	const char *prog = argv[0];
	int c;

	*o = (struct bench_opts){ .port = 7001, .duration = 2, .warmup = 0.2,
				  .conns = 4, .size = 64, .tag = "" };
	if (argc < 2)
		bench_usage(prog, what, 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		bench_usage(prog, what, 0);
	o->mode = argv[1];
	if (strcmp(o->mode, "client") && strcmp(o->mode, "server"))
		bench_usage(prog, what, 1);
	optind = 2;
	while ((c = getopt(argc, argv, "a:p:d:w:c:s:T:h")) != -1) {
		switch (c) {
		case 'a': o->addr = optarg; break;
		case 'p': o->port = atoi(optarg); break;
		case 'd': o->duration = atof(optarg); break;
		case 'w': o->warmup = atof(optarg); break;
		case 'c': o->conns = atoi(optarg); break;
		case 's': o->size = atoi(optarg); break;
		case 'T': o->tag = optarg; break;
		case 'h': bench_usage(prog, what, 0); break;
		default: bench_usage(prog, what, 1);
		}
	}
	if (optind != argc)
		bench_usage(prog, what, 1);
	if (o->port <= 0 || o->port > 65535 || o->duration <= 0 ||
	    o->warmup < 0 || o->conns <= 0 || o->conns > 4096 ||
	    o->size <= 0 || o->size > 65536)
		bench_die(prog, "option out of range");
	if (!strcmp(o->mode, "client") && !o->addr)
		bench_die(prog, "client needs -a ADDR");
	if (strchr(o->tag, '"') || strchr(o->tag, '\\'))
		bench_die(prog, "the tag may not contain quotes or backslashes");
}

/* A listening socket for the server mode: any family by default. */
static inline int bench_listen(const char *prog, const struct bench_opts *o)
{
	struct sockaddr_storage ss;
	socklen_t len = bench_addr(prog, o->addr ? o->addr : "::", o->port,
				   &ss);
	int fd, one = 1, zero = 0;

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		bench_die(prog, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		bench_die(prog, "bind: %s", strerror(errno));
	if (listen(fd, 4096) < 0)
		bench_die(prog, "listen: %s", strerror(errno));
	return fd;
}

/*
 * Server side: accept every pending connection on lfd (non-blocking) and
 * add it to the epoll set ep for EPOLLIN, its fd as data; on_new (may be
 * NULL) sees each first. Returns nothing: errors end the burst.
 */
static inline void bench_accept_all(int lfd, int ep, void (*on_new)(int fd))
{
	struct epoll_event ev;
	int c;

	while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		if (on_new)
			on_new(c);
		ev = (struct epoll_event){ .events = EPOLLIN, .data.fd = c };
		epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
	}
}

/*
 * Client side: the run's clock, a warm-up then the measured window.
 * bench_window_tick() returns 1 when the window opens (snapshot the
 * counters then), -1 once it has closed, 0 otherwise.
 */
struct bench_window {
	double open, close;
	bool measuring;
};

static inline void bench_window_start(struct bench_window *w,
				      const struct bench_opts *o)
{
	w->open = bench_now() + o->warmup;
	w->close = w->open + o->duration;
	w->measuring = false;
}

static inline int bench_window_tick(struct bench_window *w)
{
	double now = bench_now();

	if (now >= w->close)
		return -1;
	if (w->measuring || now < w->open)
		return 0;
	w->measuring = true;
	w->open = now;
	return 1;
}

/* Seconds since the window opened. */
static inline double bench_window_elapsed(const struct bench_window *w)
{
	return bench_now() - w->open;
}

/*
 * Server side: the epoll loop, forever. Accepts (on_new sees each new
 * connection) and reads; each read's result goes to on_read(fd, buf, r),
 * r <= 0 at EOF or on an error, and on_read closes fd when it is done.
 */
static inline void bench_serve(const char *prog, int lfd,
			       void (*on_new)(int fd),
			       void (*on_read)(int fd, const char *buf,
					       ssize_t r))
{
	struct epoll_event ev, events[64];
	int ep = epoll_create1(0);
	static char buf[65536];
	int i, n;

	if (ep < 0)
		bench_die(prog, "epoll: %s", strerror(errno));
	ev = (struct epoll_event){ .events = EPOLLIN, .data.fd = lfd };
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		n = epoll_wait(ep, events, 64, -1);
		for (i = 0; i < n; i++) {
			int fd = events[i].data.fd;
			ssize_t r;

			if (fd == lfd) {
				bench_accept_all(lfd, ep, on_new);
				continue;
			}
			r = read(fd, buf, sizeof(buf));
			if (r < 0 && errno == EAGAIN)
				continue;
			on_read(fd, buf, r);
		}
	}
}

/*
 * Client side: a blocking connection to ss, retried for up to 5 s while
 * the server is not listening yet (it starts in parallel).
 */
static inline int bench_connect_retry(const char *prog,
				      const struct sockaddr_storage *ss,
				      socklen_t len)
{
	double give_up = bench_now() + 5;
	int fd;

	for (;;) {
		fd = socket(ss->ss_family, SOCK_STREAM, 0);
		if (fd < 0)
			bench_die(prog, "socket: %s", strerror(errno));
		if (!connect(fd, (const struct sockaddr *)ss, len))
			return fd;
		if (errno != ECONNREFUSED || bench_now() > give_up)
			bench_die(prog, "connect: %s", strerror(errno));
		close(fd);
		usleep(20000);
	}
}

#endif /* _SW_BENCH_H */
