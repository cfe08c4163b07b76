// SPDX-License-Identifier: GPL-2.0
/*
 * relay.conf: schema, typed reading, the file `wgx relay init` writes and
 * the [Peer] section `wgx export` prints.
 */
#include "relay_conf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool relay_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= WGX_RELAY_NAME_MAX)
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '.')
			return false;
	return true;
}

static bool check_name(const char *value, char *why, size_t len)
{
	if (relay_name_valid(value))
		return true;
	snprintf(why, len, "'%s' is not 1-%d letters, digits, '_', '-' or '.'",
		 value, WGX_RELAY_NAME_MAX - 1);
	return false;
}

/* A comma-separated list whose every item passes @item_ok; an empty list
 * is wrong with @if_empty as the reason, where given. */
static bool check_list(const char *value, char *why, size_t len,
		       const char *if_empty,
		       bool (*item_ok)(const char *item, char *why, size_t len))
{
	char **items;
	size_t n;
	int ret = cfg_split_list(value, &items, &n);
	bool ok = true;

	if (ret) {
		snprintf(why, len, ret == -EINVAL ? "empty item in the list" :
			 "out of memory");
		return false;
	}
	if (!n && if_empty) {
		snprintf(why, len, "%s", if_empty);
		ok = false;
	}
	for (size_t i = 0; i < n && ok; i++)
		ok = item_ok(items[i], why, len);
	cfg_free_list(items, n);
	return ok;
}

static bool check_allowed_item(const char *item, char *why, size_t len)
{
	uint8_t key[WGX_KEY_LEN];

	if (!strcasecmp(item, "all") || cfg_parse_key(item, key))
		return true;
	snprintf(why, len, "'%s' is not a base64 public key (or \"all\")", item);
	return false;
}

bool relay_check_allowed(const char *value, char *why, size_t len)
{
	return check_list(value, why, len, NULL, check_allowed_item);
}

/* HOST[:PORT]; *port is 0 without one. */
static bool parse_endpoint_opt_port(const char *s, char *host, size_t hostlen,
				    uint16_t *port)
{
	if (cfg_parse_endpoint(s, host, hostlen, port, 0))
		return true;
	if (!cfg_parse_endpoint(s, host, hostlen, port, 1))
		return false;
	*port = 0;
	return true;
}

bool relay_parse_endpoint(const char *s, struct relay_endpoint *e)
{
	return parse_endpoint_opt_port(s, e->host, sizeof(e->host), &e->port);
}

static bool check_endpoint_item(const char *item, char *why, size_t len)
{
	char host[256];
	uint16_t port;

	if (parse_endpoint_opt_port(item, host, sizeof(host), &port))
		return true;
	snprintf(why, len, "'%s' is not HOST[:PORT] (IPv6 as [ADDRESS]:PORT)", item);
	return false;
}

static bool check_endpoints(const char *value, char *why, size_t len)
{
	return check_list(value, why, len, "empty: give HOST[:PORT]",
			  check_endpoint_item);
}

static const struct cfg_key_schema relay_keys[] = {
	{ "PrivateKey", CFG_REQUIRED, cfg_check_key },
	{ "ListenPort", 0, cfg_check_port },
	{ "AllowedPublicKeys", CFG_MULTI, relay_check_allowed },
	{ "FwMark", 0, cfg_check_u32 },
	{ "Name", 0, check_name },
	{ "Endpoint", CFG_MULTI, check_endpoints },
	{ "Address", 0, cfg_check_addr },
	{ NULL, 0, NULL }
};

const struct cfg_section_schema relay_conf_schema[] = {
	{ "Relay", CFG_REQUIRED, relay_keys },
	{ NULL, 0, NULL }
};

void relay_conf_free(struct relay_conf *rc)
{
	key_list_free(&rc->allowed);
	free(rc->endpoints);
	sodium_memzero(rc, sizeof(*rc));
}

static int add_allowed(struct relay_conf *rc, const char *value)
{
	char **items;
	size_t n;
	int ret = cfg_split_list(value, &items, &n);

	for (size_t i = 0; !ret && i < n; i++) {
		uint8_t key[WGX_KEY_LEN];

		if (!strcasecmp(items[i], "all"))
			rc->allow_all = true;
		else if (!cfg_parse_key(items[i], key))
			ret = -EINVAL;	/* validated before: cannot happen */
		else
			ret = key_list_add(&rc->allowed, key);
	}
	cfg_free_list(items, n);
	return ret;
}

static int add_endpoints(struct relay_conf *rc, const char *value)
{
	char **items;
	size_t n;
	int ret = cfg_split_list(value, &items, &n);

	if (!ret && n) {
		struct relay_endpoint *e = realloc(rc->endpoints,
			(rc->n_endpoints + n) * sizeof(*e));

		if (!e)
			ret = -ENOMEM;
		else
			rc->endpoints = e;
	}
	for (size_t i = 0; !ret && i < n; i++) {
		struct relay_endpoint *e = &rc->endpoints[rc->n_endpoints];

		if (!parse_endpoint_opt_port(items[i], e->host, sizeof(e->host),
					     &e->port))
			ret = -EINVAL;
		else
			rc->n_endpoints++;
	}
	cfg_free_list(items, n);
	return ret;
}

