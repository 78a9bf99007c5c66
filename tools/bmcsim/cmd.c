/*
 * IPMI command handlers of a simulated BMC. The dispatcher decodes the
 * request into its typed struct (lib/ipmi field tables), checks the
 * session's privilege, lets the handler fill the response struct and
 * encodes it; unknown commands get C1h like on real firmware, so
 * clients' probes (PICMG, DCMI, OEM) fail cleanly.
 */
#include <arpa/inet.h>
#include <string.h>

#include "vcm/err.h"
#include "ipmi/cmds.h"
#include "ipmi/crypto.h"
#include "ipmi/rakp.h"
#include "ipmi/rmcpplus.h"
#include "quirks.h"
#include "sim.h"

/* Completion codes (IPMI 2.0 table 5-2 and the commands' own). */
#define CC_OK			0x00
#define CC_INVALID_CMD		0xc1
#define CC_PARAM_OUT_OF_RANGE	0xc9
#define CC_INVALID_FIELD	0xcc
#define CC_NOT_PRESENT		0xcb
#define CC_INSUFFICIENT_PRIV	0xd4
#define CC_CANT_NOW		0xd5
#define CC_UNSPECIFIED		0xff
#define CC_PAYLOAD_ACTIVE	0x80	/* Activate: already active */
#define CC_ACTIVATION_LIMIT	0x82	/* Activate: limit reached */
#define CC_PAYLOAD_INACTIVE	0x80	/* Deactivate: already deactivated */
#define CC_PARAM_UNSUPPORTED	0x80	/* LAN/SOL/boot parameter */
#define CC_PARAM_READ_ONLY	0x82
#define CC_PRIV_UNAVAILABLE	0x80	/* Set Session Privilege */
#define CC_PRIV_ABOVE_LIMIT	0x81
#define CC_BAD_SESSION_ID	0x87	/* Close Session */

#define LAN_CHANNEL		1
#define IPMI_FORUM_IANA		7154	/* channel vendor id: "IPMI" */

/* Response structs start with cc; the union is big enough for any. */
union rq_any {
	struct ipmi_get_auth_caps_rq		auth;
	struct ipmi_set_session_priv_rq		priv;
	struct ipmi_close_session_rq		close;
	struct ipmi_get_session_info_rq		info;
	struct ipmi_get_channel_info_rq		chan;
	struct ipmi_get_channel_ciphers_rq	ciphers;
	struct ipmi_set_user_access_rq		set_ua;
	struct ipmi_get_user_access_rq		get_ua;
	struct ipmi_set_user_name_rq		set_un;
	struct ipmi_get_user_name_rq		get_un;
	struct ipmi_activate_payload_rq		act;
	struct ipmi_deactivate_payload_rq	deact;
	struct ipmi_get_payload_status_rq	pstat;
	struct ipmi_get_channel_payload_rq	psup;
	struct ipmi_chassis_control_rq		ctl;
	struct ipmi_set_boot_options_rq		set_boot;
	struct ipmi_get_boot_options_rq		get_boot;
	struct ipmi_set_config_rq		set_cfg;
	struct ipmi_get_config_rq		get_cfg;
};

union rs_any {
	struct ipmi_cc_rs			cc;
	struct ipmi_get_device_id_rs		devid;
	struct ipmi_get_system_guid_rs		guid;
	struct ipmi_get_auth_caps_rs		auth;
	struct ipmi_set_session_priv_rs		priv;
	struct ipmi_get_session_info_rs		info;
	struct ipmi_get_channel_info_rs		chan;
	struct ipmi_get_channel_ciphers_rs	ciphers;
	struct ipmi_get_user_access_rs		get_ua;
	struct ipmi_get_user_name_rs		get_un;
	struct ipmi_activate_payload_rs		act;
	struct ipmi_get_payload_status_rs	pstat;
	struct ipmi_get_channel_payload_rs	psup;
	struct ipmi_get_chassis_status_rs	chassis;
	struct ipmi_get_boot_options_rs		get_boot;
	struct ipmi_get_config_rs		get_cfg;
};

typedef void	handler_fn(struct bmc *, struct sim_session *,
		    const union rq_any *, union rs_any *);

struct handler {
	uint8_t		 netfn;
	uint8_t		 cmd;
	uint8_t		 min_priv;
	handler_fn	*fn;
};

