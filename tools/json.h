/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer for the --json views: objects and arrays
 * pretty-printed with two spaces, strings escaped per RFC 8259.
 */
#ifndef _WGX_JSON_H
#define _WGX_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	unsigned int depth;
	bool first;		/* no member written yet at this depth */
};

void json_init(struct json *j, FILE *f);
/* @key is the member name inside an object, NULL inside an array or at the
 * top level. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_string(struct json *j, const char *key, const char *s);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* Ends the document with a newline. */
void json_finish(struct json *j);
/* Write @s as a quoted JSON string. */
void json_write_string(FILE *f, const char *s);

#endif /* _WGX_JSON_H */
