// Manual end-to-end check of the console page in headless chromium
// (Debian's /usr/bin/chromium, driven by playwright-core), against the
// vcmd + bmcsim that web/tools/stack.sh started. Loopback only.
//
//	node web/tools/check.mjs STACKDIR [SCREENSHOT]
//
// Prints one "ok"/"not ok" line per check and the time from navigation
// start to the first console byte rendered; exits 1 if a check failed.
// Not part of `make check`: tests/browser/ holds the real tests.

import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { chromium } from 'playwright-core';

const dir = process.argv[2];
const shot = process.argv[3] || 'build/web-screenshot.png';
if (!dir) {
	console.error('usage: node web/tools/check.mjs STACKDIR [SCREENSHOT]');
	process.exit(2);
}
const env = Object.fromEntries(readFileSync(`${dir}/env`, 'utf8').trim()
    .split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const ca = readFileSync(env.CERT);

function api(key, method, path, body) {
	return new Promise((resolve, reject) => {
		const data = body === undefined ? undefined : JSON.stringify(body);
		const rq = request(env.BASE + path, {
			method, ca, timeout: 15000,
			headers: {
				Authorization: `Bearer ${key}`,
				...(data ? { 'Content-Type': 'application/json' } : {}),
			},
		}, (res) => {
			let s = '';
			res.on('data', (c) => { s += c; });
			res.on('end', () => {
				if (res.statusCode >= 300)
					reject(new Error(`${method} ${path}: ${res.statusCode} ${s}`));
				else
					resolve(s ? JSON.parse(s) : null);
			});
		});
		rq.on('timeout', () => rq.destroy(new Error('timeout')));
		rq.on('error', reject);
		rq.end(data);
	});
}

// One bmcsim control command (docs/bmcsim.md), "ok"/"err" terminated.
function simctl(cmd) {
	return new Promise((resolve, reject) => {
		const sock = connect(env.BMCSIM_SOCK);
		let buf = '';
		sock.setTimeout(8000, () => sock.destroy(new Error('simctl timeout')));
		sock.on('data', (d) => {
			buf += d;
			if (/^ok$/m.test(buf)) { sock.end(); resolve(buf); }
			else if (/^err.*$/m.test(buf)) { sock.end(); reject(new Error(buf)); }
		});
		sock.on('error', reject);
		sock.write(cmd + '\n');
	});
}

let failed = 0;
function check(cond, what) {
	console.log(`${cond ? 'ok' : 'not ok'} - ${what}`);
	if (!cond)
		failed++;
}

async function grant(expiresIn, rights) {
	return api(env.KEY, 'POST', '/v1/grants', {
		server_id: Number(env.SERVER), expires_in: expiresIn,
		...(rights ? { rights } : {}),
	});
}
async function consoleUrl(g) {
	return (await api(env.KEY, 'POST', `/v1/grants/${g.id}/console`)).url;
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu'],
});
const context = await browser.newContext({
	ignoreHTTPSErrors: true,
	viewport: { width: 1280, height: 800 },
});
const problems = [];
async function open(url) {
	const page = await context.newPage();
	page.on('console', (m) => {
		if (m.type() === 'error' || m.type() === 'warning')
			problems.push(`${m.type()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
	page.on('dialog', (d) => d.accept());
	if (process.env.VCM_CHECK_DEBUG)
		page.on('websocket', (ws) => {
			const show = (dir) => (f) => console.log(`# ${dir} ${typeof f.payload === 'string' ?
			    f.payload.replace(/vcmt_\w+/, 'vcmt_...') : JSON.stringify(f.payload.toString())}`);
			ws.on('framesent', show('>'));
			ws.on('framereceived', show('<'));
		});
	await page.goto(url);
	return page;
}
const vc = (page) => page.evaluate(() => {
	const v = window.vcmConsole;
	return { state: v.state, reason: v.reason, bytes: v.bytes,
	    firstByteAt: v.firstByteAt, writer: v.writer, viewers: v.viewers,
	    closeCode: v.closeCode, cols: v.term && v.term.cols,
	    rows: v.term && v.term.rows, font: v.term && v.term.options.fontSize };
});
const text = (page) => page.evaluate(() => window.vcmConsole.text());
const waitText = (page, re, ms = 15000) => page.waitForFunction(
    ([src, flags]) => new RegExp(src, flags).test(window.vcmConsole.text()),
    [re.source, re.flags], { timeout: ms, polling: 100 });
const $text = (page, sel) => page.locator(sel).textContent();

try {
	// ---- one page: live, boot text, typing, countdown, power --------------
	const g1 = await grant(3600);
	const url1 = await consoleUrl(g1);
	check(/\/console\/#ticket=vcmt_/.test(url1), `console URL ${url1.replace(/vcmt_.*/, 'vcmt_...')}`);
	const p1 = await open(url1);
	check(!p1.url().includes('ticket'), `ticket removed from the address bar (${p1.url()})`);
	// A host at its login prompt prints nothing until asked: cycle it
	// (through the API) so that it boots while the page watches.
	await p1.waitForFunction(() => window.vcmConsole.state === 'live', null, { timeout: 10000 });
	await api(env.OPKEY, 'POST', `/v1/servers/${env.SERVER}/power`, { action: 'cycle' });
	await p1.waitForFunction(() => window.vcmConsole.firstByteAt !== null, null, { timeout: 10000 });
	await waitText(p1, /login:/, 20000);
	let v = await vc(p1);
	check(v.state === 'live' && await $text(p1, '#state') === 'live', `state live (${v.state})`);
	check(v.cols === 80 && v.rows === 25, `terminal keeps the server size ${v.cols}x${v.rows}, font ${v.font}px`);
	check(await $text(p1, '#server-name') === 'web1', 'server name shown');
	check(v.writer && await $text(p1, '#mode') === 'write', 'first page is the writer');
	check(await p1.locator('#take-over').isHidden() === v.writer, 'take over shown iff not the writer');
	if (!v.writer) {
		// vcmd's info.writer said no (see web/README.md): take it.
		await p1.locator('#take-over').click();
		await p1.waitForFunction(() => window.vcmConsole.writer, null, { timeout: 5000 });
		check(await $text(p1, '#mode') === 'write' && await p1.locator('#take-over').isHidden(),
		    'take over makes the page the writer');
	}
	for (const a of ['on', 'off', 'cycle', 'reset', 'soft', 'status'])
		check(await p1.locator(`button[data-power="${a}"]`).isVisible(), `power ${a} shown`);

	// Typing: log in to the simulated host and run a command.
	// bmcsim's host may still ignore input just after it printed the
	// prompt: press Enter until a fresh prompt answers (bounded).
	await p1.locator('#terminal').click();
	for (let i = 0; i < 10; i++) {
		const n = (await vc(p1)).bytes;
		await p1.keyboard.press('Enter');
		try {
			await p1.waitForFunction((b) => window.vcmConsole.bytes > b &&
			    /login:\s*$/.test(window.vcmConsole.text().trimEnd() + ' '), n, { timeout: 1000 });
			break;
		} catch (e) { /* again */ }
	}
	await p1.keyboard.type('root\r');
	await waitText(p1, /[Pp]assword:/);
	await p1.keyboard.type('pw\r');
	await p1.waitForTimeout(500);
	await p1.keyboard.type('echo vcm-typed-$((6*7))\r');
	try {
		await waitText(p1, /vcm-typed-/, 5000);
		check(true, 'typing echoes in the console');
	} catch (e) {
		check(false, `typing echoes: ${(await text(p1)).split('\n').filter(Boolean).slice(-5).join(' | ')}`);
	}
	await p1.keyboard.press('Control+C');

	// Countdown runs.
	const c1 = await $text(p1, '#countdown');
	await p1.waitForTimeout(1500);
	const c2 = await $text(p1, '#countdown');
	check(/^\d+:\d\d(:\d\d)?$/.test(c1) && c1 !== c2, `countdown runs (${c1} -> ${c2})`);
	check(!(await p1.locator('#countdown').getAttribute('class')).includes('warning'), 'no warning an hour before expiry');

	// Paste over the limit is refused, under it sent.
	const before = await text(p1);
	await p1.evaluate(() => {
		const dt = new DataTransfer();
		dt.setData('text/plain', 'x'.repeat(5000));
		document.querySelector('#terminal textarea').dispatchEvent(
		    new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
	});
	await p1.waitForTimeout(300);
	check(/refused/.test(await $text(p1, '#notice')), `a 5000-byte paste is refused (${await $text(p1, '#notice')})`);
	check(!(await text(p1)).includes('x'.repeat(100)) || before.includes('x'.repeat(100)), 'nothing of it reached the console');

	// Send break: the simulated host answers with the sysrq help.
	await p1.locator('#send-break').click();
	await waitText(p1, /sysrq: HELP/, 5000).then(() => check(true, 'send break reaches the host'),
	    () => check(false, 'send break reaches the host'));

	// Power cycle from the page (confirm accepted): the boot transcript.
	const bytes0 = (await vc(p1)).bytes;
	await p1.locator('button[data-power="cycle"]').click();
	await p1.waitForFunction(() => /cycle: /.test(document.querySelector('#power-result').textContent) &&
	    !/waiting/.test(document.querySelector('#power-result').textContent), null, { timeout: 15000 });
	check(true, `power cycle: ${await $text(p1, '#power-result')}`);
	await p1.waitForFunction((n) => window.vcmConsole.bytes > n &&
	    /BIOS[^]*login:\s*$/.test(window.vcmConsole.text().trimEnd()), bytes0,
	    { timeout: 20000, polling: 200 });
	const boot = await text(p1);
	check(/BIOS|Linux|[Bb]oot/.test(boot), 'the boot transcript appears after the cycle');

	// UTF-8 and ANSI colour from the host, split inside a character.
	await simctl('inject 127.34.0.1 \\r\\n\\e[1;32mgr\\xc3');
	await simctl('inject 127.34.0.1 \\xbcn \\xe2\\x9c\\x93 \\e[0;44m \\xe2\\x94\\x80\\xe2\\x94\\xbc\\xe2\\x94\\x80 \\e[0m\\r\\n');
	await waitText(p1, /grün ✓ +─┼─/, 5000).then(() => check(true, 'UTF-8 (injected in two pieces, split inside a character) renders: grün ✓ ─┼─'),
	    () => check(false, 'UTF-8 renders'));
	const green = await p1.evaluate(() => {
		const b = window.vcmConsole.term.buffer.active;
		for (let i = b.length - 1; i >= 0; i--) {
			const l = b.getLine(i);
			if (l && l.translateToString(true).includes('grün')) {
				const c = l.getCell(l.translateToString(true).indexOf('g'));
				return { fg: c.getFgColor(), bold: c.isBold() };
			}
		}
		return null;
	});
	check(green && green.fg === 2 && !!green.bold, `ANSI colour and bold applied (${JSON.stringify(green)})`);

	await p1.evaluate(() => { document.getElementById('notice').hidden = true; });
	await p1.screenshot({ path: shot });
	console.log(`# screenshot ${shot}`);

	// ---- a second page: read-only with backlog, take over ------------------
	const p2 = await open(await consoleUrl(g1));
	await p2.waitForFunction(() => window.vcmConsole.bytes > 0 && window.vcmConsole.state === 'live' ||
	    window.vcmConsole.state === 'reconnected', null, { timeout: 10000 });
	await p2.waitForFunction(() => window.vcmConsole.firstByteAt !== null, null, { timeout: 10000 });
	const first = await p2.evaluate(() => window.vcmConsole.firstByteAt);
	check(first < 1000, `second page: backlog rendered ${first.toFixed(0)} ms after navigation start`);
	v = await vc(p2);
	check(!v.writer && await $text(p2, '#mode') === 'read-only', 'second page joins read-only');
	check(v.bytes > 0, `second page got the backlog (${v.bytes} bytes)`);
	check(await p2.locator('#take-over').isVisible(), 'take over shown on the read-only page');
	check(await $text(p1, '#viewers') === '2' && await $text(p2, '#viewers') === '2', 'both pages show 2 viewers');
	await p2.locator('#take-over').click();
	await p2.waitForFunction(() => window.vcmConsole.writer, null, { timeout: 5000 });
	await p1.waitForFunction(() => !window.vcmConsole.writer, null, { timeout: 5000 });
	check(await $text(p2, '#mode') === 'write' && await $text(p1, '#mode') === 'read-only',
	    'take over: page 2 writes, page 1 read-only');
	check(await p1.locator('#take-over').isVisible() && await p2.locator('#take-over').isHidden(),
	    'take over button moved to page 1');
	await p2.locator('#terminal').click();
	await p2.keyboard.type('\r');
	await p2.waitForTimeout(300);
	// A smaller window: same grid, smaller font, still inside the page.
	await p1.bringToFront();
	await p1.setViewportSize({ width: 900, height: 520 });
	await p1.waitForTimeout(300);
	const fitTo = await p1.evaluate(() => {
		const t = window.vcmConsole.term;
		const r = document.querySelector('.xterm-screen').getBoundingClientRect();
		const box = document.getElementById('terminal').getBoundingClientRect();
		return { cols: t.cols, rows: t.rows, font: t.options.fontSize,
		    inside: r.right <= box.right + 0.5 && r.bottom <= box.bottom + 0.5,
		    fill: Math.max(r.width / box.width, r.height / box.height) };
	});
	check(fitTo.cols === 80 && fitTo.rows === 25 && fitTo.inside && fitTo.fill > 0.85,
	    `resized window: 80x25 kept, font ${fitTo.font}px, fills ${(fitTo.fill * 100).toFixed(0)}%`);
	await p1.setViewportSize({ width: 1280, height: 800 });
	await p2.close();
	await p1.waitForFunction(() => window.vcmConsole.viewers === 1, null, { timeout: 5000 });
	check(true, 'viewers back to 1 after the second page closed');

	// ---- the BMC goes dark for 8 s: unreachable, then reconnected ---------
	const seen = [];
	await p1.exposeFunction('vcmCheckState', (t) => seen.push(t));
	await p1.evaluate(() => {
		const el = document.getElementById('state');
		new MutationObserver(() => window.vcmCheckState(el.textContent))
		    .observe(el, { childList: true, characterData: true, subtree: true });
	});
	await simctl('dark 127.34.0.1 8s');
	await p1.waitForFunction(() => window.vcmConsole.state === 'reconnected', null,
	    { timeout: 40000, polling: 200 }).catch(() => {});
	check(seen.includes('BMC unreachable, retrying') && seen.includes('reconnected'),
	    `BMC dark 8 s: states shown ${JSON.stringify([...new Set(seen)])}`);

	// ---- expiry: the server ends it, the page shows it ---------------------
	const g2 = await grant(8);
	const p3 = await open(await consoleUrl(g2));
	await p3.waitForFunction(() => window.vcmConsole.state === 'live', null, { timeout: 10000 });
	check((await p3.locator('#countdown').getAttribute('class')).includes('warning'), `countdown warns in the last 5 minutes (${await $text(p3, '#countdown')})`);
	await p3.waitForFunction(() => window.vcmConsole.closeCode !== null, null, { timeout: 15000 });
	const exp = Date.parse(g2.expires);
	v = await vc(p3);
	check(v.closeCode === 4001 && await $text(p3, '#state') === 'ended: expired',
	    `ended at expiry (${await $text(p3, '#state')}, code ${v.closeCode}, ${Date.now() - exp} ms after)`);
	check(await p3.locator('button[data-power="on"]').isHidden(), 'power buttons gone after the end');

	// ---- revocation ------------------------------------------------------
	const g3 = await grant(600, ['console-read']);
	const p4 = await open(await consoleUrl(g3));
	await p4.waitForFunction(() => window.vcmConsole.state === 'live', null, { timeout: 10000 });
	check(await p4.locator('button[data-power="on"]').isHidden(), 'no power buttons without the power right');
	check(await p4.locator('#take-over').isHidden() && await $text(p4, '#mode') === 'read-only', 'console-read only: read-only, no take over');
	await api(env.KEY, 'POST', `/v1/grants/${g3.id}/revoke`);
	await p4.waitForFunction(() => window.vcmConsole.closeCode !== null, null, { timeout: 5000 });
	check(await $text(p4, '#state') === 'ended: revoked' && (await vc(p4)).closeCode === 4003,
	    `revoked: ${await $text(p4, '#state')} (${(await vc(p4)).closeCode})`);

	// ---- a connection lost without "ended": no retry, say so ---------------
	const g4 = await grant(600);
	const p7 = await context.newPage();
	let cut = null;
	await p7.routeWebSocket(/\/v1\/console\/ws$/, (ws) => {
		ws.connectToServer();
		cut = ws;
	});
	await p7.goto(await consoleUrl(g4));
	await p7.waitForFunction(() => window.vcmConsole.state === 'live', null, { timeout: 10000 });
	await cut.close({ code: 1011, reason: 'network' });
	await p7.waitForFunction(() => window.vcmConsole.closeCode !== null, null, { timeout: 5000 });
	await p7.waitForTimeout(1000);
	check(await $text(p7, '#state') === 'connection lost: reopen the console from your panel' &&
	    (await vc(p7)).state === 'lost', `a dropped socket: ${await $text(p7, '#state')}`);
	await p7.close();

	// ---- a reused ticket, no ticket ------------------------------------------
	const p5 = await open(url1);
	await p5.waitForFunction(() => window.vcmConsole.closeCode !== null, null, { timeout: 5000 });
	check(/^ended: /.test(await $text(p5, '#state')), `a used ticket: ${await $text(p5, '#state')}`);
	const p6 = await open(env.BASE + '/console/');
	await p6.waitForTimeout(300);
	check(await $text(p6, '#state') === 'ended: no ticket', 'no ticket: ended: no ticket');

	// ---- replay.html: #url=, file input, speed, pause, a bad file --------
	const cast = [
		{ version: 2, width: 80, height: 25, timestamp: 1764086400, title: 'web1 grant 7' },
		[0.1, 'o', 'vcm replay check\r\n'],
		[0.5, 'o', '\u001b[1;32mgrün\u001b[0m ✓ ─┼─\r\n'],
		[10.0, 'o', 'after a long pause\r\n'],
		[10.2, 'i', 'typed-secret'],
		[10.3, 'o', 'the end\r\n'],
	].map((l) => JSON.stringify(l)).join('\n') + '\n';
	const r1 = await context.newPage();
	r1.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
	r1.on('console', (m) => { if (m.type() === 'error') problems.push(`error: ${m.text()}`); });
	await r1.route('**/console/check.cast', (route) => route.fulfill({
		status: 200, contentType: 'application/x-asciicast', body: cast }));
	const t0 = Date.now();
	await r1.goto(env.BASE + '/console/replay.html#url=check.cast');
	check(!r1.url().includes('#'), 'replay: fragment removed from the address bar');
	await r1.waitForFunction(() => window.vcmReplay.state === 'ended', null, { timeout: 10000 });
	const rt = Date.now() - t0;
	const rtext = await r1.evaluate(() => {
		const b = window.vcmReplay.term.buffer.active, out = [];
		for (let i = 0; i < b.length; i++) out.push(b.getLine(i).translateToString(true));
		return out.join('\n');
	});
	check(/vcm replay check\ngrün ✓ ─┼─\nafter a long pause\nthe end/.test(rtext) && !rtext.includes('typed-secret'),
	    `replay: output events rendered (UTF-8, colour), input events not shown: ${JSON.stringify(rtext.trim().slice(0, 120))}`);
	const rd = await r1.evaluate(() => window.vcmReplay.duration);
	check(Math.abs(rd - 2.8) < 0.01 && rt < 6000, `replay: pause capped at 2 s (duration ${rd.toFixed(2)} s, played in ${rt} ms)`);
	check(await r1.locator('#title').textContent() === 'web1 grant 7', 'replay: title from the header');
	await r1.selectOption('#speed', '4');
	const t1 = Date.now();
	await r1.locator('#play').click();
	await r1.waitForFunction(() => window.vcmReplay.state === 'ended', null, { timeout: 10000 });
	const t4 = Date.now() - t1;
	check(t4 < 1500, `replay: 4x speed replays 2.8 s in ${t4} ms`);
	await r1.selectOption('#speed', '1');
	await r1.locator('#play').click();
	await r1.waitForTimeout(300);
	await r1.locator('#play').click();
	const pos1 = await r1.evaluate(() => window.vcmReplay.position);
	await r1.waitForTimeout(600);
	const pos2 = await r1.evaluate(() => window.vcmReplay.position);
	check(await r1.evaluate(() => window.vcmReplay.state) === 'paused' && pos1 === pos2 && pos1 > 0,
	    `replay: pause holds the position (${pos1.toFixed(2)} s)`);
	await r1.locator('#file').setInputFiles({ name: 'x.cast', mimeType: 'application/x-asciicast',
	    buffer: Buffer.from(cast.replace('vcm replay check', 'from a file')) });
	await r1.waitForFunction(() => window.vcmReplay.state === 'ended', null, { timeout: 10000 });
	check((await r1.evaluate(() => window.vcmReplay.term.buffer.active.getLine(0).translateToString(true)))
	    .startsWith('from a file'), 'replay: a file from the file input plays');
	await r1.locator('#file').setInputFiles({ name: 'bad.cast', mimeType: 'text/plain',
	    buffer: Buffer.from('{"version":2,"width":80,"height":25}\n[1, "o"\n') });
	await r1.waitForFunction(() => window.vcmReplay.state === 'error', null, { timeout: 5000 });
	check(/line 2/.test(await r1.locator('#status').textContent()),
	    `replay: a bad file is refused (${await r1.locator('#status').textContent()})`);
	await r1.close();

	const csp = problems.filter((p) => /Content.Security.Policy|Refused/.test(p));
	check(csp.length === 0, `no CSP violations${csp.length ? ': ' + csp.join('; ') : ''}`);
	const other = problems.filter((p) => !csp.includes(p) && !/WebSocket|40[34]|Failed to load resource/.test(p));
	check(other.length === 0, `no page errors${other.length ? ': ' + other.join('; ') : ''}`);
} catch (e) {
	check(false, `exception: ${e.stack || e}`);
	for (const pg of context.pages()) {
		try {
			console.log(`# ${pg.url()}: ${JSON.stringify(await vc(pg))}`);
			console.log((await text(pg)).split('\n').filter((l) => l.trim()).slice(-12)
			    .map((l) => `#   ${l}`).join('\n'));
		} catch (e2) { /* closed */ }
	}
} finally {
	await browser.close();
}
console.log(failed ? `${failed} failed` : 'all passed');
process.exit(failed ? 1 : 0);
