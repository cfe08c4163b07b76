// SPDX-License-Identifier: GPL-2.0
/*
 * wg-quick-like INI files: parser, schema check, typed value parsers and an
 * atomic writer. See config.h.
 */
#include "config.h"
#include "key.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_err(char err[CFG_ERR_LEN], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_err(char err[CFG_ERR_LEN], const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err, CFG_ERR_LEN, fmt, ap);
	va_end(ap);
}

static void free_secret(char *s)
{
	if (!s)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The length of a trailing comment from @hash to @end, without trailing
 * white space: what is written must read back the same. */
static size_t comment_len(const char *hash, const char *end)
{
	while (end > hash && is_space(end[-1]))
		end--;
	return (size_t)(end - hash);
}

/* Trim [*b, *e) in place. */
static void trim(const char **b, const char **e)
{
	while (*b < *e && is_space(**b))
		(*b)++;
	while (*e > *b && is_space((*e)[-1]))
		(*e)--;
}

static bool valid_name(const char *s, size_t n)
{
	if (!n || !isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* ---- documents ---------------------------------------------------------- */

struct cfg_doc *cfg_new(const char *name)
{
	struct cfg_doc *doc = calloc(1, sizeof(*doc));

	if (!doc)
		return NULL;
	doc->name = strdup(name ? name : "config");
	if (!doc->name) {
		free(doc);
		return NULL;
	}
	return doc;
}

static void entry_free(struct cfg_entry *e)
{
	free_secret(e->key);
	free_secret(e->value);
	free_secret(e->comment);
}

static void section_free(struct cfg_section *sec)
{
	for (size_t i = 0; i < sec->n_entries; i++)
		entry_free(&sec->entries[i]);
	free(sec->entries);
	free(sec->name);
	free(sec->comment);
	free(sec);
}

void cfg_free(struct cfg_doc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->n_sections; i++)
		section_free(doc->sections[i]);
	free(doc->sections);
	free(doc->name);
	free(doc);
}

static struct cfg_section *add_section(struct cfg_doc *doc, const char *name,
				       size_t namelen, unsigned int line)
{
	struct cfg_section *sec;

	if (doc->n_sections == doc->cap) {
		size_t cap = doc->cap ? doc->cap * 2 : 4;
		void *p = realloc(doc->sections, cap * sizeof(*doc->sections));

		if (!p)
			return NULL;
		doc->sections = p;
		doc->cap = cap;
	}
	sec = calloc(1, sizeof(*sec));
	if (!sec)
		return NULL;
	if (name) {
		sec->name = dup_n(name, namelen);
		if (!sec->name) {
			free(sec);
			return NULL;
		}
	}
	sec->line = line;
	doc->sections[doc->n_sections++] = sec;
	return sec;
}

struct cfg_section *cfg_add_section(struct cfg_doc *doc, const char *name)
{
	return add_section(doc, name, name ? strlen(name) : 0, 0);
}

void cfg_remove_section(struct cfg_doc *doc, struct cfg_section *sec)
{
	for (size_t i = 0; i < doc->n_sections; i++) {
		if (doc->sections[i] != sec)
			continue;
		section_free(sec);
		memmove(&doc->sections[i], &doc->sections[i + 1],
			(doc->n_sections - i - 1) * sizeof(*doc->sections));
		doc->n_sections--;
		return;
	}
}

/* Append an entry taking ownership of the strings (freed on failure). */
static int push_entry(struct cfg_section *sec, char *key, char *value,
		      char *comment, unsigned int line)
{
	struct cfg_entry *e;

	if (sec->n_entries == sec->cap) {
		size_t cap = sec->cap ? sec->cap * 2 : 8;
		void *p = realloc(sec->entries, cap * sizeof(*sec->entries));

		if (!p)
			goto nomem;
		sec->entries = p;
		sec->cap = cap;
	}
	e = &sec->entries[sec->n_entries++];
	e->key = key;
	e->value = value;
	e->comment = comment;
	e->line = line;
	e->meta = false;
	return 0;
nomem:
	free_secret(key);
	free_secret(value);
	free_secret(comment);
	return -ENOMEM;
}

bool cfg_name_eq(const char *a, const char *b)
{
	return a && b && !strcasecmp(a, b);
}

struct cfg_section *cfg_section(const struct cfg_doc *doc, const char *name,
				size_t index)
{
	for (size_t i = 0; i < doc->n_sections; i++)
		if (cfg_name_eq(doc->sections[i]->name, name) && index-- == 0)
			return doc->sections[i];
	return NULL;
}

size_t cfg_section_count(const struct cfg_doc *doc, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < doc->n_sections; i++)
		n += cfg_name_eq(doc->sections[i]->name, name);
	return n;
}

const struct cfg_entry *cfg_entry(const struct cfg_section *sec,
				  const char *key)
{
	for (size_t i = 0; i < sec->n_entries; i++)
		if (cfg_name_eq(sec->entries[i].key, key))
			return &sec->entries[i];
	return NULL;
}

const char *cfg_get(const struct cfg_section *sec, const char *key)
{
	const struct cfg_entry *e = cfg_entry(sec, key);

	return e ? e->value : NULL;
}

size_t cfg_count(const struct cfg_section *sec, const char *key)
{
	size_t n = 0;

	for (size_t i = 0; i < sec->n_entries; i++)
		n += cfg_name_eq(sec->entries[i].key, key);
	return n;
}

int cfg_add(struct cfg_section *sec, const char *key, const char *value)
{
	char *k = strdup(key), *v = strdup(value);

	if (!k || !v) {
		free(k);
		free_secret(v);
		return -ENOMEM;
	}
	return push_entry(sec, k, v, NULL, 0);
}

int cfg_add_comment(struct cfg_section *sec, const char *comment)
{
	char *c = strdup(comment);

	if (!c)
		return -ENOMEM;
	return push_entry(sec, NULL, NULL, c, 0);
}

int cfg_add_meta(struct cfg_section *sec, const char *key, const char *value)
{
	int ret = cfg_add(sec, key, value);

	if (!ret)
		sec->entries[sec->n_entries - 1].meta = true;
	return ret;
}

int cfg_set_meta(struct cfg_section *sec, const char *key, const char *value)
{
	struct cfg_entry e;
	size_t at = 0;
	int ret;

	if (cfg_entry(sec, key))
		return cfg_set(sec, key, value);
	ret = cfg_add_meta(sec, key, value);
	if (ret)
		return ret;
	/* Move it up, after the last meta entry. */
	for (size_t i = 0; i + 1 < sec->n_entries; i++)
		if (sec->entries[i].meta)
			at = i + 1;
	e = sec->entries[sec->n_entries - 1];
	memmove(&sec->entries[at + 1], &sec->entries[at],
		(sec->n_entries - 1 - at) * sizeof(*sec->entries));
	sec->entries[at] = e;
	return 0;
}

size_t cfg_remove(struct cfg_section *sec, const char *key)
{
	size_t n = 0, j = 0;

	for (size_t i = 0; i < sec->n_entries; i++) {
		if (cfg_name_eq(sec->entries[i].key, key)) {
			entry_free(&sec->entries[i]);
			n++;
		} else {
			sec->entries[j++] = sec->entries[i];
		}
	}
	sec->n_entries = j;
	return n;
}

int cfg_set(struct cfg_section *sec, const char *key, const char *value)
{
	for (size_t i = 0; i < sec->n_entries; i++) {
		struct cfg_entry *e = &sec->entries[i];
		char *v;

		if (!cfg_name_eq(e->key, key))
			continue;
		v = strdup(value);
		if (!v)
			return -ENOMEM;
		free_secret(e->value);
		e->value = v;
		/* Drop the later duplicates, keep this one. */
		for (size_t j = i + 1; j < sec->n_entries;) {
			if (cfg_name_eq(sec->entries[j].key, key)) {
				entry_free(&sec->entries[j]);
				memmove(&sec->entries[j], &sec->entries[j + 1],
					(sec->n_entries - j - 1) *
					sizeof(*sec->entries));
				sec->n_entries--;
			} else {
				j++;
			}
		}
		return 0;
	}
	return cfg_add(sec, key, value);
}

/* ---- parsing ------------------------------------------------------------ */

/* A comment line [cb, ce) (starting at '#'): is it "# wgx: Key = Value"?
 * 1 with the parts set, 0 for an ordinary comment, -1 for a malformed one
 * (it starts with "# wgx:" but is not Key = Value). */
static int parse_meta(const char *cb, const char *ce, const char **kb,
		      const char **ke, const char **vb, const char **ve)
{
	const char *p = cb + 1, *eq;
	size_t plen = strlen(CFG_META_PREFIX);

	while (p < ce && is_space(*p))
		p++;
	if ((size_t)(ce - p) < plen || strncasecmp(p, CFG_META_PREFIX, plen))
		return 0;
	p += plen;
	eq = memchr(p, '=', (size_t)(ce - p));
	if (!eq)
		return -1;
	*kb = p;
	*ke = eq;
	*vb = eq + 1;
	*ve = ce;
	trim(kb, ke);
	trim(vb, ve);
	return valid_name(*kb, (size_t)(*ke - *kb)) ? 1 : -1;
}

int cfg_parse(const char *text, size_t len, const char *name,
	      struct cfg_doc **out, char err[CFG_ERR_LEN])
{
	return cfg_parse_opts(text, len, name, 0, out, err);
}

int cfg_parse_opts(const char *text, size_t len, const char *name,
		   unsigned int flags, struct cfg_doc **out,
		   char err[CFG_ERR_LEN])
{
	struct cfg_doc *doc = cfg_new(name);
	struct cfg_section *sec = NULL;
	const char *p = text, *end = text + len;
	unsigned int line = 0;
	int ret = -ENOMEM;

	*out = NULL;
	if (!doc)
		goto nomem;
	if (memchr(text, '\0', len)) {
		/* Report the line of the first NUL. */
		for (const char *q = text; q < end && *q; q++)
			line += *q == '\n';
		set_err(err, "%s:%u: contains a NUL byte", doc->name, line + 1);
		ret = -EINVAL;
		goto fail;
	}
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end, *hash, *cb, *ce;
		char *comment = NULL;

		line++;
		if (le > p && le[-1] == '\r')
			le--;
		hash = memchr(p, '#', (size_t)(le - p));
		cb = p;
		ce = hash ? hash : le;
		trim(&cb, &ce);
		if (cb == ce && hash && (flags & CFG_PARSE_META)) {
			const char *hb = hash, *he = le, *kb, *ke, *vb, *ve;
			int m;

			trim(&hb, &he);
			m = parse_meta(hb, he, &kb, &ke, &vb, &ve);
			if (m && (!sec || !sec->name)) {
				set_err(err, "%s:%u: '# %s' line outside of any section",
					doc->name, line, CFG_META_PREFIX);
				ret = -EINVAL;
				goto fail;
			}
			if (m < 0) {
				set_err(err, "%s:%u: expected '# %s Key = Value', not '%.*s'",
					doc->name, line, CFG_META_PREFIX,
					(int)(he - hb > 60 ? 60 : he - hb), hb);
				ret = -EINVAL;
				goto fail;
			}
			if (m > 0) {
				char *k = dup_n(kb, (size_t)(ke - kb));
				char *v = dup_n(vb, (size_t)(ve - vb));

				if (!k || !v) {
					free(k);
					free_secret(v);
					goto nomem;
				}
				if (push_entry(sec, k, v, NULL, line))
					goto nomem;
				sec->entries[sec->n_entries - 1].meta = true;
				p = eol ? eol + 1 : end;
				continue;
			}
		}
		if (cb == ce) {
			/* A blank or comment-only line: kept as it was, but for
			 * trailing white space (a stray CR included), so that
			 * what is written reads back the same. */
			const char *re = hash ? le : p;
			char *raw;

			while (re > p && is_space(re[-1]))
				re--;
			raw = dup_n(p, (size_t)(re - p));

			if (!raw)
				goto nomem;
			if (!sec) {
				sec = add_section(doc, NULL, 0, 0);
				if (!sec) {
					free(raw);
					goto nomem;
				}
			}
			if (push_entry(sec, NULL, NULL, raw, line))
				goto nomem;
		} else if (*cb == '[') {
			const char *nb = cb + 1, *ne = ce - 1;

			if (ce[-1] != ']' || ce - cb < 2) {
				set_err(err, "%s:%u: a section header must be '[Name]'",
					doc->name, line);
				ret = -EINVAL;
				goto fail;
			}
			trim(&nb, &ne);
			if (!valid_name(nb, (size_t)(ne - nb))) {
				set_err(err, "%s:%u: invalid section name '%.*s'",
					doc->name, line, (int)(ce - cb), cb);
				ret = -EINVAL;
				goto fail;
			}
			sec = add_section(doc, nb, (size_t)(ne - nb), line);
			if (!sec)
				goto nomem;
			if (hash) {
				sec->comment = dup_n(hash, comment_len(hash, le));
				if (!sec->comment)
					goto nomem;
			}
		} else {
			const char *eq = memchr(cb, '=', (size_t)(ce - cb));
			const char *kb = cb, *ke, *vb, *ve = ce;
			char *k, *v;

			if (!eq) {
				set_err(err, "%s:%u: expected 'Key = Value' or '[Section]', not '%.*s'",
					doc->name, line, (int)(ce - cb > 60 ? 60 : ce - cb), cb);
				ret = -EINVAL;
				goto fail;
			}
			ke = eq;
			vb = eq + 1;
			trim(&kb, &ke);
			trim(&vb, &ve);
			if (!valid_name(kb, (size_t)(ke - kb))) {
				if (kb == ke)
					set_err(err, "%s:%u: missing key before '='",
						doc->name, line);
				else
					set_err(err, "%s:%u: invalid key '%.*s'",
						doc->name, line, (int)(ke - kb), kb);
				ret = -EINVAL;
				goto fail;
			}
			if (!sec || !sec->name) {
				set_err(err, "%s:%u: '%.*s' is outside of any section",
					doc->name, line, (int)(ke - kb), kb);
				ret = -EINVAL;
				goto fail;
			}
			if (hash) {
				comment = dup_n(hash, comment_len(hash, le));
				if (!comment)
					goto nomem;
			}
			k = dup_n(kb, (size_t)(ke - kb));
			v = dup_n(vb, (size_t)(ve - vb));
			if (!k || !v) {
				free(k);
				free_secret(v);
				free(comment);
				goto nomem;
			}
			if (push_entry(sec, k, v, comment, line))
				goto nomem;
		}
		p = eol ? eol + 1 : end;
	}
	*out = doc;
	return 0;
nomem:
	set_err(err, "%s: out of memory", name ? name : "config");
	ret = -ENOMEM;
fail:
	cfg_free(doc);
	return ret;
}

