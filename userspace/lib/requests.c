// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include "cfgkeys.h"
#include "requests.h"

struct reply {
	int kind;		/* SYNWATCH_A_* nest wanted */
	void *out;		/* single record (GET_STATS, GET_CONFIG) */
	swl_conn_fn conn_fn;	/* or one callback per dumped record */
	swl_listener_fn listener_fn;
	void *data;
	int err;		/* a callback's own error */
};

static int decode_one(const struct nlattr *nest, struct reply *r)
{
	struct swl_conn c;
	struct swl_listener l;

	switch (r->kind) {
	case SYNWATCH_A_STATS:
		return swl_decode_stats(nest, r->out);
	case SYNWATCH_A_CONFIG:
		return swl_decode_config(nest, r->out);
	case SYNWATCH_A_CONN:
		if (swl_decode_conn(nest, &c))
			return -1;
		r->err = r->conn_fn(&c, r->data);
		return 0;
	case SYNWATCH_A_LISTENER:
		if (swl_decode_listener(nest, &l))
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

	if (swl_parse_top(nlh, tb) < 0)
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

static int run(struct swl_nl *nl, struct nlmsghdr *nlh, struct reply *r)
{
	int ret = swl_nl_request(nl, nlh, reply_cb, r);

	return r->err ? r->err : ret;
}

int swl_get_stats(struct swl_nl *nl, struct swl_stats *st)
{
	struct reply r = { .kind = SYNWATCH_A_STATS, .out = st };

	return run(nl, swl_nl_msg(nl, SYNWATCH_CMD_GET_STATS, 0), &r);
}

int swl_reset_stats(struct swl_nl *nl)
{
	return swl_nl_request(nl, swl_nl_msg(nl, SYNWATCH_CMD_RESET_STATS, 0),
			     NULL, NULL);
}

int swl_get_config(struct swl_nl *nl, struct swl_config *cfg)
{
	struct reply r = { .kind = SYNWATCH_A_CONFIG, .out = cfg };

	return run(nl, swl_nl_msg(nl, SYNWATCH_CMD_GET_CONFIG, 0), &r);
}

int swl_set_config(struct swl_nl *nl, const struct swl_config *set)
{
	struct nlmsghdr *nlh = swl_nl_msg(nl, SYNWATCH_CMD_SET_CONFIG, 0);

	swl_cfg_put(nlh, set);
	return swl_nl_request(nl, nlh, NULL, NULL);
}

int swl_dump_conns(struct swl_nl *nl, const struct swl_filter *f, swl_conn_fn fn,
		  void *data)
{
	struct reply r = { .kind = SYNWATCH_A_CONN, .conn_fn = fn, .data = data };
	struct nlmsghdr *nlh = swl_nl_msg(nl, SYNWATCH_CMD_GET_CONN, NLM_F_DUMP);

	if (f)
		swl_filter_put(nlh, f);
	return run(nl, nlh, &r);
}

int swl_dump_listeners(struct swl_nl *nl, swl_listener_fn fn, void *data)
{
	struct reply r = { .kind = SYNWATCH_A_LISTENER, .listener_fn = fn,
			   .data = data };

	return run(nl, swl_nl_msg(nl, SYNWATCH_CMD_GET_LISTENER, NLM_F_DUMP), &r);
}

static int filtered(struct swl_nl *nl, uint8_t cmd, const struct swl_filter *f)
{
	struct nlmsghdr *nlh = swl_nl_msg(nl, cmd, 0);

	if (f)
		swl_filter_put(nlh, f);
	return swl_nl_request(nl, nlh, NULL, NULL);
}

int swl_flush(struct swl_nl *nl, const struct swl_filter *f)
{
	return filtered(nl, SYNWATCH_CMD_FLUSH, f);
}

int swl_subscribe(struct swl_nl *nl, const struct swl_filter *f)
{
	return filtered(nl, SYNWATCH_CMD_SUBSCRIBE, f);
}

int swl_unsubscribe(struct swl_nl *nl)
{
	return filtered(nl, SYNWATCH_CMD_UNSUBSCRIBE, NULL);
}
