// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink session: family resolution, requests, and the one receive
 * loop that everything (dumps, "do" requests, event streams) runs through.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "nl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/*
 * Dumps are sent in skbs of up to 32 KiB once a reader has shown it can
 * take them (netlink_dump() sizes by the reader's last recvmsg), so a
 * smaller buffer would make the kernel fall back or truncate.
 */
#define RECVBUF_LEN (64 * 1024)

struct run_ctx {
	struct swl_nl *nl;
	swl_msg_fn cb;
	void *data;
};

static int extack_cb(const struct nlattr *attr, void *data)
{
	struct swl_nl *nl = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%s",
			 mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* TLVs follow the error, after the echoed request unless it was capped. */
static void parse_extack(struct swl_nl *nl, const struct nlmsghdr *nlh,
			 size_t offset)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    mnl_nlmsg_get_payload_len(nlh) < offset)
		return;
	mnl_attr_parse(nlh, offset, extack_cb, nl);
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*err);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;	/* the ACK: request done */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	parse_extack(ctx->nl, nlh, off);
	errno = -err->error;
	return MNL_CB_ERROR;
}

/* A dump that fails half-way says so in NLMSG_DONE's payload. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(int));
	if (err >= 0)
		return MNL_CB_STOP;
	parse_extack(ctx->nl, nlh, sizeof(int));
	errno = -err;
	return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* not const: mnl_cb_run2() takes a plain pointer */
static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
	[NLMSG_OVERRUN] = noop_cb,
};

/* Events carry sequence number 0; replies carry the request's. */
static int dispatch_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;

	if (nlh->nlmsg_seq == 0 || !ctx->cb) {
		if (nlh->nlmsg_seq == 0 && ctx->nl->on_event)
			return ctx->nl->on_event(nlh, ctx->nl->event_data);
		return MNL_CB_OK;
	}
	return ctx->cb(nlh, ctx->data);
}

/*
 * The receive loop: returns 0 at the end of the request (ACK or DONE),
 * 1 if more is to come, or a negative errno.
 */
static int run_once(struct swl_nl *nl, uint32_t seq, swl_msg_fn cb, void *data,
		    int flags)
{
	struct run_ctx ctx = { .nl = nl, .cb = cb, .data = data };
	ssize_t n;
	int ret;

	/* what mnl_socket_recvfrom() does, with flags */
	n = recv(swl_nl_fd(nl), nl->recvbuf, nl->recvbuf_len, flags);
	if (n < 0)
		return -errno;
	ret = mnl_cb_run2(nl->recvbuf, (size_t)n, seq, seq ? nl->portid : 0,
			  dispatch_cb, &ctx, ctl_cb, NLMSG_MIN_TYPE);
	if (ret < 0)
		return errno ? -errno : -EPROTO;
	return ret == MNL_CB_STOP ? 0 : 1;
}

int swl_nl_request(struct swl_nl *nl, struct nlmsghdr *nlh, swl_msg_fn cb,
		  void *data)
{
	uint32_t seq = nlh->nlmsg_seq;
	int ret;

	nl->ext_msg[0] = 0;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		errno = 0;
		ret = run_once(nl, seq, cb, data, 0);
		/*
		 * A subscribed socket may overrun while we wait for a
		 * reply: that costs events, not the reply; the caller
		 * finds out from the sequence gap.
		 */
		if (ret == -ENOBUFS && nl->on_event) {
			nl->overruns++;
			ret = 1;
		}
		if (ret == -EINTR)
			ret = 1;
	} while (ret > 0);
	return ret;
}

int swl_nl_recv_nowait(struct swl_nl *nl)
{
	errno = 0;
	int ret = run_once(nl, 0, NULL, NULL, MSG_DONTWAIT);

	return ret < 0 ? ret : 0;
}

struct nlmsghdr *swl_nl_msg(struct swl_nl *nl, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->sendbuf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = nl->family_id;
	/* A dump ends with NLMSG_DONE; an ACK would only trail behind it
	 * and be mistaken for the answer to the next request. */
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	if ((flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	/* never 0: that is how events are told from replies */
	if (++nl->seq == 0)
		nl->seq = 1;
	nlh->nlmsg_seq = nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = SYNWATCH_GENL_VERSION;
	return nlh;
}

/* What CTRL_CMD_GETFAMILY (or a NEWFAMILY notification) says of a family. */
struct family_info {
	const char *const *groups;	/* names wanted, in their order */
	unsigned int ngroups;
	uint32_t *grp_ids;		/* ngroups; 0: not offered */
	uint16_t id;
	uint32_t version;
	bool found;
};

static int mcgrp_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type == CTRL_ATTR_MCAST_GRP_NAME &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		tb[type] = attr;
	if (type == CTRL_ATTR_MCAST_GRP_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		tb[type] = attr;
	return MNL_CB_OK;
}

/* Each group is a nest of name and id; match ours by name. */
static int mcgrps_cb(const struct nlattr *attr, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { NULL };

	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
		return MNL_CB_OK;
	mnl_attr_parse_nested(attr, mcgrp_cb, tb);
	if (!tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID])
		return MNL_CB_OK;
	for (unsigned int i = 0; i < fi->ngroups; i++)
		if (!strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]),
			    fi->groups[i]))
			fi->grp_ids[i] = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family_info *fi = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		fi->id = mnl_attr_get_u16(attr);
		fi->found = true;
		break;
	case CTRL_ATTR_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		fi->version = mnl_attr_get_u32(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		mnl_attr_parse_nested(attr, mcgrps_cb, fi);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb,
			      data);
}

