// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "alerts.h"
#include "dconf.h"
#include "parse.h"
#include "stream.h"

#define DAY_MS (86400ULL * 1000)

void dconf_defaults(struct dconf *c)
{
	memset(c, 0, sizeof(*c));
	c->events = SWL_ALERT_EVENTS;
	swl_filter_init(&c->filter);
	c->use_syslog = true;
	c->facility = LOG_DAEMON;
	c->log_max_bytes = 10 << 20;
	c->log_keep = 5;
	c->alert_min_interval_ms = 60 * 1000;
	c->alert_command_timeout_ms = ALERTS_DEFAULT_TIMEOUT_MS;
	c->stats_interval_ms = 0;
	c->metrics_interval_ms = 15 * 1000;
	c->loss_log_interval_ms = 10 * 1000;
	c->buffer_size = SWL_DAEMON_RCVBUF;
}

void dconf_free(struct dconf *c)
{
	free(c->log_file);
	free(c->alert_command);
	free(c->metrics_file);
	c->log_file = c->alert_command = c->metrics_file = NULL;
}

struct parser {
	const char *path;
	unsigned int line;
	int errors;
	dconf_report_fn report;
	void *data;
};

static void perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void perr(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	int n;
	va_list ap;

	n = snprintf(msg, sizeof(msg), "%s:%u: ", p->path, p->line);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	p->errors++;
	if (p->report)
		p->report(msg, p->data);
}

static int set_string(char **dst, const char *v)
{
	char *s = *v ? strdup(v) : NULL;

	if (*v && !s)
		return -1;
	free(*dst);
	*dst = s;	/* empty: the feature is off */
	return 0;
}

