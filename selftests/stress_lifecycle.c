// SPDX-License-Identifier: GPL-2.0
/*
 * Reliability suite: synwatch.ko ($SYNWATCH_KO) unloaded and loaded again
 * while everything that can touch it runs.
 *
 *   netns A (198.18.0.1) veth0 <----> veth0 netns B (198.18.0.2)
 *     churn: connect, write, close  ->  listener :8301, accept, close
 *     subscribers x SUBS, requesters      subscribers x SUBS
 *   init netns: subscribers x SUBS, requesters
 *
 *  - reload_subscribers: rmmod/insmod cycles while sockets subscribe to
 *    events, hold their subscription a few ms and close, while stats,
 *    config and conns requests are in flight, connections churn and
 *    network namespaces are made (each with a connection and a request)
 *    and destroyed, with synwatchd and a monitor attached throughout:
 *    after the last cycle
 *    both show a new connection, and the daemon counted reconnects. The
 *    regression test of the rmmod oops: the module's exit freed every
 *    netns's state (and its subscriber list) before it unregistered the
 *    genl family and the netlink notifier, so a socket closing in that
 *    window walked freed memory in __sw_unsubscribe(); at load, the family
 *    answered before the per-netns state existed. After each rmmod the
 *    slab cache must be gone, and on a kmemleak kernel (the debug build)
 *    every 10th rmmod is followed by a scan that must find nothing; the
 *    VM runner fails the run on any splat.
 *  - rmmod_dump_held: a conns dump left unread holds a reference to the
 *    module: rmmod fails with EWOULDBLOCK and changes nothing; once the
 *    socket is closed it succeeds.
 *  - netns_churn: network namespaces made, given tracked connections (open,
 *    closed, half-closed) and deleted, again and again: every record of a
 *    deleted netns goes with it (the table's total count returns to what
 *    it was) and the module keeps working.
 *
 * The cycles run on one vCPU: the other CPUs are taken offline for the
 * length of the test and brought back after it. Under QEMU's
 * multi-threaded TCG, netfilter hooks registered and unregistered under
 * traffic stall a vCPU within a few dozen cycles (the static keys are
 * patched with int3 while another vCPU executes the site; nftables alone
 * does it, synwatch never loaded). One vCPU still interleaves everything
 * here: rmmod sleeps in synchronize_rcu() and rcu_barrier() for
 * milliseconds, and the subscribers, requesters and churn run then.
 *
 * STRESS_SCALE (default 1: the reduced run of make check) multiplies the
 * number of cycles; make stress runs 5 (100 cycles).
 */
#include "kselftest_harness.h"
#include "lib/nl.h"
#include "lib/stress.h"

#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#define PORT_SRV	8301
#define SUBS		2	/* subscriber processes per netns */
#define CYCLES		20	/* at STRESS_SCALE=1 */
#define MAX_CPUS	64

/* What the workers did, in memory shared with the parent. */
struct lc_tally {
	unsigned long subscribed, requests, conns, netns;
	int hold;		/* requesters start no new round while set */
	unsigned long cycle;	/* the parent's progress, for the watchdog */
};

/* Write "0" or "1" to a CPU's online file; -1 when it has none. */
static int cpu_online(int cpu, const char *v)
{
	char path[80];
	int fd, ok;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online",
		 cpu);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = write(fd, v, 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

/* Every CPU but CPU 0 offline; those taken are marked. */
static void cpus_take(bool *taken)
{
	int cpu;

	for (cpu = 1; cpu < MAX_CPUS; cpu++)
		taken[cpu] = !cpu_online(cpu, "0");
}

/* Back online, the CPUs cpus_take() took. */
static void cpus_give_back(bool *taken)
{
	int cpu;

	for (cpu = 1; cpu < MAX_CPUS; cpu++)
		if (taken[cpu] && !cpu_online(cpu, "1"))
			taken[cpu] = false;
}

static int cpus_online(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN);
}

/*
 * insmod and rmmod as system calls: a fork and two execs per cycle cost
 * seconds on one TCG vCPU shared with the workers.
 */
