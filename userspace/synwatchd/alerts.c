// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alerts.h"
#include "dlog.h"
#include "fmt.h"
#include "names.h"
#include "render.h"

struct flood {
	struct swl_listener l;
	int reason;			/* SYNWATCH_ALERT_*, or -1: not known */
	uint64_t since_ms;
	uint64_t last_log_ms;		/* start or last "ongoing" message */
	uint64_t last_cmd_ms;		/* 0: no command run for this flood */
	bool seen;			/* in the current resync's dump */
};

void alerts_init(struct alerts *a)
{
	memset(a, 0, sizeof(*a));
	a->floods.size = sizeof(struct flood);
	a->timeout_ms = ALERTS_DEFAULT_TIMEOUT_MS;
}

void alerts_free(struct alerts *a)
{
	swl_vec_free(&a->floods);
}

unsigned int alerts_active(const struct alerts *a)
{
	return (unsigned int)a->floods.n;
}

static struct flood *find(struct alerts *a, const struct swl_listener *l)
{
	struct flood *f = a->floods.v;

	for (size_t i = 0; i < a->floods.n; i++)
		if (f[i].l.port == l->port && f[i].l.addr.family == l->addr.family &&
		    !memcmp(f[i].l.addr.raw, l->addr.raw, sizeof(l->addr.raw)))
			return &f[i];
	return NULL;
}

static void forget(struct alerts *a, struct flood *f)
{
	struct flood *v = a->floods.v;
	size_t i = (size_t)(f - v);

	v[i] = v[--a->floods.n];
}

int alerts_split_command(char *s, char **argv, int max)
{
	int n = 0;

	while (*s) {
		char *w, *o;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (n >= max - 1)
			return -1;
		w = o = s;
		/* copy the word onto itself, dropping the quotes */
		for (bool q = false; *s && (q || (*s != ' ' && *s != '\t')); s++) {
			if (*s == '"')
				q = !q;
			else
				*o++ = *s;
		}
		if (*s)
			s++;
		*o = 0;
		argv[n++] = w;
	}
	argv[n] = NULL;
	return n;
}

static void setenv_u64(const char *name, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	setenv(name, buf, 1);
}

/* In the child: the alert's fields as SYNWATCH_* variables. */
static void set_alert_env(const char *what, const struct swl_listener *l,
			  const struct swl_alert *al)
{
	char buf[SWL_FMT_LEN], list[512] = "";
	size_t n = 0;

	setenv("SYNWATCH_EVENT", what, 1);
	setenv("SYNWATCH_LISTENER", swl_fmt_endpoint(buf, &l->addr, l->port), 1);
	setenv("SYNWATCH_ADDR", swl_fmt_addr(buf, &l->addr), 1);
	setenv_u64("SYNWATCH_PORT", l->port);
	setenv("SYNWATCH_FAMILY", swl_family_name(l->addr.family), 1);
	setenv("SYNWATCH_STATUS", SWL_NAME(swl_listener_status_names, l->status)->json, 1);
	setenv_u64("SYNWATCH_HALF_OPEN", l->half_open);
	setenv_u64("SYNWATCH_SYN_RATE", l->syn_rate);
	setenv_u64("SYNWATCH_PEAK_RATE", l->peak_rate);
	setenv_u64("SYNWATCH_COMPLETION_PCT", l->completion_pct);
	setenv_u64("SYNWATCH_SYN_RX", l->syn_rx);
	/* never empty: an alert without a reason says it has none */
	if (al && SWL_HAS(al, SYNWATCH_A_ALERT_REASON))
		setenv("SYNWATCH_REASON", SWL_NAME(swl_alert_reason_names, al->reason)->json, 1);
	else
		setenv("SYNWATCH_REASON", "unknown", 1);
	if (!al)
		return;
	if (SWL_HAS(al, SYNWATCH_A_ALERT_DURATION_MS))
		setenv_u64("SYNWATCH_DURATION_MS", al->duration_ms);
	if (SWL_HAS(al, SYNWATCH_A_ALERT_SUPPRESSED))
		setenv_u64("SYNWATCH_SUPPRESSED", al->suppressed);
	if (SWL_HAS(al, SYNWATCH_A_ALERT_COOKIES))
		setenv("SYNWATCH_COOKIES", al->cookies ? "1" : "0", 1);
	for (unsigned int i = 0; i < al->nsources && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s=%" PRIu32,
				      i ? "," : "",
				      swl_fmt_prefix(buf, &al->sources[i].prefix,
						    al->sources[i].prefix_len),
				      al->sources[i].syns);
	setenv("SYNWATCH_TOP_SOURCES", list, 1);
}