static void
get_device_id(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	rs->devid.device_id = 0x20;
	rs->devid.device_rev = 1;
	rs->devid.fw_major = b->prof->fw_major & 0x7f;
	rs->devid.fw_minor = b->prof->fw_minor;
	rs->devid.ipmi_version = 0x02;		/* IPMI 2.0 */
	rs->devid.dev_support = 0x8f;		/* chassis, bridge, SEL... */
	rs->devid.manufacturer_id = b->prof->iana & 0xfffff;
	rs->devid.product_id = b->prof->product_id;
}

/*
 * Get Device GUID and Get System GUID (20.8, 22.14): an RFC 4122 UUID,
 * sent least significant byte first, i.e. the 16 bytes reversed. Ours
 * are random bytes; mark them version 4 (random) with the RFC 4122
 * variant, as a real BMC's are, or clients cannot decode them (ipmitool
 * mc guid prints raw hex or "IPMI Specification violation"). In wire
 * order the version is the high nibble of byte 9 (RFC byte 6) and the
 * variant the top two bits of byte 7 (RFC byte 8).
 */
_Static_assert(sizeof(((struct ipmi_get_system_guid_rs *)0)->guid) == 16,
    "a GUID is 16 bytes");

static void
get_guid(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	memcpy(rs->guid.guid, b->guid, sizeof(rs->guid.guid));
	rs->guid.guid[9] = (uint8_t)((rs->guid.guid[9] & 0x0f) | 0x40);
	rs->guid.guid[7] = (uint8_t)((rs->guid.guid[7] & 0x3f) | 0x80);
}

static void
get_auth_caps(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	const struct sim_user *u;
	int i;

	if (rq->auth.channel != 0x0e && rq->auth.channel != LAN_CHANNEL) {
		rs->cc.cc = CC_INVALID_FIELD;
		return;
	}
	rs->auth.channel = LAN_CHANNEL;
	rs->auth.v20_ext = rq->auth.v20_data;
	rs->auth.ipmi20 = 1;
	/* No IPMI 1.5 logins here (as on Supermicro X11, HP DL145). */
	for (i = 0; i < b->prof->nusers; i++) {
		u = &b->prof->users[i];
		if (!u->enabled)
			continue;
		if (u->name[0] == '\0')
			rs->auth.null_users = 1;
		else
			rs->auth.non_null_users = 1;
	}
}

static void
set_session_priv(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	uint8_t want = rq->priv.priv;

	if (want == IPMI_PRIV_NONE) {
		rs->priv.priv = s->priv;
		return;
	}
	if (want < IPMI_PRIV_USER || want > IPMI_PRIV_OEM) {
		rs->cc.cc = CC_PRIV_UNAVAILABLE;
		return;
	}
	if (want > s->max_priv) {
		rs->cc.cc = CC_PRIV_ABOVE_LIMIT;
		return;
	}
	s->priv = want;
	rs->priv.priv = want;
}

static void
close_session(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	uint32_t id = rq->close.session_id;
	int i;

	if (id == 0 || id == s->sid_c)
		return;		/* the dispatcher closes it after replying */
	for (i = 0; i < b->nslots; i++) {
		if (b->sessions[i].state != SIM_SS_FREE &&
		    b->sessions[i].sid_c == id) {
			if (s->priv < IPMI_PRIV_ADMIN) {
				rs->cc.cc = CC_INSUFFICIENT_PRIV;
				return;
			}
			sim_session_close(b, &b->sessions[i]);
			return;
		}
	}
	rs->cc.cc = CC_BAD_SESSION_ID;
}

static void
get_session_info(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	const struct sim_session *t = NULL;
	uint32_t ip;
	int i, n = 0;

	for (i = 0; i < b->nslots; i++) {
		if (b->sessions[i].state != SIM_SS_ACTIVE)
			continue;
		n++;
		switch (rq->info.index) {
		case IPMI_SESSION_INDEX_CURRENT:
			break;
		case IPMI_SESSION_INDEX_HANDLE:
			if (b->sessions[i].handle == rq->info.handle)
				t = &b->sessions[i];
			break;
		case IPMI_SESSION_INDEX_ID:
			if (b->sessions[i].sid_c == rq->info.session_id)
				t = &b->sessions[i];
			break;
		default:
			if (n == rq->info.index)
				t = &b->sessions[i];
			break;
		}
	}
	if (rq->info.index == IPMI_SESSION_INDEX_CURRENT)
		t = s;
	rs->info.slots = b->nslots;
	rs->info.active = (uint8_t)n;
	if (t == NULL) {
		/* Past the last session: the table header only. */
		if (rq->info.index == IPMI_SESSION_INDEX_HANDLE ||
		    rq->info.index == IPMI_SESSION_INDEX_ID)
			rs->cc.cc = CC_INVALID_FIELD;
		return;
	}
	rs->info.handle = t->handle;
	rs->info.has_session = 1;
	rs->info.user_id = (uint8_t)(t->user + 2);	/* user 1 is anonymous */
	rs->info.priv = t->priv;
	rs->info.channel = LAN_CHANNEL;
	rs->info.protocol = 1;				/* IPMI 2.0 */
	rs->info.has_lan = 1;
	ip = ntohl(t->peer.sin_addr.s_addr);
	rs->info.ip[0] = (uint8_t)(ip >> 24);
	rs->info.ip[1] = (uint8_t)(ip >> 16);
	rs->info.ip[2] = (uint8_t)(ip >> 8);
	rs->info.ip[3] = (uint8_t)ip;
	rs->info.port = ntohs(t->peer.sin_port);
}

