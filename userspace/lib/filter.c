// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errors.h"
#include "filter.h"
#include "names.h"
#include "parse.h"

#define BIT(s) (1U << SYNWATCH_STATE_##s)

/*
 * Groups. "closing" is the RFC state, as in ss, so the group of all
 * closing states is called "teardown". "connected" follows ss: every state
 * but listen and closed.
 */
static const struct {
	const char *name;
	uint32_t mask;
} state_groups[] = {
	{ "all", SWL_STATE_MASK_ALL },
	{ "half-open", BIT(LISTEN) | BIT(SYN_SENT) | BIT(SYN_RECEIVED) },
	{ "teardown", BIT(FIN_WAIT_1) | BIT(FIN_WAIT_2) | BIT(CLOSE_WAIT) |
		      BIT(CLOSING) | BIT(LAST_ACK) | BIT(TIME_WAIT) },
	{ "connected", SWL_STATE_MASK_ALL & ~(BIT(LISTEN) | BIT(CLOSED)) },
	/* aliases people type from ss output and RFC text */
	{ "estab", BIT(ESTABLISHED) },
	{ "syn-received", BIT(SYN_RECEIVED) },
};

const char swl_state_words_help[] =
	"closed listen syn-sent syn-recv established fin-wait-1 fin-wait-2 "
	"close-wait closing last-ack time-wait; groups: all half-open "
	"teardown connected";

void swl_filter_init(struct swl_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->netns_fd = -1;
}

int swl_state_mask_parse(const char *word, uint32_t *mask)
{
	int i = swl_name_lookup(swl_state_names, swl_state_names_len, word);

	if (i >= 0) {
		*mask = 1U << i;
		return 0;
	}
	for (size_t g = 0; g < sizeof(state_groups) / sizeof(state_groups[0]); g++) {
		if (!strcasecmp(word, state_groups[g].name)) {
			*mask = state_groups[g].mask;
			return 0;
		}
	}
	return -1;
}

int swl_event_mask_parse(const char *list, uint32_t *mask, char *err,
			size_t errlen)
{
	char *copy = strdup(list), *save = NULL;
	uint32_t m = 0;
	int ret = 0;

	if (!copy)
		return swl_errbuf(err, errlen, "out of memory");
	for (char *w = strtok_r(copy, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		int i = swl_name_lookup(swl_event_names, swl_event_names_len, w);

		if (i > 0)
			m |= 1U << i;
		else if (!strcasecmp(w, "all"))
			m |= SYNWATCH_EVENT_MASK_ALL;
		else if (!strcasecmp(w, "conn"))
			m |= SWL_CONN_EVENTS;
		else if (!strcasecmp(w, "alert") || !strcasecmp(w, "alerts") ||
			 !strcasecmp(w, "flood"))
			m |= SWL_ALERT_EVENTS;
		else if (strcasecmp(w, "none")) {
			ret = swl_errbuf(err, errlen,
				   "unknown event type '%s' (valid: new, state, destroy, flood-start, flood-update, flood-end; groups: conn, alert, all, none)",
				   w);
			break;
		}
	}
	free(copy);
	if (!ret)
		*mask = m;
	return ret;
}

char *swl_event_mask_format(char *buf, size_t len, uint32_t mask)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int i = 1; i <= SYNWATCH_EVENT_MAX && n < len; i++)
		if (mask & (1U << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? "," : "",
					      swl_event_names[i].keyword);
	if (!n)
		snprintf(buf, len, "none");
	return buf;
}

/* Leading operator of s, longest first; NULL if none. */
static const char *take_op(const char *s, const char **op)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "=", "<", ">" };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i]);

		if (!strncmp(s, ops[i], n)) {
			*op = ops[i];
			return s + n;
		}
	}
	return NULL;
}

