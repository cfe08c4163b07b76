// SPDX-License-Identifier: GPL-2.0
/*
 * hub.conf and spoke.conf: schema, typed reading, stripping for `wg
 * setconf`, tunnel address arithmetic, new documents and spoke
 * configurations. See wgconf.h.
 */
#include "wgconf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static void set_err(char err[CFG_ERR_LEN], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_err(char err[CFG_ERR_LEN], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, CFG_ERR_LEN, fmt, ap);
	va_end(ap);
}

/* ---- value checks --------------------------------------------------------- */

bool wgc_ifname_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= WGC_IFNAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' &&
		    *p != '.' && *p != '=' && *p != '+')
			return false;
	return true;
}

bool wgc_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= WGC_NAME_MAX)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' &&
		    *p != '.' && *p != '@')
			return false;
	return true;
}

bool wgc_parse_bool(const char *s, bool *v)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") ||
	    !strcasecmp(s, "on") || !strcmp(s, "1"))
		*v = true;
	else if (!strcasecmp(s, "no") || !strcasecmp(s, "false") ||
		 !strcasecmp(s, "off") || !strcmp(s, "0"))
		*v = false;
	else
		return false;
	return true;
}

static bool check_ifname(const char *value, char *why, size_t len)
{
	if (wgc_ifname_valid(value))
		return true;
	snprintf(why, len, "'%s' is not an interface name (1-15 of A-Z a-z 0-9 _ - . = +)",
		 value);
	return false;
}

static bool check_name(const char *value, char *why, size_t len)
{
	if (wgc_name_valid(value))
		return true;
	snprintf(why, len, "'%s' is not a name (1-32 of A-Z a-z 0-9 _ - . @)", value);
	return false;
}

static bool check_bool(const char *value, char *why, size_t len)
{
	bool v;

	if (wgc_parse_bool(value, &v))
		return true;
	snprintf(why, len, "'%s' is not yes or no", value);
	return false;
}

static bool parse_role(const char *s, enum wgc_role *r)
{
	if (!strcasecmp(s, "spoke"))
		*r = WGC_ROLE_SPOKE;
	else if (!strcasecmp(s, "relay"))
		*r = WGC_ROLE_RELAY;
	else if (!strcasecmp(s, "hub"))
		*r = WGC_ROLE_HUB;
	else
		return false;
	return true;
}

static bool check_role(const char *value, char *why, size_t len)
{
	enum wgc_role r;

	if (parse_role(value, &r))
		return true;
	snprintf(why, len, "'%s' is not relay, hub or spoke", value);
	return false;
}

static bool parse_keepalive(const char *s, uint16_t *v)
{
	if (!strcasecmp(s, "off") || !strcmp(s, "0")) {
		*v = 0;
		return true;
	}
	return cfg_parse_port(s, v);
}

static bool check_keepalive(const char *value, char *why, size_t len)
{
	uint16_t v;

	if (parse_keepalive(value, &v))
		return true;
	snprintf(why, len, "'%s' is not a number of seconds (0-65535) or off", value);
	return false;
}

static bool check_mtu(const char *value, char *why, size_t len)
{
	uint32_t v;

	if (cfg_parse_u32(value, &v) && v >= 576 && v <= 65535 &&
	    isdigit((unsigned char)value[0]))
		return true;
	snprintf(why, len, "'%s' is not an MTU (576-65535)", value);
	return false;
}

static const struct cfg_key_schema interface_keys[] = {
	{ "Interface", CFG_META, check_ifname },
	{ "Userspace", CFG_META, check_bool },
	{ "Lan", CFG_META | CFG_MULTI, cfg_check_cidr_list },
	{ "PrivateKey", CFG_REQUIRED, cfg_check_key },
	{ "Address", CFG_MULTI, cfg_check_cidr_list },
	{ "ListenPort", 0, cfg_check_port },
	{ "FwMark", 0, cfg_check_u32 },
	{ "MTU", 0, check_mtu },
	{ NULL, 0, NULL }
};

