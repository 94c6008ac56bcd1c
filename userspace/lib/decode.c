// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of synwatch messages into the structs of records.h.
 *
 * One parse_X_cb() per nest. Most nests are flat sets of integers, so
 * their callbacks share store_field(), driven by a per-nest table that
 * says each attribute's netlink type and where it goes; the table doubles
 * as the validation policy. Unknown attributes are skipped, so a newer
 * module with more attributes still works with this program; known ones
 * of the wrong size make the whole record fail, loudly.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "fields.h"
#include "records.h"

#define FLD(T, attr, mtype, kind, member)				\
	[attr] = { mtype, kind, offsetof(T, member),			\
		   sizeof(((T *)0)->member), #attr }
#define INT(T, attr, mtype, member) FLD(T, attr, mtype, F_INT, member)

struct fctx {
	const struct swl_field *fields;
	unsigned int max;
	void *rec;
	uint64_t *have;
};

static char decode_err[160];

const char *swl_decode_error(void)
{
	return decode_err[0] ? decode_err : "malformed message";
}

static int bad(const char *what, unsigned int type)
{
	snprintf(decode_err, sizeof(decode_err),
		 "malformed attribute %s (type %u) from the kernel",
		 what ? what : "?", type);
	errno = EBADMSG;
	return MNL_CB_ERROR;
}

/* Stores v into a member of 1, 2, 4 or 8 bytes (NLA_U8 into a u32 too). */
static void store_int(void *p, uint16_t size, uint64_t v)
{
	switch (size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	case 8: *(uint64_t *)p = v; break;
	}
}

/* The payload of attr, inline: libmnl's accessors are calls, per field. */
static const void *payload(const struct nlattr *attr)
{
	return (const char *)attr + MNL_ATTR_HDRLEN;
}

static uint16_t payload_len(const struct nlattr *attr)
{
	return (uint16_t)(attr->nla_len - MNL_ATTR_HDRLEN);
}

static uint64_t get_int(const struct nlattr *attr, uint8_t type)
{
	const void *p = payload(attr);
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	switch (type) {
	case MNL_TYPE_U8:
		return *(const uint8_t *)p;
	case MNL_TYPE_U16:
		memcpy(&v16, p, sizeof(v16));
		return v16;
	case MNL_TYPE_U32:
		memcpy(&v32, p, sizeof(v32));
		return v32;
	default:
		memcpy(&v64, p, sizeof(v64));
		return v64;
	}
}

static uint16_t int_len(uint8_t type)
{
	switch (type) {
	case MNL_TYPE_U8: return 1;
	case MNL_TYPE_U16: return 2;
	case MNL_TYPE_U32: return 4;
	default: return 8;
	}
}

/*
 * An integer field into its member, if the attribute holds enough bytes
 * (mnl_attr_validate()'s test, inline: the common case); false if not.
 */
static inline bool store_int_field(const struct swl_field *f, void *rec,
				   const struct nlattr *attr)
{
	if (payload_len(attr) < int_len(f->type))
		return false;
	store_int((char *)rec + f->off, f->size, get_int(attr, f->type));
	return true;
}

/* NLA_BINARY of 4 or 16 bytes; the length tells the family. */
static int get_addr(const struct nlattr *attr, struct swl_addr *a)
{
	uint16_t len = mnl_attr_get_payload_len(attr);

	if (len != 4 && len != 16)
		return -1;
	memset(a, 0, sizeof(*a));
	a->family = len == 4 ? AF_INET : AF_INET6;
	memcpy(a->raw, mnl_attr_get_payload(attr), len);
	return 0;
}

static int store_field(const struct nlattr *attr, struct fctx *ctx)
{
	unsigned int type = attr->nla_type & NLA_TYPE_MASK;
	const struct swl_field *f;
	char *p;

	if (type > ctx->max || !ctx->fields[type].kind)
		return MNL_CB_OK;
	f = &ctx->fields[type];
	p = (char *)ctx->rec + f->off;
	if (f->kind == F_INT) {
		if (!store_int_field(f, ctx->rec, attr))
			return bad(f->name, type);
		*ctx->have |= SWL_BIT(type);
		return MNL_CB_OK;
	}
	if (mnl_attr_validate(attr, f->type) < 0)
		return bad(f->name, type);
	switch (f->kind) {
	case F_INT:
		break;
	case F_ADDR:
		if (get_addr(attr, (struct swl_addr *)p))
			return bad(f->name, type);
		break;
	case F_STR:
		{
			/* snprintf(p, f->size, "%s", ...), without stdio */
			const char *str = mnl_attr_get_str(attr);
			size_t n = strnlen(str, f->size - 1u);

			memcpy(p, str, n);
			p[n] = 0;
		}
		break;
	}
	*ctx->have |= SWL_BIT(type);
	return MNL_CB_OK;
}

#define C(attr, mtype, member) INT(struct swl_conn, attr, mtype, member)
const struct swl_field swl_conn_fields[SYNWATCH_A_CONN_MAX + 1] = {
	C(SYNWATCH_A_CONN_FAMILY, MNL_TYPE_U8, family),
	C(SYNWATCH_A_CONN_STATE, MNL_TYPE_U8, state),
	FLD(struct swl_conn, SYNWATCH_A_CONN_LADDR, MNL_TYPE_BINARY, F_ADDR, laddr),
	FLD(struct swl_conn, SYNWATCH_A_CONN_RADDR, MNL_TYPE_BINARY, F_ADDR, raddr),
	C(SYNWATCH_A_CONN_LPORT, MNL_TYPE_U16, lport),
	C(SYNWATCH_A_CONN_RPORT, MNL_TYPE_U16, rport),
	C(SYNWATCH_A_CONN_FLAGS, MNL_TYPE_U32, flags),
	C(SYNWATCH_A_CONN_AGE_MS, MNL_TYPE_U64, age_ms),
	C(SYNWATCH_A_CONN_STATE_AGE_MS, MNL_TYPE_U64, state_age_ms),
	C(SYNWATCH_A_CONN_IDLE_MS, MNL_TYPE_U64, idle_ms),
	C(SYNWATCH_A_CONN_ISN_LOCAL, MNL_TYPE_U32, isn_local),
	C(SYNWATCH_A_CONN_ISN_REMOTE, MNL_TYPE_U32, isn_remote),
	C(SYNWATCH_A_CONN_MSS_LOCAL, MNL_TYPE_U16, mss_local),
	C(SYNWATCH_A_CONN_MSS_REMOTE, MNL_TYPE_U16, mss_remote),
	C(SYNWATCH_A_CONN_WSCALE_LOCAL, MNL_TYPE_U8, wscale_local),
	C(SYNWATCH_A_CONN_WSCALE_REMOTE, MNL_TYPE_U8, wscale_remote),
	C(SYNWATCH_A_CONN_SYN_TO_SYNACK_US, MNL_TYPE_U32, syn_to_synack_us),
	C(SYNWATCH_A_CONN_SYNACK_TO_ACK_US, MNL_TYPE_U32, synack_to_ack_us),
	C(SYNWATCH_A_CONN_RTX_SYN, MNL_TYPE_U32, rtx_syn),
	C(SYNWATCH_A_CONN_RTX_SYNACK, MNL_TYPE_U32, rtx_synack),
	C(SYNWATCH_A_CONN_RTX_FIN, MNL_TYPE_U32, rtx_fin),
	C(SYNWATCH_A_CONN_PKTS_IN, MNL_TYPE_U64, pkts_in),
	C(SYNWATCH_A_CONN_PKTS_OUT, MNL_TYPE_U64, pkts_out),
	C(SYNWATCH_A_CONN_BYTES_IN, MNL_TYPE_U64, bytes_in),
	C(SYNWATCH_A_CONN_BYTES_OUT, MNL_TYPE_U64, bytes_out),
	C(SYNWATCH_A_CONN_CLOSE_REASON, MNL_TYPE_U8, close_reason),
	C(SYNWATCH_A_CONN_CLOSER, MNL_TYPE_U8, closer),
	FLD(struct swl_conn, SYNWATCH_A_CONN_HISTORY, MNL_TYPE_NUL_STRING, F_STR, history),
	C(SYNWATCH_A_CONN_TIMEOUT_MS, MNL_TYPE_U64, timeout_ms),
};
#undef C

#define L(attr, mtype, member) INT(struct swl_listener, attr, mtype, member)
const struct swl_field swl_listener_fields[SYNWATCH_A_LISTENER_MAX + 1] = {
	L(SYNWATCH_A_LISTENER_FAMILY, MNL_TYPE_U8, family),
	FLD(struct swl_listener, SYNWATCH_A_LISTENER_ADDR, MNL_TYPE_BINARY, F_ADDR, addr),
	L(SYNWATCH_A_LISTENER_PORT, MNL_TYPE_U16, port),
	L(SYNWATCH_A_LISTENER_SYN_RX, MNL_TYPE_U64, syn_rx),
	L(SYNWATCH_A_LISTENER_SYNACK_TX, MNL_TYPE_U64, synack_tx),
	L(SYNWATCH_A_LISTENER_COMPLETED, MNL_TYPE_U64, completed),
	L(SYNWATCH_A_LISTENER_RESET, MNL_TYPE_U64, reset),
	L(SYNWATCH_A_LISTENER_COOKIE_COMPLETED, MNL_TYPE_U64, cookie_completed),
	L(SYNWATCH_A_LISTENER_UNANSWERED, MNL_TYPE_U64, unanswered),
	L(SYNWATCH_A_LISTENER_HALF_OPEN, MNL_TYPE_U32, half_open),
	L(SYNWATCH_A_LISTENER_SYN_RATE, MNL_TYPE_U32, syn_rate),
	L(SYNWATCH_A_LISTENER_PEAK_RATE, MNL_TYPE_U32, peak_rate),
	L(SYNWATCH_A_LISTENER_COMPLETION_PCT, MNL_TYPE_U8, completion_pct),
	L(SYNWATCH_A_LISTENER_STATUS, MNL_TYPE_U8, status),
	L(SYNWATCH_A_LISTENER_HALF_OPEN_RECENT, MNL_TYPE_U32, half_open_recent),
};
#undef L

/* Widened into the u32 slots of swl_config.val[] by store_int(). */
#define G(attr, mtype) [attr] = { mtype, F_INT,				\
	offsetof(struct swl_config, val) + (attr) * sizeof(uint32_t),	\
	sizeof(uint32_t), #attr }
static const struct swl_field config_fields[SYNWATCH_A_CONFIG_MAX + 1] = {
	G(SYNWATCH_A_CONFIG_EVENT_MASK, MNL_TYPE_U32),
	G(SYNWATCH_A_CONFIG_MAX_CONNS, MNL_TYPE_U32),
	G(SYNWATCH_A_CONFIG_MAX_CONNS_GLOBAL, MNL_TYPE_U32),
	G(SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH, MNL_TYPE_U32),
	G(SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW, MNL_TYPE_U32),
	G(SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH, MNL_TYPE_U32),
	G(SYNWATCH_A_CONFIG_FLOOD_RATE_LOW, MNL_TYPE_U32),
	G(SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT, MNL_TYPE_U8),
	G(SYNWATCH_A_CONFIG_FLOOD_HOLD_MS, MNL_TYPE_U32),
	G(SYNWATCH_A_CONFIG_FLOOD_UPDATE_MS, MNL_TYPE_U32),
};
#undef G

#define E(attr, mtype, member) INT(struct swl_event, attr, mtype, member)
const struct swl_field swl_event_fields[SYNWATCH_A_EVENT_MAX + 1] = {
	E(SYNWATCH_A_EVENT_TYPE, MNL_TYPE_U8, type),
	E(SYNWATCH_A_EVENT_SEQ, MNL_TYPE_U64, seq),
	E(SYNWATCH_A_EVENT_SUB_SEQ, MNL_TYPE_U64, sub_seq),
	E(SYNWATCH_A_EVENT_TIME_NS, MNL_TYPE_U64, time_ns),
	E(SYNWATCH_A_EVENT_OLD_STATE, MNL_TYPE_U8, old_state),
	E(SYNWATCH_A_EVENT_NEW_STATE, MNL_TYPE_U8, new_state),
	E(SYNWATCH_A_EVENT_TCP_FLAGS, MNL_TYPE_U8, tcp_flags),
	E(SYNWATCH_A_EVENT_DIR, MNL_TYPE_U8, dir),
};
#undef E

#define A(attr, mtype, member) INT(struct swl_alert, attr, mtype, member)
const struct swl_field swl_alert_fields[SYNWATCH_A_ALERT_MAX + 1] = {
	A(SYNWATCH_A_ALERT_REASON, MNL_TYPE_U8, reason),
	A(SYNWATCH_A_ALERT_DURATION_MS, MNL_TYPE_U64, duration_ms),
	A(SYNWATCH_A_ALERT_SUPPRESSED, MNL_TYPE_U64, suppressed),
	A(SYNWATCH_A_ALERT_COOKIES, MNL_TYPE_U8, cookies),
	A(SYNWATCH_A_ALERT_PEAK_RATE, MNL_TYPE_U32, peak_rate),
};
#undef A

#define S(attr, mtype, member) INT(struct swl_source, attr, mtype, member)
static const struct swl_field source_fields[SYNWATCH_A_SOURCE_MAX + 1] = {
	S(SYNWATCH_A_SOURCE_FAMILY, MNL_TYPE_U8, family),
	FLD(struct swl_source, SYNWATCH_A_SOURCE_PREFIX, MNL_TYPE_BINARY, F_ADDR, prefix),
	S(SYNWATCH_A_SOURCE_PREFIX_LEN, MNL_TYPE_U8, prefix_len),
	S(SYNWATCH_A_SOURCE_SYNS, MNL_TYPE_U32, syns),
};
#undef S

#define FCTX(tab, r) { tab, sizeof(tab) / sizeof(tab[0]) - 1, (r), &(r)->have }

/* One entry of SYNWATCH_A_ALERT_TOP_SOURCES. */
static int parse_source_cb(const struct nlattr *attr, void *data)
{
	return store_field(attr, data);
}

/*
 * mnl_attr_parse_nested(), inline, and without the indirect call when cb
 * is NULL: then every attribute goes to store_field(). Same stops: an
 * attribute that overruns the nest ends the walk; a callback's MNL_CB_STOP
 * or MNL_CB_ERROR ends it with that value.
 *
 * Without a callback, an integer field of the right size (nearly all of
 * them) is stored right here, its bit kept in a register until the walk
 * ends: store_field() as a call, with the bitmap in memory, cost twice as
 * much a field (callgrind: one STATE event, 36 fields, 2 100 -> 1 000
 * instructions).
 */
static int walk_nested(const struct nlattr *nest, mnl_attr_cb_t cb,
		       struct fctx *ctx)
{
	const char *p = payload(nest);
	int rem = payload_len(nest), ret = MNL_CB_OK;
	uint64_t have = 0;

	while (rem >= (int)sizeof(struct nlattr)) {
		const struct nlattr *a = (const struct nlattr *)p;
		int len = MNL_ALIGN(a->nla_len);
		unsigned int type = a->nla_type & NLA_TYPE_MASK;
		const struct swl_field *f = NULL;

		if (a->nla_len < sizeof(struct nlattr) || a->nla_len > rem)
			break;
		if (!cb && type <= ctx->max)
			f = &ctx->fields[type];
		if (f && f->kind == F_INT && store_int_field(f, ctx->rec, a)) {
			have |= SWL_BIT(type);
		} else {
			ret = cb ? cb(a, ctx) : store_field(a, ctx);
			if (ret <= MNL_CB_STOP)
				break;
			ret = MNL_CB_OK;
		}
		p += len;
		rem -= len;
	}
	*ctx->have |= have;
	return ret;
}

static int decode_fields(const struct nlattr *nest, mnl_attr_cb_t cb,
			 struct fctx *ctx, const char *what)
{
	decode_err[0] = 0;
	if (walk_nested(nest, cb, ctx) < 0) {
		if (!decode_err[0])
			snprintf(decode_err, sizeof(decode_err),
				 "malformed %s record from the kernel", what);
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

/* The family attribute, if any, must agree with the address length. */
static int check_family(uint8_t *family, const struct swl_addr *a,
			const char *what)
{
	if (!a->family)
		return 0;
	if (!*family)
		*family = a->family;
	if (*family == a->family)
		return 0;
	snprintf(decode_err, sizeof(decode_err),
		 "%s record: family %u does not match its address", what,
		 *family);
	errno = EBADMSG;
	return -1;
}

int swl_decode_conn(const struct nlattr *nest, struct swl_conn *out)
{
	struct fctx ctx = FCTX(swl_conn_fields, out);

	memset(out, 0, sizeof(*out));
	if (decode_fields(nest, NULL, &ctx, "connection"))
		return -1;
	if (check_family(&out->family, &out->laddr, "connection") ||
	    check_family(&out->family, &out->raddr, "connection"))
		return -1;
	return 0;
}

int swl_decode_listener(const struct nlattr *nest, struct swl_listener *out)
{
	struct fctx ctx = FCTX(swl_listener_fields, out);

	memset(out, 0, sizeof(*out));
	if (decode_fields(nest, NULL, &ctx, "listener"))
		return -1;
	return check_family(&out->family, &out->addr, "listener");
}

static int parse_invalid_cb(const struct nlattr *attr, void *data)
{
	struct swl_stats *st = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type > SYNWATCH_INVALID_MAX)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
		return bad("SYNWATCH_A_STATS_INVALID member", type);
	st->invalid[type] = mnl_attr_get_u64(attr);
	st->invalid_have |= SWL_BIT(type);
	return MNL_CB_OK;
}

/* Every stats attribute is a u64 counter, except the INVALID nest. */
static int parse_stats_cb(const struct nlattr *attr, void *data)
{
	struct swl_stats *st = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type > SYNWATCH_A_STATS_MAX || type == SYNWATCH_A_STATS_PAD)
		return MNL_CB_OK;
	if (type == SYNWATCH_A_STATS_INVALID) {
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0 ||
		    mnl_attr_parse_nested(attr, parse_invalid_cb, st) < 0)
			return bad("SYNWATCH_A_STATS_INVALID", type);
	} else {
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return bad("SYNWATCH_A_STATS counter", type);
		st->val[type] = mnl_attr_get_u64(attr);
	}
	st->have |= SWL_BIT(type);
	return MNL_CB_OK;
}