static void
get_channel_info(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	if (rq->chan.channel != 0x0e && rq->chan.channel != LAN_CHANNEL) {
		rs->cc.cc = CC_INVALID_FIELD;
		return;
	}
	rs->chan.channel = LAN_CHANNEL;
	rs->chan.medium = IPMI_MEDIUM_LAN;
	rs->chan.protocol = IPMI_PROTOCOL_IPMB;
	rs->chan.session_support = IPMI_SESSION_MULTI;
	rs->chan.active_sessions = (uint8_t)sim_session_count(b);
	rs->chan.vendor_iana = IPMI_FORUM_IANA;
}

/* The record data of every offered suite, as a BMC lists them (22.15). */
static size_t
cipher_records(const struct bmc *b, uint8_t *out, size_t cap)
{
	struct ipmi_cipher_suite cs;
	size_t n = 0;
	uint8_t id;

	for (id = 0; id < 20; id++) {
		if (ipmi_cipher_suite_lookup(id, &cs) != 0 || n + 5 > cap)
			continue;
		if (id == 0 ? !(b->quirks & SIM_Q_INSECURE_CS0) :
		    !((b->prof->suites >> id) & 1) || (id != 3 && id != 17))
			continue;
		if ((b->quirks & SIM_Q_CS17_ONLY) && id != 17)
			continue;
		out[n++] = 0xc0;
		out[n++] = id;
		out[n++] = cs.auth;
		out[n++] = (uint8_t)(0x40 | cs.integ);
		out[n++] = (uint8_t)(0x80 | cs.conf);
	}
	return n;
}

static void
get_channel_ciphers(struct bmc *b, struct sim_session *s,
    const union rq_any *rq, union rs_any *rs)
{
	uint8_t all[VCM_IPMI_CIPHER_DATA_MAX];
	size_t n, off;

	if ((rq->ciphers.channel != 0x0e &&
	    rq->ciphers.channel != LAN_CHANNEL) ||
	    rq->ciphers.payload_type != IPMI_PAYLOAD_IPMI) {
		rs->cc.cc = CC_INVALID_FIELD;
		return;
	}
	n = cipher_records(b, all, sizeof(all));
	off = (size_t)rq->ciphers.list_index * IPMI_CIPHER_RECORD_CHUNK;
	rs->ciphers.channel = LAN_CHANNEL;
	if (off >= n)
		return;		/* an empty chunk ends the list */
	rs->ciphers.data_len = (uint16_t)(n - off < IPMI_CIPHER_RECORD_CHUNK ?
	    n - off : IPMI_CIPHER_RECORD_CHUNK);
	memcpy(rs->ciphers.data, all + off, rs->ciphers.data_len);
}

/* User ids: 1 is the anonymous user; profile user i is id i + 2. */
static const struct sim_user *
user_by_id(const struct bmc *b, uint8_t id)
{
	if (id < 2 || id - 2 >= b->prof->nusers)
		return NULL;
	return &b->prof->users[id - 2];
}

static void
get_user_access(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	const struct sim_user *u = user_by_id(b, rq->get_ua.user_id);

	if (rq->get_ua.user_id == 0 || rq->get_ua.user_id > 15) {
		rs->cc.cc = CC_INVALID_FIELD;
		return;
	}
	rs->get_ua.max_users = 15;
	rs->get_ua.enabled_users = b->prof->nusers;
	rs->get_ua.fixed_names = 1;
	rs->get_ua.priv = u ? u->priv : IPMI_PRIV_NO_ACCESS;
	rs->get_ua.enable_status = u && u->enabled ? 1 : 0;
	rs->get_ua.ipmi_msg = u != NULL;
	rs->get_ua.link_auth = u != NULL;
}