static const struct cfg_key_schema peer_keys[] = {
	{ "Role", CFG_META, check_role },
	{ "Name", CFG_META, check_name },
	{ "PublicKey", CFG_REQUIRED, cfg_check_key },
	{ "PresharedKey", 0, cfg_check_key },
	{ "AllowedIPs", CFG_MULTI, cfg_check_cidr_list },
	{ "Endpoint", 0, cfg_check_endpoint },
	{ "PersistentKeepalive", 0, check_keepalive },
	{ NULL, 0, NULL }
};

const struct cfg_section_schema wgc_schema[] = {
	{ "Interface", CFG_REQUIRED, interface_keys },
	{ "Peer", CFG_MULTI, peer_keys },
	{ NULL, 0, NULL }
};

/* ---- typed reading ---------------------------------------------------------- */

/* Append the CIDR lists of every @key line of @sec to *v. */
static int collect_cidrs(const struct cfg_section *sec, const char *key,
			 struct cfg_cidr **v, size_t *n)
{
	for (size_t i = 0; i < sec->n_entries; i++) {
		const struct cfg_entry *e = &sec->entries[i];
		struct cfg_cidr *c, *nv;
		size_t k;
		int ret;

		if (!cfg_name_eq(e->key, key))
			continue;
		ret = cfg_parse_cidr_list(e->value, &c, &k, NULL, 0);
		if (ret)
			return ret;
		nv = realloc(*v, (*n + k + 1) * sizeof(**v));
		if (!nv) {
			free(c);
			return -ENOMEM;
		}
		*v = nv;
		memcpy(*v + *n, c, k * sizeof(*c));
		*n += k;
		free(c);
	}
	return 0;
}

static unsigned int line_of(const struct cfg_section *sec, const char *key)
{
	const struct cfg_entry *e = cfg_entry(sec, key);

	return e && e->line ? e->line : sec->line;
}

void wgc_free(struct wgc *c)
{
	for (size_t i = 0; i < c->n_peers; i++)
		free(c->peers[i].allowed);
	if (c->peers)
		sodium_memzero(c->peers, c->n_peers * sizeof(*c->peers));
	free(c->peers);
	free(c->addrs);
	free(c->lans);
	sodium_memzero(c, sizeof(*c));
}

static int read_peer(const struct cfg_doc *doc, struct cfg_section *sec,
		     struct wgc_peer *p, char err[CFG_ERR_LEN])
{
	const char *v;

	memset(p, 0, sizeof(*p));
	p->sec = sec;
	v = cfg_get(sec, "Role");
	if (v)
		parse_role(v, &p->role);
	v = cfg_get(sec, "Name");
	if (v)
		snprintf(p->name, sizeof(p->name), "%s", v);
	cfg_parse_key(cfg_get(sec, "PublicKey"), p->public_key);
	v = cfg_get(sec, "PresharedKey");
	if (v) {
		p->has_psk = true;
		cfg_parse_key(v, p->psk);
	}
	v = cfg_get(sec, "Endpoint");
	if (v) {
		if (strlen(v) >= sizeof(p->endpoint)) {
			set_err(err, "%s:%u: Endpoint too long", doc->name,
				line_of(sec, "Endpoint"));
			return -EINVAL;
		}
		snprintf(p->endpoint, sizeof(p->endpoint), "%s", v);
	}
	v = cfg_get(sec, "PersistentKeepalive");
	if (v)
		parse_keepalive(v, &p->keepalive);
	if (collect_cidrs(sec, "AllowedIPs", &p->allowed, &p->n_allowed)) {
		set_err(err, "%s: out of memory", doc->name);
		return -ENOMEM;
	}
	return 0;
}

static const char *role_name(enum wgc_role r)
{
	return r == WGC_ROLE_RELAY ? "relay" : r == WGC_ROLE_HUB ? "hub" : "spoke";
}

