// SPDX-License-Identifier: GPL-2.0
/*
 * synwatchd's parts: the config file, the rotating JSON-lines log, alert
 * commands and the metrics file.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "alerts.h"
#include "dlog.h"
#include "fmt.h"
#include "dconf.h"
#include "logfile.h"
#include "metrics.h"

FIXTURE(tmp)
{
	char dir[64];
	char path[128];
};

FIXTURE_SETUP(tmp)
{
	strcpy(self->dir, "/tmp/synwatch-test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/file", self->dir);
}

FIXTURE_TEARDOWN(tmp)
{
	DIR *d = opendir(self->dir);
	struct dirent *e;
	char p[512];

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", self->dir, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(self->dir);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

struct errors {
	char msgs[16][512];
	int n;
};

static void collect(const char *msg, void *data)
{
	struct errors *e = data;

	if (e->n < 16)
		snprintf(e->msgs[e->n++], 512, "%s", msg);
}

TEST_F(tmp, config_good)
{
	struct errors e = { .n = 0 };
	struct dconf c;

	write_file(self->path,
		   "# comment\n"
		   "\n"
		   "events = conn,alerts\n"
		   "  mode = multicast  \n"
		   "filter = state half-open dport 443\n"
		   "syslog = no\n"
		   "syslog_facility = local3\n"
		   "log_file = \"/var/log/synwatch/events.jsonl\"\n"
		   "log_max_bytes = 1M\n"
		   "log_keep = 3\n"
		   "alert_command = /usr/bin/logger -t \"syn flood\"\n"
		   "alert_min_interval = 5m\n"
		   "alert_command_timeout = 1500ms\n"
		   "stats_interval = 500ms\n"
		   "metrics_file = /tmp/x.prom\n"
		   "metrics_interval = 30s\n"
		   "buffer_size = 32M\n");
	ASSERT_EQ(0, dconf_load(self->path, false, &c, collect, &e)) TH_LOG("%s", e.msgs[0]);
	EXPECT_EQ(SYNWATCH_EVENT_MASK_ALL, c.events);
	EXPECT_TRUE(c.multicast);
	EXPECT_EQ(443, c.filter.rport.min);
	EXPECT_FALSE(c.use_syslog);
	EXPECT_EQ(LOG_LOCAL3, c.facility);
	EXPECT_STREQ("/var/log/synwatch/events.jsonl", c.log_file);
	EXPECT_EQ(1 << 20, c.log_max_bytes);
	EXPECT_EQ(3, c.log_keep);
	EXPECT_STREQ("/usr/bin/logger -t \"syn flood\"", c.alert_command);
	EXPECT_EQ(300000, c.alert_min_interval_ms);
	EXPECT_EQ(1500, c.alert_command_timeout_ms);
	EXPECT_EQ(500, c.stats_interval_ms);
	EXPECT_EQ(30000, c.metrics_interval_ms);
	EXPECT_EQ(32 << 20, c.buffer_size);
	dconf_free(&c);

	/* the default file may be missing: defaults */
	ASSERT_EQ(0, dconf_load("/nonexistent/synwatchd.conf", true, &c, collect, &e));
	EXPECT_EQ(SWL_ALERT_EVENTS, c.events);
	EXPECT_EQ(30000, c.alert_command_timeout_ms);
	EXPECT_TRUE(c.use_syslog);
	EXPECT_EQ(NULL, c.log_file);
	dconf_free(&c);
}

