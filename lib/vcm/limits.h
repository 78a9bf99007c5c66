/*
 * Every limit in vcm, in one place, each with the reason for its value
 * (SQLite sqliteLimit.h). Code never writes one of these numbers inline.
 * Protocol maxima come from the IPMI 2.0 specification; the rest are
 * choices that bound what a hostile tenant, browser or BMC can cost us.
 */
#ifndef VCM_LIMITS_H
#define VCM_LIMITS_H

/* ---- IPMI wire ---------------------------------------------------- */

/*
 * Largest UDP datagram we send or accept from a BMC. RMCP+ messages are
 * small (an encrypted SOL packet with 255 data bytes, headers, IV, pad
 * and a 16-byte MAC stays under 350 bytes); 1024 leaves room for BMCs
 * that report oversized SOL payloads (IPMI.md §1.4: a 1 KiB report) while
 * keeping per-packet buffers on the stack.
 */
#define VCM_IPMI_DATAGRAM_MAX		1024

/* Largest IPMI message (rsAddr..chk2) inside a session payload. */
#define VCM_IPMI_MSG_MAX		(VCM_IPMI_DATAGRAM_MAX - 64)

/*
 * Largest data part of an IPMI request or response (after the command):
 * the message less its 7 bytes of addresses, netfn/LUNs, rqSeq, command
 * and two checksums, so that every message a decoder accepts can be
 * encoded again.
 */
#define VCM_IPMI_MSG_DATA_MAX		(VCM_IPMI_MSG_MAX - 7)

/* IPMI 2.0 user names are at most 16 bytes (RAKP1 User Name Length). */
#define VCM_IPMI_USER_MAX		16

/* IPMI 2.0 passwords and Kg are at most 20 bytes. */
#define VCM_IPMI_KEY_MAX		20

/* Largest HMAC output we use (SHA-256). */
#define VCM_IPMI_HASH_MAX		32

/* AES-CBC-128 block and key size. */
#define VCM_IPMI_AES_BLOCK		16

/*
 * Session sequence replay window: packets up to this many numbers behind
 * the highest seen are accepted once each. OpenIPMI accepts 16 behind;
 * 32 absorbs BMCs that skip every other number (ASRock MT-C224, IPMI.md
 * §1.2) without letting old packets be replayed.
 */
#define VCM_IPMI_SEQ_WINDOW		32

/* How far ahead of the highest seen number a packet may jump. */
#define VCM_IPMI_SEQ_AHEAD		32

/*
 * SOL data per packet. The accepted-character count is one byte, so a
 * packet can never carry more than 255 characters (IPMI.md §2.4).
 */
#define VCM_SOL_DATA_MAX		255

/*
 * Configuration parameter data (boot options, LAN and SOL parameters) in
 * one message. The largest we use is LAN parameter 23 (17 bytes); 64
 * covers boot parameter 7 and IPv6 LAN parameters and keeps every
 * parameter struct on the stack.
 */
#define VCM_IPMI_PARAM_DATA_MAX		64

/* Cipher suite records we keep from Get Channel Cipher Suites. */
#define VCM_IPMI_CIPHER_SUITES_MAX	32

/* Bytes of cipher-suite record data a BMC may return in all (16 per call). */
#define VCM_IPMI_CIPHER_DATA_MAX	(16 * 64)

/* ---- Engine (per BMC) -------------------------------------------- */

/*
 * IPMI sessions vcm keeps open to one BMC at once. BMCs have few slots
 * (4 on Cisco IMC, 8 on iDRAC); two lets a power action run beside a
 * console without starving other managers. Vendor profiles may lower it.
 */
#define VCM_BMC_SESSIONS_DEFAULT	2

/* ---- Engine: one IPMI session (src/engine/session.c) ---------------- */

/*
 * Requests outstanding at once on one session. BMCs serialise commands
 * internally and small ones drop a burst; four lets a power action, a
 * keepalive-free status poll and SOL control overlap while bounding what
 * one session costs (each entry keeps its request for retransmission).
 */
#define VCM_ENG_RQ_MAX		4
/* Plus one slot for the single internal request (Set Session Privilege,
 * keepalive or Close Session) so it never takes a user's place. */
#define VCM_ENG_RQ_SLOTS		(VCM_ENG_RQ_MAX + 1)

/*
 * Data bytes of one request (after the command byte). The largest vcm
 * sends is Set LAN/SOL Configuration Parameters: channel, parameter and
 * VCM_IPMI_PARAM_DATA_MAX bytes.
 */
#define VCM_ENG_RQ_DATA_MAX		(VCM_IPMI_PARAM_DATA_MAX + 8)