static void
get_user_name(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	const struct sim_user *u = user_by_id(b, rq->get_un.user_id);

	if (rq->get_un.user_id == 0 || rq->get_un.user_id > 15) {
		rs->cc.cc = CC_INVALID_FIELD;
		return;
	}
	if (u != NULL)
		memcpy(rs->get_un.name, u->name, strlen(u->name));
}

/* Users are the profile's: shared by a fleet group, read-only here. */
static void
read_only(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	rs->cc.cc = CC_CANT_NOW;
}

static void
activate_payload(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	int r;

	if (rq->act.payload_type != IPMI_PAYLOAD_SOL || rq->act.instance == 0) {
		rs->cc.cc = CC_INVALID_FIELD;
		return;
	}
	/* One SOL instance: asking for another while it runs is 82h. */
	if (rq->act.instance != 1) {
		rs->cc.cc = b->sol_active ? CC_ACTIVATION_LIMIT :
		    CC_INVALID_FIELD;
		return;
	}
	if (b->sol_active) {
		rs->cc.cc = CC_PAYLOAD_ACTIVE;
		return;
	}
	/* Our SOL always runs encrypted: refuse a plaintext request (83h). */
	if (s->keys.conf != IPMI_CONF_NONE && !rq->act.sol_encrypt) {
		rs->cc.cc = 0x83;
		return;
	}
	if ((r = sim_sol_activate(b, s)) != 0) {
		rs->cc.cc = CC_UNSPECIFIED;
		return;
	}
	rs->act.inbound_size = SIM_SOL_CHUNK + IPMI_SOL_HDR_LEN;
	rs->act.outbound_size = SIM_SOL_CHUNK + IPMI_SOL_HDR_LEN;
	rs->act.port = b->sim->cfg->port;
	rs->act.vlan = 0xffff;
}

static void
deactivate_payload(struct bmc *b, struct sim_session *s,
    const union rq_any *rq, union rs_any *rs)
{
	if (rq->deact.payload_type != IPMI_PAYLOAD_SOL ||
	    rq->deact.instance != 1) {
		rs->cc.cc = CC_INVALID_FIELD;
		return;
	}
	if (b->quirks & SIM_Q_DEACT_SAYS_INACTIVE) {
		/* Dell M605/M610/M915: 80h, and SOL stays as it was. */
		rs->cc.cc = CC_PAYLOAD_INACTIVE;
		return;
	}
	if (!b->sol_active) {
		rs->cc.cc = CC_PAYLOAD_INACTIVE;
		return;
	}
	if (b->quirks & SIM_Q_DEACT_LIES)
		return;		/* Supermicro H8QME: success, nothing done */
	sim_sol_deactivate(b);
}

static void
get_payload_status(struct bmc *b, struct sim_session *s,
    const union rq_any *rq, union rs_any *rs)
{
	if (rq->pstat.payload_type != IPMI_PAYLOAD_SOL) {
		rs->pstat.capacity = rq->pstat.payload_type ==
		    IPMI_PAYLOAD_IPMI ? 1 : 0;
		return;
	}
	rs->pstat.capacity = (b->quirks & SIM_Q_CAPACITY_ZERO) ? 0 : 1;
	rs->pstat.active = b->sol_active ? 1 : 0;
}

static void
get_channel_payload(struct bmc *b, struct sim_session *s,
    const union rq_any *rq, union rs_any *rs)
{
	if (rq->psup.channel != 0x0e && rq->psup.channel != LAN_CHANNEL) {
		rs->cc.cc = CC_NOT_PRESENT;
		return;
	}
	rs->psup.standard = 1u << IPMI_PAYLOAD_IPMI | 1u << IPMI_PAYLOAD_SOL;
	rs->psup.session_setup = 0x3f;		/* Open Session .. RAKP4 */
}

static void
get_chassis_status(struct bmc *b, struct sim_session *s,
    const union rq_any *rq, union rs_any *rs)
{
	rs->chassis.power_on = host_is_on(&b->host);
	rs->chassis.restore_policy = 1;		/* "previous" */
}

static void
chassis_control(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	int r;

	r = host_power(&b->host, rq->ctl.control, sim_now(b->sim));
	if (r != 0) {
		rs->cc.cc = r == VCM_ESTATE ? CC_CANT_NOW : CC_INVALID_FIELD;
		return;
	}
	sim_busy(b);
}

