// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "synwatch": policies, dump contexts, handlers,
 * the ops table and the family. The contract is kmod/uapi/linux/synwatch.h.
 *
 * Every op validates strictly against the family policy (resv_start_op is
 * 0). Ops that change state carry GENL_UNS_ADMIN_PERM: CAP_NET_ADMIN in the
 * user namespace that owns the netns. Reads are open to any user and only
 * ever see the caller's netns, except a dump aimed at another netns with
 * SYNWATCH_A_FILTER_NETNS_FD, which needs CAP_NET_ADMIN over that netns.
 */
#include <net/genetlink.h>
#include <net/netns/generic.h>
#include "netlink.h"
#include "netcfg.h"
#include "encode.h"
#include "match.h"
#include "delivery.h"
#include "listener.h"
#include "glue.h"

/* Private to this file: delivery gets it through sw_delivery_set_family(). */
static struct genl_family sw_genl_family;

static const struct nla_policy sw_filter_policy[SYNWATCH_A_FILTER_MAX + 1] = {
	[SYNWATCH_A_FILTER_STATE_MASK]	= NLA_POLICY_MASK(NLA_U32,
					  BIT(__SYNWATCH_STATE_MAX) - 1),
	[SYNWATCH_A_FILTER_FAMILY]	= { .type = NLA_U8 },
	[SYNWATCH_A_FILTER_LADDR]	= NLA_POLICY_MIN_LEN(4),
	[SYNWATCH_A_FILTER_LPREFIX]	= NLA_POLICY_MAX(NLA_U8, 128),
	[SYNWATCH_A_FILTER_RADDR]	= NLA_POLICY_MIN_LEN(4),
	[SYNWATCH_A_FILTER_RPREFIX]	= NLA_POLICY_MAX(NLA_U8, 128),
	[SYNWATCH_A_FILTER_LPORT_MIN]	= { .type = NLA_U16 },
	[SYNWATCH_A_FILTER_LPORT_MAX]	= { .type = NLA_U16 },
	[SYNWATCH_A_FILTER_LPORT_INVERT] = { .type = NLA_FLAG },
	[SYNWATCH_A_FILTER_RPORT_MIN]	= { .type = NLA_U16 },
	[SYNWATCH_A_FILTER_RPORT_MAX]	= { .type = NLA_U16 },
	[SYNWATCH_A_FILTER_RPORT_INVERT] = { .type = NLA_FLAG },
	[SYNWATCH_A_FILTER_NETNS_FD]	= { .type = NLA_S32 },
	[SYNWATCH_A_FILTER_EVENT_MASK]	= NLA_POLICY_MASK(NLA_U32,
					  SYNWATCH_EVENT_MASK_ALL),
	[SYNWATCH_A_FILTER_BATCH_BYTES]	= NLA_POLICY_MIN(NLA_U32, 4096),
};

static const struct nla_policy sw_policy[SYNWATCH_A_MAX + 1] = {
	[SYNWATCH_A_CONFIG] = NLA_POLICY_NESTED(sw_config_policy),
	[SYNWATCH_A_FILTER] = NLA_POLICY_NESTED(sw_filter_policy),
};