int cfg_load(const char *path, struct cfg_doc **out, char err[CFG_ERR_LEN])
{
	return cfg_load_opts(path, 0, out, err);
}

int cfg_load_opts(const char *path, unsigned int flags, struct cfg_doc **out,
		  char err[CFG_ERR_LEN])
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap;
	int fd, ret;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		set_err(err, "cannot read %s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		set_err(err, "cannot read %s: %s", path, strerror(-ret));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		set_err(err, "cannot read %s: it is a directory", path);
		goto out;
	}
	cap = S_ISREG(st.st_mode) && st.st_size > 0 ?
		(size_t)st.st_size + 1 : 4096;
	if (cap > CFG_MAX_FILE_SIZE + 1)
		cap = CFG_MAX_FILE_SIZE + 1;
	buf = malloc(cap);
	if (!buf) {
		ret = -ENOMEM;
		set_err(err, "cannot read %s: out of memory", path);
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (len == cap) {
			size_t ncap = cap * 2;
			char *nbuf;

			if (cap > CFG_MAX_FILE_SIZE) {
				ret = -EFBIG;
				set_err(err, "cannot read %s: larger than %u MiB",
					path, CFG_MAX_FILE_SIZE >> 20);
				goto out;
			}
			/* Not realloc: the old buffer may hold secrets. */
			nbuf = malloc(ncap);
			if (!nbuf) {
				ret = -ENOMEM;
				set_err(err, "cannot read %s: out of memory", path);
				goto out;
			}
			memcpy(nbuf, buf, len);
			sodium_memzero(buf, cap);
			free(buf);
			buf = nbuf;
			cap = ncap;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			set_err(err, "cannot read %s: %s", path, strerror(-ret));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > CFG_MAX_FILE_SIZE) {
		ret = -EFBIG;
		set_err(err, "cannot read %s: larger than %u MiB", path,
			CFG_MAX_FILE_SIZE >> 20);
		goto out;
	}
	ret = cfg_parse_opts(buf, len, path, flags, out, err);
out:
	if (buf) {
		sodium_memzero(buf, cap);
		free(buf);
	}
	close(fd);
	return ret;
}

