// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include "cfgkeys.h"
#include "requests.h"

struct reply {
	int kind;		/* SYNWATCH_A_* nest wanted */
	void *out;		/* single record (GET_STATS, GET_CONFIG) */
	sw_conn_fn conn_fn;	/* or one callback per dumped record */
	sw_listener_fn listener_fn;
	void *data;
	int err;		/* a callback's own error */
};

static int decode_one(const struct nlattr *nest, struct reply *r)
{
	struct sw_conn c;
	struct sw_listener l;

	switch (r->kind) {
	case SYNWATCH_A_STATS:
		return sw_decode_stats(nest, r->out);
	case SYNWATCH_A_CONFIG:
		return sw_decode_config(nest, r->out);
	case SYNWATCH_A_CONN:
		if (sw_decode_conn(nest, &c))
			return -1;
		r->err = r->conn_fn(&c, r->data);
		return 0;
	case SYNWATCH_A_LISTENER:
		if (sw_decode_listener(nest, &l))
			return -1;
		r->err = r->listener_fn(&l, r->data);
		return 0;
	}
	return 0;
}

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SYNWATCH_A_MAX + 1];
	struct reply *r = data;

	if (sw_parse_top(nlh, tb) < 0)
		return MNL_CB_ERROR;
	/* a message without the nest is not ours to judge: skip it */
	if (!tb[r->kind])
		return MNL_CB_OK;
	if (decode_one(tb[r->kind], r))
		return MNL_CB_ERROR;
	if (r->err) {
		errno = -r->err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int run(struct sw_nl *nl, struct nlmsghdr *nlh, struct reply *r)
{
	int ret = sw_nl_request(nl, nlh, reply_cb, r);

	return r->err ? r->err : ret;
}

int sw_get_stats(struct sw_nl *nl, struct sw_stats *st)
{
	struct reply r = { .kind = SYNWATCH_A_STATS, .out = st };

	return run(nl, sw_nl_msg(nl, SYNWATCH_CMD_GET_STATS, 0), &r);
}

int sw_reset_stats(struct sw_nl *nl)
{
	return sw_nl_request(nl, sw_nl_msg(nl, SYNWATCH_CMD_RESET_STATS, 0),
			     NULL, NULL);
}

int sw_get_config(struct sw_nl *nl, struct sw_config *cfg)
{
	struct reply r = { .kind = SYNWATCH_A_CONFIG, .out = cfg };

	return run(nl, sw_nl_msg(nl, SYNWATCH_CMD_GET_CONFIG, 0), &r);
}

int sw_set_config(struct sw_nl *nl, const struct sw_config *set)
{
	struct nlmsghdr *nlh = sw_nl_msg(nl, SYNWATCH_CMD_SET_CONFIG, 0);

	sw_cfg_put(nlh, set);
	return sw_nl_request(nl, nlh, NULL, NULL);
}

int sw_dump_conns(struct sw_nl *nl, const struct sw_filter *f, sw_conn_fn fn,
		  void *data)
{
	struct reply r = { .kind = SYNWATCH_A_CONN, .conn_fn = fn, .data = data };
	struct nlmsghdr *nlh = sw_nl_msg(nl, SYNWATCH_CMD_GET_CONN, NLM_F_DUMP);

	if (f)
		sw_filter_put(nlh, f);
	return run(nl, nlh, &r);
}

int sw_dump_listeners(struct sw_nl *nl, sw_listener_fn fn, void *data)
{
	struct reply r = { .kind = SYNWATCH_A_LISTENER, .listener_fn = fn,
			   .data = data };

	return run(nl, sw_nl_msg(nl, SYNWATCH_CMD_GET_LISTENER, NLM_F_DUMP), &r);
}

static int filtered(struct sw_nl *nl, uint8_t cmd, const struct sw_filter *f)
{
	struct nlmsghdr *nlh = sw_nl_msg(nl, cmd, 0);

	if (f)
		sw_filter_put(nlh, f);
	return sw_nl_request(nl, nlh, NULL, NULL);
}

int sw_flush(struct sw_nl *nl, const struct sw_filter *f)
{
	return filtered(nl, SYNWATCH_CMD_FLUSH, f);
}

int sw_subscribe(struct sw_nl *nl, const struct sw_filter *f)
{
	return filtered(nl, SYNWATCH_CMD_SUBSCRIBE, f);
}

int sw_unsubscribe(struct sw_nl *nl)
{
	return filtered(nl, SYNWATCH_CMD_UNSUBSCRIBE, NULL);
}