/*
 * rqSeq values remembered per request. Each retransmission takes a new
 * rqSeq (FreeIPMI does; IPMI.md §2.2), but a slow BMC may answer an
 * earlier copy, so the last few stay valid. VCM_ENG_RQ_MAX * this must stay
 * below the 64 values of the 6-bit rqSeq so a fresh one always exists.
 */
#define VCM_ENG_RQ_SEQ_KEEP		4

/* Cipher suites in the try order (only 3 and 17 are usable today). */
#define VCM_ENG_SUITES_MAX		4

/*
 * Retransmission defaults. 250 ms first: a LAN round trip to a BMC is a
 * few ms and a busy one answers within 100-200 ms; FreeIPMI's 500 ms
 * (backing off every 2 tries) and ipmitool's restart-the-exchange cost
 * seconds on a lost packet. Doubling to a 2 s cap keeps a dark BMC's
 * cost to a few packets, and 2 s is below the "live again within 3 s"
 * goal (issue 5) for a BMC that comes back.
 */
#define VCM_ENG_RETRY_MS		250
#define VCM_ENG_RETRY_CAP_MS	2000
/* Sends of one handshake step (first + retransmits). */
#define VCM_ENG_STEP_TRIES		5
/*
 * Restarts from Open Session after a timeout in RAKP1/RAKP3: the BMC's
 * state has moved on, so the exchange starts again (ipmitool restarts
 * up to 4 times, IPMI.md §1.3).
 */
#define VCM_ENG_RESTARTS_MAX	4
/* RAKP3 sends before a restart: a lost RAKP4 is resent by the BMC for
 * a repeated RAKP3, and restarting instead leaks the session the BMC
 * already activated. */
#define VCM_ENG_RAKP3_TRIES	3
/* A whole handshake; issue 5: "--timeout default at most 5 s per host". */
#define VCM_ENG_HANDSHAKE_MS	5000
/*
 * Keepalive while in use and the silence after which the BMC is dark:
 * consoles must learn within 5 s that a BMC went dark (issue 5); 1 s
 * idle + 3 s silence stays under that with a lost packet to spare.
 */
#define VCM_ENG_KEEPALIVE_MS	1000
#define VCM_ENG_DEAD_MS		3000
/*
 * Longest time an ACTIVE session goes without an IPMI request, even
 * while SOL packets flow: some BMCs reset their session idle timer only
 * on IPMI messages (ipmi_sim: 30 s, IPMI-PEERS.md §8 gotcha 11), so a
 * console with steady output would be killed; 15 s is half of the
 * shortest such timer seen. FreeIPMI uses 20 s.
 */
#define VCM_ENG_REFRESH_MS		15000
/*
 * Close Session sends. A lost reply leaks a slot on Cisco IMC (IPMI.md
 * §1.4), so it is retried, but a BMC that never answers it (Intel Tiger4
 * after a reset, §1.2) must not hold the caller for long.
 */
#define VCM_ENG_CLOSE_TRIES		4
#define VCM_ENG_CLOSE_MS		2000

/*
 * Session sequence numbers we may run ahead of the last one the BMC
 * answered while it is silent: OpenIPMI accepts 15 ahead (IPMI.md §2.2),
 * 12 leaves room for requests answered out of order.
 */
#define VCM_ENG_OUT_AHEAD		12

/*
 * RAKP1 sends before a restart from Open Session. A restart leaves the
 * BMC a half-open session holding a slot until its handshake timeout
 * (bmcsim: 3 s of 4 slots), so a lost RAKP2 is first answered by the
 * same RAKP1 again, as a lost RAKP4 is by RAKP3 (VCM_ENG_RAKP3_TRIES).
 */
#define VCM_ENG_RAKP1_TRIES	3
/*
 * A damaged datagram from the BMC (not a well-formed RMCP packet) means
 * it answered and the answer was spoiled on the way: what waited for it
 * is resent after this pause instead of the backoff (a few ms lets the
 * rest of a burst arrive first), at most this many times per step or
 * request, so a BMC that sends only garbage costs a few packets, not a
 * loop. With 20 % garbage (bmcsim's fault test) nine damaged answers
 * in a row, 0.2^9 or about 5e-7 per step, are needed before the timed
 * retries are even reached.
 */
#define VCM_ENG_DAMAGED_MS		10
#define VCM_ENG_DAMAGED_RESENDS		8

/* ---- Engine: the event loop over many BMCs (src/engine/engine.c) ------ */