static const struct cfg_section_schema *
find_section_schema(const struct cfg_section_schema *schema, const char *name)
{
	for (; schema->name; schema++)
		if (cfg_name_eq(schema->name, name))
			return schema;
	return NULL;
}

static const struct cfg_key_schema *
find_key_schema(const struct cfg_key_schema *keys, const char *name)
{
	for (; keys && keys->name; keys++)
		if (cfg_name_eq(keys->name, name))
			return keys;
	return NULL;
}

int cfg_validate(const struct cfg_doc *doc,
		 const struct cfg_section_schema *schema,
		 char err[CFG_ERR_LEN])
{
	for (size_t i = 0; i < doc->n_sections; i++) {
		const struct cfg_section *sec = doc->sections[i];
		const struct cfg_section_schema *ss;

		if (!sec->name)
			continue;
		ss = find_section_schema(schema, sec->name);
		if (!ss) {
			set_err(err, "%s:%u: unknown section [%s]", doc->name,
				sec->line, sec->name);
			return -EINVAL;
		}
		if (!(ss->flags & CFG_MULTI)) {
			const struct cfg_section *first = cfg_section(doc, ss->name, 0);

			if (first != sec) {
				set_err(err, "%s:%u: duplicate section [%s] (first on line %u)",
					doc->name, sec->line, ss->name, first->line);
				return -EINVAL;
			}
		}
		for (size_t j = 0; j < sec->n_entries; j++) {
			const struct cfg_entry *e = &sec->entries[j];
			const struct cfg_key_schema *ks;
			char why[CFG_ERR_LEN / 2];

			if (!e->key)
				continue;
			ks = find_key_schema(ss->keys, e->key);
			if (!ks || (e->meta && !(ks->flags & CFG_META))) {
				set_err(err, e->meta ? "%s:%u: unknown key '# " CFG_META_PREFIX " %s' in [%s]" :
					"%s:%u: unknown key '%s' in [%s]",
					doc->name, e->line, e->key, ss->name);
				return -EINVAL;
			}
			if (!e->meta && (ks->flags & CFG_META)) {
				set_err(err, "%s:%u: '%s' is wgx's own: write it as '# " CFG_META_PREFIX " %s = ...' (so that wg-quick skips it)",
					doc->name, e->line, e->key, ks->name);
				return -EINVAL;
			}
			if (!(ks->flags & CFG_MULTI)) {
				const struct cfg_entry *first = cfg_entry(sec, ks->name);

				if (first != e) {
					set_err(err, "%s:%u: duplicate key '%s' in [%s] (first on line %u)",
						doc->name, e->line, ks->name,
						ss->name, first->line);
					return -EINVAL;
				}
			}
			why[0] = '\0';
			if (ks->check && !ks->check(e->value, why, sizeof(why))) {
				set_err(err, "%s:%u: invalid %s: %s", doc->name,
					e->line, ks->name, why);
				sodium_memzero(why, sizeof(why));
				return -EINVAL;
			}
		}
		for (const struct cfg_key_schema *ks = ss->keys; ks && ks->name; ks++) {
			if ((ks->flags & CFG_REQUIRED) && !cfg_entry(sec, ks->name)) {
				set_err(err, "%s:%u: [%s] has no %s", doc->name,
					sec->line, ss->name, ks->name);
				return -EINVAL;
			}
		}
	}
	for (; schema->name; schema++) {
		if ((schema->flags & CFG_REQUIRED) && !cfg_section(doc, schema->name, 0)) {
			set_err(err, "%s: no [%s] section", doc->name, schema->name);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

struct strbuf {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void sb_put(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->failed)
		return;
	if (sb->len + n + 1 > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 256;
		char *nbuf;

		while (cap < sb->len + n + 1)
			cap *= 2;
		/* Not realloc: the buffer holds secrets. */
		nbuf = malloc(cap);
		if (!nbuf) {
			sb->failed = true;
			return;
		}
		if (sb->buf) {
			memcpy(nbuf, sb->buf, sb->len);
			sodium_memzero(sb->buf, sb->cap);
			free(sb->buf);
		}
		sb->buf = nbuf;
		sb->cap = cap;
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static void sb_puts(struct strbuf *sb, const char *s)
{
	sb_put(sb, s, strlen(s));
}

char *cfg_format(const struct cfg_doc *doc, size_t *len)
{
	struct strbuf sb = { 0 };
	bool last_blank = true;

	sb_put(&sb, "", 0);
	for (size_t i = 0; i < doc->n_sections; i++) {
		const struct cfg_section *sec = doc->sections[i];

		if (sec->name) {
			/* Sections added by the program are set apart by a
			 * blank line; parsed ones keep their layout. */
			if (!sec->line && !last_blank)
				sb_puts(&sb, "\n");
			sb_puts(&sb, "[");
			sb_puts(&sb, sec->name);
			sb_puts(&sb, "]");
			if (sec->comment) {
				sb_puts(&sb, " ");
				sb_puts(&sb, sec->comment);
			}
			sb_puts(&sb, "\n");
			last_blank = false;
		}
		for (size_t j = 0; j < sec->n_entries; j++) {
			const struct cfg_entry *e = &sec->entries[j];

			if (e->key) {
				if (e->meta)
					sb_puts(&sb, "# " CFG_META_PREFIX " ");
				sb_puts(&sb, e->key);
				sb_puts(&sb, e->value[0] ? " = " : " =");
				sb_puts(&sb, e->value);
				if (e->comment) {
					sb_puts(&sb, " ");
					sb_puts(&sb, e->comment);
				}
				last_blank = false;
			} else {
				sb_puts(&sb, e->comment);
				last_blank = !e->comment[0];
			}
			sb_puts(&sb, "\n");
		}
	}
	if (sb.failed) {
		if (sb.buf) {
			sodium_memzero(sb.buf, sb.cap);
			free(sb.buf);
		}
		return NULL;
	}
	if (len)
		*len = sb.len;
	return sb.buf;
}

static int split_path(const char *path, char **dir, char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		*dir = strdup(".");
		*base = strdup(path);
	} else {
		*dir = slash == path ? strdup("/") : dup_n(path, (size_t)(slash - path));
		*base = strdup(slash + 1);
	}
	if (!*dir || !*base) {
		free(*dir);
		free(*base);
		return -ENOMEM;
	}
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int cfg_write_atomic(const char *path, const void *data, size_t len,
		     mode_t mode, unsigned int flags, char err[CFG_ERR_LEN])
{
	char *dir = NULL, *base = NULL, *tmp = NULL;
	bool tmp_made = false;
	int fd = -1, dfd, ret;

	if (!*path || path[strlen(path) - 1] == '/') {
		set_err(err, "cannot write '%s': not a file name", path);
		return -EINVAL;
	}
	if (split_path(path, &dir, &base) ||
	    asprintf(&tmp, "%s/.%s.tmp-XXXXXX", dir, base) < 0) {
		tmp = NULL;
		ret = -ENOMEM;
		set_err(err, "cannot write %s: out of memory", path);
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		set_err(err, "cannot create a file in %s: %s", dir, strerror(-ret));
		goto out;
	}
	tmp_made = true;
	ret = 0;
	if (fchmod(fd, mode) < 0 || (ret = write_all(fd, data, len)) < 0 ||
	    fsync(fd) < 0) {
		ret = ret < 0 ? ret : -errno;
		set_err(err, "cannot write %s: %s", tmp, strerror(-ret));
		goto out;
	}
	ret = close(fd);
	fd = -1;
	if (ret < 0) {
		ret = -errno;
		set_err(err, "cannot write %s: %s", tmp, strerror(-ret));
		goto out;
	}
	if (flags & CFG_WRITE_NOREPLACE) {
		ret = renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
		if (ret < 0 && (errno == EINVAL || errno == ENOSYS)) {
			/* The file system cannot: link() also never replaces. */
			ret = link(tmp, path);
			if (ret == 0)
				unlink(tmp);
		}
	} else {
		ret = rename(tmp, path);
	}
	if (ret < 0) {
		ret = -errno;
		if (ret == -EEXIST)
			set_err(err, "%s already exists", path);
		else
			set_err(err, "cannot write %s: %s", path, strerror(-ret));
		goto out;
	}
	tmp_made = false;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		/* Make the rename itself durable. */
		if (fsync(dfd) < 0 && errno != EINVAL) {
			ret = -errno;
			set_err(err, "cannot sync directory %s: %s", dir,
				strerror(-ret));
		}
		close(dfd);
	}
out:
	if (fd >= 0)
		close(fd);
	if (tmp_made)
		unlink(tmp);
	free(tmp);
	free(dir);
	free(base);
	return ret;
}

int cfg_write(const struct cfg_doc *doc, const char *path, mode_t mode,
	      unsigned int flags, char err[CFG_ERR_LEN])
{
	size_t len;
	char *text = cfg_format(doc, &len);
	int ret;

	if (!text) {
		set_err(err, "cannot write %s: out of memory", path);
		return -ENOMEM;
	}
	ret = cfg_write_atomic(path, text, len, mode, flags, err);
	sodium_memzero(text, len);
	free(text);
	return ret;
}

int cfg_mkdir_parents(const char *path, mode_t mode, char err[CFG_ERR_LEN])
{
	char *dir = NULL, *base = NULL;
	int ret = 0;

	if (split_path(path, &dir, &base)) {
		set_err(err, "out of memory");
		return -ENOMEM;
	}
	/* Walk down, creating each missing component. */
	for (char *p = dir + 1; ; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, mode) < 0 && errno != EEXIST) {
			ret = -errno;
			set_err(err, "cannot create directory %s: %s", dir,
				strerror(-ret));
			break;
		}
		*p = c;
		if (!c)
			break;
	}
	if (!ret) {
		struct stat st;

		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			ret = -ENOTDIR;
			set_err(err, "%s is not a directory", dir);
		}
	}
	free(dir);
	free(base);
	return ret;
}

/* ---- typed values ------------------------------------------------------- */

bool cfg_parse_key(const char *s, uint8_t key[32])
{
	return key_from_base64(key, s);
}

static bool parse_ulong(const char *s, int base, unsigned long max,
			unsigned long *v)
{
	char *end;

	if (!*s || !isxdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoul(s, &end, base);
	return !errno && !*end && *v <= max;
}

bool cfg_parse_port(const char *s, uint16_t *port)
{
	unsigned long v;

	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	if (!parse_ulong(s, 10, 65535, &v) || !v)
		return false;
	*port = (uint16_t)v;
	return true;
}

bool cfg_parse_u32(const char *s, uint32_t *v)
{
	unsigned long x;

	if (!strcasecmp(s, "off")) {
		*v = 0;
		return true;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!parse_ulong(s + 2, 16, UINT32_MAX, &x))
			return false;
	} else {
		for (const char *p = s; *p; p++)
			if (!isdigit((unsigned char)*p))
				return false;
		if (!parse_ulong(s, 10, UINT32_MAX, &x))
			return false;
	}
	*v = (uint32_t)x;
	return true;
}

static bool valid_hostname(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 253)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
			return false;
	return s[0] != '-' && s[0] != '.';
}

