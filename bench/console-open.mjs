// Console opening time in the browser (issue 7): from navigation start
// to the first console byte drawn by xterm.js (window.vcmConsole.
// firstByteAt, performance.now() in xterm's write callback, so relative
// to performance.timeOrigin = navigation start), in one already running
// chromium with a new page in a fresh context (no cache, as a first
// visit) each time, a fresh ticket each time (fetched before the clock
// starts, as a provider's panel does before it opens the link).
//
// Three series of BENCH_OPENINGS (default 20):
//	static	a page with xterm.js alone (the same files vcmd serves):
//		navigation to its first byte drawn
//	cold	the console page; nobody else watches, SOL and the IPMI
//		session were closed after the previous opening, so vcmd
//		opens a session (RAKP) and activates SOL each time
//	warm	the console page while another viewer keeps the console
//		live: the first bytes are the backlog
// Run by bench/console-open.sh, which starts vcmd and bmcsim (the host
// prints stamp lines continuously, so a live SOL brings bytes at once).
import { readFileSync } from 'node:fs';
import {
	apiClient, env, launch, must, newContext, percentile, simctl, sleep, waitFor,
} from '../tests/browser/lib.mjs';
import { OP, wsOpen } from '../tests/browser/wsraw.mjs';

const N = Number(process.env.BENCH_OPENINGS || 20);
const BASE = env('VCM_BASE');
const OPKEY = env('VCM_OPKEY');
const SIM = env('VCM_SIMCTL');
const BMC = env('VCM_BENCH_BMC');
const CA = readFileSync(env('VCM_CERT'));
const api = apiClient(BASE, env('VCM_CERT'));
const { hostname: HOST, port: PORT } = new URL(BASE);
// One opening may take this long before it counts as failed.
const OPEN_MS = 15000;

function stats(name, xs) {
	const s = [...xs].sort((a, b) => a - b);
	const f = (v) => v.toFixed(0).padStart(5);
	return `${name.padEnd(44)} n=${s.length}  p50 ${f(percentile(s, 50))} ms  ` +
	    `p95 ${f(percentile(s, 95))} ms  max ${f(s[s.length - 1])} ms`;
}

async function firstByte(browser, url) {
	const ctx = await newContext(browser);
	try {
		const page = await ctx.newPage();
		await page.goto(url, { waitUntil: 'commit', timeout: OPEN_MS });
		const t = await page.waitForFunction(
		    () => window.vcmConsole?.firstByteAt ?? window.firstByteAt ?? null,
		    null, { timeout: OPEN_MS, polling: 20 });
		return t.jsonValue();
	} finally {
		await ctx.close();
	}
}

async function main() {
	const site = must(await api(OPKEY, 'POST', '/v1/sites', { name: 'bench' }), 201, 'site');
	const t = must(await api(OPKEY, 'POST', '/v1/tenants', { name: 'bench' }), 201, 'tenant');
	const b = must(await api(OPKEY, 'POST', '/v1/bmcs', { name: 'bench1', address: BMC,
	    user: 'admin', password: env('VCM_BMC_PW'), site_id: site.id }), 201, 'bmc');
	const s = must(await api(OPKEY, 'POST', '/v1/servers',
	    { tenant_id: t.id, bmc_id: b.id, name: 'bench1' }), 201, 'server');
	const TKEY = must(await api(OPKEY, 'POST', '/v1/keys', { name: 'bench', tenant_id: t.id }),
	    201, 'key').token;
	const g = must(await api(TKEY, 'POST', '/v1/grants', { server_id: s.id, expires_in: 3600 }),
	    201, 'grant');
	const ticketUrl = async () => {
		const t0 = performance.now();
		const u = must(await api(TKEY, 'POST', `/v1/grants/${g.id}/console`), 201, 'ticket').url;
		return { u, ms: performance.now() - t0 };
	};
	const solInactive = () => waitFor('SOL inactive and no session', async () => {
		const l = (await simctl(SIM, `list ${BMC}`))[0];
		return /sol=inactive/.test(l) && /sessions=0\//.test(l);
	}, 20000, 50);

	const browser = await launch();
	console.log(`chromium ${browser.version()}, ${N} openings per series, ` +
	    'a new page in a fresh context each');
	// One warm-up of each page, not counted (first launch of the
	// renderer, the disk cache of the OS).
	await firstByte(browser, `${BASE}/console/xterm-only.html`);
	await firstByte(browser, (await ticketUrl()).u);
	await solInactive();

	const res = { static: [], cold: [], warm: [], ticket: [] };
	for (let i = 0; i < N; i++)
		res.static.push(await firstByte(browser, `${BASE}/console/xterm-only.html`));
	for (let i = 0; i < N; i++) {
		await solInactive();
		const { u, ms } = await ticketUrl();
		res.ticket.push(ms);
		res.cold.push(await firstByte(browser, u));
	}
	// warm: a raw viewer keeps the console live and reads everything.
	const keep = (await wsOpen({ host: HOST, port: PORT, ca: CA })).conn;
	keep.send(OP.text, JSON.stringify({ type: 'hello', ticket: (await ticketUrl()).u.split('ticket=')[1] }));
	await keep.until((c) => c.binBytes > 0 || c.ended, 10000);
	if (keep.binBytes === 0) throw new Error('the keeper viewer got no bytes');
	for (let i = 0; i < N; i++)
		res.warm.push(await firstByte(browser, (await ticketUrl()).u));
	keep.destroy();
	await browser.close();

	console.log(stats('static xterm.js page alone', res.static));
	console.log(stats('console, cold (new session + SOL activation)', res.cold));
	console.log(stats('console, warm (console live, backlog)', res.warm));
	console.log(stats('(console link from the API, not counted)', res.ticket));
	const p95 = percentile([...res.cold].sort((a, b) => a - b), 95);
	console.log(`target p95 < 1000 ms (cold): ${p95 < 1000 ? 'met' : 'NOT met'}`);
}

const hardStop = setTimeout(() => {
	console.error('console-open.mjs: did not finish within 600 s');
	process.exit(1);
}, 600000);
try {
	await main();
} catch (e) {
	console.error(`console-open.mjs: ${e.stack || e}`);
	process.exitCode = 1;
}
clearTimeout(hardStop);
