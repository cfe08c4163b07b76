/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The first decision about a datagram: what it claims to be, from its type
 * field and length alone. Pure code, also compiled in userspace (fuzzed).
 */
#ifndef _WGX_CLASSIFY_H
#define _WGX_CLASSIFY_H

#include "messages.h"

#include <uapi/linux/wgx_ctrl.h>

enum wgx_msg_class {
	WGX_MSG_MALFORMED,
	WGX_MSG_INITIATION,
	WGX_MSG_RESPONSE,
	WGX_MSG_COOKIE,
	WGX_MSG_DATA,
	WGX_MSG_KEYQ,		/* the relay's public key, asked outside a tunnel */
};

/* @data holds at least min(@len, 4) bytes. */
static inline enum wgx_msg_class wgx_classify(const void *data, size_t len)
{
	__le32 type;

	if (len < sizeof(type))
		return WGX_MSG_MALFORMED;
	memcpy(&type, data, sizeof(type));
	switch (le32_to_cpu(type)) {
	case MESSAGE_HANDSHAKE_INITIATION:
		return len == sizeof(struct message_handshake_initiation) ?
		       WGX_MSG_INITIATION : WGX_MSG_MALFORMED;
	case MESSAGE_HANDSHAKE_RESPONSE:
		return len == sizeof(struct message_handshake_response) ?
		       WGX_MSG_RESPONSE : WGX_MSG_MALFORMED;
	case MESSAGE_HANDSHAKE_COOKIE:
		return len == sizeof(struct message_handshake_cookie) ?
		       WGX_MSG_COOKIE : WGX_MSG_MALFORMED;
	case MESSAGE_DATA:
		return len >= MESSAGE_MINIMUM_LENGTH ? WGX_MSG_DATA :
						       WGX_MSG_MALFORMED;
	case WGX_KEYQ_MAGIC:
		return len == sizeof(struct wgx_keyq) ? WGX_MSG_KEYQ :
							WGX_MSG_MALFORMED;
	}
	return WGX_MSG_MALFORMED;
}

#endif /* _WGX_CLASSIFY_H */