bool cfg_parse_addr(const char *s, struct cfg_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->addr) == 1) {
		a->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, a->addr) == 1) {
		a->family = AF_INET6;
		return true;
	}
	return false;
}

bool cfg_parse_endpoint(const char *s, char *host, size_t hostlen,
			uint16_t *port, uint16_t default_port)
{
	const char *hb, *he, *ps = NULL;
	struct cfg_addr a;
	char buf[256];

	if (s[0] == '[') {
		hb = s + 1;
		he = strchr(hb, ']');
		if (!he)
			return false;
		if (he[1] == ':')
			ps = he + 2;
		else if (he[1])
			return false;
	} else {
		const char *colon = strchr(s, ':');

		hb = s;
		if (colon && !strchr(colon + 1, ':')) {
			he = colon;
			ps = colon + 1;
		} else {
			/* No colon, or a bare IPv6 address. */
			he = s + strlen(s);
		}
	}
	if (he == hb || (size_t)(he - hb) >= sizeof(buf) ||
	    (size_t)(he - hb) >= hostlen)
		return false;
	memcpy(buf, hb, (size_t)(he - hb));
	buf[he - hb] = '\0';
	if (s[0] == '[' || strchr(buf, ':')) {
		if (!cfg_parse_addr(buf, &a) || a.family != AF_INET6)
			return false;
	} else if (!valid_hostname(buf)) {
		return false;
	}
	if (ps) {
		if (!cfg_parse_port(ps, port))
			return false;
	} else {
		if (!default_port)
			return false;
		*port = default_port;
	}
	memcpy(host, buf, (size_t)(he - hb) + 1);
	return true;
}

