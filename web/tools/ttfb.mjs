// Time from navigation start to the first console byte rendered
// (window.vcmConsole.firstByteAt), N openings, a new page (and a new
// browser context, so no HTTP cache: the worst case) each time, against
// the stack of web/tools/stack.sh. A quick look for the page's author;
// `make bench` (bench/console-open.*) is the measurement of record.
//
//	node web/tools/ttfb.mjs STACKDIR [N] [cold|warm]
//
// warm: one context for all openings (the HTTP cache as a returning
// tenant has it).

import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { chromium } from 'playwright-core';

const [dir, nArg, mode = 'cold'] = process.argv.slice(2);
const n = Number(nArg || 20);
const env = Object.fromEntries(readFileSync(`${dir}/env`, 'utf8').trim()
    .split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const ca = readFileSync(env.CERT);

function post(path, body) {
	return new Promise((resolve, reject) => {
		const data = body ? JSON.stringify(body) : undefined;
		const rq = request(env.BASE + path, {
			method: 'POST', ca, timeout: 15000,
			headers: { Authorization: `Bearer ${env.KEY}`,
			    ...(data ? { 'Content-Type': 'application/json' } : {}) },
		}, (res) => {
			let s = '';
			res.on('data', (c) => { s += c; });
			res.on('end', () => (res.statusCode < 300 ? resolve(JSON.parse(s)) :
			    reject(new Error(`${path}: ${res.statusCode} ${s}`))));
		});
		rq.on('error', reject);
		rq.end(data);
	});
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'] });
const g = await post('/v1/grants', { server_id: Number(env.SERVER), expires_in: 3600 });
// Something in the backlog, so that every opening has bytes at once.
await post(`/v1/grants/${g.id}/power`, { action: 'cycle' });
let shared = mode === 'warm' ? await browser.newContext({ ignoreHTTPSErrors: true }) : null;
const times = [];
for (let i = 0; i < n; i++) {
	const { url } = await post(`/v1/grants/${g.id}/console`);
	const ctx = shared || await browser.newContext({ ignoreHTTPSErrors: true });
	const page = await ctx.newPage();
	await page.goto(url);
	await page.waitForFunction(() => window.vcmConsole && window.vcmConsole.firstByteAt !== null,
	    null, { timeout: 10000, polling: 20 });
	const t = await page.evaluate(() => ({ first: window.vcmConsole.firstByteAt,
	    ...window.vcmConsole.timing }));
	times.push(t.first);
	if (process.env.VCM_TTFB_VERBOSE)
		console.log(Object.entries(t).map(([k, v]) => `${k}=${v === null ? '-' : v.toFixed(0)}`).join(' '));
	await page.close();
	if (!shared)
		await ctx.close();
}
await browser.close();
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)];
console.log(`${mode}: n=${n} min=${times[0].toFixed(0)} p50=${pct(0.5).toFixed(0)} ` +
    `p95=${pct(0.95).toFixed(0)} max=${times[times.length - 1].toFixed(0)} ms`);
