/*
 * bmcsim's runtime: a fleet of simulated BMCs in one process on one libuv
 * loop. Each BMC has its own loopback address and UDP socket, a session
 * table, a simulated host (host.h) and, while a console is attached, a
 * SOL engine. The IPMI wire work is lib/ipmi's, server side.
 *
 *	net.c		sockets, the tick timer, faults on the way out
 *	session.c	pre-session messages, Open Session, RAKP, the session
 *			table and the validation chain for session packets
 *	cmd.c		IPMI command handlers
 *	solsrv.c	the SOL payload: activation, host output, keystrokes
 *	control.c	the control socket (ctl.c parses its lines)
 *	main.c		command line, start, stop
 */
#ifndef BMCSIM_SIM_H
#define BMCSIM_SIM_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "vcm/limits.h"
#include "ipmi/crypto.h"
#include "ipmi/msg.h"
#include "ipmi/seqwin.h"
#include "ipmi/sol.h"
#include "config.h"
#include "host.h"
#include "profile.h"

/* How often busy BMCs are ticked (host output, SOL retries, timeouts). */
#define SIM_TICK_MS		10

/*
 * A session that never finishes its handshake holds a slot this long at
 * most, whatever the idle timeout: OpenBMC expires sessions still in
 * setup within 3 s (IPMI.md §2.5), so abandoned handshakes of a lossy
 * network do not fill the table.
 */
#define SIM_SETUP_TIMEOUT_MS	3000

/* Host output buffered for a SOL client (bounded: a flood costs this). */
#define SIM_SOL_OUTQ		2048

/* SOL data per packet we send; well under the 255 the format allows. */
#define SIM_SOL_CHUNK		200

/* Replies held back by delay or reorder faults, per BMC. */
#define SIM_PENDING_MAX		32

enum sim_session_state {
	SIM_SS_FREE = 0,
	SIM_SS_OPEN,		/* Open Session answered, waiting for RAKP1 */
	SIM_SS_RAKP2,		/* RAKP2 sent, waiting for RAKP3 */
	SIM_SS_ACTIVE,		/* keys derived, commands accepted */
};
#define SIM_SS_VALID(s)	((s) >= SIM_SS_FREE && (s) <= SIM_SS_ACTIVE)

struct sim_session {
	uint8_t			 state;		/* enum sim_session_state */
	uint8_t			 handle;	/* 1.. for Get Session Info */
	uint8_t			 suite;
	uint8_t			 open_priv;	/* asked in Open Session */
	uint8_t			 max_priv;	/* granted by RAKP1 */
	uint8_t			 priv;		/* current */
	uint8_t			 user;		/* index into the profile */
	uint32_t		 sid_m;		/* the console's id */
	uint32_t		 sid_c;		/* ours */
	uint64_t		 last_ms;	/* last valid packet */
	struct sockaddr_in	 peer;
	struct ipmi_rakp_ctx	*rakp;		/* only during the handshake */
	uint8_t			 rakp4_len;	/* RAKP4 as sent, for a repeat */
	uint8_t			 rakp4[8 + VCM_IPMI_HASH_MAX];
	struct ipmi_session_keys keys;
	struct ipmi_seqwin	 in;
	struct ipmi_seqwin_out	 out;
};

/* The SOL engine of one BMC, allocated while payload instance 1 is active. */
struct sim_sol {
	int			 owner;		/* session slot, -1 = orphaned */
	struct ipmi_sol_tx	 tx;
	struct ipmi_sol_rx	 rx;
	uint64_t		 sent_ms;	/* when the outstanding packet left */
	uint8_t			 inflight[SIM_SOL_CHUNK];
	uint8_t			 inflight_len;
	uint8_t			 ack_due;	/* an ACK must go out */
	uint8_t			 ack_seq;
	uint8_t			 ack_count;
	uint8_t			 ack_nack;
	uint16_t		 outq_len;
	uint8_t			 outq[SIM_SOL_OUTQ];
	/* Flow control windows (sim time, ms; 0: none). */
	uint64_t		 nack_until;	/* console data NACKed before */
	uint64_t		 cts_until;	/* CTS deasserted before */
	uint8_t			 cts_said;	/* last packet said UNAVAIL */
};

struct sim_pending {
	uint64_t		 due_ms;
	struct sockaddr_in	 to;
	uint16_t		 len;
	uint8_t			 data[VCM_IPMI_DATAGRAM_MAX];
};

struct sim;