/* Peers must differ in key, name and AllowedIPs, and be none of ours. */
static int check_peers(const struct cfg_doc *doc, struct wgc *c,
		       char err[CFG_ERR_LEN])
{
	for (size_t i = 0; i < c->n_peers; i++) {
		struct wgc_peer *p = &c->peers[i];

		if (key_equal(p->public_key, c->public_key)) {
			set_err(err, "%s:%u: the peer's PublicKey is this %s's own",
				doc->name, line_of(p->sec, "PublicKey"),
				c->kind == WGC_HUB ? "hub" : "spoke");
			return -EINVAL;
		}
		if ((c->kind == WGC_HUB && p->role == WGC_ROLE_HUB) ||
		    (c->kind == WGC_SPOKE && p->role == WGC_ROLE_SPOKE &&
		     cfg_get(p->sec, "Role"))) {
			set_err(err, "%s:%u: a %s has no %s peer", doc->name,
				line_of(p->sec, "Role"),
				c->kind == WGC_HUB ? "hub" : "spoke", role_name(p->role));
			return -EINVAL;
		}
		if (p->role == WGC_ROLE_RELAY || p->role == WGC_ROLE_HUB) {
			struct wgc_peer **slot = p->role == WGC_ROLE_RELAY ? &c->relay : &c->hub;

			if (*slot) {
				set_err(err, "%s:%u: a second %s peer (the first is on line %u)",
					doc->name, line_of(p->sec, "Role"),
					role_name(p->role), (*slot)->sec->line);
				return -EINVAL;
			}
			*slot = p;
		}
		for (size_t j = 0; j < i; j++) {
			const struct wgc_peer *q = &c->peers[j];

			if (key_equal(p->public_key, q->public_key)) {
				set_err(err, "%s:%u: PublicKey repeated (first on line %u)",
					doc->name, line_of(p->sec, "PublicKey"),
					line_of(q->sec, "PublicKey"));
				return -EINVAL;
			}
			if (p->name[0] && !strcasecmp(p->name, q->name)) {
				set_err(err, "%s:%u: name '%s' repeated (first on line %u)",
					doc->name, line_of(p->sec, "Name"), p->name,
					line_of(q->sec, "Name"));
				return -EINVAL;
			}
			for (size_t a = 0; a < p->n_allowed; a++) {
				for (size_t b = 0; b < q->n_allowed; b++) {
					struct cfg_cidr na, nb;

					wgc_network(&p->allowed[a], &na);
					wgc_network(&q->allowed[b], &nb);
					if (na.prefix == nb.prefix &&
					    wgc_cidr_covers(&na, &nb)) {
						char t[64];

						cfg_format_cidr(&na, t, sizeof(t));
						set_err(err, "%s:%u: AllowedIPs %s already belongs to the peer on line %u",
							doc->name, line_of(p->sec, "AllowedIPs"),
							t, q->sec->line);
						return -EINVAL;
					}
				}
			}
		}
	}
	return 0;
}