TEST_F(tmp, config_bad)
{
	struct errors e = { .n = 0 };
	struct dconf c;

	write_file(self->path,
		   "events = new,bogus\n"
		   "mode = sometimes\n"
		   "log_file = relative.log\n"
		   "log_keep = many\n"
		   "# fine\n"
		   "stats_interval = 5 minutes\n"
		   "no equals sign\n"
		   "nosuchkey = 1\n"
		   "buffer_size = 1k\n"
		   "filter = sport >\n"
		   "alert_command = notify-send\n"
		   " = 5\n"
		   "alert_command_timeout = 0\n"
		   "alert_command_timeout = forever\n");
	EXPECT_EQ(13, dconf_load(self->path, false, &c, collect, &e));
	ASSERT_EQ(13, e.n);
	/* file:line for each, in order */
	EXPECT_NE(NULL, strstr(e.msgs[0], "/file:1: events: unknown event type 'bogus'"));
	EXPECT_NE(NULL, strstr(e.msgs[1], ":2: mode:"));
	EXPECT_NE(NULL, strstr(e.msgs[2], ":3: log_file: 'relative.log' is not an absolute path"));
	EXPECT_NE(NULL, strstr(e.msgs[3], ":4: log_keep:"));
	EXPECT_NE(NULL, strstr(e.msgs[4], ":6: stats_interval:"));
	EXPECT_NE(NULL, strstr(e.msgs[5], ":7: expected 'key = value'"));
	EXPECT_NE(NULL, strstr(e.msgs[6], ":8: unknown key 'nosuchkey'"));
	EXPECT_NE(NULL, strstr(e.msgs[7], ":9: buffer_size:"));
	EXPECT_NE(NULL, strstr(e.msgs[8], ":10: filter: 'sport >' needs a port"));
	EXPECT_NE(NULL, strstr(e.msgs[9], ":11: alert_command:"));
	EXPECT_NE(NULL, strstr(e.msgs[10], ":12: missing key"));
	EXPECT_NE(NULL, strstr(e.msgs[11], ":13: alert_command_timeout: '0' is too short (at least 100ms)"));
	EXPECT_NE(NULL, strstr(e.msgs[12], ":14: alert_command_timeout: 'forever' is not a duration"));
	dconf_free(&c);

	e.n = 0;
	EXPECT_EQ(1, dconf_load("/nonexistent/given.conf", false, &c, collect, &e));
	EXPECT_NE(NULL, strstr(e.msgs[0], "cannot open"));
	dconf_free(&c);
}

/* Reads a whole file; NULL if absent. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	FILE *out;

	*len = 0;
	if (!f)
		return NULL;
	out = open_memstream(&buf, &cap);
	for (int c; (c = fgetc(f)) != EOF;)
		fputc(c, out);
	fclose(out);
	fclose(f);
	*len = cap;
	return buf;
}

/*
 * Lines written one by one (logfile_write), or gathered and flushed every
 * few lines as synwatchd does per read (logfile_append, logfile_flush):
 * the same files either way.
 */
