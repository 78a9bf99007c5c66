// Hostile WebSocket input against vcmd's console endpoint (issue 7):
// wrong, malformed and reused tickets, a foreign Origin (from a raw
// client and from a real browser page), frames that break the protocol,
// frames far over the message limit, a length that lies, binary garbage
// and a bounded flood. Each must end in a clean close (a close frame
// with the code the protocol or vcm's contract gives, or an HTTP
// refusal for the upgrade), and vcmd must keep serving: afterwards its
// health answers and a new console goes live. Run by
// tests/integration/browser-console.sh after console.test.mjs (TAP,
// numbered from TAP_FIRST); `--count` prints how many checks it makes.
//
// The BMC is bmcsim's 127.36.3.1 (the shell script's fleet).
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { apiClient, env, launch, makeTap, must, newContext, sleep } from './lib.mjs';
import { OP, wsOpen } from './wsraw.mjs';

const CHECKS = 20;
if (process.argv.includes('--count')) {
	console.log(CHECKS);
	process.exit(0);
}

const tap = makeTap();
const BASE = env('VCM_BASE');
const OPKEY = env('VCM_OPKEY');
const PW = env('VCM_BMC_PW');
const CA = readFileSync(env('VCM_CERT'));
const api = apiClient(BASE, env('VCM_CERT'));
const { hostname: HOST, port: PORT } = new URL(BASE);
// vcm's limits (lib/vcm/limits.h): the largest WebSocket message.
const WS_MSG_MAX = 16 * 1024;

let TKEY, GRANT;

async function ticket() {
	return must(await api(TKEY, 'POST', `/v1/grants/${GRANT}/console`), 201, 'ticket').ticket;
}

const open = (o = {}) => wsOpen({ host: HOST, port: PORT, ca: CA, ...o });

// opened(): an upgraded connection, or throws.
async function opened(o) {
	const r = await open(o);
	if (!r.conn) throw new Error(`upgrade refused: ${r.status}`);
	return r.conn;
}

// live(): a console past its hello (the "info" message arrived).
async function live() {
	const c = await opened();
	c.send(OP.text, JSON.stringify({ type: 'hello', ticket: await ticket() }));
	if (!await c.until((x) => x.texts.some((t) => t.includes('"type":"info"')) || x.ended, 10000))
		throw new Error(`no info: ${c.texts.join(' ').slice(0, 200)} ${c.close?.code || ''}`);
	return c;
}

async function step(desc, fn) {
	try {
		const r = await fn();
		if (r === false) tap.notOk(desc);
		else tap.ok(typeof r === 'string' ? `${desc} (${r})` : desc);
	} catch (e) {
		tap.notOk(`${desc}: ${e.message.split('\n')[0]}`);
	}
}

// expectClose(desc, WANT, FN): FN returns a connection and provokes it;
// the server must close it with a code matching WANT (a RegExp on
// "CODE reason").
async function expectClose(desc, want, fn, ms = 8000) {
	await step(desc, async () => {
		const c = await fn();
		const t0 = Date.now();
		const got = await c.closed(ms);
		if (!want.test(got))
			throw new Error(`got "${got}" after ${Date.now() - t0} ms, texts ${JSON.stringify(c.texts).slice(0, 200)}`);
		return got;
	});
}