/* ss's words for the operators, as whole words only */
static const char *word_op(const char *w)
{
	static const char *const map[][2] = {
		{ "eq", "=" }, { "ne", "!=" }, { "neq", "!=" }, { "lt", "<" },
		{ "le", "<=" }, { "gt", ">" }, { "ge", ">=" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(w, map[i][0]))
			return map[i][1];
	return NULL;
}

static int parse_port(const char *s, uint16_t *port)
{
	uint64_t v;
	const struct servent *se;

	if (*s == ':')		/* ss writes ports as ":80" */
		s++;
	if (swl_parse_u64(s, 65535, &v) == 0) {
		*port = (uint16_t)v;
		return 0;
	}
	if (errno == ERANGE || !*s)
		return -1;
	se = getservbyname(s, "tcp");
	if (!se)
		return -1;
	*port = ntohs((uint16_t)se->s_port);
	return 0;
}

/* Turns "OP PORT" into the kernel's inclusive range + invert. */
static int port_range(const char *op, uint16_t port, struct swl_port_range *r,
		      char *err, size_t errlen)
{
	struct swl_port_range n = { .set = true, .min = 0, .max = 65535 };

	if (!strcmp(op, "=") || !strcmp(op, "==")) {
		n.min = n.max = port;
	} else if (!strcmp(op, "!=")) {
		n.min = n.max = port;
		n.invert = true;
	} else if (!strcmp(op, "<")) {
		if (port == 0)
			return swl_errbuf(err, errlen, "'< 0' matches no port");
		n.max = port - 1;
	} else if (!strcmp(op, "<=")) {
		n.max = port;
	} else if (!strcmp(op, ">")) {
		if (port == 65535)
			return swl_errbuf(err, errlen, "'> 65535' matches no port");
		n.min = port + 1;
	} else {
		n.min = port;
	}
	if (!r->set) {
		*r = n;
		return 0;
	}
	/* "sport > 1024 sport < 2000": the kernel takes one range, so
	 * intersect; an inverted range has no single-range intersection. */
	if (r->invert || n.invert)
		return swl_errbuf(err, errlen,
			    "a port may have one '!=' condition, not combined with others");
	if (n.min > r->min)
		r->min = n.min;
	if (n.max < r->max)
		r->max = n.max;
	if (r->min > r->max)
		return swl_errbuf(err, errlen, "the port conditions match no port");
	return 0;
}

static int parse_port_cond(const char *kw, const char *rest, int argc,
			   char *const argv[], int *i, struct swl_port_range *r,
			   char *err, size_t errlen)
{
	const char *op = "=", *value = NULL, *after;
	uint16_t port;

	/* The operator: glued to the keyword, or the next word. */
	if (!*rest) {
		if (*i + 1 >= argc)
			return swl_errbuf(err, errlen, "'%s' needs a port", kw);
		rest = argv[++*i];
		if (word_op(rest)) {
			op = word_op(rest);
			rest = "";
		}
	}
	after = take_op(rest, &op);
	if (after)
		rest = after;
	value = rest;
	if (!*value) {
		if (*i + 1 >= argc)
			return swl_errbuf(err, errlen, "'%s %s' needs a port", kw, op);
		value = argv[++*i];
	}
	if (parse_port(value, &port))
		return swl_errbuf(err, errlen, "'%s': bad port '%s' (0-65535 or a service name)",
			    kw, value);
	return port_range(op, port, r, err, errlen);
}

int swl_parse_prefix(const char *s, struct swl_prefix *p, char *err,
		    size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash, *addr = buf;
	unsigned int max;
	uint64_t len;
	size_t n;

	if (strlen(s) >= sizeof(buf))
		return swl_errbuf(err, errlen, "bad address '%s'", s);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	n = strlen(addr);
	if (addr[0] == '[' && n > 2 && addr[n - 1] == ']') {
		addr[n - 1] = 0;
		addr++;
	}
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, addr, p->addr.raw) == 1)
		p->addr.family = AF_INET;
	else if (inet_pton(AF_INET6, addr, p->addr.raw) == 1)
		p->addr.family = AF_INET6;
	else
		return swl_errbuf(err, errlen, "bad address '%s' (expected IPv4 or IPv6, optionally /prefix)", s);
	max = p->addr.family == AF_INET ? 32 : 128;
	len = max;
	if (slash && swl_parse_u64(slash + 1, max, &len))
		return swl_errbuf(err, errlen, "bad prefix length '/%s' in '%s' (0-%u)",
			    slash + 1, s, max);
	p->len = (uint8_t)len;
	/* Clear host bits, so "10.1.2.3/8" means 10.0.0.0/8 everywhere. */
	for (unsigned int bit = p->len; bit < max; bit++)
		p->addr.raw[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
	p->set = true;
	return 0;
}