int swl_decode_stats(const struct nlattr *nest, struct swl_stats *out)
{
	memset(out, 0, sizeof(*out));
	decode_err[0] = 0;
	if (mnl_attr_parse_nested(nest, parse_stats_cb, out) < 0) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

static int parse_timeouts_cb(const struct nlattr *attr, void *data)
{
	struct swl_config *cfg = data;
	unsigned int type = mnl_attr_get_type(attr);

	/* the attribute type is the state + 1: type 0 is reserved */
	if (type < 1 || type > SYNWATCH_STATE_MAX + 1)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return bad("SYNWATCH_A_CONFIG_TIMEOUTS member", type);
	cfg->timeout[type - 1] = mnl_attr_get_u32(attr);
	cfg->timeout_have |= 1U << (type - 1);
	return MNL_CB_OK;
}

static int parse_config_cb(const struct nlattr *attr, void *data)
{
	struct fctx *ctx = data;
	struct swl_config *cfg = ctx->rec;

	if (mnl_attr_get_type(attr) != SYNWATCH_A_CONFIG_TIMEOUTS)
		return store_field(attr, ctx);
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(attr, parse_timeouts_cb, cfg) < 0)
		return bad("SYNWATCH_A_CONFIG_TIMEOUTS", SYNWATCH_A_CONFIG_TIMEOUTS);
	cfg->have |= SWL_BIT(SYNWATCH_A_CONFIG_TIMEOUTS);
	return MNL_CB_OK;
}