static int module_load(void)
{
	int fd = open(getenv("SYNWATCH_KO"), O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	err = syscall(__NR_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return err;
}

/*
 * rmmod, retried while the module is in use: a netlink dump holds a
 * reference to the module while it runs, and the requesters dump.
 */
static int module_unload(struct lc_tally *t, unsigned int *busy)
{
	/*
	 * The requesters' dumps hold the module: rmmod is refused
	 * (EWOULDBLOCK) while one runs, and tried again. On a fast kernel a
	 * window comes within milliseconds. On the KASAN kernel the two
	 * requesters' dumps overlap for good, so after a second of refusals
	 * they are held between rounds (those in flight finish) until the
	 * rmmod is through. The budget is time (10 s, times
	 * TEST_TIMEOUT_SCALE), not a count of tries.
	 */
	uint64_t start = st_now_us(), end = start + 10000000ULL * st_slow_scale();
	int err = -EBUSY;

	do {
		if (!syscall(__NR_delete_module, "synwatch", O_NONBLOCK)) {
			err = 0;
			break;
		}
		if (errno != EWOULDBLOCK && errno != EBUSY) {
			err = -errno;
			break;
		}
		(*busy)++;
		if (st_now_us() - start > 1000000)
			__atomic_store_n(&t->hold, 1, __ATOMIC_RELAXED);
		usleep(1000);
	} while (st_now_us() < end);
	__atomic_store_n(&t->hold, 0, __ATOMIC_RELAXED);
	return err;
}

#define KMEMLEAK	"/sys/kernel/debug/kmemleak"

/*
 * Objects kmemleak finds unreferenced since its last call (0 on a kernel
 * without kmemleak, -1 on error): the debug kernel's leak check after an
 * rmmod. Those found are printed, then cleared from the next count.
 */
static int kmemleak_new(void)
{
	char line[256];
	int n = 0;
	FILE *f;

	if (access(KMEMLEAK, W_OK))
		return 0;
	/* twice: an object in flight during one scan is not a leak */
	if (st_sh("echo scan > " KMEMLEAK "; echo scan > " KMEMLEAK))
		return -1;
	f = fopen(KMEMLEAK, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "unreferenced object"))
			n++;
		if (n)
			fputs(line, stderr);
	}
	fclose(f);
	st_sh("echo clear > " KMEMLEAK);
	return n;
}

/*
 * Subscribe to the connection events, read a little for 0-4 ms, close:
 * the close reaches the module through its netlink notifier, at any point
 * of a load or an unload. A module that is not there (ENOENT) is waited
 * for.
 */
static void subscriber(int nsfd, struct lc_tally *t, unsigned int seed)
{
	if (nsfd >= 0 && st_ns_enter(nsfd))
		_exit(1);
	srand(seed);
	for (;;) {
		struct st_nl s;
		struct st_ev e;

		if (st_nl_open(&s)) {
			usleep(2000);
			continue;
		}
		if (!st_subscribe(&s, NULL)) {
			__atomic_add_fetch(&t->subscribed, 1, __ATOMIC_RELAXED);
			st_ev_next(&s, &e, rand() % 5);
		}
		st_nl_close(&s);
	}
}

/* One short-lived netns: see netns_maker(). 0 when it all went as hoped. */
static int netns_child(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct ifreq ifr = { .ifr_name = "lo" };
	socklen_t len = sizeof(sa);
	struct st_stats st;
	struct st_nl s;
	int l, c, fd;

	if (unshare(CLONE_NEWNET))
		return 1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr))
		return 1;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		return 1;
	close(fd);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(l, 4) || getsockname(l, (struct sockaddr *)&sa, &len))
		return 1;
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)))
		return 1;
	close(c);
	/* the module may be away: no stats is no failure of the netns */
	if (!st_nl_open(&s)) {
		st_get_stats(&s, &st);
		st_nl_close(&s);
	}
	return 0;
}