static void
set_boot_options(struct bmc *b, struct sim_session *s,
    const union rq_any *rq, union rs_any *rs)
{
	const struct ipmi_param *p;
	struct ipmi_boot_flags f;

	switch (rq->set_boot.selector) {
	case IPMI_BOOT_PARAM_IN_PROGRESS:
	case IPMI_BOOT_PARAM_INFO_ACK:
		return;		/* accepted; nothing to remember */
	case IPMI_BOOT_PARAM_FLAGS:
		p = ipmi_param_find(IPMI_PARAM_BOOT, IPMI_BOOT_PARAM_FLAGS);
		if (p == NULL || ipmi_param_decode(p, &f, sizeof(f),
		    rq->set_boot.data, rq->set_boot.data_len) != 0) {
			rs->cc.cc = CC_INVALID_FIELD;
			return;
		}
		memcpy(b->boot_flags, rq->set_boot.data,
		    sizeof(b->boot_flags));
		host_set_boot_device(&b->host, f.valid ? f.device :
		    IPMI_BOOT_DEV_NONE, f.persistent);
		return;
	default:
		rs->cc.cc = CC_PARAM_UNSUPPORTED;
	}
}

/*
 * "Options apply to next boot only" (28.13, parameter 5): the BIOS takes
 * the device at its next boot and the flags stop being valid, so a
 * client reading them back after that boot sees no pending override
 * (ipmitool: "Boot Flag Invalid"). The host forgets a one-time device
 * when it boots from it (host.c); clear the valid bit when that has
 * happened to the device the flags name. Flags that are persistent, or
 * that name no device, stay as they were set.
 */
static void
boot_flags_used(struct bmc *b)
{
	const struct ipmi_param *p;
	struct ipmi_boot_flags f;
	uint8_t dev;
	int persistent;

	p = ipmi_param_find(IPMI_PARAM_BOOT, IPMI_BOOT_PARAM_FLAGS);
	if (p == NULL || ipmi_param_decode(p, &f, sizeof(f), b->boot_flags,
	    sizeof(b->boot_flags)) != 0)
		return;
	if (!f.valid || f.persistent || f.device == IPMI_BOOT_DEV_NONE)
		return;
	host_get_boot_device(&b->host, &dev, &persistent);
	if (dev != IPMI_BOOT_DEV_NONE)
		return;		/* not booted yet */
	/* Bit 7 of data 1 only: every other bit reads back as written. */
	b->boot_flags[0] &= (uint8_t)~0x80;
}

static void
get_boot_options(struct bmc *b, struct sim_session *s,
    const union rq_any *rq, union rs_any *rs)
{
	rs->get_boot.version = 1;
	rs->get_boot.selector = rq->get_boot.selector;
	switch (rq->get_boot.selector) {
	case IPMI_BOOT_PARAM_IN_PROGRESS:
		rs->get_boot.data_len = 1;
		break;
	case IPMI_BOOT_PARAM_INFO_ACK:
		rs->get_boot.data_len = 2;
		break;
	case IPMI_BOOT_PARAM_FLAGS:
		boot_flags_used(b);
		rs->get_boot.data_len = sizeof(b->boot_flags);
		memcpy(rs->get_boot.data, b->boot_flags,
		    sizeof(b->boot_flags));
		break;
	default:
		rs->cc.cc = CC_PARAM_UNSUPPORTED;
	}
}

static void
put_ipv4(uint8_t *p, uint32_t a)
{
	p[0] = (uint8_t)(a >> 24);
	p[1] = (uint8_t)(a >> 16);
	p[2] = (uint8_t)(a >> 8);
	p[3] = (uint8_t)a;
}