int relay_conf_from_doc(const struct cfg_doc *doc, struct relay_conf *rc,
			char err[CFG_ERR_LEN])
{
	const struct cfg_section *sec;
	const char *v;
	int ret;

	memset(rc, 0, sizeof(*rc));
	ret = cfg_validate(doc, relay_conf_schema, err);
	if (ret)
		return ret;
	sec = cfg_section(doc, "Relay", 0);
	snprintf(rc->name, sizeof(rc->name), "%s",
		 (v = cfg_get(sec, "Name")) ? v : RELAY_DEFAULT_NAME);
	cfg_parse_key(cfg_get(sec, "PrivateKey"), rc->private_key);
	rc->listen_port = WGX_DEFAULT_PORT;
	if ((v = cfg_get(sec, "ListenPort")))
		cfg_parse_port(v, &rc->listen_port);
	if ((v = cfg_get(sec, "FwMark"))) {
		rc->has_fwmark = true;
		cfg_parse_u32(v, &rc->fwmark);
	}
	if ((v = cfg_get(sec, "Address"))) {
		rc->has_address = true;
		cfg_parse_addr(v, &rc->address);
	}
	for (size_t i = 0; i < sec->n_entries; i++) {
		const struct cfg_entry *e = &sec->entries[i];

		if (cfg_name_eq(e->key, "AllowedPublicKeys"))
			ret = add_allowed(rc, e->value);
		else if (cfg_name_eq(e->key, "Endpoint"))
			ret = add_endpoints(rc, e->value);
		if (ret) {
			snprintf(err, CFG_ERR_LEN, "%s: out of memory", doc->name);
			relay_conf_free(rc);
			return -ENOMEM;
		}
	}
	rc->allowed_duplicates = key_list_sort_unique(&rc->allowed);
	return 0;
}

int relay_conf_load(const char *path, struct relay_conf *rc,
		    char err[CFG_ERR_LEN])
{
	struct cfg_doc *doc;
	int ret;

	memset(rc, 0, sizeof(*rc));
	ret = cfg_load(path, &doc, err);
	if (ret)
		return ret;
	ret = relay_conf_from_doc(doc, rc, err);
	cfg_free(doc);
	return ret;
}

struct cfg_doc *relay_conf_new_doc(const char *path,
				   const uint8_t private_key[WGX_KEY_LEN],
				   uint16_t port, const char *allow)
{
	struct cfg_doc *doc = cfg_new(path);
	struct cfg_section *pre, *sec;
	char b64[WGX_KEY_B64_LEN], num[8];
	int ret = 0;

	if (!doc)
		return NULL;
	key_to_base64(b64, private_key);
	snprintf(num, sizeof(num), "%u", port);
	pre = cfg_add_section(doc, NULL);
	sec = cfg_add_section(doc, "Relay");
	if (!pre || !sec)
		goto nomem;
	ret |= cfg_add_comment(pre, "# wgx relay configuration: see 'wgx relay --help'.");
	ret |= cfg_add_comment(pre, "# Apply changes with 'wgx relay up'.");
	ret |= cfg_add(sec, "PrivateKey", b64);
	ret |= cfg_add(sec, "ListenPort", num);
	ret |= cfg_add_comment(sec, "# Public keys of the hubs and spokes that may use the relay, comma-separated;");
	ret |= cfg_add_comment(sec, "# the line may repeat (the keys add up). \"all\" admits any key.");
	ret |= cfg_add(sec, "AllowedPublicKeys", allow ? allow : "");
	ret |= cfg_add_comment(sec, "# Public address(es) that 'wgx export' puts in Endpoint, when the host's");
	ret |= cfg_add_comment(sec, "# own addresses are not the ones reachable from outside (NAT, forwarding):");
	ret |= cfg_add_comment(sec, "#Endpoint = relay.example.com:8787");
	if (ret)
		goto nomem;
	sodium_memzero(b64, sizeof(b64));
	return doc;
nomem:
	sodium_memzero(b64, sizeof(b64));
	cfg_free(doc);
	return NULL;
}

void relay_export_print(FILE *f, const uint8_t public_key[WGX_KEY_LEN],
			const char *const *endpoints, size_t n_endpoints,
			const struct cfg_addr *address)
{
	char b64[WGX_KEY_B64_LEN], a[INET6_ADDRSTRLEN];

	key_to_base64(b64, public_key);
	inet_ntop(address->family, address->addr, a, sizeof(a));
	fprintf(f, "[Peer]\n");
	fprintf(f, "# wgx relay\n");
	fprintf(f, "PublicKey = %s\n", b64);
	if (n_endpoints)
		fprintf(f, "Endpoint = %s\n", endpoints[0]);
	for (size_t i = 1; i < n_endpoints; i++)
		fprintf(f, "# Endpoint = %s\n", endpoints[i]);
	fprintf(f, "PersistentKeepalive = %d\n", RELAY_KEEPALIVE);
	fprintf(f, "AllowedIPs = %s/%d\n", a, address->family == AF_INET ? 32 : 128);
}