/* An address attribute: 4 bytes (IPv4, stored mapped) or 16 (IPv6). */
static int sw_parse_addr(const struct nlattr *a, struct in6_addr *out,
			 u8 *prefix, bool *v4, struct netlink_ext_ack *ext)
{
	int len = nla_len(a);

	if (len == 4) {
		ipv6_addr_set_v4mapped(nla_get_in_addr(a), out);
		*v4 = true;
		if (*prefix > 32) {
			NL_SET_ERR_MSG_ATTR(ext, a, "IPv4 prefix longer than 32");
			return -EINVAL;
		}
		*prefix += 96;
		return 0;
	}
	if (len == 16) {
		*out = nla_get_in6_addr(a);
		*v4 = false;
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(ext, a, "address must be 4 or 16 bytes");
	return -EINVAL;
}

/*
 * An address and its prefix length (the whole address if none is given),
 * if the address is there; *prefix stays 0 (any address) if it is not.
 */
static int sw_parse_prefix(const struct nlattr *addr, const struct nlattr *len,
			   struct in6_addr *out, u8 *prefix, bool *v4,
			   struct netlink_ext_ack *ext)
{
	if (!addr)
		return 0;
	if (len)
		*prefix = nla_get_u8(len);
	else
		*prefix = nla_len(addr) == 4 ? 32 : 128;
	return sw_parse_addr(addr, out, prefix, v4, ext);
}

static int sw_parse_ports(struct nlattr **tb, int lo, int hi, int inv,
			  u16 *min, u16 *max, bool *invert,
			  struct netlink_ext_ack *ext)
{
	*min = tb[lo] ? nla_get_u16(tb[lo]) : 0;
	*max = tb[hi] ? nla_get_u16(tb[hi]) : U16_MAX;
	*invert = !!tb[inv];
	if (*min > *max) {
		NL_SET_ERR_MSG_ATTR(ext, tb[lo] ?: tb[hi],
				    "port range minimum above maximum");
		return -EINVAL;
	}
	return 0;
}

/* SYNWATCH_A_FILTER into struct sw_filter; absent means match all. */
static int sw_parse_filter(const struct nlattr *nest, struct sw_filter *f,
			   int *netns_fd, struct netlink_ext_ack *ext)
{
	struct nlattr *tb[SYNWATCH_A_FILTER_MAX + 1];
	bool v4;
	int err;

	memset(f, 0, sizeof(*f));
	f->lport_max = U16_MAX;
	f->rport_max = U16_MAX;
	f->event_mask = SYNWATCH_EVENT_MASK_ALL;
	*netns_fd = -1;
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, SYNWATCH_A_FILTER_MAX, nest,
			       sw_filter_policy, ext);
	if (err)
		return err;
	if (tb[SYNWATCH_A_FILTER_STATE_MASK])
		f->state_mask = nla_get_u32(tb[SYNWATCH_A_FILTER_STATE_MASK]);
	if (tb[SYNWATCH_A_FILTER_EVENT_MASK])
		f->event_mask = nla_get_u32(tb[SYNWATCH_A_FILTER_EVENT_MASK]);
	if (tb[SYNWATCH_A_FILTER_BATCH_BYTES])
		f->batch_bytes = nla_get_u32(tb[SYNWATCH_A_FILTER_BATCH_BYTES]);
	if (tb[SYNWATCH_A_FILTER_FAMILY]) {
		f->family = nla_get_u8(tb[SYNWATCH_A_FILTER_FAMILY]);
		if (f->family != AF_INET && f->family != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(ext, tb[SYNWATCH_A_FILTER_FAMILY],
					    "family must be AF_INET or AF_INET6");
			return -EINVAL;
		}
	}
	err = sw_parse_prefix(tb[SYNWATCH_A_FILTER_LADDR],
			      tb[SYNWATCH_A_FILTER_LPREFIX], &f->laddr,
			      &f->lprefix, &v4, ext);
	if (!err)
		err = sw_parse_prefix(tb[SYNWATCH_A_FILTER_RADDR],
				      tb[SYNWATCH_A_FILTER_RPREFIX], &f->raddr,
				      &f->rprefix, &v4, ext);
	if (err)
		return err;
	err = sw_parse_ports(tb, SYNWATCH_A_FILTER_LPORT_MIN,
			     SYNWATCH_A_FILTER_LPORT_MAX,
			     SYNWATCH_A_FILTER_LPORT_INVERT, &f->lport_min,
			     &f->lport_max, &f->linvert, ext);
	if (!err)
		err = sw_parse_ports(tb, SYNWATCH_A_FILTER_RPORT_MIN,
				     SYNWATCH_A_FILTER_RPORT_MAX,
				     SYNWATCH_A_FILTER_RPORT_INVERT,
				     &f->rport_min, &f->rport_max,
				     &f->rinvert, ext);
	if (tb[SYNWATCH_A_FILTER_NETNS_FD])
		*netns_fd = nla_get_s32(tb[SYNWATCH_A_FILTER_NETNS_FD]);
	return err;
}

/* A reply of one message: what put() writes about the caller's netns. */
static int sw_reply(struct genl_info *info, u8 cmd,
		    int (*put)(struct sk_buff *msg, struct sw_net *sn))
{
	struct sw_net *sn = sw_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &sw_genl_family, 0, cmd);
	if (!hdr || put(msg, sn)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int sw_put_net_stats(struct sk_buff *msg, struct sw_net *sn)
{
	return sw_put_stats(msg, sn, sw_lst_table_size(sn));
}

static int sw_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	return sw_reply(info, SYNWATCH_CMD_GET_STATS, sw_put_net_stats);
}

static int sw_reset_stats(struct sk_buff *skb, struct genl_info *info)
{
	sw_stats_reset(sw_net(genl_info_net(info)));
	return 0;
}

/* Dump context, allocated by the start callback; its pointer in cb->ctx. */
struct sw_dump_ctx {
	unsigned long pos[2];
	struct sw_filter f;
	struct net *net;	/* referenced */
	struct sk_buff *skb;
	struct netlink_callback *cb;
	int err;		/* a bad request, see sw_dump_start() */
	const char *errmsg;	/* and its extack message */
};