/*
 * UDP sockets the engine shares among all sessions. One per session
 * would cost a descriptor each (thousands); one in all would let two
 * sessions to one BMC share a local port, which some BMCs route by
 * (IPMI.md §1.4, confluent PR#273). Four keeps the sessions of one BMC
 * (VCM_BMC_SESSIONS_DEFAULT) on distinct ports with room for overrides.
 */
#define VCM_ENG_SOCKETS_DEFAULT		4
#define VCM_ENG_SOCKETS_MAX		64
/* Sessions to one BMC an override may allow: a console, power, spares. */
#define VCM_BMC_SESSIONS_MAX		8
/*
 * Operations queued for one BMC. Operators and vcmd issue a handful at
 * a time; more would only wait for the BMC's slots, and the bound keeps
 * a runaway caller from growing memory.
 */
#define VCM_ENG_BMC_QUEUE_MAX		64
/*
 * A per-BMC quirk override ("+nochecksum,-authcap,sessions=1",
 * src/engine/quirks.h): every flag name with a sign and both keys fit
 * in about 160 bytes; 256 bounds what a config line can make us parse.
 */
#define VCM_ENG_QUIRK_SPEC_MAX		256
/*
 * Get Device ID for the vendor table (engine.c): its deadline and how
 * many sessions may try it. Until it answers or the tries are spent the
 * BMC gets one session (a vendor's cap must hold from the start), so
 * the bound is short: a few retransmits on loopback or a LAN, and a BMC
 * that refuses the command (or never answers) costs two deadlines, then
 * runs with the default profile.
 */
#define VCM_ENG_DEVID_MS		2000
#define VCM_ENG_DEVID_TRIES		2
/* BMCs one engine serves: bmcsim's largest fleet and vcmd's target. */
#define VCM_ENG_BMCS_MAX		20000
/* Kernel receive buffer per socket: a burst of replies from a thousand
 * BMCs answering at once (about 1 KiB of kernel memory each). */
#define VCM_ENG_RCVBUF_BYTES		(4 * 1024 * 1024)
/*
 * eng_stop() and eng_bmc_remove(): how long a console's verified
 * teardown (Deactivate Payload, Get Payload Activation Status) may run
 * before its session is closed regardless. A round takes two round
 * trips; 5 s leaves room for retransmits on a lossy link and, with
 * VCM_ENG_CLOSE_MS after it, keeps a stop under 8 s.
 */
#define VCM_ENG_STOP_CONSOLE_MS		5000
/*
 * BMC session ids one ENG_OP_CLOSE_STALE carries (crash recovery): vcm
 * holds at most VCM_BMC_SESSIONS_MAX per BMC, so two crashes' worth.
 */
#define VCM_ENG_STALE_MAX		16

/* ---- vcmctl ------------------------------------------------------------ */

/*
 * Hosts in one vcmctl -H: bmcsim's largest fleet (VCM_SIM_BMCS_MAX).
 * A range like 127.[0-255].[0-255].[0-255] would otherwise expand to
 * 16 M hosts; 10,000 covers a large data centre row at once.
 */
#define VCM_CTL_HOSTS_MAX		10000
/* Length of the -H argument: a long comma list of addresses. */
#define VCM_CTL_HOSTSPEC_MAX		65536
/* Bracketed parts in one host pattern: four octets and a port. */
#define VCM_CTL_BRACKETS_MAX		5
/* Ranges inside one bracket (`[1-3,7,9-12]`). */
#define VCM_CTL_RANGES_MAX		64
/* Default concurrent hosts (--fanout) and its bound (ipmipower: 1024). */
#define VCM_CTL_FANOUT_DEFAULT		256
#define VCM_CTL_FANOUT_MAX		VCM_CTL_HOSTS_MAX
/* Default per-host deadline; issue 5: at most 5 s. */
#define VCM_CTL_TIMEOUT_MS		5000
#define VCM_CTL_TIMEOUT_MAX_MS		600000
/* --repeat bound: a benchmark, not a daemon. */
#define VCM_CTL_REPEAT_MAX		1000
/* How long --repeat keeps sessions idle between rounds. */
#define VCM_CTL_IDLE_MS			10000
/*
 * `sol activate`: keystrokes read but not yet taken by the console (it
 * holds VCM_CONSOLE_INPUT_BYTES itself); reading stdin pauses when full.
 */
#define VCM_CTL_SOL_PENDING_BYTES	4096
/* With stdin not a terminal: console output still shown after EOF. */
#define VCM_CTL_SOL_DRAIN_MS		1000
/*
 * After `~.`: the verified teardown's bound (VCM_CONSOLE_TEARDOWN_TRIES
 * rounds of two requests of VCM_CONSOLE_REQUEST_MS at worst is 24 s; a
 * person waits less, and an unanswered teardown is reported as such).
 */