struct bmc {
	struct sim		*sim;
	uint32_t		 index;
	uint32_t		 addr;		/* host order, current */
	uv_udp_t		*udp;
	const struct sim_profile *prof;
	uint32_t		 quirks;	/* enum sim_quirk, run-time copy */
	struct sim_faults	 faults;
	uint32_t		 session_timeout_ms;
	uint32_t		 sol_retry_ms;
	uint8_t			 sol_retries;
	uint8_t			 nslots;
	uint8_t			 sol_active;	/* payload instance 1 */
	uint8_t			 busy;		/* on the sim's busy list */
	uint8_t			 guid[IPMI_GUID_LEN];
	uint64_t		 dark_until_ms;
	uint32_t		 boots_seen;	/* host reboot detection */
	/* LAN configuration (parameters 4, 6, 12) */
	uint8_t			 ip_source;
	uint32_t		 netmask;
	uint32_t		 gateway;
	uint32_t		 rebind_to;	/* new address after this reply */
	/* Boot options (parameter 5) */
	uint8_t			 boot_flags[5];
	struct sim_session	*sessions;	/* nslots, allocated on first use */
	struct sim_sol		*sol;
	struct sim_pending	*pending;	/* SIM_PENDING_MAX, on first use */
	uint8_t			 npending;
	struct bmc		*busy_next;
	struct bmc		*busy_prev;
	struct host		 host;
	/*
	 * SOL flow control set at run time (control `set sol-nack=`,
	 * `sol-cts=`): these replace the profile's windows when their
	 * SIM_FLOW_* bit is set.
	 */
	uint8_t			 sol_flow_set;
	uint32_t		 sol_nack_ms;
	uint32_t		 sol_cts_ms;
	/* SOL counters since start, for the control `sol` command. */
	uint64_t		 sol_tx_bytes;	/* host bytes sent (new) */
	uint32_t		 sol_overrun;	/* host bytes lost: queue full */
	uint32_t		 sol_resends;	/* packets retransmitted */
	uint32_t		 sol_nacks;	/* console packets NACKed */
	uint32_t		 sol_cts_data;	/* console data, CTS off */
	uint32_t		 sol_activations;
};

/* Bits of bmc.sol_flow_set. */
#define SIM_FLOW_NACK		0x01
#define SIM_FLOW_CTS		0x02

struct sim {
	uv_loop_t		*loop;
	struct sim_config	*cfg;
	struct bmc		*bmcs;
	uint32_t		 nbmcs;
	uv_timer_t		 tick;
	int			 ticking;
	struct bmc		*busy;		/* BMCs with something to do */
	uint64_t		 rng;		/* fault dice; not for keys */
	uint64_t		 rx_packets;
	uint64_t		 tx_packets;
	uint64_t		 dropped;
	uint8_t			 rxbuf[VCM_IPMI_DATAGRAM_MAX + 64];
	void			*control;	/* control.c state */
};

/* net.c */
void	 sim_bmc_init(struct sim *, struct bmc *, uint32_t index,
	    uint32_t addr, const struct sim_profile *);
int	 sim_net_start(struct sim *);
void	 sim_net_stop(struct sim *);
int	 sim_bmc_bind(struct bmc *, uint32_t addr);
void	 sim_send(struct bmc *, const struct sockaddr_in *, const uint8_t *,
	    size_t);
void	 sim_busy(struct bmc *);
void	 sim_bmc_tick(struct bmc *, uint64_t);
uint64_t sim_now(const struct sim *);
uint32_t sim_random(struct sim *);
void	 sim_random_bytes(void *, size_t);
void	 sim_addr_str(uint32_t, char *, size_t);

/* session.c */
void	 sim_recv(struct bmc *, const uint8_t *, size_t,
	    const struct sockaddr_in *);
int	 sim_seal(struct bmc *, struct sim_session *, uint8_t payload_type,
	    const uint8_t *, size_t);
void	 sim_session_close(struct bmc *, struct sim_session *);
int	 sim_session_count(const struct bmc *);
void	 sim_session_tick(struct bmc *, uint64_t);
int	 sim_session_slot(const struct bmc *, const struct sim_session *);

/* cmd.c */
void	 sim_cmd_dispatch(struct bmc *, struct sim_session *,
	    const struct ipmi_msg *);
int	 sim_cmd_sessionless(struct bmc *, const struct ipmi_msg *,
	    uint8_t *, size_t);

/* solsrv.c */
int	 sim_sol_activate(struct bmc *, struct sim_session *);
int	 sim_sol_deactivate(struct bmc *);
void	 sim_sol_session_gone(struct bmc *, struct sim_session *);
void	 sim_sol_packet(struct bmc *, struct sim_session *, const uint8_t *,
	    size_t);
void	 sim_sol_tick(struct bmc *, uint64_t);
void	 sim_sol_host_output(struct bmc *, const uint8_t *, size_t);
void	 sim_sol_reboot(struct bmc *);
/* Run-time flow control: which SIM_FLOW_* windows to set; an active SOL
 * starts them now (0 ends one). */
void	 sim_sol_flow(struct bmc *, unsigned int which, uint32_t nack_ms,
	    uint32_t cts_ms);

/* control.c */
int	 sim_control_start(struct sim *, const char *path);
void	 sim_control_stop(struct sim *);

#endif