static inline struct sw_dump_ctx *sw_dump_ctx(struct netlink_callback *cb)
{
	return *(struct sw_dump_ctx **)cb->ctx;
}

static int sw_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = sw_genl_dump_attrs(cb);
	struct net *net = sock_net(cb->skb->sk);
	struct netlink_ext_ack ext = {};
	struct sw_dump_ctx *ctx;
	int fd, err;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	*(struct sw_dump_ctx **)cb->ctx = ctx;
	err = sw_parse_filter(attrs[SYNWATCH_A_FILTER], &ctx->f, &fd,
			      &ext);
	if (!err && fd >= 0) {
		net = get_net_ns_by_fd(fd);
		if (IS_ERR(net)) {
			NL_SET_ERR_MSG(&ext, "NETNS_FD is not a netns");
			err = PTR_ERR(net);
		} else if (!netlink_ns_capable(cb->skb, net->user_ns,
					       CAP_NET_ADMIN)) {
			put_net(net);
			NL_SET_ERR_MSG(&ext,
				       "reading another netns needs CAP_NET_ADMIN there");
			err = -EPERM;
		}
	} else if (!err) {
		get_net(net);
	}
	/*
	 * Linux 6.1 runs the start callback with cb->extack NULL: an error
	 * returned from here reaches userspace without its message. So keep
	 * it, and let the first dumpit call return it: netlink_dump() puts
	 * that call's extack message in the NLMSG_DONE carrying the error.
	 */
	if (err) {
		ctx->err = err;
		ctx->errmsg = ext._msg;
		return 0;
	}
	ctx->net = net;
	return 0;
}

/* The error sw_dump_start() kept, with its message. */
static int sw_dump_error(struct netlink_callback *cb,
			 const struct sw_dump_ctx *ctx)
{
	if (cb->extack && ctx->errmsg)
		cb->extack->_msg = ctx->errmsg;
	return ctx->err;
}

static int sw_dump_done(struct netlink_callback *cb)
{
	struct sw_dump_ctx *ctx = sw_dump_ctx(cb);

	if (ctx) {
		if (ctx->net)
			put_net(ctx->net);
		kfree(ctx);
	}
	return 0;
}