static uint32_t
get_ipv4(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
get_lan_config(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	uint8_t *d = rs->get_cfg.data, id;
	uint16_t n = 0;
	int i;

	rs->get_cfg.revision = 0x11;
	if (rq->get_cfg.channel != LAN_CHANNEL &&
	    rq->get_cfg.channel != 0x0e) {
		rs->cc.cc = CC_NOT_PRESENT;
		return;
	}
	if (rq->get_cfg.revision_only)
		return;
	switch (rq->get_cfg.param) {
	case 0:			/* set in progress */
		d[n++] = 0;
		break;
	case 1:			/* auth type support: none of 1.5's */
		d[n++] = 0;
		break;
	case 2:			/* auth type enables, per privilege */
		memset(d, 0, 5);
		n = 5;
		break;
	case IPMI_LAN_PARAM_IP:
		put_ipv4(d, b->addr);
		n = 4;
		break;
	case IPMI_LAN_PARAM_IP_SOURCE:
		d[n++] = b->ip_source;
		break;
	case 5:			/* MAC: locally administered, from the index */
		d[0] = 0x02;
		d[1] = 0x00;
		put_ipv4(d + 2, b->index + 1);
		n = 6;
		break;
	case IPMI_LAN_PARAM_NETMASK:
		put_ipv4(d, b->netmask);
		n = 4;
		break;
	case IPMI_LAN_PARAM_GATEWAY:
		put_ipv4(d, b->gateway);
		n = 4;
		break;
	case 13:		/* default gateway MAC */
		memset(d, 0, 6);
		n = 6;
		break;
	case IPMI_LAN_PARAM_CS_SUPPORT:
	case IPMI_LAN_PARAM_CS_ENTRIES: {
		uint8_t rec[VCM_IPMI_CIPHER_DATA_MAX];
		size_t rn = cipher_records(b, rec, sizeof(rec)), k = 0;

		if (rq->get_cfg.param == IPMI_LAN_PARAM_CS_ENTRIES)
			d[n++] = 0;	/* reserved */
		for (i = 0; (size_t)i + 1 < rn; i += 5) {
			id = rec[i + 1];
			if (rq->get_cfg.param == IPMI_LAN_PARAM_CS_ENTRIES)
				d[n++] = id;
			k++;
		}
		if (rq->get_cfg.param == IPMI_LAN_PARAM_CS_SUPPORT)
			d[n++] = (uint8_t)k;
		break;
	}
	case IPMI_LAN_PARAM_CS_PRIV:
		/* Reserved byte, then 4 bits per suite entry: administrator. */
		d[n++] = 0;
		for (i = 0; i < 8; i++)
			d[n++] = IPMI_PRIV_ADMIN << 4 | IPMI_PRIV_ADMIN;
		break;
	default:
		rs->cc.cc = CC_PARAM_UNSUPPORTED;
		return;
	}
	rs->get_cfg.data_len = n;
}

static void
set_lan_config(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	const uint8_t *d = rq->set_cfg.data;
	uint16_t n = rq->set_cfg.data_len;
	uint32_t a;

	if (rq->set_cfg.channel != LAN_CHANNEL &&
	    rq->set_cfg.channel != 0x0e) {
		rs->cc.cc = CC_NOT_PRESENT;
		return;
	}
	switch (rq->set_cfg.param) {
	case 0:
		if (n != 1)
			rs->cc.cc = CC_INVALID_FIELD;
		return;
	case IPMI_LAN_PARAM_IP:
		if (n != 4) {
			rs->cc.cc = CC_INVALID_FIELD;
			return;
		}
		a = get_ipv4(d);
		/* bmcsim only ever listens on loopback (tests' only targets). */
		if ((a >> 24) != 127 || a == b->addr) {
			rs->cc.cc = a == b->addr ? CC_OK : CC_PARAM_OUT_OF_RANGE;
			return;
		}
		b->rebind_to = a;	/* after this reply has left */
		return;
	case IPMI_LAN_PARAM_IP_SOURCE:
		if (n != 1 || (d[0] & 0x0f) > IPMI_IP_SOURCE_OTHER) {
			rs->cc.cc = CC_INVALID_FIELD;
			return;
		}
		b->ip_source = d[0] & 0x0f;
		return;
	case IPMI_LAN_PARAM_NETMASK:
	case IPMI_LAN_PARAM_GATEWAY:
		if (n != 4) {
			rs->cc.cc = CC_INVALID_FIELD;
			return;
		}
		if (rq->set_cfg.param == IPMI_LAN_PARAM_NETMASK)
			b->netmask = get_ipv4(d);
		else
			b->gateway = get_ipv4(d);
		return;
	case 1: case 5: case IPMI_LAN_PARAM_CS_SUPPORT:
	case IPMI_LAN_PARAM_CS_ENTRIES:
		rs->cc.cc = CC_PARAM_READ_ONLY;
		return;
	default:
		rs->cc.cc = CC_PARAM_UNSUPPORTED;
	}
}

static void
get_sol_config(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	uint8_t *d = rs->get_cfg.data;
	uint16_t port = b->sim->cfg->port;

	rs->get_cfg.revision = 0x11;
	if (rq->get_cfg.revision_only)
		return;
	switch (rq->get_cfg.param) {
	case 0:
		d[0] = 0;
		rs->get_cfg.data_len = 1;
		break;
	case IPMI_SOL_PARAM_ENABLE:
		d[0] = 1;
		rs->get_cfg.data_len = 1;
		break;
	case IPMI_SOL_PARAM_AUTH:
		d[0] = 0xc0 | IPMI_PRIV_USER;	/* forced auth+encrypt, user */
		rs->get_cfg.data_len = 1;
		break;
	case IPMI_SOL_PARAM_ACCUMULATE:
		d[0] = 12;			/* 60 ms */
		d[1] = 96;
		rs->get_cfg.data_len = 2;
		break;
	case IPMI_SOL_PARAM_RETRY:
		d[0] = (uint8_t)(b->sol_retries & 7);
		d[1] = (uint8_t)(b->sol_retry_ms / 10 > 255 ? 255 :
		    b->sol_retry_ms / 10);
		rs->get_cfg.data_len = 2;
		break;
	case IPMI_SOL_PARAM_NV_BIT_RATE:
	case IPMI_SOL_PARAM_V_BIT_RATE:
		d[0] = IPMI_SOL_RATE_115200;
		rs->get_cfg.data_len = 1;
		break;
	case IPMI_SOL_PARAM_CHANNEL:
		d[0] = LAN_CHANNEL;
		rs->get_cfg.data_len = 1;
		break;
	case IPMI_SOL_PARAM_PORT:
		d[0] = (uint8_t)port;
		d[1] = (uint8_t)(port >> 8);
		rs->get_cfg.data_len = 2;
		break;
	default:
		rs->cc.cc = CC_PARAM_UNSUPPORTED;
	}
}

static void
set_sol_config(struct bmc *b, struct sim_session *s, const union rq_any *rq,
    union rs_any *rs)
{
	switch (rq->set_cfg.param) {
	case 0:
	case IPMI_SOL_PARAM_ENABLE:
	case IPMI_SOL_PARAM_V_BIT_RATE:
	case IPMI_SOL_PARAM_NV_BIT_RATE:
		return;		/* accepted; the simulated UART has no speed */
	default:
		rs->cc.cc = CC_PARAM_UNSUPPORTED;
	}
}

/*
 * The commands and the privilege each needs (IPMI 2.0 appendix G):
 * user for reading, operator for power, administrator for configuration.
 */
static const struct handler handlers[] = {
	{ IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, IPMI_PRIV_USER, get_device_id },
	{ IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_GUID, IPMI_PRIV_USER, get_guid },
	{ IPMI_NETFN_APP, IPMI_CMD_GET_SYSTEM_GUID, IPMI_PRIV_USER, get_guid },
	{ IPMI_NETFN_APP, IPMI_CMD_GET_CHANNEL_AUTH_CAPS, IPMI_PRIV_CALLBACK,
	    get_auth_caps },
	{ IPMI_NETFN_APP, IPMI_CMD_SET_SESSION_PRIV, IPMI_PRIV_CALLBACK,
	    set_session_priv },
	{ IPMI_NETFN_APP, IPMI_CMD_CLOSE_SESSION, IPMI_PRIV_CALLBACK,
	    close_session },
	{ IPMI_NETFN_APP, IPMI_CMD_GET_SESSION_INFO, IPMI_PRIV_USER,
	    get_session_info },
	{ IPMI_NETFN_APP, IPMI_CMD_GET_CHANNEL_INFO, IPMI_PRIV_USER,
	    get_channel_info },
	{ IPMI_NETFN_APP, IPMI_CMD_GET_CHANNEL_CIPHERS, IPMI_PRIV_CALLBACK,
	    get_channel_ciphers },
	{ IPMI_NETFN_APP, IPMI_CMD_SET_USER_ACCESS, IPMI_PRIV_ADMIN, read_only },
	{ IPMI_NETFN_APP, IPMI_CMD_GET_USER_ACCESS, IPMI_PRIV_OPERATOR,
	    get_user_access },
	{ IPMI_NETFN_APP, IPMI_CMD_SET_USER_NAME, IPMI_PRIV_ADMIN, read_only },
	{ IPMI_NETFN_APP, IPMI_CMD_GET_USER_NAME, IPMI_PRIV_OPERATOR,
	    get_user_name },
	{ IPMI_NETFN_APP, IPMI_CMD_ACTIVATE_PAYLOAD, IPMI_PRIV_USER,
	    activate_payload },
	{ IPMI_NETFN_APP, IPMI_CMD_DEACTIVATE_PAYLOAD, IPMI_PRIV_USER,
	    deactivate_payload },
	{ IPMI_NETFN_APP, IPMI_CMD_GET_PAYLOAD_STATUS, IPMI_PRIV_USER,
	    get_payload_status },
	{ IPMI_NETFN_APP, IPMI_CMD_GET_CHANNEL_PAYLOAD, IPMI_PRIV_USER,
	    get_channel_payload },
	{ IPMI_NETFN_CHASSIS, IPMI_CMD_GET_CHASSIS_STATUS, IPMI_PRIV_USER,
	    get_chassis_status },
	{ IPMI_NETFN_CHASSIS, IPMI_CMD_CHASSIS_CONTROL, IPMI_PRIV_OPERATOR,
	    chassis_control },
	{ IPMI_NETFN_CHASSIS, IPMI_CMD_SET_BOOT_OPTIONS, IPMI_PRIV_OPERATOR,
	    set_boot_options },
	{ IPMI_NETFN_CHASSIS, IPMI_CMD_GET_BOOT_OPTIONS, IPMI_PRIV_OPERATOR,
	    get_boot_options },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_SET_LAN_CONFIG, IPMI_PRIV_ADMIN,
	    set_lan_config },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_GET_LAN_CONFIG, IPMI_PRIV_OPERATOR,
	    get_lan_config },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_SET_SOL_CONFIG, IPMI_PRIV_ADMIN,
	    set_sol_config },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_GET_SOL_CONFIG, IPMI_PRIV_USER,
	    get_sol_config },
};

