// Shared pieces of vcm's browser tests and of bench/console-open.mjs:
// TAP output, the vcmd API over HTTPS (trusting only vcmd's own
// certificate), bmcsim's control socket, Debian's chromium through
// playwright-core, and reading what the console page shows.
//
// Everything is bounded in time; every address is loopback.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';

export const CHROMIUM = process.env.VCM_CHROMIUM || '/usr/bin/chromium';

// The environment tests/integration/browser-console.sh (or the bench)
// sets: vcmd's base URL, its certificate, the operator key, bmcsim's
// control socket.
export function env(name) {
	const v = process.env[name];
	if (v === undefined || v === '')
		throw new Error(`${name} is not set (run through tests/integration/browser-console.sh)`);
	return v;
}

// ---- TAP ---------------------------------------------------------------

// Numbers continue those the calling shell script printed (TAP_FIRST).
export function makeTap(first = Number(process.env.TAP_FIRST || 1)) {
	let n = first - 1;
	let failed = 0;
	const t = {
		ok(desc) { n++; console.log(`ok ${n} - ${desc}`); },
		notOk(desc) { n++; failed++; console.log(`not ok ${n} - ${desc}`); },
		check(cond, desc) { if (cond) t.ok(desc); else t.notOk(desc); return !!cond; },
		diag(msg) { for (const l of String(msg).split('\n')) console.log(`# ${l}`); },
		get failed() { return failed; },
		get count() { return n - first + 1; },
	};
	return t;
}

// ---- vcmd's API ----------------------------------------------------------

export function apiClient(base, certFile) {
	const ca = readFileSync(certFile);
	const u = new URL(base);
	// api(KEY, METHOD, PATH, BODY?) -> { status, json, text }
	return function api(key, method, path, body) {
		return new Promise((resolve, reject) => {
			const data = body === undefined ? undefined : JSON.stringify(body);
			const headers = {};
			if (key) headers.Authorization = `Bearer ${key}`;
			if (data !== undefined) {
				headers['Content-Type'] = 'application/json';
				headers['Content-Length'] = Buffer.byteLength(data);
			}
			const rq = https.request({ host: u.hostname, port: u.port, path, method, headers, ca,
			    timeout: 15000 }, (res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json = null;
					try { json = JSON.parse(text); } catch { /* not JSON */ }
					resolve({ status: res.statusCode, json, text });
				});
			});
			rq.on('timeout', () => rq.destroy(new Error(`${method} ${path}: timeout`)));
			rq.on('error', reject);
			if (data !== undefined) rq.write(data);
			rq.end();
		});
	};
}

// must(api result, want status): the JSON body, or throws.
export function must(r, want, what) {
	if (r.status !== want)
		throw new Error(`${what}: HTTP ${r.status}, want ${want}: ${r.text.slice(0, 200)}`);
	return r.json;
}

// ---- bmcsim's control socket ---------------------------------------------

// simctl(SOCK, LINE) -> the data lines; rejects on "err ...".
export function simctl(sock, line) {
	return new Promise((resolve, reject) => {
		const s = net.createConnection(sock);
		const out = [];
		let buf = '';
		const timer = setTimeout(() => { s.destroy(); reject(new Error(`simctl ${line}: timeout`)); }, 8000);
		s.on('connect', () => s.write(line + '\n'));
		s.on('data', (d) => {
			buf += d.toString('utf8');
			let nl;
			while ((nl = buf.indexOf('\n')) >= 0) {
				const l = buf.slice(0, nl).replace(/\r$/, '');
				buf = buf.slice(nl + 1);
				if (l === 'ok' || l.startsWith('err')) {
					clearTimeout(timer);
					s.end();
					if (l === 'ok') resolve(out);
					else reject(new Error(`simctl ${line}: ${l}`));
					return;
				}
				out.push(l);
			}
		});
		s.on('error', (e) => { clearTimeout(timer); reject(e); });
	});
}

// ---- the browser ------------------------------------------------------------

export async function launch() {
	// Imported here, so `--count` works before npm ci has run.
	const { chromium } = await import('playwright-core');
	// playwright-core adds --no-sandbox (root on CI machines) and
	// --headless; vcmd's certificate is self-signed, so each context
	// ignores certificate errors (loopback only).
	return chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30000 });
}

export async function newContext(browser, extra = {}) {
	return browser.newContext({ ignoreHTTPSErrors: true,
	    viewport: { width: 1024, height: 640 }, ...extra });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what, fn, ms, step = 50) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timeout (${ms} ms) waiting for ${what}`);
		await sleep(step);
	}
}

// The terminal's visible rows (xterm.js's DOM renderer draws each row
// as a div under .xterm-rows; NBSPs are spaces).
export async function screen(page) {
	return page.evaluate(() => [...document.querySelectorAll('#terminal .xterm-rows > div')]
	    .map((d) => d.textContent.replace(/\u00a0/g, ' ').replace(/\s+$/, '')));
}

// Collects every row the terminal shows, every 50 ms, into
// window.__vcmSeen (text scrolls away; the collected rows stay).
export async function watchScreen(page) {
	await page.evaluate(() => {
		if (window.__vcmWatch) return;
		window.__vcmSeen = [];
		const seen = new Set();
		window.__vcmWatch = setInterval(() => {
			for (const d of document.querySelectorAll('#terminal .xterm-rows > div')) {
				const l = d.textContent.replace(/\u00a0/g, ' ').replace(/\s+$/, '');
				if (l !== '' && !seen.has(l)) { seen.add(l); window.__vcmSeen.push(l); }
			}
		}, 50);
	});
}

export async function seenLines(page, from = 0) {
	return page.evaluate((f) => (window.__vcmSeen || []).slice(f), from);
}

// waitSeen(page, RE, MS, FROM): the first collected row (index >= FROM)
// matching RE.
export async function waitSeen(page, re, ms, from = 0) {
	return waitFor(`the console to show ${re}`, async () =>
	    (await seenLines(page, from)).find((l) => re.test(l)), ms);
}

export async function vcmConsole(page) {
	return page.evaluate(() => (window.vcmConsole ? { ...window.vcmConsole } : null));
}

export async function text(page, sel) {
	return page.evaluate((s) => {
		const e = document.querySelector(s);
		return e ? e.textContent.trim() : null;
	}, sel);
}

// Types into the terminal as a person does: focus, then key presses.
export async function typeInto(page, s) {
	await page.click('#terminal');
	await page.keyboard.type(s, { delay: 15 });
}

export function percentile(sorted, p) {
	if (sorted.length === 0) return NaN;
	const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
	return sorted[Math.max(0, i)];
}
