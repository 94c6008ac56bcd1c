// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "fields.h"
#include "fmt.h"
#include "line.h"
#include "names.h"
#include "render.h"

struct int_member {
	unsigned int attr;
	struct swl_json_name name;
};

#define M(attr, json) { attr, SWL_JSON_NAME(json) }

/*
 * Integer attributes that go out as they are, under these names: each an
 * F_INT of decode.c's tables (fields.h), read back by its size there.
 */
static const struct int_member conn_ints[] = {
	M(SYNWATCH_A_CONN_LPORT, "local_port"),
	M(SYNWATCH_A_CONN_RPORT, "remote_port"),
	M(SYNWATCH_A_CONN_AGE_MS, "age_ms"),
	M(SYNWATCH_A_CONN_STATE_AGE_MS, "state_age_ms"),
	M(SYNWATCH_A_CONN_IDLE_MS, "idle_ms"),
	M(SYNWATCH_A_CONN_TIMEOUT_MS, "timeout_ms"),
	M(SYNWATCH_A_CONN_ISN_LOCAL, "isn_local"),
	M(SYNWATCH_A_CONN_ISN_REMOTE, "isn_remote"),
	M(SYNWATCH_A_CONN_MSS_LOCAL, "mss_local"),
	M(SYNWATCH_A_CONN_MSS_REMOTE, "mss_remote"),
	M(SYNWATCH_A_CONN_WSCALE_LOCAL, "wscale_local"),
	M(SYNWATCH_A_CONN_WSCALE_REMOTE, "wscale_remote"),
	M(SYNWATCH_A_CONN_SYN_TO_SYNACK_US, "syn_to_synack_us"),
	M(SYNWATCH_A_CONN_SYNACK_TO_ACK_US, "synack_to_ack_us"),
	M(SYNWATCH_A_CONN_RTX_SYN, "rtx_syn"),
	M(SYNWATCH_A_CONN_RTX_SYNACK, "rtx_synack"),
	M(SYNWATCH_A_CONN_RTX_FIN, "rtx_fin"),
	M(SYNWATCH_A_CONN_PKTS_IN, "pkts_in"),
	M(SYNWATCH_A_CONN_PKTS_OUT, "pkts_out"),
	M(SYNWATCH_A_CONN_BYTES_IN, "bytes_in"),
	M(SYNWATCH_A_CONN_BYTES_OUT, "bytes_out"),
};

static const struct int_member listener_ints[] = {
	M(SYNWATCH_A_LISTENER_PORT, "port"),
	M(SYNWATCH_A_LISTENER_SYN_RX, "syn_rx"),
	M(SYNWATCH_A_LISTENER_SYNACK_TX, "synack_tx"),
	M(SYNWATCH_A_LISTENER_COMPLETED, "completed"),
	M(SYNWATCH_A_LISTENER_RESET, "reset"),
	M(SYNWATCH_A_LISTENER_COOKIE_COMPLETED, "cookie_completed"),
	M(SYNWATCH_A_LISTENER_UNANSWERED, "unanswered"),
	M(SYNWATCH_A_LISTENER_HALF_OPEN, "half_open"),
	M(SYNWATCH_A_LISTENER_HALF_OPEN_RECENT, "half_open_recent"),
	M(SYNWATCH_A_LISTENER_SYN_RATE, "syn_rate"),
	M(SYNWATCH_A_LISTENER_PEAK_RATE, "peak_rate"),
	M(SYNWATCH_A_LISTENER_COMPLETION_PCT, "completion_pct"),
};

static const struct int_member alert_ints[] = {
	M(SYNWATCH_A_ALERT_DURATION_MS, "duration_ms"),
	M(SYNWATCH_A_ALERT_SUPPRESSED, "suppressed"),
	M(SYNWATCH_A_ALERT_PEAK_RATE, "peak_rate"),
};