/* Asks the controller for the family name: its id and groups into fi. */
static int get_family(struct swl_nl *nl, const char *name,
		      struct family_info *fi)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	int ret;

	nlh = mnl_nlmsg_put_header(nl->sendbuf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (++nl->seq == 0)
		nl->seq = 1;
	nlh->nlmsg_seq = nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	ret = swl_nl_request(nl, nlh, family_cb, fi);
	if (ret == 0 && !fi->found)
		ret = -ENOENT;
	return ret;
}

static const char *const swl_mcgrp_names[__SYNWATCH_MCGRP_MAX] = {
	[SYNWATCH_MCGRP_CONN] = SYNWATCH_MCGRP_CONN_NAME,
	[SYNWATCH_MCGRP_ALERT] = SYNWATCH_MCGRP_ALERT_NAME,
};

static int resolve_family(struct swl_nl *nl)
{
	struct family_info fi = {
		.groups = swl_mcgrp_names, .ngroups = __SYNWATCH_MCGRP_MAX,
		.grp_ids = nl->mcgrp,
	};
	int ret = get_family(nl, SYNWATCH_GENL_NAME, &fi);

	nl->family_id = fi.id;
	nl->version = fi.version;
	return ret;
}

int swl_nl_ctrl_group(struct swl_nl *nl, const char *group, uint32_t *id)
{
	const char *const groups[] = { group };
	struct family_info fi = { .groups = groups, .ngroups = 1, .grp_ids = id };
	int ret;

	*id = 0;
	ret = get_family(nl, "nlctrl", &fi);
	if (!ret && !*id)
		ret = -ENOENT;
	return ret;
}

bool swl_nl_ctrl_names_us(const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;

	if (nlh->nlmsg_type != GENL_ID_CTRL ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return false;
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_NAME &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			return !strcmp(mnl_attr_get_str(attr), SYNWATCH_GENL_NAME);
	return false;
}

static void set_flag(struct swl_nl *nl, int opt)
{
	int one = 1;

	/* Best effort: older kernels just give less helpful errors. */
	mnl_socket_setsockopt(nl->sock, opt, &one, sizeof(one));
}

int swl_nl_open_ctrl(struct swl_nl *nl)
{
	int ret;

	memset(nl, 0, sizeof(*nl));
	nl->sendbuf = malloc(MNL_SOCKET_BUFFER_SIZE);
	nl->recvbuf_len = RECVBUF_LEN;
	nl->recvbuf = malloc(nl->recvbuf_len);
	if (!nl->sendbuf || !nl->recvbuf) {
		swl_nl_close(nl);
		return -ENOMEM;
	}
	nl->sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		swl_nl_close(nl);
		return ret;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	set_flag(nl, NETLINK_EXT_ACK);
	set_flag(nl, NETLINK_CAP_ACK);
	nl->family_id = GENL_ID_CTRL;
	return 0;
}

int swl_nl_open(struct swl_nl *nl)
{
	int ret = swl_nl_open_ctrl(nl);

	if (!ret)
		ret = resolve_family(nl);
	if (ret)
		swl_nl_close(nl);
	return ret;
}

void swl_nl_close(struct swl_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->sendbuf);
	free(nl->recvbuf);
	nl->sock = NULL;
	nl->sendbuf = nl->recvbuf = NULL;
}

int swl_nl_join_id(struct swl_nl *nl, uint32_t grp_id)
{
	int id = (int)grp_id;

	if (!id)
		return -ENOENT;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &id,
				  sizeof(id)) < 0)
		return -errno;
	return 0;
}

int swl_nl_join(struct swl_nl *nl, enum synwatch_mcgrp grp)
{
	return swl_nl_join_id(nl, nl->mcgrp[grp]);
}

int swl_nl_set_rcvbuf(struct swl_nl *nl, int bytes)
{
	int fd = swl_nl_fd(nl);
	int got = 0;
	socklen_t len = sizeof(got);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)))
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len))
		return -errno;
	return got;
}
