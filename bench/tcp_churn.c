// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_churn: connection churn. Each connection is a full handshake, one
 * SIZE-byte request, one SIZE-byte response and the close, the server
 * closing first (as an HTTP/1.0 server does, so that TIME-WAIT stays on the
 * server and the client's ephemeral ports are not used up). The client
 * keeps CONNS connections in flight and opens a new one as each ends. The
 * result is connections per second over the measured duration, one JSON
 * line:
 *
 *   {"test":"tcp_churn","family":"ipv4","conns":8,"size":64,
 *    "duration_s":2.000,"connections":4321,"cps":2160.5,"errors":0,...}
 */
#include <fcntl.h>
#include <netinet/tcp.h>
#include "bench.h"

#define PROG "tcp_churn"
#define MAX_EVENTS 64

/* bytes of the request received so far, by fd */
static int got[1 << 16];
static const char *resp;
static int size;

static void reset_got(int fd)
{
	if (fd >= (int)(sizeof(got) / sizeof(got[0])))
		bench_die(PROG, "fd %d: too many connections", fd);
	got[fd] = 0;
}

static void serve(int fd, const char *buf, ssize_t r)
{
	(void)buf;
	if (r > 0) {
		got[fd] += r;
		if (got[fd] < size)
			return;
		/* the whole request: answer, and close first */
		if (write(fd, resp, size) != size)
			fprintf(stderr, PROG ": short write\n");
	}
	close(fd);	/* also leaves the epoll set */
}

static int server(const struct bench_opts *o)
{
	char *r = malloc(o->size);

	if (!r)
		bench_die(PROG, "malloc: %s", strerror(errno));
	memset(r, 'r', o->size);
	resp = r;
	size = o->size;
	bench_serve(PROG, bench_listen(PROG, o), reset_got, serve);
	return 0;
}

enum { C_CONNECTING, C_READING };

struct churn_conn {
	int fd;
	int state;
	int got;
};

static int client(const struct bench_opts *o)
{
	struct epoll_event ev, events[MAX_EVENTS];
	struct sockaddr_storage ss;
	socklen_t len = bench_addr(PROG, o->addr, o->port, &ss);
	struct churn_conn *conns = calloc(o->conns, sizeof(*conns));
	char *buf = malloc(65536), *req = malloc(o->size);
	unsigned long long done = 0, errors = 0, before = 0, err_before = 0;
	unsigned long long refused = 0;
	struct bench_window w;
	double elapsed;
	int ep = epoll_create1(0);
	int i, n, tick;

	if (!conns || !buf || !req || ep < 0)
		bench_die(PROG, "epoll/malloc: %s", strerror(errno));
	memset(req, 'q', o->size);

	/* (re)start slot i: a non-blocking connect */
#define OPEN(i) do {							\
		struct churn_conn *c_ = &conns[i];			\
		c_->fd = socket(ss.ss_family,				\
				SOCK_STREAM | SOCK_NONBLOCK, 0);	\
		if (c_->fd < 0)						\
			bench_die(PROG, "socket: %s", strerror(errno));	\
		if (connect(c_->fd, (struct sockaddr *)&ss, len) &&	\
		    errno != EINPROGRESS)				\
			bench_die(PROG, "connect: %s", strerror(errno)); \
		c_->state = C_CONNECTING;				\
		c_->got = 0;						\
		ev = (struct epoll_event){ .events = EPOLLOUT,		\
					   .data.u32 = (i) };		\
		epoll_ctl(ep, EPOLL_CTL_ADD, c_->fd, &ev);		\
	} while (0)

	/* Wait for the server: one plain connection must succeed first. */
	close(bench_connect_retry(PROG, &ss, len));

	bench_window_start(&w, o);
	for (i = 0; i < o->conns; i++)
		OPEN(i);
	while ((tick = bench_window_tick(&w)) >= 0) {
		if (tick) {
			before = done;
			err_before = errors;
		}
		n = epoll_wait(ep, events, MAX_EVENTS, 100);
		for (i = 0; i < n; i++) {
			int k = events[i].data.u32;
			struct churn_conn *c = &conns[k];
			ssize_t r;

			if (c->state == C_CONNECTING) {
				int err = 0;
				socklen_t el = sizeof(err);

				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err,
					   &el);
				if (err || write(c->fd, req, o->size) !=
					   o->size) {
					errors++;
					refused += err == ECONNREFUSED;
					close(c->fd);
					OPEN(k);
					continue;
				}
				c->state = C_READING;
				ev = (struct epoll_event){ .events = EPOLLIN,
							   .data.u32 = k };
				epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				continue;
			}
			r = read(c->fd, buf, 65536);
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r > 0) {
				c->got += r;
				continue;
			}
			/* EOF (or an error): the connection is over */
			if (r == 0 && c->got == o->size)
				done++;
			else
				errors++;
			close(c->fd);
			OPEN(k);
		}
	}
	elapsed = bench_window_elapsed(&w);
	for (i = 0; i < o->conns; i++)
		close(conns[i].fd);
	printf("{\"test\":\"tcp_churn\",\"family\":\"%s\",\"conns\":%d,"
	       "\"size\":%d,\"duration_s\":%.3f,\"connections\":%llu,"
	       "\"cps\":%.1f,\"errors\":%llu,\"refused\":%llu,"
	       "\"tag\":\"%s\"}\n",
	       bench_family(&ss), o->conns, o->size, elapsed,
	       done - before, (done - before) / elapsed,
	       errors - err_before, refused, o->tag);
	return errors - err_before ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct bench_opts o;

	bench_parse(argc, argv,
		    "Connection churn: handshake, one request and response, close.",
		    &o);
	return strcmp(o.mode, "server") ? client(&o) : server(&o);
}