/* Stats, config and a conns dump, on a new session each round. */
static void requester(int nsfd, struct lc_tally *t)
{
	if (nsfd >= 0 && st_ns_enter(nsfd))
		_exit(1);
	for (;;) {
		struct st_stats st;
		struct st_nl s;

		while (__atomic_load_n(&t->hold, __ATOMIC_RELAXED))
			usleep(1000);
		if (st_nl_open(&s)) {
			usleep(2000);
			continue;
		}
		if (!st_get_stats(&s, &st))
			__atomic_add_fetch(&t->requests, 1, __ATOMIC_RELAXED);
		if (!st_nl_talk(&s, st_msg(&s, SYNWATCH_CMD_GET_CONFIG, 0),
			       NULL, NULL))
			__atomic_add_fetch(&t->requests, 1, __ATOMIC_RELAXED);
		if (st_dump(&s, NULL, NULL, 0) >= 0)
			__atomic_add_fetch(&t->requests, 1, __ATOMIC_RELAXED);
		st_nl_close(&s);
	}
}

/*
 * Network namespaces made and destroyed, until killed: each a child that
 * unshares one, brings its loopback up, makes a connection over it (a
 * record, if the module is there) and asks the family for its stats,
 * then exits, and the netns goes. The module's pernet init and exit run
 * for them while it loads and unloads (they must find the family, the
 * table and the registry in the order main.c gives them).
 */
static void netns_maker(struct lc_tally *t)
{
	for (;;) {
		pid_t pid = fork();
		int status;

		if (pid < 0) {
			usleep(10000);
			continue;
		}
		if (!pid)
			_exit(netns_child());
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		    !WEXITSTATUS(status))
			__atomic_add_fetch(&t->netns, 1, __ATOMIC_RELAXED);
	}
}

/* Connections A -> B, each with a byte of data, until killed. */
static void churn(struct st_topo *topo, int lfd, struct lc_tally *t)
{
	for (;;) {
		int a = st_tcp_connect(topo, topo->fa, topo->addr_a, 0,
				    topo->addr_b, PORT_SRV, false);
		int b = accept(lfd, NULL, NULL);

		if (a >= 0) {
			(void)!write(a, "x", 1);
			close(a);
			__atomic_add_fetch(&t->conns, 1, __ATOMIC_RELAXED);
		}
		if (b >= 0)
			close(b);
	}
}

/*
 * A cycle that makes no progress for 120 s is a hang: have the kernel show
 * its blocked tasks and its CPUs' stacks on the console (sysrq w, l)
 * once, for the report.
 */
static void watchdog(struct lc_tally *t)
{
	unsigned long last = ~0UL;
	int still = 0;

	for (;;) {
		unsigned long c = __atomic_load_n(&t->cycle, __ATOMIC_RELAXED);

		sleep(10);
		still = c == last ? still + 1 : 0;
		last = c;
		if (still == 12)
			st_sh("echo 8 > /proc/sys/kernel/printk;"
			   "echo w > /proc/sysrq-trigger;"
			   "echo l > /proc/sysrq-trigger");
	}
}

#define MAX_WORKERS	16

FIXTURE(lc) {
	struct st_topo t;
	struct lc_tally *tally;
	pid_t pids[MAX_WORKERS];
	int npids, lfd;
	bool taken[MAX_CPUS];
	char dir[64];		/* the daemon's and monitor's files */
};

FIXTURE_SETUP(lc)
{
	if (!getenv("SYNWATCH_KO"))
		SKIP(return, "SYNWATCH_KO not set");
	self->lfd = -1;
	self->tally = mmap(NULL, sizeof(*self->tally), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->tally);
	memset(self->tally, 0, sizeof(*self->tally));
	ASSERT_EQ(0, st_topo_up(&self->t, AF_INET, "lc"));
	/* what leaked before this test is not this test's */
	ASSERT_LE(0, kmemleak_new());
	cpus_take(self->taken);
	ASSERT_EQ(1, cpus_online());
}

