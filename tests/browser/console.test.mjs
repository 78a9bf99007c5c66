// The console page end to end in a real browser (issue 7, "How it is
// checked"): Debian's chromium, headless, driven by playwright-core,
// against a real vcmd and bmcsim on loopback. Run by
// tests/integration/browser-console.sh, which starts vcmd and bmcsim and
// sets the environment; prints TAP lines numbered from TAP_FIRST.
// `node console.test.mjs --count` prints how many checks it makes.
//
// The page is driven through its DOM contract (/tmp/spec/web.md, in
// docs since): #state, #server-name, #mode, #viewers, #countdown,
// #take-over, button[data-power=...], #power-result and
// window.vcmConsole; the terminal's text is read from xterm.js's rows.
//
// The fleet (the shell script's fleet.conf, 127.36.0.0/16):
//	127.36.0.1  web1     a plain BMC: boot, login, echo, power, viewers
//	127.36.1.1  legacy1  quirk sol_drop_on_reboot: SOL ends silently
//	127.36.2.1  short1   a grant that expires while the page is open
import { mkdirSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
	apiClient, env, launch, makeTap, must, newContext, screen, seenLines,
	simctl, sleep, text, typeInto, vcmConsole, waitFor, waitSeen, watchScreen,
} from './lib.mjs';

const CHECKS = 27;
if (process.argv.includes('--count')) {
	console.log(CHECKS);
	process.exit(0);
}

const tap = makeTap();
const BASE = env('VCM_BASE');
const OPKEY = env('VCM_OPKEY');
const SIM = env('VCM_SIMCTL');
const PW = env('VCM_BMC_PW');
const SHOT = process.env.VCM_SCREENSHOT || 'build/test-logs/console.png';
const api = apiClient(BASE, env('VCM_CERT'));

// The boot transcript's first and last lines (tools/bmcsim/host.c).
const BIOS = /vcm Virtual Platform BIOS/;
const LOGIN = /login:\s*$/;

let browser;
const pages = [];
const pageErrors = [];

// openConsole(CTX, GRANT, KEY): a fresh console URL for the grant, opened
// in a new page of CTX; resolves once the page has loaded.
async function openConsole(ctx, grant, key) {
	const c = must(await api(key, 'POST', `/v1/grants/${grant}/console`), 201,
	    'console URL');
	const page = await ctx.newPage();
	pages.push(page);
	page.on('pageerror', (e) => {
		pageErrors.push(e.message);
		tap.diag(`page error: ${e.message}`);
	});
	await page.goto(c.url, { waitUntil: 'load', timeout: 15000 });
	await watchScreen(page);
	return { page, url: c.url };
}

async function stateIs(page, want, ms) {
	return waitFor(`#state "${want}"`, async () => (await text(page, '#state')) === want, ms);
}

// resetSeen: forget the rows collected so far (a second boot prints the
// same lines again).
async function resetSeen(page) {
	await page.evaluate(() => {
		clearInterval(window.__vcmWatch);
		window.__vcmWatch = null;
	});
	await watchScreen(page);
}

// step(DESC, FN): one check; FN returns true/false or a description
// suffix; a throw is a failure with its message.
async function step(desc, fn) {
	try {
		const r = await fn();
		if (r === false) tap.notOk(desc);
		else tap.ok(typeof r === 'string' ? `${desc} (${r})` : desc);
	} catch (e) {
		tap.notOk(`${desc}: ${e.message.split('\n')[0]}`);
	}
}