int wgc_from_doc(const struct cfg_doc *doc, enum wgc_kind kind, struct wgc *c,
		 char err[CFG_ERR_LEN])
{
	const struct cfg_section *iface;
	const char *v;
	size_t npeers;
	int ret;

	memset(c, 0, sizeof(*c));
	c->kind = kind;
	ret = cfg_validate(doc, wgc_schema, err);
	if (ret)
		return ret;
	iface = cfg_section(doc, "Interface", 0);
	snprintf(c->ifname, sizeof(c->ifname), "%s",
		 kind == WGC_HUB ? HUB_DEFAULT_IFNAME : SPOKE_DEFAULT_IFNAME);
	v = cfg_get(iface, "Interface");
	if (v)
		snprintf(c->ifname, sizeof(c->ifname), "%s", v);
	v = cfg_get(iface, "Userspace");
	if (v)
		wgc_parse_bool(v, &c->userspace);
	cfg_parse_key(cfg_get(iface, "PrivateKey"), c->private_key);
	if (!key_public_from_private(c->public_key, c->private_key)) {
		set_err(err, "%s:%u: the PrivateKey gives no public key: make a new one with 'wgx genkey'",
			doc->name, line_of(iface, "PrivateKey"));
		ret = -EINVAL;
		goto fail;
	}
	v = cfg_get(iface, "ListenPort");
	if (v) {
		c->has_listen_port = true;
		cfg_parse_port(v, &c->listen_port);
	}
	v = cfg_get(iface, "FwMark");
	if (v) {
		c->has_fwmark = true;
		cfg_parse_u32(v, &c->fwmark);
	}
	v = cfg_get(iface, "MTU");
	if (v)
		cfg_parse_u32(v, &c->mtu);
	if (collect_cidrs(iface, "Address", &c->addrs, &c->n_addrs) ||
	    collect_cidrs(iface, "Lan", &c->lans, &c->n_lans))
		goto nomem;
	if (kind == WGC_HUB && !c->n_addrs) {
		set_err(err, "%s:%u: [Interface] has no Address (the hub's tunnel address, e.g. %s)",
			doc->name, iface->line, HUB_DEFAULT_ADDRESS);
		ret = -EINVAL;
		goto fail;
	}
	if (kind == WGC_SPOKE && c->n_lans) {
		set_err(err, "%s:%u: 'Lan' is for a hub", doc->name,
			line_of(iface, "Lan"));
		ret = -EINVAL;
		goto fail;
	}
	npeers = cfg_section_count(doc, "Peer");
	c->peers = calloc(npeers ? npeers : 1, sizeof(*c->peers));
	if (!c->peers)
		goto nomem;
	for (size_t i = 0; i < npeers; i++) {
		ret = read_peer(doc, cfg_section(doc, "Peer", i), &c->peers[i], err);
		c->n_peers++;
		if (ret)
			goto fail;
	}
	ret = check_peers(doc, c, err);
	if (ret)
		goto fail;
	if (!c->relay) {
		set_err(err, "%s: no [Peer] with '# %s Role = relay' (run 'wgx %s init RELAY-IP[:PORT]')",
			doc->name, CFG_META_PREFIX, kind == WGC_HUB ? "hub" : "spoke");
		ret = -EINVAL;
		goto fail;
	}
	if (!c->relay->endpoint[0]) {
		set_err(err, "%s:%u: the relay's [Peer] has no Endpoint", doc->name,
			c->relay->sec->line);
		ret = -EINVAL;
		goto fail;
	}
	if (kind == WGC_HUB) {
		struct cfg_addr a;

		if (!wgc_relay_address(c, &a)) {
			set_err(err, "%s:%u: the relay's [Peer] has no inner address in AllowedIPs (e.g. 10.120.0.2/32)",
				doc->name, c->relay->sec->line);
			ret = -EINVAL;
			goto fail;
		}
	}
	return 0;
nomem:
	set_err(err, "%s: out of memory", doc->name);
	ret = -ENOMEM;
fail:
	wgc_free(c);
	return ret;
}

int wgc_load(const char *path, enum wgc_kind kind, struct cfg_doc **doc,
	     struct wgc *c, char err[CFG_ERR_LEN])
{
	struct cfg_doc *d;
	int ret = cfg_load_opts(path, CFG_PARSE_META, &d, err);

	if (doc)
		*doc = NULL;
	if (ret)
		return ret;
	ret = wgc_from_doc(d, kind, c, err);
	if (ret || !doc)
		cfg_free(d);
	else
		*doc = d;
	return ret;
}

struct wgc_peer *wgc_find_key(const struct wgc *c, const uint8_t key[WGX_KEY_LEN])
{
	for (size_t i = 0; i < c->n_peers; i++)
		if (key_equal(c->peers[i].public_key, key))
			return &c->peers[i];
	return NULL;
}

struct wgc_peer *wgc_find_name(const struct wgc *c, const char *name)
{
	for (size_t i = 0; i < c->n_peers; i++)
		if (c->peers[i].name[0] && !strcasecmp(c->peers[i].name, name))
			return &c->peers[i];
	return NULL;
}

bool wgc_relay_address(const struct wgc *c, struct cfg_addr *a)
{
	const struct wgc_peer *r = c->relay;

	if (!r)
		return false;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < r->n_allowed; i++) {
			const struct cfg_cidr *x = &r->allowed[i];
			unsigned int host = x->a.family == AF_INET ? 32 : 128;

			if (x->prefix != host || (pass == 0) != (x->a.family == AF_INET))
				continue;
			*a = x->a;
			return true;
		}
	}
	return false;
}

