/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small parser and writer for wg-quick-like INI files (relay.conf,
 * hub.conf, spoke.conf): a document is a list of sections, each a list of
 * (key, value, line) entries. Comment and blank lines are kept as entries
 * without a key, so a rewritten file keeps them.
 *
 * Syntax: "[Section]" headers, "Key = Value" lines, '#' starts a comment
 * (whole line or trailing), white space around names and values is trimmed,
 * CRLF line ends are accepted. Keys and section names compare
 * case-insensitively. Which keys exist, and which may repeat, is checked
 * separately against a schema (cfg_validate).
 */
#ifndef _WGX_CONFIG_H
#define _WGX_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Room for one error message, "path:line: what" included. */
#define CFG_ERR_LEN 512
/* Files larger than this are refused. */
#define CFG_MAX_FILE_SIZE (64u << 20)

struct cfg_entry {
	char *key;		/* NULL: a comment or blank line, kept as is */
	char *value;		/* trimmed, without the comment; NULL iff !key */
	char *comment;		/* "# ..." after the value, the whole line when
				 * !key, or NULL */
	unsigned int line;	/* 1-based; 0 when added by the program */
	bool meta;		/* a "# wgx: Key = Value" line (CFG_PARSE_META) */
};

struct cfg_section {
	char *name;		/* NULL for the lines above the first header */
	char *comment;		/* trailing comment of the header line, or NULL */
	unsigned int line;	/* of the header; 0 when added by the program */
	struct cfg_entry *entries;
	size_t n_entries, cap;
};

struct cfg_doc {
	char *name;		/* used in messages: the path as given */
	struct cfg_section **sections;
	size_t n_sections, cap;
};

/* Schemas: arrays terminated by an entry whose name is NULL. */
enum {
	CFG_MULTI	= 1u << 0,	/* may appear more than once */
	CFG_REQUIRED	= 1u << 1,	/* must appear */
	CFG_META	= 1u << 2,	/* a "# wgx: Key = Value" line, never a
					 * plain "Key = Value" one */
};

struct cfg_key_schema {
	const char *name;	/* canonical spelling */
	unsigned int flags;
	/* Checks a value; on failure writes the reason into @why. */
	bool (*check)(const char *value, char *why, size_t len);
};

struct cfg_section_schema {
	const char *name;
	unsigned int flags;
	const struct cfg_key_schema *keys;
};

/* A new, empty document; NULL when out of memory. */
struct cfg_doc *cfg_new(const char *name);
/* Frees the document, zeroing every string first (values may be secrets). */
void cfg_free(struct cfg_doc *doc);

/* Parse @len bytes of @text. Returns 0, -EINVAL with "name:line: what" in
 * @err, or -ENOMEM. */
int cfg_parse(const char *text, size_t len, const char *name,
	      struct cfg_doc **out, char err[CFG_ERR_LEN]);
/* Read and parse @path. Returns 0 or a negative errno with a message in
 * @err: -ENOENT for a missing file, -EINVAL for a syntax error, ... */
int cfg_load(const char *path, struct cfg_doc **out, char err[CFG_ERR_LEN]);

/* Metadata in comments: with CFG_PARSE_META, a whole-line comment of the
 * form "# wgx: Key = Value" (inside a section) is an entry with meta set,
 * so that a file can carry wgx's own settings and still be read by
 * wg-quick and `wg setconf` after "wg-quick strip" (which drops comments).
 * Other comments stay comments. The writer prints meta entries back in the
 * same form. */
#define CFG_META_PREFIX "wgx:"
enum {
	CFG_PARSE_META	= 1u << 0,
};
int cfg_parse_opts(const char *text, size_t len, const char *name,
		   unsigned int flags, struct cfg_doc **out,
		   char err[CFG_ERR_LEN]);
int cfg_load_opts(const char *path, unsigned int flags, struct cfg_doc **out,
		  char err[CFG_ERR_LEN]);
/* Check every section and key against @schema: unknown sections and keys,
 * repeated single keys or sections, missing required ones, and each value
 * through its check function. Returns 0 or -EINVAL with a message. */
int cfg_validate(const struct cfg_doc *doc,
		 const struct cfg_section_schema *schema,
		 char err[CFG_ERR_LEN]);

/* Case-insensitive name comparison. */
bool cfg_name_eq(const char *a, const char *b);
/* The @index-th section named @name (0-based), or NULL. */
struct cfg_section *cfg_section(const struct cfg_doc *doc, const char *name,
				size_t index);
size_t cfg_section_count(const struct cfg_doc *doc, const char *name);
/* Append a new section; NULL when out of memory. A NULL @name makes a
 * nameless section (comments above the first header: add it first). */
struct cfg_section *cfg_add_section(struct cfg_doc *doc, const char *name);
void cfg_remove_section(struct cfg_doc *doc, struct cfg_section *sec);

/* The first entry of @key in @sec, or NULL. Entry pointers stay valid only
 * until the section is changed. */