#define VCM_CTL_SOL_END_MS		10000
/* --sol-seconds bound: a test or a capture, not a daemon. */
#define VCM_CTL_SOL_SECONDS_MAX		86400

/* ---- Consoles ------------------------------------------------------ */

/* Viewers attached to one console at once (one SOL fans out to all). */
#define VCM_CONSOLE_VIEWERS_MAX		32

/*
 * Console output kept for replay to a viewer who joins. 16 KiB is a few
 * screens (a 200x50 terminal holds 10 KB), enough to see the last boot
 * messages or a login prompt, and keeps a console with one viewer under
 * the 64 KiB of RSS per console issue 5 asks for (backlog + one viewer
 * queue + the struct); 5,000 consoles cost at most 80 MB of backlog.
 */
#define VCM_CONSOLE_BACKLOG_BYTES	(16 * 1024)

/*
 * Output queued for one viewer who has not read it yet. It must hold a
 * whole backlog replay (checked in console.c); beyond that a viewer
 * more than ~1.4 s behind a 115200-baud line is better served by
 * skipping ahead than by making the BMC or other viewers wait.
 */
#define VCM_CONSOLE_VIEWER_QUEUE_BYTES	(16 * 1024)

/*
 * Keystrokes from the writer not yet accepted by the BMC. A pasted
 * script of a few dozen lines fits; beyond it the writer's input is
 * refused (backpressure to its socket) instead of growing without end.
 */
#define VCM_CONSOLE_INPUT_BYTES		4096

/*
 * Time the SOL stays active after the last viewer and grant went away:
 * a browser page reload takes 1-5 s and must not deactivate and
 * re-activate the payload (a second Activate on some BMCs wipes the
 * host's serial state); 10 s covers it without holding the BMC's SOL
 * instance long for nobody.
 */
#define VCM_CONSOLE_LINGER_MS		10000

/*
 * Deadline of one console request (Activate, Deactivate, Get Payload
 * Activation Status): the session retransmits at 250, 500, 1000, 2000 ms
 * (VCM_ENG_RETRY_MS..CAP), so 4 s spans three sends.
 */
#define VCM_CONSOLE_REQUEST_MS		4000

/*
 * Re-activation after the BMC dropped SOL or stopped answering: first
 * try after 250 ms, doubling to 2 s. 2 s keeps "live again within 3 s
 * of the BMC answering" (issue 5); the tries bound how long a BMC that
 * answers but never activates SOL costs before the console says so.
 */
#define VCM_CONSOLE_BACKOFF_MS		250
#define VCM_CONSOLE_BACKOFF_CAP_MS	2000
#define VCM_CONSOLE_REACTIVATE_TRIES	10

/*
 * Stale SOL ("80h already active") with the TAKE policy: Deactivate and
 * Activate again at most this many times; a second manager fighting
 * for the SOL must not make two programs loop for ever (FreeIPMI
 * deactivates once, then errors).
 */
#define VCM_CONSOLE_TAKE_TRIES		3

/*
 * "Activation Status says inactive, Activate says active" (Intel
 * firmware, IPMI.md §2.4; Quanta S99Q's status never shows a session,
 * §1.2): after this many contradictions the status is not believed.
 */
#define VCM_CONSOLE_CONTRADICT_MAX	3

/*
 * Verified teardown: Deactivate + Get Payload Activation Status rounds,
 * and the pause between them. Supermicro H8QME answers OK and stays
 * active; FreeIPMI gives up after a bounded number of tries (§1.2).
 */
#define VCM_CONSOLE_TEARDOWN_TRIES	3
#define VCM_CONSOLE_TEARDOWN_RETRY_MS	500

/*
 * SOL retransmission of our keystrokes: FreeIPMI's 500 ms, and 6
 * resends (3.5 s) before the SOL counts as lost (probably stolen: then
 * we re-activate, never deactivate, IPMI.md §2.4). A NACK (BMC buffer
 * full) waits the same 500 ms without spending the budget.
 */
#define VCM_CONSOLE_SOL_RETRY_MS	500
#define VCM_CONSOLE_SOL_RETRIES		6

/*
 * SOL silence after which Get Payload Activation Status checks the SOL
 * is still ours: some BMCs drop it on a host reboot without the
 * "deactivating" bit (Intel SR1520ML, IPMI.md §1.2); 10 s finds that
 * quickly at one small request per silent console per 10 s.
 */
#define VCM_CONSOLE_SILENT_MS		10000

/*
 * Keepalive period and dark threshold of a console's session: viewers
 * must hear "BMC unreachable" within 5 s of the BMC going silent (issue
 * 5): a keepalive 1 s after the last packet, dark 3 s later, leaves a
 * second for a late timer.
 */