FIXTURE_TEARDOWN(lc)
{
	int i;

	for (i = 0; i < self->npids; i++)
		kill(self->pids[i], SIGKILL);
	for (i = 0; i < self->npids; i++)
		waitpid(self->pids[i], NULL, 0);
	if (self->dir[0]) {
		st_sh("for p in %s/*.pid; do kill -9 $(cat $p); done 2>/dev/null",
		   self->dir);
		st_sh("rm -rf %s", self->dir);
	}
	if (self->lfd >= 0)
		close(self->lfd);
	st_topo_down(&self->t);
	cpus_give_back(self->taken);
	/* loaded, with its defaults, for the rest of the suite */
	if (st_sh("grep -q '^synwatch ' /proc/modules"))
		module_load();
}

static void spawn(FIXTURE_DATA(lc) *self, int kind, int nsfd, int i)
{
	pid_t pid = fork();

	if (pid < 0)
		return;
	if (!pid) {
		/*
		 * Below the parent: rmmod and insmod get the CPU when they
		 * can run, and the workers run while they sleep (in
		 * synchronize_rcu(), rcu_barrier()), the windows that matter.
		 */
		if (kind != 3)
			setpriority(PRIO_PROCESS, 0, 10);
		if (kind == 0)
			subscriber(nsfd, self->tally, getpid() + i);
		else if (kind == 1)
			requester(nsfd, self->tally);
		else if (kind == 3)
			watchdog(self->tally);
		else if (kind == 4)
			netns_maker(self->tally);
		else
			churn(&self->t, self->lfd, self->tally);
		_exit(0);
	}
	self->pids[self->npids++] = pid;
}

#define SWD	"userspace/synwatchd/synwatchd"
#define SW	"userspace/synwatch/synwatch"
/*
 * The connection made after the cycles: a port below the ephemeral range,
 * which the churn's thousands of connections never take (a tuple the
 * churn left in TIME_WAIT would make it a reuse, not a NEW).
 */
#define PORT_LAST	31000
/* the connections made to see the readers follow: one a second at most */
#define PROBES		60

/*
 * synwatchd (every event to a JSON log, metrics each second) and a
 * subscribing "synwatch monitor", in netns A, for the length of the
 * cycles: they must follow the module through every reload.
 */
static int start_readers(FIXTURE_DATA(lc) *self)
{
	const char *d = self->dir;
	FILE *f;
	char p[128];

	strcpy(self->dir, "/tmp/stress_lifecycle.XXXXXX");
	if (!mkdtemp(self->dir))
		return -1;
	snprintf(p, sizeof(p), "%s/d.conf", d);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fprintf(f, "events = all\nsyslog = no\nlog_file = %s/events.jsonl\n"
		"log_max_bytes = 1G\nmetrics_file = %s/synwatch.prom\n"
		"metrics_interval = 1s\n", d, d);
	fclose(f);
	if (st_sh("ip netns exec %s " SWD " -f -c %s/d.conf > /dev/null 2> %s/d.err &"
	       " echo $! > %s/d.pid", self->t.a, d, d, d))
		return -1;
	return st_sh("ip netns exec %s " SW " monitor -j -e new > %s/mon.out"
		  " 2> %s/mon.err & echo $! > %s/mon.pid", self->t.a, d, d, d);
}

/* grep -qE PATTERN in a file of the readers' directory, for up to ms. */
static bool wait_grep(FIXTURE_DATA(lc) *self, const char *file,
		      const char *pattern, int ms)
{
	uint64_t end = st_now_us() + (uint64_t)ms * 1000 * st_slow_scale();

	do {
		if (!st_sh("grep -qE '%s' %s/%s 2>/dev/null", pattern, self->dir,
			file))
			return true;
		usleep(100000);
	} while (st_now_us() < end);
	return false;
}