static const struct handler *
find_handler(uint8_t netfn, uint8_t cmd)
{
	size_t i;

	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].netfn == netfn && handlers[i].cmd == cmd)
			return &handlers[i];
	return NULL;
}

/*
 * Runs one request and encodes the response data into out. s is NULL for
 * session-less messages. Returns the data length.
 */
static int
run(struct bmc *b, struct sim_session *s, const struct ipmi_msg *m,
    uint8_t *out, size_t cap)
{
	const struct handler *h = find_handler(m->netfn, m->cmd);
	const struct ipmi_cmd *c = ipmi_cmd_find(m->netfn, m->cmd);
	union rq_any rq;
	union rs_any rs;
	int n;

	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	if (h == NULL || c == NULL) {
		out[0] = CC_INVALID_CMD;
		return 1;
	}
	if (ipmi_cmd_decode_rq(c, &rq, c->rq_size, m->data,
	    m->data_len) != 0) {
		out[0] = m->data_len < ipmi_fields_min_len(c->rq) ? 0xc7 :
		    CC_INVALID_FIELD;	/* C7h: request data length invalid */
		return 1;
	}
	if (s != NULL && s->priv < h->min_priv) {
		out[0] = CC_INSUFFICIENT_PRIV;
		return 1;
	}
	h->fn(b, s, &rq, &rs);
	if ((n = ipmi_cmd_encode_rs(c, &rs, c->rs_size, out, cap)) < 0) {
		out[0] = CC_UNSPECIFIED;
		return 1;
	}
	return n;
}