async function main() {
	const t = must(await api(OPKEY, 'POST', '/v1/tenants', { name: 'mallory' }), 201, 'tenant');
	const b = must(await api(OPKEY, 'POST', '/v1/bmcs', { name: 'bmc-hostile',
	    address: '127.36.3.1', user: 'admin', password: PW }), 201, 'bmc');
	const s = must(await api(OPKEY, 'POST', '/v1/servers',
	    { tenant_id: t.id, bmc_id: b.id, name: 'target1' }), 201, 'server');
	TKEY = must(await api(OPKEY, 'POST', '/v1/keys', { name: 'm', tenant_id: t.id }), 201, 'key').token;
	GRANT = must(await api(TKEY, 'POST', '/v1/grants', { server_id: s.id, expires_in: 600 }),
	    201, 'grant').id;

	// ---- the upgrade and the hello ------------------------------------------------
	await step('a foreign Origin is refused at the upgrade (HTTP 403)', async () => {
		const r = await open({ origin: 'https://evil.example' });
		if (r.status !== 403) throw new Error(`status ${r.status}`);
		return `${r.status}`;
	});
	await expectClose('a well-formed unknown ticket: 4004', /^4004 /, async () => {
		const c = await opened();
		c.send(OP.text, JSON.stringify({ type: 'hello',
		    ticket: `vcmt_${randomBytes(32).toString('base64url').slice(0, 43)}` }));
		return c;
	});
	await expectClose('a malformed ticket: 4004 or 4000', /^400[04] /, async () => {
		const c = await opened();
		c.send(OP.text, '{"type":"hello","ticket":"vcmt_../../etc/passwd\\u0000"}');
		return c;
	});
	await step('a reused ticket: the first use goes live, the second gets 4004', async () => {
		const tk = await ticket();
		const a = await opened();
		a.send(OP.text, JSON.stringify({ type: 'hello', ticket: tk }));
		if (!await a.until((x) => x.texts.some((m) => m.includes('"type":"info"')), 10000))
			throw new Error('first use not live');
		const c = await opened();
		c.send(OP.text, JSON.stringify({ type: 'hello', ticket: tk }));
		const got = await c.closed(5000);
		a.destroy();
		if (!/^4004 /.test(got)) throw new Error(`second: ${got}`);
		return got;
	});
	await expectClose('binary before the hello: 4000', /^4000 /, async () => {
		const c = await opened();
		c.send(OP.binary, randomBytes(64));
		return c;
	});
	await expectClose('a hello that is not JSON: 4000', /^4000 /, async () => {
		const c = await opened();
		c.send(OP.text, '{"type":"hello","ticket":');
		return c;
	});
	await expectClose('a hello with a field of the wrong type: 4000', /^4000 /, async () => {
		const c = await opened();
		c.send(OP.text, '{"type":"hello","ticket":["vcmt_x"]}');
		return c;
	});
	await expectClose('no hello at all: closed after the hello timeout (4008)', /^4008 /,
	    async () => opened(), 9000);

	// ---- frames that break the protocol ------------------------------------------------
	// lws 4.1 takes unmasked client frames (RFC 6455 says close with
	// 1002); vcm then refuses the hello it carries.
	await expectClose('an unmasked client frame: 1002, or 4000 for its bad hello', /^1002\b|^4000 |^eof$/, async () => {
		const c = await opened();
		c.send(OP.text, '{"type":"hello"}', { mask: false });
		return c;
	});
	await expectClose('reserved bits set: protocol error', /^1002\b|^eof$/, async () => {
		const c = await opened();
		c.send(OP.text, '{"type":"hello"}', { rsv: 7 });
		return c;
	});
	await expectClose('an unknown opcode: protocol error', /^1002\b|^eof$/, async () => {
		const c = await opened();
		c.send(3, 'x');
		return c;
	});
	await expectClose('a ping over 125 bytes: protocol error', /^1002\b|^eof$/, async () => {
		const c = await opened();
		c.send(OP.ping, Buffer.alloc(200, 0x41));
		return c;
	});
	await expectClose('a text frame that is not UTF-8: 1007 or 4000', /^1007\b|^4000 /, async () => {
		const c = await opened();
		c.send(OP.text, Buffer.from([0x7b, 0xff, 0xfe, 0xc0, 0x80, 0x7d]));
		return c;
	});

	// ---- size ------------------------------------------------------------------------------
	await expectClose(`a 1 MiB frame before the hello: 1009 (limit ${WS_MSG_MAX})`, /^1009\b/, async () => {
		const c = await opened();
		c.send(OP.binary, randomBytes(1024 * 1024));
		return c;
	});
	await expectClose('a 1 MiB keystroke frame on a live console: 1009', /^1009\b/, async () => {
		const c = await live();
		c.send(OP.binary, Buffer.alloc(1024 * 1024, 0x61));
		return c;
	});
	await expectClose('a frame whose length says 2^62 bytes: closed', /^100[29]\b|^eof$/, async () => {
		const c = await opened();
		c.write(Buffer.concat([
		    Buffer.from([0x82, 0xff]), Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0]),
		    randomBytes(4), randomBytes(4096)]));
		return c;
	});
	await expectClose('64 KiB of binary garbage after the upgrade: closed', /^\d{4}\b|^eof$/, async () => {
		const c = await opened();
		c.write(randomBytes(64 * 1024));
		return c;
	});

	// ---- a bounded flood on a live console, nothing read --------------------------------
	await step('a flood (5,000 keystroke frames, 2,000 bad control messages) leaves vcmd serving', async () => {
		const c = await live();
		c.sock.pause();		// read nothing: the server's queue fills
		const t0 = Date.now();
		let sent = 0;
		for (let i = 0; i < 5000 && Date.now() - t0 < 10000; i++) {
			if (!c.send(OP.binary, Buffer.from('x'))) break;
			sent++;
			if (i < 2000 && c.send(OP.text, '{"type":"nope","action":1}')) sent++;
			if ((i & 255) === 0) await sleep(1);
		}
		await sleep(500);
		c.sock.resume();
		const got = await c.closed(3000);
		const h = await api(null, 'GET', '/v1/health');
		if (h.status !== 200) throw new Error(`health ${h.status}`);
		return `${sent} frames in ${Date.now() - t0} ms; connection: ${got}`;
	});

	// ---- a real browser on another origin ---------------------------------------------------
	await step('a page on another origin cannot open the console socket (browser)', async () => {
		const browser = await launch();
		try {
			const ctx = await newContext(browser);
			const page = await ctx.newPage();
			// The foreign page is served by the test itself: no network.
			await page.route('https://evil.example/**', (r) => r.fulfill({
			    status: 200, contentType: 'text/html', body: '<!doctype html><title>evil</title>' }));
			await page.goto('https://evil.example/');
			const tk = await ticket();
			const r = await page.evaluate(([url, tk]) => new Promise((resolve) => {
				const ws = new WebSocket(url, 'vcm.console.v1');
				let opened = false;
				ws.onopen = () => { opened = true; ws.send(JSON.stringify({ type: 'hello', ticket: tk })); };
				ws.onclose = (e) => resolve({ opened, code: e.code });
				setTimeout(() => resolve({ opened, code: 'timeout' }), 8000);
			}), [`wss://${HOST}:${PORT}/v1/console/ws`, tk]);
			if (r.opened) throw new Error(`the socket opened (close ${r.code})`);
			return `never opened, close ${r.code}`;
		} finally {
			await browser.close();
		}
	});

	// ---- vcmd afterwards -------------------------------------------------------------------
	await step('afterwards vcmd answers its health check and a new console goes live', async () => {
		const h = await api(null, 'GET', '/v1/health');
		if (h.status !== 200) throw new Error(`health ${h.status}`);
		const c = await live();
		c.destroy();
		return true;
	});
}

const hardStop = setTimeout(() => {
	tap.notOk('hostile.test.mjs finished within 150 s');
	process.exit(1);
}, 150000);
try {
	await main();
} catch (e) {
	tap.notOk(`unexpected: ${e.stack || e}`);
}
clearTimeout(hardStop);
if (tap.count !== CHECKS) tap.diag(`made ${tap.count} checks, CHECKS says ${CHECKS}`);
process.exit(tap.failed ? 1 : 0);