TEST_F_TIMEOUT(lc, reload_subscribers, 1800)
{
	unsigned int cycles = CYCLES * st_stress_scale(), busy = 0, c;
	int ns[3] = { -1, self->t.fa, self->t.fb };
	unsigned long subs = 0, netns = 0;
	int i, j, err;

	self->lfd = st_tcp_listen(&self->t, self->t.fb, self->t.addr_b, PORT_SRV);
	ASSERT_LE(0, self->lfd);
	for (i = 0; i < 3; i++)
		for (j = 0; j < SUBS; j++)
			spawn(self, 0, ns[i], j);
	spawn(self, 1, -1, 0);
	spawn(self, 1, self->t.fa, 0);
	spawn(self, 2, -1, 0);
	spawn(self, 3, -1, 0);
	spawn(self, 4, -1, 0);
	ASSERT_EQ(3 * SUBS + 5, self->npids);
	ASSERT_EQ(0, start_readers(self));
	ASSERT_TRUE(wait_grep(self, "events.jsonl", "\"event\":\"new\"", 30000))
		TH_LOG("synwatchd logs no connection before the cycles");

	for (c = 0; c < cycles; c++) {
		usleep(100000 + (c % 7) * 20000);
		/* on the console too: a hang names its cycle */
		st_sh("echo 'stress_lifecycle: cycle %u' > /dev/kmsg", c);
		__atomic_store_n(&self->tally->cycle, c + 1, __ATOMIC_RELAXED);
		err = module_unload(self->tally, &busy);
		ASSERT_EQ(0, err)
			TH_LOG("rmmod failed at cycle %u: %s", c, strerror(-err));
		ASSERT_NE(0, st_sh("grep -q '^synwatch_conn ' /proc/slabinfo"))
			TH_LOG("slab cache left after rmmod %u", c);
		/* a kmemleak scan takes seconds there: every 10th cycle */
		if (c % 10 == 9 || c + 1 == cycles)
			EXPECT_EQ(0, kmemleak_new())
				TH_LOG("kmemleak after rmmod %u", c);
		usleep((c % 5) * 10000);
		err = module_load();
		ASSERT_EQ(0, err)
			TH_LOG("insmod failed at cycle %u: %s", c, strerror(-err));
		/* every cycle had subscribers and netns come and go */
		if (c % 5 == 4) {
			unsigned long now = __atomic_load_n(
				&self->tally->subscribed, __ATOMIC_RELAXED);
			unsigned long nets = __atomic_load_n(
				&self->tally->netns, __ATOMIC_RELAXED);

			EXPECT_LT(subs, now)
				TH_LOG("no subscription in cycles up to %u", c);
			EXPECT_LT(netns, nets)
				TH_LOG("no netns made in cycles up to %u", c);
			subs = now;
			netns = nets;
		}
	}
	/*
	 * The daemon and the monitor followed the module: a connection made
	 * once they are subscribed again shows in both. They come back on
	 * their own time (the NEWFAMILY notification, or their 2 s retry,
	 * after an insmod that takes seconds here), and a connection made
	 * before that is in neither stream (the daemon's resync rebuilds
	 * listeners and floods, not connection events). So: a connection
	 * from a new port each second, until each has shown one (this was
	 * once taken for a daemon that went deaf: it had only not
	 * resubscribed yet when the one connection was made).
	 */
	{
		bool logged = false, shown = false;
		char pat[64];
		int i;

		for (i = 0; i < PROBES * (int)st_slow_scale() &&
			    !(logged && shown); i++) {
			int a = st_tcp_connect(&self->t, self->t.fa,
					    self->t.addr_a, PORT_LAST + i,
					    self->t.addr_b, PORT_SRV, false);

			ASSERT_LE(0, a);
			close(a);
			snprintf(pat, sizeof(pat),
				 "\"event\":\"new\".*\"local_port\":%d",
				 PORT_LAST + i);
			logged = logged || wait_grep(self, "events.jsonl", pat,
						     1000);
			shown = shown || wait_grep(self, "mon.out", pat, 1000);
		}
		EXPECT_TRUE(logged)
			TH_LOG("synwatchd logged none of %d connections made after %u reloads",
			       i, cycles);
		EXPECT_TRUE(shown)
			TH_LOG("the monitor showed none of %d connections made after %u reloads",
			       i, cycles);
		if (!logged)
			st_sh("p=$(cat %s/d.pid); pp=$(pgrep -P $p synwatchd || echo $p);"
			   "echo \"daemon $pp: $(cat /proc/$pp/wchan) $(cut -d' ' -f3 /proc/$pp/stat)\" >&2;"
			   "cat /proc/$pp/stack >&2; ls -l /proc/$pp/fd >&2;"
			   "ip netns exec %s cat /proc/net/netlink >&2; tail -n 40 %s/d.err >&2;"
			   "ls -l --time-style=+%%T %s >&2; date +%%T >&2",
			   self->dir, self->t.a, self->dir, self->dir);
		EXPECT_TRUE(wait_grep(self, "synwatch.prom",
				      "^synwatch_daemon_reconnects_total [1-9]",
				      10000));
		/* never more than there were: each counts a real return */
		EXPECT_EQ(0, st_sh("awk '/^synwatch_daemon_reconnects_total / "
				"{ exit !($2 <= %u) }' %s/synwatch.prom",
				cycles, self->dir))
			TH_LOG("more reconnects than the %u reloads", cycles);
		EXPECT_EQ(0, st_sh("[ $(grep -c 'went away' %s/d.err) -le %u ]",
				self->dir, cycles))
			TH_LOG("more departures logged than the %u reloads",
			       cycles);
		EXPECT_TRUE(wait_grep(self, "synwatch.prom", "^synwatch_up 1$",
				      10000));
		EXPECT_EQ(0, st_sh("kill -0 $(cat %s/d.pid) && kill -0 $(cat %s/mon.pid)",
				self->dir, self->dir))
			TH_LOG("synwatchd or the monitor died");
		st_sh("grep -h 'reconnects_total' %s/synwatch.prom >&2", self->dir);
		if (!_metadata->passed)
			st_sh("genl ctrl get name synwatch | head -n 2 >&2;"
			   "ip netns exec %s genl ctrl get name synwatch | head -n 1 >&2",
			   self->t.a);
		if (!_metadata->passed)
			st_sh("tail -n 30 %s/d.err %s/mon.err >&2; grep -c '\"new\"' %s/events.jsonl %s/mon.out >&2; tail -n 2 %s/events.jsonl >&2",
			   self->dir, self->dir, self->dir, self->dir, self->dir);
	}
	TH_LOG("%u cycles (%u rmmod retries while in use): %lu subscriptions, %lu requests, %lu connections, %lu netns",
	       cycles, busy, self->tally->subscribed, self->tally->requests,
	       self->tally->conns, self->tally->netns);
	EXPECT_LT(0, self->tally->requests);
	EXPECT_LT(0, self->tally->conns);
}