/* Before a session exists only these two may be asked. */
int
sim_cmd_sessionless(struct bmc *b, const struct ipmi_msg *m, uint8_t *out,
    size_t cap)
{
	if (m->netfn != IPMI_NETFN_APP ||
	    (m->cmd != IPMI_CMD_GET_CHANNEL_AUTH_CAPS &&
	    m->cmd != IPMI_CMD_GET_CHANNEL_CIPHERS))
		return -1;	/* dropped: no session, no answer */
	return run(b, NULL, m, out, cap);
}

void
sim_cmd_dispatch(struct bmc *b, struct sim_session *s, const struct ipmi_msg *m)
{
	uint8_t data[VCM_IPMI_MSG_DATA_MAX], body[VCM_IPMI_MSG_MAX];
	struct ipmi_msg rs;
	struct vbuf_wr w;
	int n, closing;

	closing = m->netfn == IPMI_NETFN_APP &&
	    m->cmd == IPMI_CMD_CLOSE_SESSION;
	if (closing && (b->quirks & SIM_Q_CLOSE_LOST))
		return;		/* Cisco IMC: the Close Session never arrives */
	n = run(b, s, m, data, sizeof(data));
	ipmi_msg_response_to(m, &rs, data, (size_t)n);
	vbuf_wr_init(&w, body, sizeof(body));
	if (ipmi_msg_encode(&w, &rs) == 0)
		(void)sim_seal(b, s, IPMI_PAYLOAD_IPMI, body, w.len);
	/* After the reply: it had to leave under the session's keys. */
	if (closing && n == 1 && data[0] == CC_OK) {
		struct ipmi_close_session_rq rq;
		const struct ipmi_cmd *c = ipmi_cmd_find(m->netfn, m->cmd);

		memset(&rq, 0, sizeof(rq));
		if (c != NULL && ipmi_cmd_decode_rq(c, &rq, sizeof(rq), m->data,
		    m->data_len) == 0 && (rq.session_id == 0 ||
		    rq.session_id == s->sid_c))
			sim_session_close(b, s);
	}
	if (b->rebind_to != 0) {
		uint32_t to = b->rebind_to;

		b->rebind_to = 0;
		(void)sim_bmc_bind(b, to);
	}
}