int swl_decode_config(const struct nlattr *nest, struct swl_config *out)
{
	struct fctx ctx = FCTX(config_fields, out);

	memset(out, 0, sizeof(*out));
	return decode_fields(nest, parse_config_cb, &ctx, "config");
}

/* TOP_SOURCES: an array of nests, each a SYNWATCH_A_SOURCE_* set. */
static int parse_sources_cb(const struct nlattr *attr, void *data)
{
	struct swl_alert *al = data;
	struct swl_source *src;
	struct fctx ctx;

	if (al->nsources >= SYNWATCH_MAX_TOP_SOURCES)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
		return bad("SYNWATCH_A_ALERT_TOP_SOURCES entry",
			   mnl_attr_get_type(attr));
	src = &al->sources[al->nsources];
	memset(src, 0, sizeof(*src));
	ctx = (struct fctx){ source_fields, SYNWATCH_A_SOURCE_MAX, src,
			     &(uint64_t){ 0 } };
	if (mnl_attr_parse_nested(attr, parse_source_cb, &ctx) < 0)
		return MNL_CB_ERROR;
	if (!src->family)
		src->family = src->prefix.family;
	al->nsources++;
	return MNL_CB_OK;
}

static int parse_alert_cb(const struct nlattr *attr, void *data)
{
	struct fctx *ctx = data;
	struct swl_alert *al = ctx->rec;
	unsigned int type = mnl_attr_get_type(attr);

	switch (type) {
	case SYNWATCH_A_ALERT_LISTENER:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0 ||
		    swl_decode_listener(attr, &al->listener))
			return bad("SYNWATCH_A_ALERT_LISTENER", type);
		break;
	case SYNWATCH_A_ALERT_TOP_SOURCES:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0 ||
		    mnl_attr_parse_nested(attr, parse_sources_cb, al) < 0)
			return bad("SYNWATCH_A_ALERT_TOP_SOURCES", type);
		break;
	default:
		return store_field(attr, ctx);
	}
	al->have |= SWL_BIT(type);
	return MNL_CB_OK;
}