#define VCM_CONSOLE_KEEPALIVE_MS	1000
#define VCM_CONSOLE_DEAD_MS		3000

/*
 * A console session that failed (handshake timed out, wrong password)
 * is opened again after 250 ms doubling to 2 s: a BMC that comes back
 * gets its console within the "3 s" of issue 5, a wrong password costs
 * one handshake per 2 s, not a storm.
 */
#define VCM_CONSOLE_SESSION_BACKOFF_MS	250
#define VCM_CONSOLE_SESSION_BACKOFF_CAP_MS 2000

/* Grants (eng_console_hold) keeping one console's SOL wanted at once. */
#define VCM_CONSOLE_HOLDS_MAX		1024

/*
 * Deactivate rounds of a teardown or a stale-SOL take on a board whose
 * Deactivate Payload is known to lie (ENG_Q_DEACTLIES: Supermicro H8QME
 * answers OK and stays active, Dell M-series answers 80h while active):
 * twice VCM_CONSOLE_TEARDOWN_TRIES, still a few seconds at most.
 */
#define VCM_CONSOLE_LIAR_TRIES		6

/* ---- bmcsim (the simulated BMC fleet) ------------------------------ */

/* Users per simulated BMC: IPMI user ids 1..15 on most boards. */
#define VCM_SIM_USERS_MAX		8

/*
 * Session slots per simulated BMC. Real BMCs have 4 (Cisco IMC) to 63
 * (ipmi_sim); the default 4 makes slot exhaustion easy to provoke.
 */
#define VCM_SIM_SLOTS_DEFAULT		4
#define VCM_SIM_SLOTS_MAX		16

/*
 * BMCs in one bmcsim process: one UDP socket each, and 10,000 leaves
 * room under the 20,000 open files a process may have here.
 */
#define VCM_SIM_BMCS_MAX		10000

/* Fleet groups (address range + profile) in one config file. */
#define VCM_SIM_GROUPS_MAX		64

/* Timeout defaults in milliseconds; every one is configurable. */
#define VCM_SIM_SESSION_TIMEOUT_MS	60000	/* the common BMC default */
#define VCM_SIM_SOL_RETRY_MS		1000	/* SOL retransmit interval */
#define VCM_SIM_SOL_RETRIES		7	/* SOL retransmits, then give up */

/* A configured delay or dark period longer than this is an error. */
#define VCM_SIM_DELAY_MAX_MS		600000

/* One control-protocol line (commands and replies). */
#define VCM_SIM_CTL_LINE_MAX		1024

/* One config file line. */
#define VCM_SIM_CONFIG_LINE_MAX		1024

/* bmcsim: the simulated host (tools/bmcsim/host.c) and config file. */

/* Longest host name: one DNS label (RFC 1035), as Linux HOST_NAME_MAX. */
#define VCM_HOST_NAME_MAX_LEN	63
/* Login name kept for the prompt and whoami; longer names are cut. */
#define VCM_HOST_USER_MAX		16
/* Pending output: a full help or os-release answer plus a prompt. */
#define VCM_HOST_OUT_MAX		384
/* Receive log for the control interface: a few typed command lines. */
#define VCM_HOST_RX_LOG_MAX		256
/* Shell line, terminator included; a real tty takes 4096, 127 is
 * plenty for the commands the shell knows and bounds the echo. */
#define VCM_HOST_LINE_MAX		128
/* One script step after expansion (text plus host name). */
#define VCM_HOST_STEP_MAX		256
/* 1 MB/s: far above any serial line, enough for flood load tests,
 * and small enough that the credit arithmetic fits in 32 bits. */
#define VCM_HOST_BPS_MAX		1000000
/*
 * Largest config file sim_config_load() reads. A fleet has at most
 * VCM_SIM_GROUPS_MAX groups of one line each; 256 KiB leaves room for
 * generous comments while bounding what a wrong --config path (a log,
 * a device) can make us read.
 */
#define VCM_SIM_CONFIG_FILE_MAX	(256 * 1024)
/*
 * Longest session idle timeout: one hour. Real BMCs default to 60 s and
 * tests want less; anything above an hour is a typo.
 */
#define VCM_SIM_TIMEOUT_MAX_MS	3600000u
/*
 * Fastest configured host serial output, bytes/s. 1 MiB/s is ~90 times
 * a 115200-baud line; beyond it use flood mode, whose rate the runtime
 * bounds itself.
 */
#define VCM_SIM_OUTPUT_BPS_MAX	(1024u * 1024u)