bool cfg_parse_cidr(const char *s, struct cfg_cidr *c)
{
	const char *slash = strchr(s, '/');
	char buf[INET6_ADDRSTRLEN + 1];
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long prefix;

	if (!n || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!cfg_parse_addr(buf, &c->a))
		return false;
	if (!slash) {
		c->prefix = c->a.family == AF_INET ? 32 : 128;
		return true;
	}
	for (const char *p = slash + 1; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	if (!parse_ulong(slash + 1, 10, c->a.family == AF_INET ? 32 : 128, &prefix))
		return false;
	c->prefix = (unsigned int)prefix;
	return true;
}

void cfg_format_cidr(const struct cfg_cidr *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(c->a.family, c->a.addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, c->prefix);
}

void cfg_free_list(char **items, size_t n)
{
	if (!items)
		return;
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

int cfg_split_list(const char *s, char ***items, size_t *n)
{
	const char *p = s, *b, *e;
	char **v = NULL;
	size_t count = 0, cap = 0;

	*items = NULL;
	*n = 0;
	b = s;
	e = s + strlen(s);
	trim(&b, &e);
	if (b == e)
		return 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		const char *ib = p, *ie = comma ? comma : p + strlen(p);

		trim(&ib, &ie);
		if (ib == ie) {
			cfg_free_list(v, count);
			return -EINVAL;
		}
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			char **nv = realloc(v, ncap * sizeof(*v));

			if (!nv)
				goto nomem;
			v = nv;
			cap = ncap;
		}
		v[count] = dup_n(ib, (size_t)(ie - ib));
		if (!v[count])
			goto nomem;
		count++;
		if (!comma)
			break;
		p = comma + 1;
	}
	*items = v;
	*n = count;
	return 0;
nomem:
	cfg_free_list(v, count);
	return -ENOMEM;
}