static void rotation_loses_nothing(struct __test_metadata *_metadata,
				   const char *path, bool append)
{
	enum { LINES = 5000, KEEP = 50 };
	bool seen[LINES] = { false };
	struct logfile lf;
	char line[128], gen[256];
	int total = 0, files = 0;

	ASSERT_EQ(0, logfile_open(&lf, path, 16384, KEEP));
	for (int i = 0; i < LINES; i++) {
		/* lines of varying length, so rotation points vary */
		int n = snprintf(line, sizeof(line), "{\"n\":%d,\"pad\":\"%.*s\"}\n",
				 i, i % 61, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");

		if (!append) {
			ASSERT_EQ(0, logfile_write(&lf, line, (size_t)n));
			continue;
		}
		ASSERT_EQ(0, logfile_append(&lf, line, (size_t)n));
		if (i % 7 == 6)
			ASSERT_EQ(0, logfile_flush(&lf));
	}
	EXPECT_GT(lf.rotations, 10);
	EXPECT_LT(lf.rotations, KEEP);	/* so every generation still exists */
	logfile_close(&lf);

	for (unsigned int g = 0; g <= KEEP; g++) {
		size_t len;
		char *buf, *p, *nl;

		if (g)
			snprintf(gen, sizeof(gen), "%s.%u", path, g);
		else
			snprintf(gen, sizeof(gen), "%s", path);
		buf = slurp(gen, &len);
		if (!buf)
			continue;
		files++;
		EXPECT_LE(len, 16384) TH_LOG("%s is %zu bytes", gen, len);
		ASSERT_TRUE(len > 0 && buf[len - 1] == '\n') TH_LOG("%s ends mid-line", gen);
		for (p = buf; (nl = strchr(p, '\n')); p = nl + 1) {
			int n, plen;

			/* every line whole: {"n":N,"pad":"x..."} */
			ASSERT_EQ(1, sscanf(p, "{\"n\":%d,", &n)) TH_LOG("torn line in %s", gen);
			ASSERT_TRUE(n >= 0 && n < LINES);
			plen = (int)(nl - p) - (int)strlen("{\"n\":,\"pad\":\"\"}") -
			       snprintf(line, sizeof(line), "%d", n);
			EXPECT_EQ(n % 61, plen);
			EXPECT_FALSE(seen[n]);
			seen[n] = true;
			total++;
		}
		free(buf);
	}
	EXPECT_EQ(LINES, total);
	EXPECT_EQ(lf.rotations + 1, (uint64_t)files);
}

TEST_F(tmp, log_rotation_loses_nothing)
{
	rotation_loses_nothing(_metadata, self->path, false);
}

TEST_F(tmp, log_append_rotation_loses_nothing)
{
	rotation_loses_nothing(_metadata, self->path, true);
}

TEST_F(tmp, log_keep_limits_generations)
{
	struct logfile lf;
	char gen[256];

	ASSERT_EQ(0, logfile_open(&lf, self->path, 4096, 2));
	for (int i = 0; i < 1000; i++)
		ASSERT_EQ(0, logfile_write(&lf, "0123456789012345678901234567890123456789\n", 41));
	logfile_close(&lf);
	snprintf(gen, sizeof(gen), "%s.2", self->path);
	EXPECT_EQ(0, access(gen, F_OK));
	snprintf(gen, sizeof(gen), "%s.3", self->path);
	EXPECT_NE(0, access(gen, F_OK));

	/* a line larger than a whole file still goes out whole */
	{
		static char big[10000];
		size_t len;
		char *buf;

		memset(big, 'y', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\n';
		ASSERT_EQ(0, logfile_open(&lf, self->path, 4096, 2));
		ASSERT_EQ(0, logfile_write(&lf, big, sizeof(big)));
		logfile_close(&lf);
		buf = slurp(self->path, &len);
		EXPECT_EQ(sizeof(big), len);
		free(buf);
	}
}

TEST(split_command)
{
	char s[] = "/bin/echo  a \"b c\"\td\"e f\"g ";
	char *argv[8];

	ASSERT_EQ(4, alerts_split_command(s, argv, 8));
	EXPECT_STREQ("/bin/echo", argv[0]);
	EXPECT_STREQ("a", argv[1]);
	EXPECT_STREQ("b c", argv[2]);
	EXPECT_STREQ("de fg", argv[3]);
	EXPECT_EQ(NULL, argv[4]);
	{
		char t[] = "a b c d";

		EXPECT_EQ(-1, alerts_split_command(t, argv, 4));
	}
}

static struct swl_event flood_event(uint8_t type, uint16_t port)
{
	struct swl_event ev = { .type = type, .has_alert = true };
	struct swl_listener *l = &ev.alert.listener;

	l->family = l->addr.family = AF_INET;
	l->addr.raw[0] = 10;
	l->addr.raw[3] = 1;
	l->port = port;
	l->half_open = 1200;
	l->syn_rate = 5000;
	l->status = SYNWATCH_LISTENER_FLOOD;
	ev.alert.reason = SYNWATCH_ALERT_HALF_OPEN;
	ev.alert.have = SWL_BIT(SYNWATCH_A_ALERT_REASON) | SWL_BIT(SYNWATCH_A_ALERT_LISTENER);
	return ev;
}

static void wait_children(struct alerts *a)
{
	while (a->children) {
		usleep(10000);
		alerts_reap(a);
	}
}

/* Counts the lines of the command's output file. */
static int lines_of(const char *path)
{
	size_t len;
	char *buf = slurp(path, &len);
	int n = 0;

	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	free(buf);
	return n;
}

/*
 * An alerts state whose command is "/bin/sh -c SCRIPT", SCRIPT a format
 * with one %s for the test's file (cmd holds the command line).
 */
static void alerts_with_script(struct alerts *a, char *cmd, size_t len,
			       const char *script, const char *path)
{
	char s[384];

	snprintf(s, sizeof(s), script, path);
	snprintf(cmd, len, "/bin/sh -c \"%s\"", s);
	dlog_setup(false, LOG_DAEMON, false);
	alerts_init(a);
	a->command = cmd;
}

TEST_F(tmp, alert_command_and_rate_limit)
{
	struct alerts a;
	struct swl_event ev;
	struct swl_listener l;
	char cmd[512];
	size_t len;
	char *out;

	alerts_with_script(&a, cmd, sizeof(cmd),
			   "echo $SYNWATCH_EVENT $SYNWATCH_LISTENER $SYNWATCH_HALF_OPEN $SYNWATCH_REASON >> %s",
			   self->path);
	a.min_interval_ms = 60000;

	ev = flood_event(SYNWATCH_EVENT_FLOOD_START, 80);
	alerts_event(&a, &ev, 1000);
	EXPECT_EQ(1, alerts_active(&a));
	/* updates inside the interval: no message, no command */
	ev = flood_event(SYNWATCH_EVENT_FLOOD_UPDATE, 80);
	alerts_event(&a, &ev, 2000);
	alerts_event(&a, &ev, 30000);
	wait_children(&a);
	EXPECT_EQ(1, lines_of(self->path));
	alerts_event(&a, &ev, 62000);		/* "ongoing" */
	/* commands run concurrently: wait, for a deterministic file */
	wait_children(&a);
	ev = flood_event(SYNWATCH_EVENT_FLOOD_END, 80);
	alerts_event(&a, &ev, 63000);		/* end: never rate-limited */
	EXPECT_EQ(0, alerts_active(&a));
	wait_children(&a);
	out = slurp(self->path, &len);
	EXPECT_STREQ("flood-start 10.0.0.1:80 1200 half_open\n"
		     "flood-ongoing 10.0.0.1:80 1200 half_open\n"
		     "flood-end 10.0.0.1:80 1200 half_open\n", out);
	free(out);
	unlink(self->path);

	/* resync: a flood nobody told us about, then its quiet end */
	alerts_resync_begin(&a);
	l = flood_event(0, 443).alert.listener;
	alerts_resync_listener(&a, &l, SYNWATCH_ALERT_HALF_OPEN, 100000);
	alerts_resync_end(&a, 100000);
	EXPECT_EQ(1, alerts_active(&a));
	wait_children(&a);
	alerts_resync_begin(&a);
	l.status = SYNWATCH_LISTENER_OK;
	alerts_resync_listener(&a, &l, -1, 200000);
	alerts_resync_end(&a, 200000);
	EXPECT_EQ(0, alerts_active(&a));
	wait_children(&a);
	out = slurp(self->path, &len);
	EXPECT_STREQ("flood-ongoing 10.0.0.1:443 1200 half_open\n"
		     "flood-end 10.0.0.1:443 1200 half_open\n", out);
	free(out);
	EXPECT_EQ(5, a.commands_run);
	EXPECT_EQ(0, a.commands_failed);

	/* a command that cannot run is counted, not fatal */
	a.command = "/nonexistent/command";
	ev = flood_event(SYNWATCH_EVENT_FLOOD_START, 22);
	alerts_event(&a, &ev, 300000);
	wait_children(&a);
	EXPECT_EQ(1, a.commands_failed);
	alerts_free(&a);
}

/* flood.* settings as GET_CONFIG returns them: the kernel's defaults */
static struct swl_config flood_config(void)
{
	struct swl_config c = { 0 };
	static const uint16_t keys[] = {
		SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH, SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW,
		SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH, SYNWATCH_A_CONFIG_FLOOD_RATE_LOW,
		SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT,
	};
	static const uint32_t vals[] = { 256, 64, 200, 100, 50 };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		c.have |= SWL_BIT(keys[i]);
		c.val[keys[i]] = vals[i];
	}
	return c;
}

TEST(guess_reason)
{
	struct swl_config c = flood_config(), none = { 0 };
	struct swl_listener l = { .status = SYNWATCH_LISTENER_FLOOD };

	l.half_open_recent = 300;
	EXPECT_EQ(SYNWATCH_ALERT_HALF_OPEN, alerts_guess_reason(&l, &c));
	EXPECT_EQ(-1, alerts_guess_reason(&l, &none));
	l.half_open_recent = 10;
	l.syn_rate = 250;
	l.completion_pct = 10;
	EXPECT_EQ(SYNWATCH_ALERT_RATE, alerts_guess_reason(&l, &c));
	l.completion_pct = 90;		/* the rate test needs low completion */
	EXPECT_EQ(-1, alerts_guess_reason(&l, &c));
	/* between the marks: what keeps the flood from ending */
	l.half_open_recent = 100;
	EXPECT_EQ(SYNWATCH_ALERT_HALF_OPEN, alerts_guess_reason(&l, &c));
	l.half_open_recent = 10;
	l.syn_rate = 150;
	l.completion_pct = 0;
	EXPECT_EQ(SYNWATCH_ALERT_RATE, alerts_guess_reason(&l, &c));
	/* a half-open test that is off (HIGH 0) gives no half-open reason */
	c.val[SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH] = 0;
	l.half_open_recent = 1000;
	l.syn_rate = 0;
	EXPECT_EQ(-1, alerts_guess_reason(&l, &c));
}

/*
 * Issue 24 item 5: a flood found on resync ran the alert command with an
 * empty SYNWATCH_REASON. It gets the reason the daemon found, or
 * "unknown", never nothing; its end found on resync, the same.
 */
TEST_F(tmp, resync_flood_reason)
{
	struct swl_config c = flood_config();
	struct alerts a;
	struct swl_listener l = flood_event(0, 8443).alert.listener;
	char cmd[512];
	size_t len;
	char *out;

	alerts_with_script(&a, cmd, sizeof(cmd),
			   "echo $SYNWATCH_EVENT $SYNWATCH_PORT reason=$SYNWATCH_REASON >> %s",
			   self->path);
	l.half_open_recent = 400;
	alerts_resync_begin(&a);
	alerts_resync_listener(&a, &l, alerts_guess_reason(&l, &c), 1000);
	alerts_resync_end(&a, 1000);
	wait_children(&a);
	alerts_resync_begin(&a);
	alerts_resync_listener(&a, &l, alerts_guess_reason(&l, &c), 2000);
	/* flooded for no reason we can see */
	l.port = 9443;
	l.half_open_recent = 0;
	l.syn_rate = 0;
	alerts_resync_listener(&a, &l, alerts_guess_reason(&l, &c), 2000);
	alerts_resync_end(&a, 2000);
	wait_children(&a);
	alerts_resync_begin(&a);
	alerts_resync_listener(&a, &l, alerts_guess_reason(&l, &c), 3000);
	alerts_resync_end(&a, 3000);	/* 8443 has ended */
	wait_children(&a);
	out = slurp(self->path, &len);
	EXPECT_STREQ("flood-ongoing 8443 reason=half_open\n"
		     "flood-ongoing 9443 reason=unknown\n"
		     "flood-end 8443 reason=half_open\n", out);
	free(out);
	alerts_free(&a);
}

/* The pids a command wrote to the file, one a line; how many. */
static int read_pids(const char *path, pid_t *pids, int max)
{
	FILE *f = fopen(path, "r");
	int n = 0, pid;

	while (f && n < max && fscanf(f, "%d", &pid) == 1)
		pids[n++] = pid;
	if (f)
		fclose(f);
	return n;
}

/* The command's pids: n of them, waited for up to 5 s. */
static int wait_pids(const char *path, pid_t *pids, int n)
{
	for (int i = 0; i < 500 && read_pids(path, pids, n) < n; i++)
		usleep(10000);
	return read_pids(path, pids, n);
}

/* Gone, or a zombie its new parent has yet to reap: ended either way. */
static bool ended(pid_t pid)
{
	char path[64], state = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 0;
	fclose(f);
	return state == 'Z' || state == 'X';
}

/* Each pid, waited for up to 5 s. */
static bool all_ended(const pid_t *pids, int n)
{
	for (int t = 0; t < 500; t++) {
		int left = 0;

		for (int i = 0; i < n; i++)
			left += !ended(pids[i]);
		if (!left)
			return true;
		usleep(10000);
	}
	return false;
}

/* n flood starts on ports 1.., at now_ms. */
static void floods(struct alerts *a, int from, int n, uint64_t now_ms)
{
	for (int i = from; i < from + n; i++) {
		struct swl_event ev = flood_event(SYNWATCH_EVENT_FLOOD_START, (uint16_t)i);

		alerts_event(a, &ev, now_ms);
	}
}

/*
 * Issue 24 item 4: a command that hangs is ended after
 * alert_command_timeout, its whole process group (a shell and what it
 * started), counted as timed out, not as failed.
 */
TEST_F(tmp, alert_command_timeout)
{
	struct alerts a;
	char cmd[512];
	pid_t pids[2];
	uint64_t t0;

	alerts_with_script(&a, cmd, sizeof(cmd),
			   "sleep 1000 & echo $$ $! >> %s; wait", self->path);
	a.timeout_ms = 300;
	t0 = swl_monotonic_ms();
	floods(&a, 1, 1, t0);
	ASSERT_EQ(1, a.children);
	EXPECT_EQ(t0 + 300, alerts_next_tick(&a));
	ASSERT_EQ(2, wait_pids(self->path, pids, 2));
	alerts_tick(&a, t0 + 299);
	alerts_reap(&a);
	EXPECT_EQ(1, a.children);
	EXPECT_EQ(0, a.commands_timed_out);
	alerts_tick(&a, t0 + 300);
	EXPECT_EQ(1, a.commands_timed_out);
	/* SIGKILL next, if SIGTERM is not enough */
	EXPECT_EQ(t0 + 300 + ALERTS_KILL_GRACE_MS, alerts_next_tick(&a));
	for (int i = 0; i < 500 && a.children; i++) {
		usleep(10000);
		alerts_reap(&a);
	}
	EXPECT_EQ(0, a.children);
	EXPECT_TRUE(all_ended(pids, 2));
	EXPECT_EQ(0, a.commands_failed);
	EXPECT_EQ(0, alerts_next_tick(&a));
	alerts_free(&a);
}

/*
 * The daemon stops: no command outlives it, even one that ignores
 * SIGTERM (SIGKILL after the grace period).
 */
TEST_F(tmp, alert_commands_end_with_daemon)
{
	struct alerts a;
	char cmd[512];
	pid_t pids[6];
	uint64_t t0;

	alerts_with_script(&a, cmd, sizeof(cmd),
			   "trap '' TERM; sleep 1000 & echo $$ $! >> %s; wait", self->path);
	floods(&a, 1, 3, swl_monotonic_ms());
	ASSERT_EQ(6, wait_pids(self->path, pids, 6));
	t0 = swl_monotonic_ms();
	EXPECT_EQ(3, alerts_stop(&a));
	EXPECT_GE(swl_monotonic_ms() - t0, ALERTS_KILL_GRACE_MS);
	EXPECT_EQ(0, a.children);
	EXPECT_TRUE(all_ended(pids, 6));
	alerts_free(&a);
}

/*
 * Too many still running: the alerts not run are counted, and told in
 * one line at first, then in one line per interval with their count,
 * not one line each (308 lines in 30 s in issue 24).
 */
TEST_F(tmp, alert_commands_busy_summarised)
{
	char cmd[512], errpath[160];
	struct alerts a;
	size_t len;
	char *out, *p;
	int saved, fd, lines = 0;

	alerts_with_script(&a, cmd, sizeof(cmd), "exec sleep 1000 # %s", self->path);
	snprintf(errpath, sizeof(errpath), "%s/stderr", self->dir);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_GE(fd, 0);
	dup2(fd, STDERR_FILENO);
	close(fd);

	floods(&a, 1, ALERTS_MAX_CHILDREN + 20, 1000);
	EXPECT_EQ(ALERTS_MAX_CHILDREN, a.children);
	EXPECT_EQ(20, a.commands_busy);
	EXPECT_EQ(1000 + ALERTS_BUSY_LOG_INTERVAL_MS, alerts_next_tick(&a));
	alerts_tick(&a, 1000 + ALERTS_BUSY_LOG_INTERVAL_MS - 1);
	floods(&a, 100, 5, 1000 + ALERTS_BUSY_LOG_INTERVAL_MS - 1);
	alerts_tick(&a, 1000 + ALERTS_BUSY_LOG_INTERVAL_MS);
	alerts_stop(&a);

	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	out = slurp(errpath, &len);
	ASSERT_NE(NULL, out);
	for (p = out; (p = strstr(p, "not run")); p++)
		lines++;
	EXPECT_EQ(2, lines) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "alert_command not run for 10.0.0.1:9 (flood-start): 8 still running"));
	EXPECT_NE(NULL, strstr(out, "24 alert commands not run in the last 10.0s: previous still running"));
	EXPECT_EQ(25, a.commands_busy);
	free(out);
	alerts_free(&a);
}