/* ---- vcmd: store, policy, API (src/store, src/vcmd) ------------------ */

/* Names of sites, pools, tenants, BMCs, servers and keys: short labels
 * for humans and URLs, never free text. */
#define VCM_NAME_MAX			64
/* A textual address "host" or IPv6 literal (INET6_ADDRSTRLEN is 46). */
#define VCM_ADDR_STR_MAX		64
/* One CIDR as text ("2001:db8::/32"); a grant's source list joined
 * with commas holds at most VCM_GRANT_SOURCES_MAX of them. */
#define VCM_CIDR_STR_MAX		50
#define VCM_GRANT_SOURCES_MAX		16
#define VCM_GRANT_SOURCES_STR_MAX	(VCM_GRANT_SOURCES_MAX * (VCM_CIDR_STR_MAX + 1))
/* Grant lifetime: 2 hours by default (PRODUCT.md); the operator's
 * maximum may not exceed 30 days, beyond which "time-limited" means
 * nothing. */
#define VCM_GRANT_DEFAULT_S		7200u
#define VCM_GRANT_MAX_DEFAULT_S		86400u
#define VCM_GRANT_MAX_LIMIT_S		(30u * 86400u)
/* Secret tokens (API keys, grant tokens, console tickets): 256 random
 * bits, base64url (43 chars) behind a short type prefix. */
#define VCM_TOKEN_RAW_LEN		32
#define VCM_TOKEN_STR_MAX		64
#define VCM_TOKEN_HASH_LEN		32	/* SHA-256 */
/* A console ticket is good for one WebSocket, within 30 s: long enough
 * for a page load on a slow link, too short to be worth stealing. */
#define VCM_TICKET_TTL_S		30u
#define VCM_TICKETS_MAX			4096
/* A sealed credential (vault.c): version, key id, nonce, tag and the
 * password and Kg (VCM_IPMI_KEY_MAX each) with their lengths. */
#define VCM_VAULT_BLOB_MAX		128
/* Audit event detail text. */
#define VCM_AUDIT_DETAIL_MAX		256
/* List pages: 100 by default, 1000 at most per request. */
#define VCM_PAGE_DEFAULT		100
#define VCM_PAGE_MAX			1000
/* HTTP: one request's headers and body. An API body is a few hundred
 * bytes of JSON; 64 KiB leaves room and bounds what a client can make
 * us buffer. */
#define VCM_HTTP_HEADER_MAX		8192
#define VCM_HTTP_BODY_MAX		(64 * 1024)
/* JSON nesting: our documents are two levels deep. */
#define VCM_JSON_DEPTH_MAX		8
/* A client that sends nothing for 10 s (slow loris) is dropped. */
#define VCM_HTTP_IDLE_S			10
/* Open connections to vcmd, all kinds: within the 20,000 files the
 * machine allows, leaving room for the store, logs and the engine. */
#define VCM_HTTP_CONNS_MAX		12000
/* API rate per key (and per source address for unauthenticated or
 * failed requests): a token bucket of 50 requests/s, burst 100. */
#define VCM_API_RATE_PER_S		50u
#define VCM_API_RATE_BURST		100u
#define VCM_API_RATE_TABLE_MAX		16384
/* One WebSocket message from a browser: keystrokes, a paste
 * (the page limits pastes) or a small JSON control message. */
#define VCM_WS_MSG_MAX			(16 * 1024)
/* Bytes queued towards one WebSocket before the viewer counts as
 * slow (the engine's per-viewer queue is the other bound). */
#define VCM_WS_QUEUE_MAX		(256 * 1024)
/* Console connections under one grant and under one tenant. */
#define VCM_GRANT_CONNS_MAX		8
#define VCM_TENANT_CONNS_MAX		64
/* A config file is a page of text. */
#define VCM_CONFIG_FILE_MAX		(64 * 1024)
#define VCM_CONFIG_VALUE_MAX		512

/* A server's console size: SOL cannot tell the host a size, so the
 * page shows the host's fixed one (80x25 unless set per server). */
#define VCM_CONSOLE_COLS_MIN		40
#define VCM_CONSOLE_COLS_MAX		320
#define VCM_CONSOLE_ROWS_MIN		10
#define VCM_CONSOLE_ROWS_MAX		120
/* A new console connection must present its ticket within 5 s. */
#define VCM_WS_HELLO_MS			5000
/* vcmd keeps an idle BMC session 30 s for the next power action or
 * console (a page reload), well under the 60 s BMCs time sessions
 * out after, then closes it: sessions are scarce (IPMI.md). */