int cfg_parse_cidr_list(const char *s, struct cfg_cidr **out, size_t *n,
			char *why, size_t whylen)
{
	char **items;
	size_t count;
	struct cfg_cidr *c;
	int ret = cfg_split_list(s, &items, &count);

	*out = NULL;
	*n = 0;
	if (ret == -EINVAL && why)
		snprintf(why, whylen, "empty item in the list");
	if (ret)
		return ret;
	c = calloc(count ? count : 1, sizeof(*c));
	if (!c) {
		cfg_free_list(items, count);
		return -ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		if (!cfg_parse_cidr(items[i], &c[i])) {
			if (why)
				snprintf(why, whylen, "'%s' is not an address/prefix",
					 items[i]);
			cfg_free_list(items, count);
			free(c);
			return -EINVAL;
		}
	}
	cfg_free_list(items, count);
	*out = c;
	*n = count;
	return 0;
}

bool cfg_check_key(const char *value, char *why, size_t len)
{
	uint8_t key[32];
	bool ok = cfg_parse_key(value, key);

	sodium_memzero(key, sizeof(key));
	if (!ok)
		snprintf(why, len, "not a base64 key of 32 bytes (44 characters)");
	return ok;
}

bool cfg_check_port(const char *value, char *why, size_t len)
{
	uint16_t port;

	if (cfg_parse_port(value, &port))
		return true;
	snprintf(why, len, "'%s' is not a port (1-65535)", value);
	return false;
}

bool cfg_check_u32(const char *value, char *why, size_t len)
{
	uint32_t v;

	if (cfg_parse_u32(value, &v))
		return true;
	snprintf(why, len, "'%s' is not a 32-bit number", value);
	return false;
}

bool cfg_check_endpoint(const char *value, char *why, size_t len)
{
	char host[256];
	uint16_t port;

	if (cfg_parse_endpoint(value, host, sizeof(host), &port, 0))
		return true;
	snprintf(why, len, "'%s' is not HOST:PORT (IPv6 as [ADDRESS]:PORT)", value);
	return false;
}

bool cfg_check_addr(const char *value, char *why, size_t len)
{
	struct cfg_addr a;

	if (cfg_parse_addr(value, &a))
		return true;
	snprintf(why, len, "'%s' is not an IPv4 or IPv6 address", value);
	return false;
}

bool cfg_check_cidr_list(const char *value, char *why, size_t len)
{
	struct cfg_cidr *c;
	size_t n;
	int ret = cfg_parse_cidr_list(value, &c, &n, why, len);

	if (ret == -ENOMEM)
		snprintf(why, len, "out of memory");
	free(c);
	return ret == 0;
}