TEST_F(tmp, metrics_file)
{
	struct swl_vec ls = SWL_VEC_INIT(struct swl_listener);
	struct metrics_snapshot m = { .up = true, .listeners = &ls };
	struct swl_listener l = { .port = 80, .half_open = 7, .completion_pct = 95,
				 .status = SYNWATCH_LISTENER_FLOOD };
	size_t len;
	char *out;

	l.addr.family = AF_INET6;
	l.addr.raw[15] = 1;
	swl_vec_push(&ls, &l);
	m.stats.have = SWL_BIT(SYNWATCH_A_STATS_PKTS_IN) | SWL_BIT(SYNWATCH_A_STATS_EVICT);
	m.stats.val[SYNWATCH_A_STATS_PKTS_IN] = 123;
	m.stats.invalid_have = SWL_BIT(SYNWATCH_INVALID_RST_WINDOW);
	m.stats.invalid[SYNWATCH_INVALID_RST_WINDOW] = 4;
	m.states[SYNWATCH_STATE_ESTABLISHED] = 9;
	m.daemon.events_lost = 2;
	ASSERT_EQ(0, metrics_write_file(self->path, &m));
	out = slurp(self->path, &len);
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "synwatch_up 1\n"));
	EXPECT_NE(NULL, strstr(out, "synwatch_connections{state=\"established\"} 9\n"));
	EXPECT_NE(NULL, strstr(out, "synwatch_connections{state=\"syn_recv\"} 0\n"));
	EXPECT_NE(NULL, strstr(out, "synwatch_packets_total{dir=\"in\"} 123\n"));
	EXPECT_EQ(NULL, strstr(out, "dir=\"out\""));	/* not reported: not made up */
	EXPECT_NE(NULL, strstr(out, "synwatch_invalid_packets_total{reason=\"rst_window\"} 4\n"));
	EXPECT_NE(NULL, strstr(out, "synwatch_listener_half_open{addr=\"::1\",port=\"80\"} 7\n"));
	EXPECT_NE(NULL, strstr(out, "synwatch_listener_completion_ratio{addr=\"::1\",port=\"80\"} 0.95\n"));
	EXPECT_NE(NULL, strstr(out, "synwatch_listener_flood{addr=\"::1\",port=\"80\"} 1\n"));
	EXPECT_NE(NULL, strstr(out, "# TYPE synwatch_evictions_total counter\n"));
	EXPECT_NE(NULL, strstr(out, "synwatch_daemon_events_lost_total 2\n"));
	free(out);
	/* no temporary file left behind */
	{
		DIR *d = opendir(self->dir);
		struct dirent *e;
		int n = 0;

		while ((e = readdir(d)))
			n += e->d_name[0] != '.';
		closedir(d);
		EXPECT_EQ(1, n);
	}
	swl_vec_free(&ls);
}

TEST_HARNESS_MAIN
