/* SPDX-License-Identifier: GPL-2.0 */
/*
 * relay.conf: the [Relay] section, read into a typed struct, written anew
 * by `wgx relay init`, and the [Peer] section `wgx export` prints.
 *
 *   [Relay]
 *   PrivateKey = BASE64            required
 *   ListenPort = 8787              optional, 1-65535
 *   AllowedPublicKeys = K1, K2     optional, may repeat (the lines add up);
 *                                  "all" admits any key; empty: none
 *   FwMark = 0x1234 | off          optional
 *   Name = wgx0                    optional, 1-15 of [A-Za-z0-9_.-]
 *   Endpoint = HOST[:PORT], ...    optional, may repeat: public addresses
 *                                  for export (the first is used)
 *   Address = 10.120.0.2           optional: the relay's inner address
 *                                  that export puts in AllowedIPs
 */
#ifndef _WGX_RELAY_CONF_H
#define _WGX_RELAY_CONF_H

#include "config.h"
#include "key.h"

#include <stdio.h>
#include <uapi/linux/wgx.h>

#define RELAY_CONF_DEFAULT	"/etc/wgx/relay.conf"
#define RELAY_DEFAULT_NAME	"wgx0"
#define RELAY_DEFAULT_ADDRESS	"10.120.0.2"
#define RELAY_KEEPALIVE		25

struct relay_endpoint {
	char host[256];		/* name or address, IPv6 without brackets */
	uint16_t port;		/* 0: the relay's listen port */
};

struct relay_conf {
	char name[WGX_RELAY_NAME_MAX];
	uint8_t private_key[WGX_KEY_LEN];
	uint16_t listen_port;
	bool has_fwmark;
	uint32_t fwmark;
	bool allow_all;
	struct key_list allowed;	/* sorted, without duplicates */
	size_t allowed_duplicates;	/* dropped from the lines */
	struct relay_endpoint *endpoints;
	size_t n_endpoints;
	bool has_address;
	struct cfg_addr address;
};

extern const struct cfg_section_schema relay_conf_schema[];

/* A valid relay name: 1..WGX_RELAY_NAME_MAX-1 of [A-Za-z0-9_.-]. */
bool relay_name_valid(const char *name);
/* "all" or a comma list of base64 keys; for --allow and the config. */
bool relay_check_allowed(const char *value, char *why, size_t len);

/* HOST[:PORT] into @e (port 0 when absent). */
bool relay_parse_endpoint(const char *s, struct relay_endpoint *e);

/* Validate @doc against relay_conf_schema and fill @rc. 0, -EINVAL or
 * -ENOMEM with a message in @err. */
int relay_conf_from_doc(const struct cfg_doc *doc, struct relay_conf *rc,
			char err[CFG_ERR_LEN]);
/* cfg_load + relay_conf_from_doc. -ENOENT when the file is missing. */
int relay_conf_load(const char *path, struct relay_conf *rc,
		    char err[CFG_ERR_LEN]);
/* Frees and zeroes (the private key). */
void relay_conf_free(struct relay_conf *rc);

/* A new relay.conf for `wgx relay init`: @allow is "all", a comma list of
 * keys, or NULL for none. NULL when out of memory. */
struct cfg_doc *relay_conf_new_doc(const char *path,
				   const uint8_t private_key[WGX_KEY_LEN],
				   uint16_t port, const char *allow);

/* Print the [Peer] section for hubs and spokes: @endpoints[0] becomes the
 * Endpoint line, the others are listed as comments. */
void relay_export_print(FILE *f, const uint8_t public_key[WGX_KEY_LEN],
			const char *const *endpoints, size_t n_endpoints,
			const struct cfg_addr *address);

#endif /* _WGX_RELAY_CONF_H */