static int set_facility(int *dst, const char *v)
{
	static const struct { const char *name; int fac; } tab[] = {
		{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
		{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcasecmp(v, tab[i].name)) {
			*dst = tab[i].fac;
			return 0;
		}
	}
	return -1;
}

/* "state half-open dport 80": split on blanks, then the CLI's parser. */
static int set_filter(struct parser *p, struct swl_filter *f, const char *v)
{
	char *copy = strdup(v), *words[64], *save = NULL, err[256];
	int n = 0;

	if (!copy)
		return -1;
	swl_filter_init(f);
	for (char *w = strtok_r(copy, " \t", &save); w && n < 64;
	     w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	if (swl_filter_parse(f, n, words, err, sizeof(err)))
		perr(p, "filter: %s", err);
	free(copy);
	return 0;
}

static int set_ms(struct parser *p, const char *key, const char *v,
		  uint64_t *dst, uint64_t min)
{
	size_t len = strlen(v);
	uint64_t ms;
	int ret;

	/* whole seconds unless it says "ms": the file speaks in seconds */
	if (len > 2 && !strcmp(v + len - 2, "ms")) {
		ret = swl_parse_duration_ms(v, DAY_MS, &ms);
	} else {
		ret = swl_parse_duration_s(v, DAY_MS / 1000, &ms);
		ms *= 1000;
	}
	if (ret) {
		perr(p, "%s: '%s' is not a duration (e.g. 30s, 5m, 1h, 500ms; at most 1d)",
		     key, v);
		return 0;
	}
	if (ms < min) {
		perr(p, "%s: '%s' is too short (at least %llums)", key, v,
		     (unsigned long long)min);
		return 0;
	}
	*dst = ms;
	return 0;
}

static void set_key(struct parser *p, struct dconf *c, const char *key,
		    const char *v)
{
	char err[256];
	uint64_t n;
	bool b;
	int ret = 0;

	if (!strcmp(key, "events")) {
		if (swl_event_mask_parse(v, &c->events, err, sizeof(err)))
			perr(p, "events: %s", err);
		else if (!c->events)
			perr(p, "events: selects no event type");
	} else if (!strcmp(key, "mode")) {
		if (!strcmp(v, "subscribe") || !strcmp(v, "multicast"))
			c->multicast = !strcmp(v, "multicast");
		else
			perr(p, "mode: '%s' is not subscribe or multicast", v);
	} else if (!strcmp(key, "filter")) {
		ret = set_filter(p, &c->filter, v);
	} else if (!strcmp(key, "syslog")) {
		if (swl_parse_bool(v, &b))
			perr(p, "syslog: '%s' is not yes or no", v);
		else
			c->use_syslog = b;
	} else if (!strcmp(key, "syslog_facility")) {
		if (set_facility(&c->facility, v))
			perr(p, "syslog_facility: '%s' is not daemon, user or local0-7", v);
	} else if (!strcmp(key, "log_file")) {
		if (*v && *v != '/')
			perr(p, "log_file: '%s' is not an absolute path", v);
		else
			ret = set_string(&c->log_file, v);
	} else if (!strcmp(key, "log_max_bytes")) {
		if (swl_parse_size(v, 1ULL << 40, &n) || n < 4096)
			perr(p, "log_max_bytes: '%s' is not a size of 4k or more (suffix k, M, G)", v);
		else
			c->log_max_bytes = n;
	} else if (!strcmp(key, "log_keep")) {
		if (swl_parse_u64(v, 1000, &n))
			perr(p, "log_keep: '%s' is not a number from 0 to 1000", v);
		else
			c->log_keep = (unsigned int)n;
	} else if (!strcmp(key, "alert_command")) {
		if (*v && *v != '/')
			perr(p, "alert_command: '%s' must start with an absolute path", v);
		else
			ret = set_string(&c->alert_command, v);
	} else if (!strcmp(key, "alert_command_timeout")) {
		/* a command must end: there is no "never" */
		ret = set_ms(p, key, v, &c->alert_command_timeout_ms, 100);
	} else if (!strcmp(key, "alert_min_interval")) {
		ret = set_ms(p, key, v, &c->alert_min_interval_ms, 0);
	} else if (!strcmp(key, "stats_interval")) {
		ret = set_ms(p, key, v, &c->stats_interval_ms, 0);
	} else if (!strcmp(key, "metrics_file")) {
		if (*v && *v != '/')
			perr(p, "metrics_file: '%s' is not an absolute path", v);
		else
			ret = set_string(&c->metrics_file, v);
	} else if (!strcmp(key, "metrics_interval")) {
		ret = set_ms(p, key, v, &c->metrics_interval_ms, 1000);
	} else if (!strcmp(key, "loss_log_interval")) {
		ret = set_ms(p, key, v, &c->loss_log_interval_ms, 1000);
	} else if (!strcmp(key, "buffer_size")) {
		if (swl_parse_size(v, 1ULL << 30, &n) || n < 65536)
			perr(p, "buffer_size: '%s' is not a size from 64k to 1G", v);
		else
			c->buffer_size = n;
	} else {
		perr(p, "unknown key '%s'", key);
	}
	if (ret)
		perr(p, "out of memory");
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static void parse_line(struct parser *p, struct dconf *c, char *line)
{
	char *eq, *key, *v;
	size_t n;

	line = trim(line);
	if (!*line || *line == '#')
		return;
	eq = strchr(line, '=');
	if (!eq) {
		perr(p, "expected 'key = value'");
		return;
	}
	*eq = 0;
	key = trim(line);
	v = trim(eq + 1);
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = 0;
		v++;
	}
	if (!*key)
		perr(p, "missing key before '='");
	else
		set_key(p, c, key, v);
}

int dconf_load(const char *path, bool missing_ok, struct dconf *c,
	       dconf_report_fn report, void *data)
{
	struct parser p = { .path = path, .report = report, .data = data };
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	dconf_defaults(c);
	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT && missing_ok)
			return 0;
		perr(&p, "cannot open: %s", strerror(errno));
		return p.errors;
	}
	while (getline(&line, &cap, f) >= 0) {
		p.line++;
		parse_line(&p, c, line);
	}
	free(line);
	fclose(f);
	return p.errors;
}

bool dconf_stream_changed(const struct dconf *a, const struct dconf *b)
{
	return a->events != b->events || a->multicast != b->multicast ||
	       a->buffer_size != b->buffer_size ||
	       memcmp(&a->filter, &b->filter, sizeof(a->filter));
}