int swl_decode_alert(const struct nlattr *nest, struct swl_alert *out)
{
	struct fctx ctx = FCTX(swl_alert_fields, out);

	memset(out, 0, sizeof(*out));
	return decode_fields(nest, parse_alert_cb, &ctx, "alert");
}

static int parse_top_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type > SYNWATCH_A_MAX)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
		return bad("top-level nest", type);
	tb[type] = attr;
	return MNL_CB_OK;
}

int swl_parse_top(const struct nlmsghdr *nlh,
		 const struct nlattr *tb[SYNWATCH_A_MAX + 1])
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	memset(tb, 0, sizeof(*tb) * (SYNWATCH_A_MAX + 1));
	decode_err[0] = 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl) ||
	    mnl_attr_parse(nlh, sizeof(*genl), parse_top_cb, tb) < 0) {
		errno = EBADMSG;
		return -1;
	}
	return genl->cmd;
}

int swl_decode_event(const struct nlmsghdr *nlh, struct swl_event *out)
{
	const struct nlattr *tb[SYNWATCH_A_MAX + 1];
	struct fctx ctx = FCTX(swl_event_fields, out);

	memset(out, 0, sizeof(*out));
	if (swl_parse_top(nlh, tb) != SYNWATCH_CMD_EVENT) {
		snprintf(decode_err, sizeof(decode_err),
			 "not an event message");
		errno = EBADMSG;
		return -1;
	}
	if (!tb[SYNWATCH_A_EVENT]) {
		snprintf(decode_err, sizeof(decode_err),
			 "event message without SYNWATCH_A_EVENT");
		errno = EBADMSG;
		return -1;
	}
	if (decode_fields(tb[SYNWATCH_A_EVENT], NULL, &ctx, "event"))
		return -1;
	if (tb[SYNWATCH_A_CONN]) {
		if (swl_decode_conn(tb[SYNWATCH_A_CONN], &out->conn))
			return -1;
		out->has_conn = true;
	}
	if (tb[SYNWATCH_A_ALERT]) {
		if (swl_decode_alert(tb[SYNWATCH_A_ALERT], &out->alert))
			return -1;
		out->has_alert = true;
	}
	return 0;
}

bool swl_conn_rtt_us(const struct swl_conn *c, uint32_t *us)
{
	if ((c->flags & SYNWATCH_CONN_F_ACTIVE) &&
	    SWL_HAS(c, SYNWATCH_A_CONN_SYN_TO_SYNACK_US)) {
		*us = c->syn_to_synack_us;
		return true;
	}
	if (!(c->flags & SYNWATCH_CONN_F_ACTIVE) &&
	    SWL_HAS(c, SYNWATCH_A_CONN_SYNACK_TO_ACK_US)) {
		*us = c->synack_to_ack_us;
		return true;
	}
	return false;
}