#define VCM_VCMD_SESSION_IDLE_MS	30000
/* Closing the sessions a crashed vcmd left (Close Session by id, then
 * SOL deactivated and verified): 15 s covers a handshake, a dozen
 * commands and the teardown's retries on a slow BMC. */
#define VCM_VCMD_RECOVER_MS		15000
/* How long vcmd waits on SIGTERM for consoles to be torn down and
 * sessions closed before it exits anyway. */
#define VCM_VCMD_STOP_MS		8000

/*
 * vcmctl's API client: connect within 5 s (a local or LAN daemon
 * answers in milliseconds; longer means it is down), 30 s per request
 * in all (a power action waits on a BMC handshake of at most 5 s plus
 * the command's retries), and at most 1 MiB of response (a full page
 * of VCM_PAGE_MAX audit events is about 400 KiB) so a wrong URL or a
 * hostile server cannot fill the operator's memory.
 */
#define VCM_CTL_HTTP_CONNECT_S		5
#define VCM_CTL_HTTP_TOTAL_S		30
#define VCM_CTL_RESPONSE_MAX		(1024 * 1024)
/* Items one vcmctl list collects across pages before it stops with a
 * note (filters or --limit narrow it): 100 pages of VCM_PAGE_MAX,
 * about 50 MB of JSON at worst. */
#define VCM_CTL_LIST_ITEMS_MAX		100000
/* A key, token or password file: a token is VCM_TOKEN_STR_MAX bytes;
 * anything much longer is the wrong file. */
#define VCM_CTL_SECRET_FILE_MAX		256

/* The store (src/store): how long a write waits for another process's
 * lock (an online backup, sqlite3 in a shell) before it fails. vcmd's
 * loop thread waits that long, so it stays short. */
#define VCM_STORE_BUSY_MS		1000
/* Largest value the store reads from its database. The largest field
 * is a grant's source list (under 1 KiB); 64 KiB bounds what a corrupt
 * or hostile database file can make one read allocate. */
#define VCM_STORE_VALUE_MAX		(64 * 1024)
/* A meta setting ("operator_key_created"): a short word or number. */
#define VCM_STORE_META_VALUE_MAX	256

/*
 * vcmd's config (src/vcmd/config.c). Paths are bounded by the struct's
 * fields (a path of 255 bytes is deeper than any install layout), the
 * origin list by a config value.
 */
#define VCM_CONFIG_PATH_SIZE		256
#define VCM_CONFIG_ORIGINS_SIZE		VCM_CONFIG_VALUE_MAX
/* The HTTPS port by default: the usual unprivileged alternative to 443. */
#define VCM_VCMD_PORT_DEFAULT		8443
/* API rate and burst an operator may set: above 100,000 requests/s per
 * key the limiter protects nothing (one loop thread serves less). */
#define VCM_API_RATE_CFG_MAX		100000u
/* A power action's deadline: 5 s by default (issue 5: a power action
 * answers within 5 s); at least 100 ms (one retransmit on loopback) and
 * at most 10 minutes, like the console linger, beyond which the caller
 * has long given up. */
#define VCM_BMC_TIMEOUT_DEFAULT_MS	5000u
#define VCM_BMC_TIMEOUT_MIN_MS		100u
#define VCM_VCMD_MS_CFG_MAX		600000u
/* Console recordings (issue 7): 16 MiB per recording by default (hours
 * of a busy 115200-baud console), at most 1 GiB; kept 30 days by
 * default, at most 10 years. */
#define VCM_RECORDING_BYTES_DEFAULT	(16u * 1024u * 1024u)
#define VCM_RECORDING_BYTES_MAX		(1024u * 1024u * 1024u)
#define VCM_RECORDING_DAYS_DEFAULT	30u
#define VCM_RECORDING_DAYS_MAX		3650u

/* The HTTPS front (src/vcmd/http.c), beyond the limits above. A
 * request's headers, and then its body, must each arrive within this
 * many idle periods: a client that trickles a byte every few seconds
 * (slow loris) is never VCM_HTTP_IDLE_S silent, and 2 x 10 s still lets
 * the largest body (64 KiB) through a 3 KB/s link. */
#define VCM_HTTP_REQUEST_FACTOR		2
/* A reply must be taken by the client within 60 s: the largest (a page
 * of 1,000 objects, xterm.js) is a few hundred KiB; a minute is ample
 * on a slow link and bounds what a client that stops reading holds. */
#define VCM_HTTP_SEND_S			60
/* How often the front checks its connections' deadlines and whether a
 * client waiting for a slow reply is gone: the limits are in seconds. */
#define VCM_HTTP_SWEEP_MS		1000
/* After refusing a body (413) the front reads and discards for 2 s
 * before it closes, so the client reads the 413, not a reset. */