static void child(const char *command, const char *what,
		  const struct swl_listener *l, const struct swl_alert *al)
{
	char *copy = strdup(command), *argv[32];
	sigset_t none;
	int fd;

	/* the daemon blocks signals for its signalfd: the mask survives
	 * exec, so give the command a normal one */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* its own process group, so that a timeout or the daemon's stop
	 * ends whatever it started too (the parent sets it as well: either
	 * may run first) */
	setpgid(0, 0);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0)
		dup2(fd, STDIN_FILENO);
	if (!copy || alerts_split_command(copy, argv, 32) < 1)
		_exit(127);
	set_alert_env(what, l, al);
	execv(argv[0], argv);
	_exit(127);
}

/* How long ago, for the log: "30s", "1m02s". */
static const char *ago(char *buf, uint64_t now_ms, uint64_t then_ms)
{
	return swl_fmt_duration_ms(buf, now_ms - then_ms);
}

static void log_busy(struct alerts *a, uint64_t now_ms)
{
	char d[SWL_FMT_LEN];

	if (!a->busy_unlogged)
		return;
	dlog(LOG_WARNING, "%" PRIu64 " alert commands not run in the last %s: previous still running",
	     a->busy_unlogged, swl_fmt_duration_ms(d, ALERTS_BUSY_LOG_INTERVAL_MS));
	a->busy_unlogged = 0;
	a->next_busy_log_ms = now_ms + ALERTS_BUSY_LOG_INTERVAL_MS;
}

/*
 * Too many commands running: counted, and said the way syslog reports
 * the lines it suppresses, the first one at once, then one line per
 * interval with the count.
 */
static void busy(struct alerts *a, const struct flood *f, const char *what,
		 uint64_t now_ms)
{
	char ep[SWL_FMT_LEN], d[SWL_FMT_LEN];

	a->commands_skipped++;
	a->commands_busy++;
	if (now_ms < a->next_busy_log_ms) {
		a->busy_unlogged++;
		return;
	}
	dlog(LOG_ERR, "alert_command not run for %s (%s): %u still running (each is ended after alert_command_timeout, %s); further ones are counted every %s",
	     swl_fmt_endpoint(ep, &f->l.addr, f->l.port), what, a->children,
	     swl_fmt_duration_ms(d, a->timeout_ms),
	     swl_fmt_duration_ms((char[SWL_FMT_LEN]){ 0 }, ALERTS_BUSY_LOG_INTERVAL_MS));
	a->next_busy_log_ms = now_ms + ALERTS_BUSY_LOG_INTERVAL_MS;
}

