// What a newcomer does after `make demo`: open the printed console URL
// and watch the server boot (the demo resets web1 when its console is
// first opened). Used by tests/integration/browser-console.sh:
//
//	node demo-open.mjs URL SCREENSHOT
//
// Exit 0 when the page went live and showed the boot transcript up to
// the login prompt within 30 s; one line on stdout says what it saw.
import { launch, newContext, seenLines, waitSeen, watchScreen } from './lib.mjs';

const [url, shot] = process.argv.slice(2);
const hardStop = setTimeout(() => { console.log('no boot within 60 s'); process.exit(1); }, 60000);
let browser, rc = 1;
try {
	browser = await launch();
	const ctx = await newContext(browser);
	const page = await ctx.newPage();
	await page.goto(url, { waitUntil: 'load', timeout: 15000 });
	await watchScreen(page);
	await waitSeen(page, /Linux version|Welcome to GRUB!|vcm Virtual Platform BIOS/, 30000);
	const login = await waitSeen(page, /login:\s*$/, 30000);
	if (shot) await page.screenshot({ path: shot });
	console.log(`state "${await page.textContent('#state')}", ` +
	    `${(await seenLines(page)).length} rows seen, last "${login.trim()}"`);
	rc = 0;
} catch (e) {
	console.log(e.message.split('\n')[0]);
} finally {
	if (browser) await browser.close().catch(() => {});
	clearTimeout(hardStop);
}
process.exit(rc);