async function main() {
	// ---- inventory ---------------------------------------------------------
	const site = must(await api(OPKEY, 'POST', '/v1/sites', { name: 'e2e' }), 201, 'site');
	const pool = must(await api(OPKEY, 'POST', '/v1/pools',
	    { site_id: site.id, name: 'e2e-bmcs', cidr: '127.36.0.0/16' }), 201, 'pool');
	const tenant = must(await api(OPKEY, 'POST', '/v1/tenants', { name: 'acme' }), 201, 'tenant');
	const servers = {};
	for (const [name, addr] of [['web1', '127.36.0.1'], ['legacy1', '127.36.1.1'],
	    ['short1', '127.36.2.1']]) {
		const b = must(await api(OPKEY, 'POST', '/v1/bmcs', { name: `bmc-${name}`,
		    address: addr, user: 'admin', password: PW, site_id: site.id,
		    pool_id: pool.id }), 201, `bmc ${name}`);
		servers[name] = must(await api(OPKEY, 'POST', '/v1/servers',
		    { tenant_id: tenant.id, bmc_id: b.id, name }), 201, `server ${name}`);
	}
	const TKEY = must(await api(OPKEY, 'POST', '/v1/keys',
	    { name: 'panel', tenant_id: tenant.id }), 201, 'tenant key').token;
	const grant = must(await api(TKEY, 'POST', '/v1/grants',
	    { server_id: servers.web1.id, expires_in: 3600 }), 201, 'grant web1');
	tap.ok(`inventory and a grant for web1 created through the API (grant ${grant.id})`);

	browser = await launch();
	tap.diag(`chromium ${browser.version()}`);
	const ctx1 = await newContext(browser);

	// ---- open the console ----------------------------------------------------
	const { page: p1, url } = await openConsole(ctx1, grant.id, TKEY);
	tap.check(url.startsWith(`${BASE}/console/#ticket=vcmt_`),
	    `the API's console URL is ${BASE}/console/#ticket=vcmt_...`);
	await step('the page goes live (#state "live")', async () => {
		await stateIs(p1, 'live', 10000);
	});
	await step('the ticket is removed from the address bar', async () =>
	    !p1.url().includes('ticket') && !(await p1.evaluate(() => location.href)).includes('vcmt_'));
	await step('server name, write mode, 25 rows, power buttons shown', async () => {
		await waitFor('#mode "write"', async () => (await text(p1, '#mode')) === 'write', 5000);
		const name = await text(p1, '#server-name');
		const rows = (await screen(p1)).length;
		const cycle = await p1.isVisible('button[data-power="cycle"]');
		const c = await vcmConsole(p1);
		const r = `name "${name}", ${rows} rows, cycle button ${cycle}, writer ${c?.writer}`;
		if (name !== 'web1' || rows !== 25 || !cycle || c?.writer !== true)
			throw new Error(r);
		return r;
	});

	// ---- the simulated boot, through an API reset ------------------------------
	await step('power reset through the API: the BIOS screen (white on blue), the boot and the login prompt render', async () => {
		must(await api(TKEY, 'POST', `/v1/servers/${servers.web1.id}/power`,
		    { action: 'reset' }), 200, 'power reset');
		const b = await waitSeen(p1, BIOS, 10000);
		// The BIOS banner's row while it is on the screen: its colours.
		const bg = await p1.evaluate(() => {
			for (const d of document.querySelectorAll('#terminal .xterm-rows > div'))
				if (/vcm Virtual Platform BIOS/.test(d.textContent))
					return [...d.querySelectorAll('span')].map((e) => e.className).join(' ');
			return null;
		});
		await waitSeen(p1, /Welcome to Debian GNU\/Linux/, 15000);
		const l = await waitSeen(p1, LOGIN, 15000);
		if (bg !== null && !/xterm-bg-4\b/.test(bg)) throw new Error(`BIOS banner classes "${bg}"`);
		return `"${b.trim()}" ... "${l.trim()}"${bg === null ? ', banner already scrolled' : ', blue background'}`;
	});
	await step('UTF-8 and DEC line drawing render', async () => {
		// Raw UTF-8 (the control line is UTF-8), then "lqqk" in the DEC
		// special graphics set, which xterm.js draws as a box top.
		await simctl(SIM, 'inject 127.36.0.1 \\r\\n\u250c\u2500 Gr\u00fc\u00dfe \u20ac \u2500\u2510 \\e(0lqqk\\e(B\\r\\n');
		const want = '\u250c\u2500 Gr\u00fc\u00dfe \u20ac \u2500\u2510 \u250c\u2500\u2500\u2510';
		const l = await waitSeen(p1, /Gr\u00fc\u00dfe/, 5000);
		if (l !== want) throw new Error(`row "${l}", want "${want}"`);
		return `"${l}"`;
	});
	await step('window.vcmConsole counts the bytes and knows when the first was drawn', async () => {
		const c = await vcmConsole(p1);
		const r = `bytes ${c?.bytes}, firstByteAt ${c?.firstByteAt?.toFixed?.(1)} ms`;
		if (!(c && c.bytes > 500 && typeof c.firstByteAt === 'number' && c.firstByteAt > 0))
			throw new Error(r);
		return r;
	});

	// ---- keyboard: log in, a command and its echo ---------------------------------
	const word = `vcm-e2e-${randomBytes(4).toString('hex')}`;
	await step('typing logs in and a command shows its echo and output', async () => {
		const from = (await seenLines(p1)).length;
		await typeInto(p1, 'root\r');
		await waitSeen(p1, /Password:\s*$/, 5000, from);
		await typeInto(p1, 'secret\r');
		await waitSeen(p1, /root@[\w.-]+:~[#$]\s*$/, 5000, from);
		await typeInto(p1, `echo ${word}\r`);
		const cmd = await waitSeen(p1, new RegExp(`[#$] echo ${word}$`), 5000, from);
		await waitSeen(p1, new RegExp(`^${word}$`), 5000, from);
		return `"${cmd.trim()}"`;
	});
	await step(`a screenshot of the live console is saved (${SHOT})`, async () => {
		mkdirSync(SHOT.replace(/\/[^/]*$/, ''), { recursive: true });
		await p1.screenshot({ path: SHOT });
		const sz = statSync(SHOT).size;
		if (sz < 10000) throw new Error(`only ${sz} bytes`);
		return `${sz} bytes`;
	});
	await step('Ctrl-C reaches the host (the shell shows ^C and a new prompt)', async () => {
		const from = (await seenLines(p1)).length;
		await typeInto(p1, 'sleepy');
		await p1.keyboard.press('Control+c');
		await waitSeen(p1, /sleepy\^C$/, 5000, from);
		return true;
	});

	// ---- the power cycle button ---------------------------------------------------
	await step('the cycle button asks for confirmation, then the console shows the reboot', async () => {
		await resetSeen(p1);
		let dialog = null;
		p1.once('dialog', async (d) => { dialog = `${d.type()}: ${d.message()}`; await d.accept(); });
		const bytes0 = (await vcmConsole(p1)).bytes;
		await p1.click('button[data-power="cycle"]');
		await waitFor('the confirm dialog', async () => dialog !== null, 3000);
		const t0 = Date.now();
		if (!dialog.startsWith('confirm')) throw new Error(`dialog ${dialog}`);
		await waitFor('output after the cycle', async () => (await vcmConsole(p1)).bytes > bytes0, 10000, 20);
		const first = Date.now() - t0;
		// The BIOS screen may be cleared by the boot loader's in the same
		// burst; the boot loader, kernel and login prompt stay a while.
		await waitSeen(p1, /Welcome to GRUB!|Linux version/, 10000);
		await waitSeen(p1, LOGIN, 15000);
		return `${dialog}; first output ${first} ms after it`;
	});
	await step('#power-result reports the action', async () =>
	    waitFor('#power-result text', async () => {
		const t = await text(p1, '#power-result');
		return t ? `"${t}"` : false;
	}, 5000));
	await step('a dismissed confirmation sends nothing', async () => {
		await resetSeen(p1);
		p1.once('dialog', (d) => d.dismiss());
		await p1.click('button[data-power="off"]');
		await sleep(1500);
		const st = await simctl(SIM, 'list 127.36.0.1');
		if (!/power=on/.test(st[0])) throw new Error(st[0]);
		return st[0].replace(/^\d+ /, '');
	});

	// ---- a second viewer: read-only, backlog, viewer count, take over ------------------
	const ctx2 = await newContext(browser);
	const { page: p2 } = await openConsole(ctx2, grant.id, TKEY);
	await step('a second viewer joins read-only with the backlog', async () => {
		await stateIs(p2, 'live', 10000);
		await waitFor('#mode "read-only"', async () => (await text(p2, '#mode')) === 'read-only', 5000);
		const rows = await waitFor('backlog rows', async () => {
			const s = (await screen(p2)).filter((l) => l !== '');
			return s.some((l) => LOGIN.test(l)) ? s : false;
		}, 5000);
		return `${rows.length} rows replayed, last "${rows[rows.length - 1]}"`;
	});
	await step('both pages show 2 viewers; the second offers "take over"', async () => {
		await waitFor('2 viewers on both', async () =>
		    (await text(p1, '#viewers'))?.includes('2') && (await text(p2, '#viewers'))?.includes('2') &&
		    (await vcmConsole(p1))?.viewers === 2, 5000);
		return p2.isVisible('#take-over');
	});
	await step("the read-only viewer's keys do not reach the host", async () => {
		await typeInto(p2, 'ro-typed');
		await sleep(1000);
		const rx = (await simctl(SIM, 'serial-rx 127.36.0.1')).join('');
		return !rx.includes('ro-typed');
	});
	await step('take over: the second page writes, the first becomes read-only', async () => {
		await p2.click('#take-over');
		await waitFor('p2 write', async () => (await text(p2, '#mode')) === 'write', 5000);
		await waitFor('p1 read-only', async () => (await text(p1, '#mode')) === 'read-only', 5000);
		// The host sits at its login prompt after the reboot: the line
		// is echoed as a user name, on both pages.
		await resetSeen(p1);
		await typeInto(p2, `taken-${word}\r`);
		await waitSeen(p1, new RegExp(`taken-${word}`), 5000);
		return true;
	});
	// A grant with console-read only: no power buttons, no take over.
	const gro = must(await api(TKEY, 'POST', '/v1/grants', { server_id: servers.web1.id,
	    rights: ['console-read'], expires_in: 600 }), 201, 'read-only grant');
	const ctx3 = await newContext(browser);
	const { page: p3 } = await openConsole(ctx3, gro.id, TKEY);
	await step('a console-read grant: read-only, no power buttons, no take over', async () => {
		await stateIs(p3, 'live', 10000);
		await waitFor('#mode', async () => (await text(p3, '#mode')) === 'read-only', 5000);
		const pw = await p3.isVisible('button[data-power="cycle"]');
		const to = await p3.isVisible('#take-over');
		if (pw || to) throw new Error(`power button ${pw}, take-over ${to}`);
		return true;
	});
	await ctx3.close();
	await ctx2.close();

	// ---- a BMC-side SOL drop ------------------------------------------------------------
	const gl = must(await api(TKEY, 'POST', '/v1/grants',
	    { server_id: servers.legacy1.id, expires_in: 600 }), 201, 'grant legacy1');
	const ctx4 = await newContext(browser);
	const { page: p4 } = await openConsole(ctx4, gl.id, TKEY);
	await step('legacy1 (sol_drop_on_reboot): the console goes live', async () => {
		await stateIs(p4, 'live', 10000);
		// Record every state the page shows from here on.
		await p4.evaluate(() => {
			window.__states = [];
			const el = document.querySelector('#state');
			new MutationObserver(() => window.__states.push(el.textContent.trim()))
			    .observe(el, { childList: true, characterData: true, subtree: true });
		});
		return true;
	});
	await step('after a reboot drops SOL silently the page reconnects by itself', async () => {
		const t0 = Date.now();
		must(await api(TKEY, 'POST', `/v1/servers/${servers.legacy1.id}/power`,
		    { action: 'reset' }), 200, 'power reset');
		await stateIs(p4, 'reconnected', 30000);
		const states = await p4.evaluate(() => window.__states);
		const c = await vcmConsole(p4);
		if (c.closeCode !== null && c.closeCode !== undefined)
			throw new Error(`socket closed ${c.closeCode}`);
		return `${Date.now() - t0} ms; states ${[...new Set(states)].join(' -> ')}`;
	});
	await step('output and input flow again after the reconnect', async () => {
		await resetSeen(p4);
		await simctl(SIM, `inject 127.36.1.1 after-drop-${word}\\r\\n`);
		await waitSeen(p4, new RegExp(`after-drop-${word}`), 5000);
		await typeInto(p4, '\r');
		await waitSeen(p4, LOGIN, 10000);
		return true;
	});
	await ctx4.close();

	// ---- expiry -----------------------------------------------------------------------
	// An absolute expiry on a whole second: "expires" in the grant is
	// then exact (vcmd keeps milliseconds, prints seconds).
	const expAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 8000)
	    .toISOString().replace(/\.\d+Z$/, 'Z');
	const gs = must(await api(TKEY, 'POST', '/v1/grants',
	    { server_id: servers.short1.id, expires: expAt }), 201, 'short grant');
	const ctx5 = await newContext(browser);
	const { page: p5 } = await openConsole(ctx5, gs.id, TKEY);
	await p5.evaluate(() => {
		window.__endedAt = null;
		window.__states = [];
		const el = document.querySelector('#state');
		new MutationObserver(() => {
			const t = el.textContent.trim();
			window.__states.push(`${t}@${Date.now()}`);
			if (window.__endedAt === null && t.startsWith('ended'))
				window.__endedAt = Date.now();
		}).observe(el, { childList: true, characterData: true, subtree: true });
	});
	await step('a short grant: live, the countdown warns', async () => {
		await stateIs(p5, 'live', 5000);
		const cd = await text(p5, '#countdown');
		const warn = await p5.evaluate(() => document.querySelector('#countdown').classList.contains('warning'));
		if (!/^(\d+:)?\d{1,2}:\d\d$/.test(cd || '') || !warn) throw new Error(`countdown "${cd}", warning ${warn}`);
		return `"${cd}"`;
	});
	await step('at expiry the server closes the console: "ended: expired", 4001, within 1 s', async () => {
		const exp = Date.parse(gs.expires);
		try {
			await stateIs(p5, 'ended: expired', 15000);
		} catch (e) {
			const c = await vcmConsole(p5);
			const h = await p5.evaluate(() => window.__states);
			throw new Error(`${e.message}; expires ${gs.expires} = ${exp}, close ${c?.closeCode}, states ${h.join(' -> ')}`);
		}
		const at = await p5.evaluate(() => window.__endedAt);
		const c = await waitFor('closeCode', async () => {
			const v = await vcmConsole(p5);
			return v.closeCode ? v : false;
		}, 3000);
		const late = at - exp;
		const r = `${late} ms after ${gs.expires}, close ${c.closeCode}`;
		if (c.closeCode !== 4001 || late < -50 || late > 1000) throw new Error(r);
		return r;
	});
	await step('bmcsim: SOL deactivated after the last viewer left', async () =>
	    waitFor('sol=inactive', async () => {
		const l = (await simctl(SIM, 'list 127.36.2.1'))[0];
		return /sol=inactive/.test(l) ? l.replace(/^\d+ /, '') : false;
	}, 15000, 200));
	await ctx5.close();

	// ---- the page after all that -------------------------------------------------------------
	await step('the first page is still live and got no page errors', async () => {
		const st = await text(p1, '#state');
		if (st !== 'live' && st !== 'reconnected') throw new Error(`state ${st}`);
		if (pageErrors.length) throw new Error(`${pageErrors.length} page errors: ${pageErrors[0]}`);
		return st;
	});
	await step('closing the page ends its connection (grant shows 0 connections)', async () => {
		await ctx1.close();
		return waitFor('0 connections', async () => {
			const g = must(await api(TKEY, 'GET', `/v1/grants/${grant.id}`), 200, 'grant');
			return g.connections === 0;
		}, 5000);
	});
}

const hardStop = setTimeout(() => {
	tap.notOk('console.test.mjs finished within 240 s');
	process.exit(1);
}, 240000);
try {
	await main();
} catch (e) {
	tap.notOk(`unexpected: ${e.stack || e}`);
} finally {
	if (browser) await browser.close().catch(() => {});
	clearTimeout(hardStop);
}
if (tap.count !== CHECKS) tap.diag(`made ${tap.count} checks, CHECKS says ${CHECKS}`);
process.exit(tap.failed ? 1 : 0);
