/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _WGX_RECEIVE_H
#define _WGX_RECEIVE_H

struct sock;
struct sk_buff;
struct work_struct;

/* encap_rcv of the relay's sockets: softirq, rcu_read_lock held. */
int wgx_receive(struct sock *sk, struct sk_buff *skb);
/* Workers for packets addressed to the relay itself (process context). */
void wgx_handshake_worker(struct work_struct *work);
void wgx_own_worker(struct work_struct *work);

#endif /* _WGX_RECEIVE_H */