/* A conns dump of the current netns, sent and left unread. */
static int dump_unread(struct st_nl *s)
{
	struct nlmsghdr *nlh = st_msg(s, SYNWATCH_CMD_GET_CONN, NLM_F_DUMP);

	return mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}

#define HELD_CONNS	200	/* records: several datagrams of dump */

TEST_F_TIMEOUT(lc, rmmod_dump_held, 300)
{
	struct st_topo *t = &self->t;
	int a[HELD_CONNS], b[HELD_CONNS], i, n;
	struct st_nl s = {};

	self->lfd = st_tcp_listen(t, t->fb, t->addr_b, PORT_SRV);
	ASSERT_LE(0, self->lfd);
	for (i = 0; i < HELD_CONNS; i++) {
		a[i] = st_tcp_connect(t, t->fa, t->addr_a, 0, t->addr_b, PORT_SRV,
				   false);
		ASSERT_LE(0, a[i]);
		b[i] = accept(self->lfd, NULL, NULL);
		ASSERT_LE(0, b[i]);
	}
	ASSERT_EQ(0, st_nl_open_ns(&s, t, t->fa));
	n = st_dump(&s, NULL, NULL, 0);
	ASSERT_EQ(HELD_CONNS, n);

	ASSERT_EQ(0, dump_unread(&s));
	EXPECT_NE(0, syscall(__NR_delete_module, "synwatch", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_EQ(0, st_sh("grep -q '^synwatch ' /proc/modules"));
	/* the held dump did not disturb the module */
	{
		struct st_nl s2 = {};

		ASSERT_EQ(0, st_nl_open_ns(&s2, t, t->fa));
		EXPECT_EQ(HELD_CONNS, st_dump(&s2, NULL, NULL, 0));
		st_nl_close(&s2);
	}
	st_nl_close(&s);		/* ends the dump and its reference */
	EXPECT_EQ(0, syscall(__NR_delete_module, "synwatch", O_NONBLOCK))
		TH_LOG("rmmod after the dump's socket closed: %s",
		       strerror(errno));
	EXPECT_NE(0, st_sh("grep -q '^synwatch_conn ' /proc/slabinfo"));
	EXPECT_EQ(0, module_load());
	for (i = 0; i < HELD_CONNS; i++) {
		close(a[i]);
		close(b[i]);
	}
}

/* The records of all netns, as the init netns's stats report it. */
static long conn_total(void)
{
	struct st_stats st;
	struct st_nl s;
	long v = -1;

	if (st_nl_open(&s))
		return -1;
	if (!st_get_stats(&s, &st))
		v = st.v[SYNWATCH_A_STATS_CONN_COUNT_TOTAL];
	st_nl_close(&s);
	return v;
}

#define CHURN_NETNS	10	/* netns pairs, at STRESS_SCALE=1 */
#define CHURN_CONNS	20	/* connections in each */

TEST_F_TIMEOUT(lc, netns_churn, 600)
{
	unsigned int rounds = CHURN_NETNS * st_stress_scale(), r;
	long base = conn_total(), now = -1;
	uint64_t deadline;
	int i;

	ASSERT_LE(0, base);
	for (r = 0; r < rounds; r++) {
		struct st_topo t;
		int a[CHURN_CONNS], b[CHURN_CONNS], lfd;
		struct st_nl s;
		char tag[16];

		snprintf(tag, sizeof(tag), "nc%u", r);
		ASSERT_EQ(0, st_topo_up(&t, r % 2 ? AF_INET6 : AF_INET, tag));
		lfd = st_tcp_listen(&t, t.fb, t.addr_b, PORT_SRV);
		ASSERT_LE(0, lfd);
		for (i = 0; i < CHURN_CONNS; i++) {
			a[i] = st_tcp_connect(&t, t.fa, t.addr_a, 0, t.addr_b,
					   PORT_SRV, false);
			ASSERT_LE(0, a[i]);
			b[i] = accept(lfd, NULL, NULL);
			ASSERT_LE(0, b[i]);
			/* a third closed, a third half-closed, a third open */
			if (i % 3 == 0) {
				close(a[i]);
				a[i] = -1;
			} else if (i % 3 == 1) {
				shutdown(a[i], SHUT_WR);
			}
		}
		ASSERT_EQ(0, st_nl_open_ns(&s, &t, t.fa));
		EXPECT_EQ(CHURN_CONNS, st_dump(&s, NULL, NULL, 0));
		st_nl_close(&s);
		for (i = 0; i < CHURN_CONNS; i++) {
			if (a[i] >= 0)
				close(a[i]);
			close(b[i]);
		}
		close(lfd);
		st_topo_down(&t);
	}
	/* netns are dismantled by a kernel worker, after their last socket */
	deadline = st_now_us() + 120000000ULL * st_slow_scale();
	while (st_now_us() < deadline) {
		now = conn_total();
		if (now == base)
			break;
		usleep(100000);
	}
	EXPECT_EQ(base, now)
		TH_LOG("records left of %u deleted netns", rounds);
	TH_LOG("%u netns pairs with %d connections each, deleted", rounds,
	       CHURN_CONNS);
}

TEST_HARNESS_MAIN