static const struct int_member event_ints[] = {
	M(SYNWATCH_A_EVENT_SEQ, "seq"),
	M(SYNWATCH_A_EVENT_SUB_SEQ, "sub_seq"),
	M(SYNWATCH_A_EVENT_TIME_NS, "time_ns"),
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The integers of a record that it carries (have), read where decode.c
 * put them (fields.h), at the cursor.
 */
static void put_ints(struct swl_json_cur *cur, const void *rec, uint64_t have,
		     const struct swl_field *fields,
		     const struct int_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((have >> m[i].attr) & 1)
			swl_jc_u64(cur, &m[i].name,
				  swl_field_int(&fields[m[i].attr], rec));
}

/*
 * The member names of the writers below, made at compile time (a static
 * SWL_JSON_NAME per call site): no strlen() and copy of each name for each
 * record, which synwatchd does for every event it logs.
 */
#define NAME(key) ({ static const struct swl_json_name n_ = SWL_JSON_NAME(key); &n_; })

/*
 * Names from the tables of names.c and formatted addresses need no
 * escaping (test_fmt checks every table), so they go out at the cursor.
 */
static void put_addr(struct swl_json_cur *cur, const struct swl_json_name *key,
		     const struct swl_addr *a)
{
	char buf[SWL_FMT_LEN];

	if (a->family)
		swl_jc_lit(cur, key, swl_fmt_addr(buf, a));
}

static void put_name(struct swl_json_cur *cur, const struct swl_json_name *key,
		     const struct swl_name *tab, size_t len, unsigned int v)
{
	swl_jc_lit(cur, key, swl_name_of(tab, len, v)->json);
}

static const struct {
	uint32_t bit;
	const char *name;
} conn_flags[] = {
	{ SYNWATCH_CONN_F_ACTIVE, "active" },
	{ SYNWATCH_CONN_F_PICKUP, "picked_up" },
	{ SYNWATCH_CONN_F_SACK_LOCAL, "sack_local" },
	{ SYNWATCH_CONN_F_SACK_REMOTE, "sack_remote" },
	{ SYNWATCH_CONN_F_TS_LOCAL, "ts_local" },
	{ SYNWATCH_CONN_F_TS_REMOTE, "ts_remote" },
	{ SYNWATCH_CONN_F_COOKIE, "cookie" },
	{ SYNWATCH_CONN_F_SIMULTANEOUS, "simultaneous" },
};

/* "flags":[...], as long as SWL_JC_MEMBER per flag at most */
static void put_conn_flags(struct swl_json_cur *cur, uint32_t flags)
{
	char *p = swl_jc_name(cur, NAME("flags"));
	size_t comma = 0;

	*p++ = '[';
	for (size_t i = 0; i < ARRAY_LEN(conn_flags); i++) {
		if (!(flags & conn_flags[i].bit))
			continue;
		*p = ',';
		p += comma;
		comma = 1;
		p = swl_jc_put_lit(p, conn_flags[i].name,
				  strlen(conn_flags[i].name));
	}
	*p++ = ']';
	cur->p = p;
}

/* members at the cursor, at most: 4 strings, the integers, rtt, flags */
#define CONN_MEMBERS	(6 + ARRAY_LEN(conn_ints) + 1 + ARRAY_LEN(conn_flags))

void swl_json_conn(struct swl_json *j, const struct swl_conn *c)
{
	struct swl_json_cur cur;
	uint32_t rtt;

	swl_json_obj_open(j);
	if (swl_json_cur_begin(j, &cur, CONN_MEMBERS)) {
		swl_jc_lit(&cur, NAME("family"), swl_family_name(c->family));
		if (SWL_HAS(c, SYNWATCH_A_CONN_STATE))
			put_name(&cur, NAME("state"), swl_state_names,
				 swl_state_names_len, c->state);
		put_addr(&cur, NAME("local_addr"), &c->laddr);
		put_addr(&cur, NAME("remote_addr"), &c->raddr);
		put_ints(&cur, c, c->have, swl_conn_fields, conn_ints,
			 ARRAY_LEN(conn_ints));
		if (swl_conn_rtt_us(c, &rtt))
			swl_jc_u64(&cur, NAME("rtt_us"), rtt);
		if (SWL_HAS(c, SYNWATCH_A_CONN_FLAGS))
			put_conn_flags(&cur, c->flags);
		if (SWL_HAS(c, SYNWATCH_A_CONN_CLOSE_REASON))
			put_name(&cur, NAME("close_reason"),
				 swl_close_reason_names,
				 swl_close_reason_names_len, c->close_reason);
		if (SWL_HAS(c, SYNWATCH_A_CONN_CLOSER))
			put_name(&cur, NAME("closer"), swl_closer_names,
				 swl_closer_names_len, c->closer);
		swl_json_cur_end(j, &cur);
	}
	/* from the kernel as it is: escaped */
	if (SWL_HAS(c, SYNWATCH_A_CONN_HISTORY))
		swl_json_nstr(j, NAME("history"), c->history);
	swl_json_obj_close(j);
}

void swl_json_listener(struct swl_json *j, const struct swl_listener *l)
{
	struct swl_json_cur cur;

	swl_json_obj_open(j);
	if (swl_json_cur_begin(j, &cur, 3 + ARRAY_LEN(listener_ints))) {
		swl_jc_lit(&cur, NAME("family"), swl_family_name(l->family));
		put_addr(&cur, NAME("addr"), &l->addr);
		put_ints(&cur, l, l->have, swl_listener_fields, listener_ints,
			 ARRAY_LEN(listener_ints));
		if (SWL_HAS(l, SYNWATCH_A_LISTENER_STATUS))
			put_name(&cur, NAME("status"), swl_listener_status_names,
				 swl_listener_status_names_len, l->status);
		swl_json_cur_end(j, &cur);
	}
	swl_json_obj_close(j);
}

void swl_json_stats(struct swl_json *j, const struct swl_stats *s)
{
	swl_json_obj_open(j);
	for (unsigned int a = 0; a <= SYNWATCH_A_STATS_MAX; a++) {
		if (a == SYNWATCH_A_STATS_INVALID || !SWL_HAS(s, a) ||
		    a >= swl_stats_names_len || !swl_stats_names[a].json)
			continue;
		swl_json_ku64(j, swl_stats_names[a].json, s->val[a]);
	}
	if (SWL_HAS(s, SYNWATCH_A_STATS_CONN_COUNT_TOTAL) &&
	    SWL_HAS(s, SYNWATCH_A_STATS_CONN_MAX) && s->val[SYNWATCH_A_STATS_CONN_MAX]) {
		swl_json_key(j, "table_fill_pct");
		swl_json_double(j, 100.0 * (double)s->val[SYNWATCH_A_STATS_CONN_COUNT_TOTAL] /
			       (double)s->val[SYNWATCH_A_STATS_CONN_MAX], 2);
	}
	if (SWL_HAS(s, SYNWATCH_A_STATS_INVALID)) {
		swl_json_key(j, "invalid");
		swl_json_obj_open(j);
		for (unsigned int r = 1; r <= SYNWATCH_INVALID_MAX; r++)
			if ((s->invalid_have >> r) & 1)
				swl_json_ku64(j, swl_invalid_names[r].json,
					     s->invalid[r]);
		swl_json_obj_close(j);
	}
	swl_json_obj_close(j);
}

void swl_json_alert(struct swl_json *j, const struct swl_alert *a)
{
	struct swl_json_cur cur;
	char buf[SWL_FMT_LEN];

	swl_json_obj_open(j);
	if (SWL_HAS(a, SYNWATCH_A_ALERT_LISTENER)) {
		swl_json_key(j, "listener");
		swl_json_listener(j, &a->listener);
	}
	if (swl_json_cur_begin(j, &cur, 1 + ARRAY_LEN(alert_ints))) {
		if (SWL_HAS(a, SYNWATCH_A_ALERT_REASON))
			put_name(&cur, NAME("reason"), swl_alert_reason_names,
				 swl_alert_reason_names_len, a->reason);
		put_ints(&cur, a, a->have, swl_alert_fields, alert_ints,
			 ARRAY_LEN(alert_ints));
		swl_json_cur_end(j, &cur);
	}
	if (SWL_HAS(a, SYNWATCH_A_ALERT_COOKIES))
		swl_json_kbool(j, "cookies", a->cookies);
	if (SWL_HAS(a, SYNWATCH_A_ALERT_TOP_SOURCES)) {
		swl_json_key(j, "top_sources");
		swl_json_arr_open(j);
		for (unsigned int i = 0; i < a->nsources; i++) {
			const struct swl_source *s = &a->sources[i];

			swl_json_obj_open(j);
			swl_json_kstr(j, "prefix", swl_fmt_prefix(buf, &s->prefix,
								s->prefix_len));
			swl_json_ku64(j, "syns", s->syns);
			swl_json_obj_close(j);
		}
		swl_json_arr_close(j);
	}
	swl_json_obj_close(j);
}

void swl_json_event(struct swl_json *j, const struct swl_event *ev)
{
	struct swl_json_cur cur;
	char buf[SWL_FMT_LEN];

	swl_json_obj_open(j);
	if (swl_json_cur_begin(j, &cur, 5 + ARRAY_LEN(event_ints))) {
		put_name(&cur, NAME("event"), swl_event_names,
			 swl_event_names_len, ev->type);
		put_ints(&cur, ev, ev->have, swl_event_fields, event_ints,
			 ARRAY_LEN(event_ints));
		if (SWL_HAS(ev, SYNWATCH_A_EVENT_OLD_STATE))
			put_name(&cur, NAME("old_state"), swl_state_names,
				 swl_state_names_len, ev->old_state);
		if (SWL_HAS(ev, SYNWATCH_A_EVENT_NEW_STATE))
			put_name(&cur, NAME("new_state"), swl_state_names,
				 swl_state_names_len, ev->new_state);
		if (SWL_HAS(ev, SYNWATCH_A_EVENT_TCP_FLAGS)) {
			/* the tcpdump string without its brackets: "S.", "F." */
			swl_fmt_tcp_flags(buf, ev->tcp_flags);
			buf[strlen(buf) - 1] = 0;
			swl_jc_lit(&cur, NAME("tcp_flags"), buf + 1);
		}
		if (SWL_HAS(ev, SYNWATCH_A_EVENT_DIR))
			put_name(&cur, NAME("dir"), swl_dir_names,
				 swl_dir_names_len, ev->dir);
		swl_json_cur_end(j, &cur);
	}
	if (ev->has_conn) {
		swl_json_nkey(j, NAME("conn"));
		swl_json_conn(j, &ev->conn);
	}
	if (ev->has_alert) {
		swl_json_nkey(j, NAME("alert"));
		swl_json_alert(j, &ev->alert);
	}
	swl_json_obj_close(j);
}

/* swl_fmt_endpoint()'s "addr:port" or "[addr]:port" */
static void line_endpoint(struct swl_line *l, const struct swl_addr *a,
			  uint16_t port)
{
	char buf[SWL_FMT_LEN];

	swl_line_str(l, swl_fmt_endpoint(buf, a, port));
}

static void line_alert(struct swl_line *l, const struct swl_alert *a)
{
	const struct swl_listener *ls = &a->listener;
	char buf[SWL_FMT_LEN];

	line_endpoint(l, &ls->addr, ls->port);
	if (SWL_HAS(a, SYNWATCH_A_ALERT_REASON)) {
		swl_line_lit(l, " reason=");
		swl_line_str(l, SWL_NAME(swl_alert_reason_names, a->reason)->label);
	}
	swl_line_key_u64(l, " half_open=", ls->half_open);
	swl_line_key_u64(l, " syn_rate=", ls->syn_rate);
	swl_line_key_u64(l, "/s completion=", ls->completion_pct);
	swl_line_chr(l, '%');
	if (SWL_HAS(a, SYNWATCH_A_ALERT_COOKIES)) {
		swl_line_lit(l, " cookies=");
		swl_line_str(l, a->cookies ? "yes" : "no");
	}
	if (SWL_HAS(a, SYNWATCH_A_ALERT_DURATION_MS)) {
		swl_line_lit(l, " duration=");
		swl_line_str(l, swl_fmt_duration_ms(buf, a->duration_ms));
	}
	if (SWL_HAS(a, SYNWATCH_A_ALERT_SUPPRESSED))
		swl_line_key_u64(l, " suppressed=", a->suppressed);
	for (unsigned int i = 0; i < a->nsources; i++) {
		swl_line_str(l, i ? "," : " top=");
		swl_line_str(l, swl_fmt_prefix(buf, &a->sources[i].prefix,
					a->sources[i].prefix_len));
		swl_line_chr(l, '(');
		swl_line_u64(l, a->sources[i].syns);
		swl_line_chr(l, ')');
	}
}

static void line_conn_event(struct swl_line *l, const struct swl_event *ev)
{
	const struct swl_conn *c = &ev->conn;
	char buf[SWL_FMT_LEN];
	size_t col;
	uint32_t rtt;

	/* " %-26s": the state, or the transition */
	swl_line_chr(l, ' ');
	col = (size_t)(l->p - l->start) + 26;
	if (ev->type == SYNWATCH_EVENT_STATE) {
		swl_line_str(l, SWL_NAME(swl_state_names, ev->old_state)->label);
		swl_line_lit(l, " -> ");
		swl_line_str(l, SWL_NAME(swl_state_names, ev->new_state)->label);
	} else {
		swl_line_str(l, SWL_NAME(swl_state_names, c->state)->label);
	}
	swl_line_to(l, col);
	swl_line_chr(l, ' ');
	if (SWL_HAS(ev, SYNWATCH_A_EVENT_TCP_FLAGS))
		swl_line_pad(l, swl_fmt_tcp_flags(buf, ev->tcp_flags), 6);
	else
		swl_line_pad(l, "-", 6);
	swl_line_chr(l, ' ');
	swl_line_pad(l, SWL_NAME(swl_dir_names, ev->dir)->label, 3);
	swl_line_chr(l, ' ');
	line_endpoint(l, &c->laddr, c->lport);
	swl_line_chr(l, ' ');
	line_endpoint(l, &c->raddr, c->rport);
	if (ev->type == SYNWATCH_EVENT_DESTROY) {
		swl_line_lit(l, " reason=");
		swl_line_str(l, SWL_NAME(swl_close_reason_names, c->close_reason)->label);
		swl_line_lit(l, " closer=");
		swl_line_str(l, SWL_NAME(swl_closer_names, c->closer)->label);
		if (SWL_HAS(c, SYNWATCH_A_CONN_HISTORY)) {
			swl_line_lit(l, " history=");
			swl_line_str(l, c->history);
		}
	}
	if ((ev->type == SYNWATCH_EVENT_DESTROY ||
	     ev->new_state == SYNWATCH_STATE_ESTABLISHED) &&
	    swl_conn_rtt_us(c, &rtt)) {
		swl_line_lit(l, " rtt=");
		swl_line_str(l, swl_fmt_rtt_us(buf, rtt));
	}
	if (ev->type == SYNWATCH_EVENT_DESTROY &&
	    SWL_HAS(c, SYNWATCH_A_CONN_AGE_MS)) {
		swl_line_lit(l, " age=");
		swl_line_str(l, swl_fmt_duration_ms(buf, c->age_ms));
	}
}

size_t swl_text_event_line(char *buf, size_t len, const struct swl_event *ev,
			  bool with_time)
{
	char tbuf[SWL_FMT_LEN];
	struct swl_line l;

	if (!len)
		return 0;
	swl_line_init(&l, buf, len);
	if (with_time) {
		swl_line_str(&l, swl_fmt_time_ns(tbuf, ev->time_ns));
		swl_line_chr(&l, ' ');
	}
	swl_line_pad(&l, SWL_NAME(swl_event_names, ev->type)->label, 12);
	if (ev->has_conn)
		line_conn_event(&l, ev);
	if (ev->has_alert) {
		swl_line_chr(&l, ' ');
		line_alert(&l, &ev->alert);
	}
	return swl_line_end(&l);
}

size_t swl_text_alert_line(char *buf, size_t len, const struct swl_alert *a)
{
	struct swl_line l;

	if (!len)
		return 0;
	swl_line_init(&l, buf, len);
	line_alert(&l, a);
	return swl_line_end(&l);
}

void swl_text_event(FILE *f, const struct swl_event *ev, bool with_time)
{
	char line[SWL_TEXT_LINE];

	fwrite(line, 1, swl_text_event_line(line, sizeof(line), ev, with_time),
	       f);
}