int swl_filter_set_family(struct swl_filter *f, uint8_t family, char *err,
			 size_t errlen)
{
	if ((f->local.set && f->local.addr.family != family) ||
	    (f->remote.set && f->remote.addr.family != family) ||
	    (f->family && f->family != family))
		return swl_errbuf(err, errlen, "conflicting address families");
	f->family = family;
	return 0;
}

static int parse_addr_cond(const char *kw, int argc, char *const argv[],
			   int *i, struct swl_filter *f, struct swl_prefix *p,
			   char *err, size_t errlen)
{
	const char *value;

	if (*i + 1 < argc && (!strcmp(argv[*i + 1], "=") ||
			      !strcmp(argv[*i + 1], "==")))
		++*i;
	if (*i + 1 >= argc)
		return swl_errbuf(err, errlen, "'%s' needs an address", kw);
	value = argv[++*i];
	if (p->set)
		return swl_errbuf(err, errlen, "'%s' given twice", kw);
	if (swl_parse_prefix(value, p, err, errlen))
		return -1;
	return swl_filter_set_family(f, p->addr.family, err, errlen);
}

static int parse_state_cond(const char *kw, int argc, char *const argv[],
			    int *i, uint32_t *mask, char *err, size_t errlen)
{
	if (*i + 1 >= argc)
		return swl_errbuf(err, errlen, "'%s' needs a state (%s)", kw,
			    swl_state_words_help);
	if (swl_state_mask_parse(argv[++*i], mask))
		return swl_errbuf(err, errlen, "unknown state '%s' (valid: %s)",
			    argv[*i], swl_state_words_help);
	return 0;
}

/* "sport", "sport>1024": returns what follows the keyword, or NULL. */
static const char *keyword(const char *w, const char *kw)
{
	size_t n = strlen(kw);
	const char *op;

	if (strncmp(w, kw, n))
		return NULL;
	if (!w[n] || take_op(w + n, &op))
		return w + n;
	return NULL;
}

int swl_filter_parse(struct swl_filter *f, int argc, char *const argv[],
		    char *err, size_t errlen)
{
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i], *rest;
		uint32_t mask;

		if (!strcmp(w, "state")) {
			if (parse_state_cond(w, argc, argv, &i, &mask, err, errlen))
				return -1;
			f->state_mask |= mask;
		} else if (!strcmp(w, "exclude")) {
			if (parse_state_cond(w, argc, argv, &i, &mask, err, errlen))
				return -1;
			if (!f->state_mask)
				f->state_mask = SWL_STATE_MASK_ALL;
			f->state_mask &= ~mask;
			if (!f->state_mask)
				return swl_errbuf(err, errlen, "every state is excluded");
		} else if ((rest = keyword(w, "sport"))) {
			if (parse_port_cond("sport", rest, argc, argv, &i,
					    &f->lport, err, errlen))
				return -1;
		} else if ((rest = keyword(w, "dport"))) {
			if (parse_port_cond("dport", rest, argc, argv, &i,
					    &f->rport, err, errlen))
				return -1;
		} else if (!strcmp(w, "src")) {
			if (parse_addr_cond(w, argc, argv, &i, f, &f->local,
					    err, errlen))
				return -1;
		} else if (!strcmp(w, "dst")) {
			if (parse_addr_cond(w, argc, argv, &i, f, &f->remote,
					    err, errlen))
				return -1;
		} else {
			return swl_errbuf(err, errlen,
				    "unknown filter word '%s' (expected state, exclude, sport, dport, src, dst)",
				    w);
		}
	}
	return 0;
}