/* fork + exec, never waiting here; alerts_reap() collects the status. */
static void run_command(struct alerts *a, struct flood *f, const char *what,
			const struct swl_alert *al, uint64_t now_ms, bool limited)
{
	pid_t pid;

	if (!a->command)
		return;
	if (limited && f->last_cmd_ms &&
	    now_ms - f->last_cmd_ms < a->min_interval_ms) {
		a->commands_skipped++;
		return;
	}
	if (a->children >= ALERTS_MAX_CHILDREN) {
		busy(a, f, what, now_ms);
		return;
	}
	pid = fork();
	if (pid < 0) {
		a->commands_failed++;
		dlog(LOG_ERR, "alert_command: fork: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		child(a->command, what, &f->l, al);
	setpgid(pid, pid);
	a->child[a->children++] = (struct alert_child){
		.pid = pid, .started_ms = now_ms,
	};
	a->commands_run++;
	f->last_cmd_ms = now_ms;
}

static struct alert_child *find_child(struct alerts *a, pid_t pid)
{
	for (unsigned int i = 0; i < a->children; i++)
		if (a->child[i].pid == pid)
			return &a->child[i];
	return NULL;
}

void alerts_reap(struct alerts *a)
{
	struct alert_child *c;
	bool timed_out;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		c = find_child(a, pid);
		if (!c)
			continue;
		timed_out = c->term_ms;
		/* what the timed-out command left in its group goes too */
		if (timed_out)
			killpg(pid, SIGKILL);
		*c = a->child[--a->children];
		if (timed_out || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
			continue;
		a->commands_failed++;
		if (WIFEXITED(status))
			dlog(LOG_ERR, "alert_command (pid %d) exited with status %d%s",
			     (int)pid, WEXITSTATUS(status),
			     WEXITSTATUS(status) == 127 ? " (could not be run)" : "");
		else
			dlog(LOG_ERR, "alert_command (pid %d) killed by signal %d",
			     (int)pid, WTERMSIG(status));
	}
}

void alerts_tick(struct alerts *a, uint64_t now_ms)
{
	char d[SWL_FMT_LEN];

	for (unsigned int i = 0; i < a->children; i++) {
		struct alert_child *c = &a->child[i];

		if (!c->term_ms && now_ms - c->started_ms >= a->timeout_ms) {
			c->term_ms = now_ms;
			a->commands_timed_out++;
			dlog(LOG_ERR, "alert_command (pid %d) still running after %s (alert_command_timeout): ending its process group",
			     (int)c->pid, ago(d, now_ms, c->started_ms));
			killpg(c->pid, SIGTERM);
		} else if (c->term_ms && !c->killed &&
			   now_ms - c->term_ms >= ALERTS_KILL_GRACE_MS) {
			c->killed = true;
			killpg(c->pid, SIGKILL);
		}
	}
	if (a->busy_unlogged && now_ms >= a->next_busy_log_ms)
		log_busy(a, now_ms);
}

uint64_t alerts_next_tick(const struct alerts *a)
{
	uint64_t t = a->busy_unlogged ? a->next_busy_log_ms : UINT64_MAX;

	for (unsigned int i = 0; i < a->children; i++) {
		const struct alert_child *c = &a->child[i];
		uint64_t due = !c->term_ms ? c->started_ms + a->timeout_ms :
			       !c->killed ? c->term_ms + ALERTS_KILL_GRACE_MS :
			       UINT64_MAX;

		if (due < t)
			t = due;
	}
	return t == UINT64_MAX ? 0 : t;
}

unsigned int alerts_stop(struct alerts *a)
{
	unsigned int n = a->children;
	uint64_t start = swl_monotonic_ms();

	for (unsigned int i = 0; i < a->children; i++) {
		a->child[i].term_ms = start;
		killpg(a->child[i].pid, SIGTERM);
	}
	/* the daemon is stopping: a short bounded wait is all it does */
	while (a->children && swl_monotonic_ms() - start < ALERTS_KILL_GRACE_MS) {
		usleep(20000);
		alerts_reap(a);
	}
	for (unsigned int i = 0; i < a->children; i++)
		killpg(a->child[i].pid, SIGKILL);
	while (a->children) {
		pid_t pid = a->child[0].pid;

		/* its group had SIGKILL: it ends, reaped now */
		if (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			continue;
		a->child[0] = a->child[--a->children];
	}
	if (a->busy_unlogged)
		log_busy(a, swl_monotonic_ms());
	return n;
}

static char *describe(char *buf, size_t len, const struct swl_listener *l,
		      const struct swl_alert *al)
{
	struct swl_alert tmp = { .listener = *l };

	swl_text_alert_line(buf, len, al ? al : &tmp);
	return buf;
}

/* What a resync knows of a flood: its listener, and the reason if known. */
static struct swl_alert resync_alert(const struct swl_listener *l, int reason)
{
	struct swl_alert al = { .listener = *l };

	al.have = SWL_BIT(SYNWATCH_A_ALERT_LISTENER);
	if (reason >= 0) {
		al.reason = (uint8_t)reason;
		al.have |= SWL_BIT(SYNWATCH_A_ALERT_REASON);
	}
	return al;
}

int alerts_guess_reason(const struct swl_listener *l, const struct swl_config *c)
{
	uint32_t ho_high = c->val[SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH],
		 ho_low = c->val[SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW],
		 rate_high = c->val[SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH],
		 rate_low = c->val[SYNWATCH_A_CONFIG_FLOOD_RATE_LOW],
		 pct = c->val[SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT];
	bool known = SWL_HAS(c, SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH) &&
		     SWL_HAS(c, SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW) &&
		     SWL_HAS(c, SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH) &&
		     SWL_HAS(c, SYNWATCH_A_CONFIG_FLOOD_RATE_LOW) &&
		     SWL_HAS(c, SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT);
	bool rate_test = l->completion_pct < pct;

	if (!known)
		return -1;
	/* the start tests, half-open first as in the kernel */
	if (ho_high && l->half_open_recent >= ho_high)
		return SYNWATCH_ALERT_HALF_OPEN;
	if (rate_high && rate_test && l->syn_rate >= rate_high)
		return SYNWATCH_ALERT_RATE;
	/* below both: what keeps it from ending (over a low mark) */
	if (ho_high && l->half_open_recent > ho_low)
		return SYNWATCH_ALERT_HALF_OPEN;
	if (rate_high && rate_test && l->syn_rate > rate_low)
		return SYNWATCH_ALERT_RATE;
	return -1;
}

static struct flood *start(struct alerts *a, const struct swl_listener *l,
			   int reason, uint64_t now_ms)
{
	struct flood nf = { .l = *l, .reason = reason, .since_ms = now_ms,
			    .last_log_ms = now_ms };

	if (swl_vec_push(&a->floods, &nf))
		return NULL;
	a->started++;
	return SWL_VEC_AT(&a->floods, struct flood, a->floods.n - 1);
}

static void end(struct alerts *a, struct flood *f, const struct swl_alert *al,
		uint64_t now_ms, const char *how)
{
	char buf[512], d[SWL_FMT_LEN];
	struct swl_alert known;

	/* an end found on resync: what the daemon knew of the flood */
	if (!al) {
		known = resync_alert(&f->l, f->reason);
		al = &known;
	}

	dlog(LOG_NOTICE, "flood ended%s after %s: %s", how,
	     swl_fmt_duration_ms(d, now_ms - f->since_ms),
	     describe(buf, sizeof(buf), &f->l, al));
	/* the end pairs with a start the command saw: never rate-limited */
	if (f->last_cmd_ms)
		run_command(a, f, "flood-end", al, now_ms, false);
	a->ended++;
	forget(a, f);
}

void alerts_event(struct alerts *a, const struct swl_event *ev, uint64_t now_ms)
{
	const struct swl_alert *al = &ev->alert;
	struct flood *f;
	char buf[512];

	if (!ev->has_alert)
		return;
	f = find(a, &al->listener);
	switch (ev->type) {
	case SYNWATCH_EVENT_FLOOD_START:
	case SYNWATCH_EVENT_FLOOD_UPDATE:
		if (f) {
			f->l = al->listener;
			if (ev->type == SYNWATCH_EVENT_FLOOD_START ||
			    now_ms - f->last_log_ms < a->min_interval_ms)
				return;
			f->last_log_ms = now_ms;
			dlog(LOG_WARNING, "flood ongoing: %s",
			     describe(buf, sizeof(buf), &f->l, al));
			run_command(a, f, "flood-ongoing", al, now_ms, true);
			return;
		}
		f = start(a, &al->listener,
			  SWL_HAS(al, SYNWATCH_A_ALERT_REASON) ? al->reason : -1,
			  now_ms);
		if (!f)
			return;
		/* an update for an unknown flood: its start was missed */
		if (ev->type == SYNWATCH_EVENT_FLOOD_UPDATE) {
			dlog(LOG_ALERT, "flood ongoing (start not seen): %s",
			     describe(buf, sizeof(buf), &f->l, al));
			run_command(a, f, "flood-ongoing", al, now_ms, true);
		} else {
			dlog(LOG_ALERT, "flood started: %s",
			     describe(buf, sizeof(buf), &f->l, al));
			run_command(a, f, "flood-start", al, now_ms, true);
		}
		break;
	case SYNWATCH_EVENT_FLOOD_END:
		if (f)
			end(a, f, al, now_ms, "");
		else
			dlog(LOG_NOTICE, "flood ended (start not seen): %s",
			     describe(buf, sizeof(buf), &al->listener, al));
		break;
	}
}

void alerts_resync_begin(struct alerts *a)
{
	for (size_t i = 0; i < a->floods.n; i++)
		SWL_VEC_AT(&a->floods, struct flood, i)->seen = false;
}

void alerts_resync_listener(struct alerts *a, const struct swl_listener *l,
			    int reason, uint64_t now_ms)
{
	struct flood *f = find(a, l);
	struct swl_alert al;
	char buf[512];

	if (l->status != SYNWATCH_LISTENER_FLOOD)
		return;
	if (f) {
		f->l = *l;
		f->seen = true;
		return;
	}
	f = start(a, l, reason, now_ms);
	if (!f)
		return;
	f->seen = true;
	/* a listener dump has no reason: the daemon's guess (issue 24) */
	al = resync_alert(l, reason);
	dlog(LOG_ALERT, "flood ongoing (found on resync): %s",
	     describe(buf, sizeof(buf), l, &al));
	run_command(a, f, "flood-ongoing", &al, now_ms, true);
}

void alerts_resync_end(struct alerts *a, uint64_t now_ms)
{
	/* backwards: end() moves the last entry into the freed slot */
	for (size_t i = a->floods.n; i-- > 0;) {
		struct flood *f = SWL_VEC_AT(&a->floods, struct flood, i);

		if (!f->seen)
			end(a, f, NULL, now_ms, " (found on resync)");
	}
}