const struct cfg_entry *cfg_entry(const struct cfg_section *sec,
				  const char *key);
/* The first value of @key, or NULL. */
const char *cfg_get(const struct cfg_section *sec, const char *key);
size_t cfg_count(const struct cfg_section *sec, const char *key);
/* Give @key the single value @value: the first entry is changed, further
 * ones removed; appended if absent. 0 or -ENOMEM. */
int cfg_set(struct cfg_section *sec, const char *key, const char *value);
/* Append one more entry. 0 or -ENOMEM. */
int cfg_add(struct cfg_section *sec, const char *key, const char *value);
/* The same for a meta entry: cfg_set_meta changes the first entry of @key
 * or inserts one after the section's last meta entry (at its top when it
 * has none); cfg_add_meta appends. 0 or -ENOMEM. */
int cfg_set_meta(struct cfg_section *sec, const char *key, const char *value);
int cfg_add_meta(struct cfg_section *sec, const char *key, const char *value);
/* Append a comment line ("# ..." or "" for a blank line). 0 or -ENOMEM. */
int cfg_add_comment(struct cfg_section *sec, const char *comment);
/* Remove every entry of @key; returns how many. */
size_t cfg_remove(struct cfg_section *sec, const char *key);

/* The document as text (malloc'd, NUL-terminated, *len without the NUL);
 * NULL when out of memory. Contains secrets: zero before freeing. */
char *cfg_format(const struct cfg_doc *doc, size_t *len);

enum {
	CFG_WRITE_NOREPLACE	= 1u << 0,	/* fail with -EEXIST */
};
/* Write @len bytes atomically: a temporary file in the same directory,
 * fsync, rename over @path (or, with CFG_WRITE_NOREPLACE, only if @path does
 * not exist), then fsync the directory. Either the old or the new contents
 * are in place afterwards, never a mix. Returns 0 or a negative errno with
 * a message in @err. */
int cfg_write_atomic(const char *path, const void *data, size_t len,
		     mode_t mode, unsigned int flags, char err[CFG_ERR_LEN]);
/* cfg_format + cfg_write_atomic. */
int cfg_write(const struct cfg_doc *doc, const char *path, mode_t mode,
	      unsigned int flags, char err[CFG_ERR_LEN]);
/* Create the missing directories above @path (its parent and upwards) with
 * @mode. 0 or a negative errno with a message. */
int cfg_mkdir_parents(const char *path, mode_t mode, char err[CFG_ERR_LEN]);

/* Typed value parsers: true when the whole string is valid. */
bool cfg_parse_key(const char *s, uint8_t key[32]);
/* A port 1..65535, decimal. */
bool cfg_parse_port(const char *s, uint16_t *port);
/* A 32-bit number, decimal or 0x-hex; "off" is 0 (as wg's FwMark). */
bool cfg_parse_u32(const char *s, uint32_t *v);

/* HOST[:PORT] with HOST a name, an IPv4 address, "[IPv6]" or a bare IPv6
 * address (then without a port). Without a port, *port = @default_port,
 * refused when that is 0. @host receives the host without brackets. */
bool cfg_parse_endpoint(const char *s, char *host, size_t hostlen,
			uint16_t *port, uint16_t default_port);

/* A numeric IPv4 or IPv6 address. */
struct cfg_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* IPv4 in the first 4 bytes */
};
bool cfg_parse_addr(const char *s, struct cfg_addr *a);

/* ADDRESS[/PREFIX]; without a prefix, /32 or /128. Host bits may be set
 * (as in wg-quick's Address). */
struct cfg_cidr {
	struct cfg_addr a;
	unsigned int prefix;
};
bool cfg_parse_cidr(const char *s, struct cfg_cidr *c);
/* "addr/prefix" into @buf (at least 50 bytes). */
void cfg_format_cidr(const struct cfg_cidr *c, char *buf, size_t len);

/* Split a comma list, trimming each item. "" gives no items; an empty item
 * ("a,,b", "a,") is -EINVAL. Returns 0, -EINVAL or -ENOMEM. */
int cfg_split_list(const char *s, char ***items, size_t *n);
void cfg_free_list(char **items, size_t n);
/* A comma list of CIDRs (AllowedIPs, Address). 0, -EINVAL (the bad item in
 * @why) or -ENOMEM. */
int cfg_parse_cidr_list(const char *s, struct cfg_cidr **out, size_t *n,
			char *why, size_t whylen);

/* Value checks for schemas. */
bool cfg_check_key(const char *value, char *why, size_t len);
bool cfg_check_port(const char *value, char *why, size_t len);
bool cfg_check_u32(const char *value, char *why, size_t len);
bool cfg_check_endpoint(const char *value, char *why, size_t len);
bool cfg_check_addr(const char *value, char *why, size_t len);
bool cfg_check_cidr_list(const char *value, char *why, size_t len);

#endif /* _WGX_CONFIG_H */