int wgc_spoke_keys(const struct wgc *c, struct key_list *l)
{
	for (size_t i = 0; i < c->n_peers; i++) {
		if (&c->peers[i] == c->relay)
			continue;
		if (key_list_add(l, c->peers[i].public_key))
			return -ENOMEM;
	}
	key_list_sort_unique(l);
	return 0;
}

/* ---- text building ------------------------------------------------------------ */

struct text {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void put(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->failed)
		return;
	for (;;) {
		size_t room = t->cap - t->len;

		va_start(ap, fmt);
		n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = true;
			return;
		}
		if (t->buf && (size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		{
			size_t cap = t->cap ? t->cap : 1024;
			char *nb;

			while (cap < t->len + (size_t)n + 1)
				cap *= 2;
			/* Not realloc: the text holds secrets. */
			nb = malloc(cap);
			if (!nb) {
				t->failed = true;
				return;
			}
			if (t->buf) {
				memcpy(nb, t->buf, t->len);
				sodium_memzero(t->buf, t->cap);
				free(t->buf);
			}
			t->buf = nb;
			t->cap = cap;
			t->buf[t->len] = '\0';
		}
	}
}

static char *finish(struct text *t, size_t *len)
{
	if (t->failed) {
		if (t->buf) {
			sodium_memzero(t->buf, t->cap);
			free(t->buf);
		}
		return NULL;
	}
	if (!t->buf)
		put(t, "%s", "");
	if (t->failed)
		return NULL;
	if (len)
		*len = t->len;
	return t->buf;
}

void wgc_cidrs_text(const struct cfg_cidr *v, size_t n, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++) {
		char c[64];
		int w;

		cfg_format_cidr(&v[i], c, sizeof(c));
		w = snprintf(buf + off, len - off, "%s%s", i ? ", " : "", c);
		if (w < 0)
			return;
		off += (size_t)w;
	}
}

static void put_key(struct text *t, const char *name, const uint8_t key[WGX_KEY_LEN])
{
	char b64[WGX_KEY_B64_LEN];

	key_to_base64(b64, key);
	put(t, "%s = %s\n", name, b64);
	sodium_memzero(b64, sizeof(b64));
}

static void put_cidrs(struct text *t, const char *name,
		      const struct cfg_cidr *v, size_t n)
{
	put(t, "%s =", name);
	for (size_t i = 0; i < n; i++) {
		char c[64];

		cfg_format_cidr(&v[i], c, sizeof(c));
		put(t, "%s%s", i ? ", " : " ", c);
	}
	put(t, "\n");
}

char *wgc_strip(const struct wgc *c, size_t *len)
{
	struct text t = { 0 };

	put(&t, "[Interface]\n");
	put_key(&t, "PrivateKey", c->private_key);
	if (c->has_listen_port)
		put(&t, "ListenPort = %u\n", c->listen_port);
	if (c->has_fwmark)
		put(&t, "FwMark = 0x%x\n", c->fwmark);
	for (size_t i = 0; i < c->n_peers; i++) {
		const struct wgc_peer *p = &c->peers[i];

		put(&t, "\n[Peer]\n");
		put_key(&t, "PublicKey", p->public_key);
		if (p->has_psk)
			put_key(&t, "PresharedKey", p->psk);
		if (p->n_allowed)
			put_cidrs(&t, "AllowedIPs", p->allowed, p->n_allowed);
		if (p->endpoint[0])
			put(&t, "Endpoint = %s\n", p->endpoint);
		if (p->keepalive)
			put(&t, "PersistentKeepalive = %u\n", p->keepalive);
	}
	return finish(&t, len);
}

/* ---- addresses ---------------------------------------------------------------- */