static int sw_dump_one_conn(const struct sw_snap *s, void *arg)
{
	struct sw_dump_ctx *ctx = arg;
	void *hdr;

	hdr = genlmsg_put(ctx->skb, NETLINK_CB(ctx->cb->skb).portid,
			  ctx->cb->nlh->nlmsg_seq, &sw_genl_family,
			  NLM_F_MULTI, SYNWATCH_CMD_GET_CONN);
	if (!hdr)
		return -EMSGSIZE;
	if (sw_put_conn(ctx->skb, &s->key, &s->rec, sw_net(ctx->net),
			ktime_get_ns())) {
		genlmsg_cancel(ctx->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(ctx->skb, hdr);
	return 0;
}

static bool sw_dump_match(const struct sw_snap *s, const void *arg)
{
	const struct sw_dump_ctx *ctx = arg;

	return sw_filter_match(s, &ctx->f);
}

static int sw_get_conn(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sw_dump_ctx *ctx = sw_dump_ctx(cb);
	int err;

	if (ctx->err)
		return sw_dump_error(cb, ctx);
	ctx->skb = skb;
	ctx->cb = cb;
	err = sw_conntab_dump(sw_net(ctx->net)->id, ctx->pos, sw_dump_one_conn,
			      sw_dump_match, ctx);
	/* a full message ends this round; the next call resumes */
	return err ? skb->len : 0;
}

static int sw_dump_one_lst(const struct sw_lst *l, const struct sw_lst_acct *a,
			   void *arg)
{
	struct sw_dump_ctx *ctx = arg;
	void *hdr;

	hdr = genlmsg_put(ctx->skb, NETLINK_CB(ctx->cb->skb).portid,
			  ctx->cb->nlh->nlmsg_seq, &sw_genl_family,
			  NLM_F_MULTI, SYNWATCH_CMD_GET_LISTENER);
	if (!hdr)
		return -EMSGSIZE;
	if (sw_put_listener(ctx->skb, SYNWATCH_A_LISTENER, l, a)) {
		genlmsg_cancel(ctx->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(ctx->skb, hdr);
	return 0;
}

static int sw_get_listener(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sw_dump_ctx *ctx = sw_dump_ctx(cb);

	if (ctx->err)
		return sw_dump_error(cb, ctx);
	ctx->skb = skb;
	ctx->cb = cb;
	return sw_lst_dump(sw_net(ctx->net), ctx->pos, sw_dump_one_lst, ctx) ?
	       skb->len : 0;
}

static int sw_put_net_config(struct sk_buff *msg, struct sw_net *sn)
{
	return sw_put_config(msg, &sn->cfg);
}

static int sw_get_config(struct sk_buff *skb, struct genl_info *info)
{
	return sw_reply(info, SYNWATCH_CMD_GET_CONFIG, sw_put_net_config);
}

static int sw_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct sw_net *sn = sw_net(genl_info_net(info));

	if (!info->attrs[SYNWATCH_A_CONFIG]) {
		NL_SET_ERR_MSG(info->extack, "SYNWATCH_A_CONFIG missing");
		return -EINVAL;
	}
	return sw_config_set(sn, info->attrs[SYNWATCH_A_CONFIG],
			     info->extack);
}

static int sw_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct sw_net *sn = sw_net(genl_info_net(info));
	struct nlattr *fa = info->attrs[SYNWATCH_A_FILTER];
	struct sw_filter f;
	int fd, err;

	err = sw_parse_filter(fa, &f, &fd, info->extack);
	if (err)
		return err;
	if (fd >= 0) {
		NL_SET_ERR_MSG(info->extack, "FLUSH acts on the caller's netns");
		return -EINVAL;
	}
	sw_glue_remove(sn, fa ? sw_filter_match : NULL, &f,
		       SYNWATCH_CLOSE_FLUSH, true);
	if (!fa)
		sw_lst_flush(sn);
	return 0;
}

static int sw_subscribe_op(struct sk_buff *skb, struct genl_info *info)
{
	struct sw_net *sn = sw_net(genl_info_net(info));
	struct sw_filter f;
	int fd, err;

	err = sw_parse_filter(info->attrs[SYNWATCH_A_FILTER], &f, &fd,
			      info->extack);
	if (err)
		return err;
	if (fd >= 0) {
		NL_SET_ERR_MSG(info->extack,
			       "subscribe from inside the netns instead");
		return -EINVAL;
	}
	return sw_subscribe(sn, info->snd_portid, &f);
}

static int sw_unsubscribe_op(struct sk_buff *skb, struct genl_info *info)
{
	return sw_unsubscribe(sw_net(genl_info_net(info)), info->snd_portid);
}

static const struct genl_ops sw_genl_ops[] = {
	{
		.cmd = SYNWATCH_CMD_GET_STATS,
		.doit = sw_get_stats,
	}, {
		.cmd = SYNWATCH_CMD_RESET_STATS,
		.doit = sw_reset_stats,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SYNWATCH_CMD_GET_CONN,
		.start = sw_dump_start,
		.dumpit = sw_get_conn,
		.done = sw_dump_done,
	}, {
		.cmd = SYNWATCH_CMD_GET_LISTENER,
		.start = sw_dump_start,
		.dumpit = sw_get_listener,
		.done = sw_dump_done,
	}, {
		.cmd = SYNWATCH_CMD_GET_CONFIG,
		.doit = sw_get_config,
	}, {
		.cmd = SYNWATCH_CMD_SET_CONFIG,
		.doit = sw_set_config,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SYNWATCH_CMD_FLUSH,
		.doit = sw_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SYNWATCH_CMD_SUBSCRIBE,
		.doit = sw_subscribe_op,
	}, {
		.cmd = SYNWATCH_CMD_UNSUBSCRIBE,
		.doit = sw_unsubscribe_op,
	},
};

static const struct genl_multicast_group sw_mcgrps[] = {
	[SYNWATCH_MCGRP_CONN] = { .name = SYNWATCH_MCGRP_CONN_NAME },
	[SYNWATCH_MCGRP_ALERT] = { .name = SYNWATCH_MCGRP_ALERT_NAME },
};

static struct genl_family sw_genl_family __ro_after_init = {
	.name = SYNWATCH_GENL_NAME,
	.version = SYNWATCH_GENL_VERSION,
	.maxattr = SYNWATCH_A_MAX,
	.policy = sw_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = sw_genl_ops,
	.n_ops = ARRAY_SIZE(sw_genl_ops),
	.mcgrps = sw_mcgrps,
	.n_mcgrps = ARRAY_SIZE(sw_mcgrps),
};

/*
 * The notifier that ends a closing socket's subscription is registered
 * before the family and unregistered after it: a subscription is only
 * made through the family, so none can be made that the notifier would
 * miss (a missed one would outlive its socket, and its portid could be
 * given to another socket).
 */
int sw_genl_init(void)
{
	int err = sw_delivery_init();

	if (err)
		return err;
	sw_delivery_set_family(&sw_genl_family);
	err = genl_register_family(&sw_genl_family);
	if (err)
		sw_delivery_uninit();
	return err;
}

void sw_genl_uninit(void)
{
	genl_unregister_family(&sw_genl_family);
	sw_delivery_uninit();
}