#define VCM_HTTP_LINGER_MS		2000
/* Bytes of a reply written per turn of the loop: other connections get
 * their turn between the pieces of a large reply. */
#define VCM_HTTP_WRITE_CHUNK		16384
/* Headers of one reply: status line, content type and length, cache
 * and security headers and a few extra ones. */
#define VCM_HTTP_REPLY_HEADER_MAX	2048
/* A chunk-size line of a chunked request body, with its extensions. */
#define VCM_HTTP_CHUNK_LINE_MAX		128
/* Connections accepted per wake-up of the listening socket, so a burst
 * of new clients cannot starve the connected ones. */
#define VCM_HTTP_ACCEPT_BATCH		64
/* Rejected requests logged per second; beyond, they are counted and the
 * count is logged once, so a flood cannot fill the disk. */
#define VCM_HTTP_REJECT_LOGS_PER_S	10
/* On shutdown WebSockets get 1 s to flush and send their close (1001). */
#define VCM_HTTP_STOP_GRACE_MS		1000
/* Static files: the longest path under the prefix, and how long a
 * browser may cache an asset (an hour: a new console page reaches every
 * user within the hour without a request per asset per page). */
#define VCM_HTTP_STATIC_PATH_MAX	256
#define VCM_HTTP_STATIC_MAX_AGE_S	3600
/* WebSocket bytes read per socket per turn; a larger message arrives in
 * pieces that are joined up to VCM_WS_MSG_MAX. */
#define VCM_WS_RX_CHUNK			4096
/* WebSocket liveness: a ping after 20 s without traffic and the socket
 * closed 10 s later without an answer, so a dead viewer stops counting
 * against its grant within half a minute. */
#define VCM_WS_PING_S			20
#define VCM_WS_DEAD_S			30
/* The reason text of a close frame: a control frame carries at most 125
 * bytes (RFC 6455 section 5.5), two of them the code. */
#define VCM_WS_CLOSE_REASON_MAX		123
/* A WebSocket the server closes (http_ws_close) is gone this long after
 * at the latest: what was queued, the close frame and the peer's answer
 * must fit, else the connection is cut. At a grant's end every console
 * must be closed within 1 s; a live peer answers within a round trip
 * (lws's own wait for the answer would be 5 s). */
#define VCM_WS_CLOSE_MS			500
/* Self-signed certificates (src/vcmd/tlsgen.c): valid a year, at most 16
 * subjectAltName entries (the names and addresses of one host). */
#define VCM_TLSGEN_DAYS			365
#define VCM_TLSGEN_NAMES_MAX		16
/* A DNS name in text form (RFC 1035 section 2.3.4). */
#define VCM_DNS_NAME_MAX		253
/*
 * Console recordings (src/vcmd/recording.c). A recording's path in the
 * store, relative to the state directory: "recordings/" + an id of at
 * most 19 digits + ".cast" is 35 bytes.
 */
#define VCM_RECORDING_PATH_MAX		63
/*
 * Events are gathered per recording and written when 8 KiB are waiting
 * or 1 s after the first one: about half a second of a busy 115200-baud
 * console (11.5 KB/s, a little more once escaped as JSON) per write(),
 * 40 MB for 5,000 open consoles at worst, and a crash (or a download of
 * a recording still running) misses at most the last second.
 */
#define VCM_REC_BUF_BYTES		(8 * 1024)
#define VCM_REC_FLUSH_MS		1000
/*
 * Retention runs at start and then once a day. One run deletes at most
 * 1,000 recordings (a file and a row each) and comes back a second
 * later for the rest, so a first start after a long stop never holds
 * the loop for one mass delete.
 */
#define VCM_REC_RETENTION_PERIOD_MS	(24u * 3600u * 1000u)
#define VCM_REC_RETENTION_BATCH		1000u
#define VCM_REC_RETENTION_AGAIN_MS	1000u
/*
 * One-time download tickets for the replay page (POST
 * /v1/recordings/{id}/ticket), each good for VCM_TICKET_TTL_S: a panel
 * opens one per click, so 256 outstanding at once is plenty and bounds
 * the table (searched linearly, 24 KiB).
 */
#define VCM_REC_TICKETS_MAX		256
/* The largest .cast file a download reads: the size limit's maximum
 * and the header and end marker written beyond a tiny limit. */
#define VCM_REC_FILE_MAX		(VCM_RECORDING_BYTES_MAX + 4096u)

/* ---- Logging ------------------------------------------------------- */

/* One log line; longer values are cut, never overflow. */
#define VCM_LOG_LINE_MAX		1024

#endif