static unsigned int addr_bits(const struct cfg_addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

void wgc_network(const struct cfg_cidr *c, struct cfg_cidr *net)
{
	unsigned int bits = addr_bits(&c->a);

	*net = *c;
	for (unsigned int i = c->prefix; i < bits; i++)
		net->a.addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

static bool prefix_equal(const struct cfg_addr *a, const struct cfg_addr *b,
			 unsigned int prefix)
{
	for (unsigned int i = 0; i < prefix; i++) {
		uint8_t m = (uint8_t)(0x80 >> (i % 8));

		if ((a->addr[i / 8] & m) != (b->addr[i / 8] & m))
			return false;
	}
	return true;
}

bool wgc_cidr_covers(const struct cfg_cidr *outer, const struct cfg_cidr *inner)
{
	return outer->a.family == inner->a.family &&
	       outer->prefix <= inner->prefix &&
	       prefix_equal(&outer->a, &inner->a, outer->prefix);
}

bool wgc_addr_add(const struct cfg_addr *a, uint64_t n, struct cfg_addr *out)
{
	int last = a->family == AF_INET ? 3 : 15;
	unsigned int carry = 0;

	*out = *a;
	for (int i = last; i >= 0; i--) {
		unsigned int s = out->addr[i] + (unsigned int)(n & 0xff) + carry;

		out->addr[i] = (uint8_t)s;
		carry = s >> 8;
		n >>= 8;
		if (!n && !carry)
			return true;
	}
	return !n && !carry;
}

bool wgc_host_usable(const struct cfg_cidr *net, const struct cfg_addr *a)
{
	struct cfg_cidr host = { .a = *a, .prefix = addr_bits(a) };
	unsigned int bits = addr_bits(a);
	bool all0 = true, all1 = true;

	if (!wgc_cidr_covers(net, &host))
		return false;
	if (net->a.family != AF_INET || net->prefix > 30)
		return true;
	for (unsigned int i = net->prefix; i < bits; i++) {
		bool set = a->addr[i / 8] & (0x80 >> (i % 8));

		all0 &= !set;
		all1 &= set;
	}
	return !all0 && !all1;
}

bool wgc_addr_used(const struct wgc *c, const struct cfg_addr *a)
{
	struct cfg_cidr host = { .a = *a, .prefix = addr_bits(a) };

	for (size_t i = 0; i < c->n_addrs; i++)
		if (c->addrs[i].a.family == a->family &&
		    !memcmp(c->addrs[i].a.addr, a->addr, 16))
			return true;
	for (size_t i = 0; i < c->n_peers; i++)
		for (size_t j = 0; j < c->peers[i].n_allowed; j++) {
			const struct cfg_cidr *x = &c->peers[i].allowed[j];

			/* A peer's whole-network route (a spoke's own LAN
			 * inside the tunnel network would be odd) counts
			 * only when it is narrower than the network. */
			if (wgc_cidr_covers(x, &host))
				return true;
		}
	return false;
}

int wgc_alloc_spoke_addrs(const struct wgc *c, struct cfg_cidr *out,
			  char err[CFG_ERR_LEN])
{
	/* Bounded by the smallest network, and by a million tries. */
	for (uint64_t n = 1; n < (1u << 20); n++) {
		bool ok = true, room = true;

		for (size_t i = 0; i < c->n_addrs && ok; i++) {
			struct cfg_cidr net;

			wgc_network(&c->addrs[i], &net);
			out[i].prefix = net.prefix;
			if (!wgc_addr_add(&net.a, n, &out[i].a) ||
			    !wgc_cidr_covers(&net, &(struct cfg_cidr){ out[i].a, addr_bits(&out[i].a) })) {
				room = false;
				ok = false;
			} else if (!wgc_host_usable(&net, &out[i].a) ||
				   wgc_addr_used(c, &out[i].a)) {
				ok = false;
			}
		}
		if (!room)
			break;
		if (ok && c->n_addrs)
			return 0;
	}
	{
		char nets[256];

		wgc_cidrs_text(c->addrs, c->n_addrs, nets, sizeof(nets));
		set_err(err, "no free tunnel address left in %s: remove a spoke, or give the hub a larger network (wgx hub init --address)",
			nets);
	}
	return -ENOSPC;
}

/* ---- documents ----------------------------------------------------------------- */

static int add_key(struct cfg_section *sec, const char *name,
		   const uint8_t key[WGX_KEY_LEN])
{
	char b64[WGX_KEY_B64_LEN];
	int ret;

	key_to_base64(b64, key);
	ret = cfg_add(sec, name, b64);
	sodium_memzero(b64, sizeof(b64));
	return ret;
}

static int add_cidrs(struct cfg_section *sec, const char *name,
		     const struct cfg_cidr *v, size_t n, bool meta)
{
	char buf[4096];

	if (!n)
		return 0;
	wgc_cidrs_text(v, n, buf, sizeof(buf));
	return meta ? cfg_add_meta(sec, name, buf) : cfg_add(sec, name, buf);
}

static int add_relay_peer(struct cfg_doc *doc, const struct wgc_relay_init *r)
{
	struct cfg_section *sec = cfg_add_section(doc, "Peer");
	char port[8];

	if (!sec)
		return -ENOMEM;
	snprintf(port, sizeof(port), "%d", WGC_KEEPALIVE);
	if (cfg_add_meta(sec, "Role", "relay") ||
	    add_key(sec, "PublicKey", r->public_key) ||
	    add_cidrs(sec, "AllowedIPs", r->addrs, r->n_addrs, false) ||
	    cfg_add(sec, "Endpoint", r->endpoint) ||
	    cfg_add(sec, "PersistentKeepalive", port))
		return -ENOMEM;
	return 0;
}

struct cfg_doc *wgc_new_doc(const char *path, const struct wgc_init *init)
{
	struct cfg_doc *doc = cfg_new(path);
	struct cfg_section *top, *iface;
	bool hub = init->kind == WGC_HUB;

	if (!doc)
		return NULL;
	top = cfg_add_section(doc, NULL);
	iface = top ? cfg_add_section(doc, "Interface") : NULL;
	if (!iface ||
	    cfg_add_comment(top, hub ? "# wgx hub configuration, in wg-quick's format: lines \"# wgx: Key = Value\"" :
			    "# wgx spoke configuration, in wg-quick's format: lines \"# wgx: Key = Value\"") ||
	    cfg_add_comment(top, "# are wgx's own settings, comments to wg-quick. Change it with") ||
	    cfg_add_comment(top, hub ? "# 'wgx hub add-spoke' and 'wgx hub remove-spoke'; apply it with 'wgx hub reload'." :
			    "# 'wgx spoke add-hub'; apply it with 'wgx spoke reload'.") ||
	    (init->ifname && cfg_add_meta(iface, "Interface", init->ifname)) ||
	    (init->userspace && cfg_add_meta(iface, "Userspace", "yes")) ||
	    add_cidrs(iface, "Lan", init->lans, init->n_lans, true) ||
	    add_key(iface, "PrivateKey", init->private_key) ||
	    add_cidrs(iface, "Address", init->addrs, init->n_addrs, false))
		goto fail;
	if (init->listen_port) {
		char port[8];

		snprintf(port, sizeof(port), "%u", init->listen_port);
		if (cfg_add(iface, "ListenPort", port))
			goto fail;
	}
	if (add_relay_peer(doc, &init->relay))
		goto fail;
	return doc;
fail:
	cfg_free(doc);
	return NULL;
}

/* Insert @sec (the document's last section) right after @after. */
static void move_after(struct cfg_doc *doc, struct cfg_section *after)
{
	struct cfg_section *sec = doc->sections[doc->n_sections - 1];

	for (size_t i = 0; i + 1 < doc->n_sections; i++) {
		if (doc->sections[i] != after)
			continue;
		memmove(&doc->sections[i + 2], &doc->sections[i + 1],
			(doc->n_sections - i - 2) * sizeof(*doc->sections));
		doc->sections[i + 1] = sec;
		return;
	}
}

int wgc_doc_set_relay(struct cfg_doc *doc, const struct wgc *c,
		      const struct wgc_relay_init *relay)
{
	struct cfg_section *prev = NULL;

	if (c->relay) {
		/* The new one takes the old one's place. */
		for (size_t i = 0; i < doc->n_sections; i++)
			if (doc->sections[i] == c->relay->sec && i > 0)
				prev = doc->sections[i - 1];
		cfg_remove_section(doc, c->relay->sec);
	}
	if (add_relay_peer(doc, relay))
		return -ENOMEM;
	if (!prev)
		prev = cfg_section(doc, "Interface", 0);
	move_after(doc, prev);
	return 0;
}

int wgc_doc_add_spoke(struct cfg_doc *doc, const char *name,
		      const uint8_t public_key[WGX_KEY_LEN],
		      const uint8_t psk[WGX_KEY_LEN],
		      const struct cfg_cidr *addrs, size_t n_addrs)
{
	struct cfg_section *sec = cfg_add_section(doc, "Peer");
	struct cfg_cidr host[8];

	if (!sec || n_addrs > 8)
		return -ENOMEM;
	for (size_t i = 0; i < n_addrs; i++) {
		host[i] = addrs[i];
		host[i].prefix = addr_bits(&addrs[i].a);
	}
	if ((name && name[0] && cfg_add_meta(sec, "Name", name)) ||
	    add_key(sec, "PublicKey", public_key) ||
	    add_key(sec, "PresharedKey", psk) ||
	    add_cidrs(sec, "AllowedIPs", host, n_addrs, false))
		return -ENOMEM;
	return 0;
}

int wgc_doc_set_hub(struct cfg_doc *doc, const struct wgc *c,
		    const uint8_t public_key[WGX_KEY_LEN],
		    const uint8_t psk[WGX_KEY_LEN],
		    const struct cfg_cidr *allowed, size_t n_allowed,
		    const char *endpoint)
{
	struct cfg_section *sec;
	char port[8];

	if (c->hub)
		cfg_remove_section(doc, c->hub->sec);
	sec = cfg_add_section(doc, "Peer");
	if (!sec)
		return -ENOMEM;
	snprintf(port, sizeof(port), "%d", WGC_KEEPALIVE);
	if (cfg_add_meta(sec, "Role", "hub") ||
	    add_key(sec, "PublicKey", public_key) ||
	    add_key(sec, "PresharedKey", psk) ||
	    add_cidrs(sec, "AllowedIPs", allowed, n_allowed, false) ||
	    cfg_add(sec, "Endpoint", endpoint) ||
	    cfg_add(sec, "PersistentKeepalive", port))
		return -ENOMEM;
	return 0;
}

void wgc_hub_allowed_text(const struct wgc *c, char *buf, size_t len)
{
	struct cfg_cidr v[64];
	size_t n = 0;

	for (size_t i = 0; i < c->n_addrs && n < 64; i++)
		wgc_network(&c->addrs[i], &v[n++]);
	for (size_t i = 0; i < c->n_lans && n < 64; i++)
		wgc_network(&c->lans[i], &v[n++]);
	wgc_cidrs_text(v, n, buf, len);
}

char *wgc_spoke_text(const struct wgc *c, const uint8_t *private_key,
		     const uint8_t psk[WGX_KEY_LEN],
		     const struct cfg_cidr *addrs, size_t n_addrs, size_t *len)
{
	struct text t = { 0 };
	char allowed[4096];
	struct cfg_cidr relay[8];
	size_t nrelay = 0;

	put(&t, "[Interface]\n");
	if (private_key)
		put_key(&t, "PrivateKey", private_key);
	else
		put(&t, "# PrivateKey: the spoke's own (wgx spoke init made it)\n");
	put_cidrs(&t, "Address", addrs, n_addrs);
	put(&t, "\n[Peer]\n");
	put_key(&t, "PublicKey", c->public_key);
	put_key(&t, "PresharedKey", psk);
	wgc_hub_allowed_text(c, allowed, sizeof(allowed));
	put(&t, "AllowedIPs = %s\n", allowed);
	put(&t, "Endpoint = %s\n", c->relay->endpoint);
	put(&t, "PersistentKeepalive = %d\n", WGC_KEEPALIVE);
	put(&t, "\n[Peer]\n");
	put_key(&t, "PublicKey", c->relay->public_key);
	for (size_t i = 0; i < c->relay->n_allowed && nrelay < 8; i++)
		if (c->relay->allowed[i].prefix == addr_bits(&c->relay->allowed[i].a))
			relay[nrelay++] = c->relay->allowed[i];
	if (nrelay)
		put_cidrs(&t, "AllowedIPs", relay, nrelay);
	put(&t, "Endpoint = %s\n", c->relay->endpoint);
	put(&t, "PersistentKeepalive = %d\n", WGC_KEEPALIVE);
	return finish(&t, len);
}