bool swl_filter_has_conditions(const struct swl_filter *f)
{
	return (f->state_mask && f->state_mask != SWL_STATE_MASK_ALL) ||
	       f->family || f->local.set || f->remote.set || f->lport.set ||
	       f->rport.set;
}

static void put_range(struct nlmsghdr *nlh, const struct swl_port_range *r,
		      int min_attr, int max_attr, int invert_attr)
{
	if (!r->set)
		return;
	mnl_attr_put_u16(nlh, min_attr, r->min);
	mnl_attr_put_u16(nlh, max_attr, r->max);
	if (r->invert)
		mnl_attr_put(nlh, invert_attr, 0, NULL);
}

static void put_prefix(struct nlmsghdr *nlh, const struct swl_prefix *p,
		       int addr_attr, int len_attr)
{
	if (!p->set)
		return;
	mnl_attr_put(nlh, addr_attr, p->addr.family == AF_INET ? 4 : 16,
		     p->addr.raw);
	mnl_attr_put_u8(nlh, len_attr, p->len);
}

void swl_filter_put(struct nlmsghdr *nlh, const struct swl_filter *f)
{
	struct nlattr *nest;

	if (!swl_filter_has_conditions(f) && f->netns_fd < 0 && !f->event_mask &&
	    !f->batch_bytes)
		return;
	nest = mnl_attr_nest_start(nlh, SYNWATCH_A_FILTER);
	if (f->state_mask && f->state_mask != SWL_STATE_MASK_ALL)
		mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_STATE_MASK, f->state_mask);
	if (f->family)
		mnl_attr_put_u8(nlh, SYNWATCH_A_FILTER_FAMILY, f->family);
	put_prefix(nlh, &f->local, SYNWATCH_A_FILTER_LADDR,
		   SYNWATCH_A_FILTER_LPREFIX);
	put_prefix(nlh, &f->remote, SYNWATCH_A_FILTER_RADDR,
		   SYNWATCH_A_FILTER_RPREFIX);
	put_range(nlh, &f->lport, SYNWATCH_A_FILTER_LPORT_MIN,
		  SYNWATCH_A_FILTER_LPORT_MAX, SYNWATCH_A_FILTER_LPORT_INVERT);
	put_range(nlh, &f->rport, SYNWATCH_A_FILTER_RPORT_MIN,
		  SYNWATCH_A_FILTER_RPORT_MAX, SYNWATCH_A_FILTER_RPORT_INVERT);
	if (f->netns_fd >= 0)
		mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_NETNS_FD,
				 (uint32_t)f->netns_fd);
	if (f->event_mask)
		mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_EVENT_MASK, f->event_mask);
	if (f->batch_bytes)
		mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_BATCH_BYTES, f->batch_bytes);
	mnl_attr_nest_end(nlh, nest);
}

static bool prefix_match(const struct swl_prefix *p, const struct swl_addr *a)
{
	unsigned int full = p->len / 8, rest = p->len % 8;

	if (!p->set)
		return true;
	if (a->family != p->addr.family)
		return false;
	if (memcmp(a->raw, p->addr.raw, full))
		return false;
	if (!rest)
		return true;
	return ((a->raw[full] ^ p->addr.raw[full]) & (0xff00 >> rest)) == 0;
}

static bool range_match(const struct swl_port_range *r, uint16_t port)
{
	bool in = port >= r->min && port <= r->max;

	return !r->set || in != r->invert;
}

bool swl_filter_match(const struct swl_filter *f, const struct swl_conn *c)
{
	if (f->state_mask && !(f->state_mask & (1U << c->state)))
		return false;
	if (f->family && c->family != f->family)
		return false;
	return prefix_match(&f->local, &c->laddr) &&
	       prefix_match(&f->remote, &c->raddr) &&
	       range_match(&f->lport, c->lport) &&
	       range_match(&f->rport, c->rport);
}
