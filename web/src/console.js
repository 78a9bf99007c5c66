/*
 * vcm console page: one WebSocket to vcmd, one xterm.js terminal.
 *
 * Loaded async, ahead of xterm.js: the socket opens (and the hello with
 * the one-time ticket goes out) while xterm.js is still arriving; console
 * bytes that come before the terminal exists wait in `pending`. The page
 * only renders what the server says: it never closes the socket on a
 * timer of its own (at expiry the server closes it with 4001), and a
 * socket lost without an "ended" state is not reopened (the ticket was
 * one-time).
 *
 * Protocol (vcm.console.v1): server -> page text frames are JSON control
 * messages (state, info, expiry, viewers, writer, skipped, power, error),
 * binary frames are console output; page -> server binary frames are
 * keystrokes (UTF-8), text frames hello, break, take_over, power.
 */
(function () {
	'use strict';

	var PROTOCOL = 'vcm.console.v1';
	var WS_PATH = '/v1/console/ws';
	var PASTE_MAX = 4096;		/* bytes of one paste or input burst */
	var WARN_S = 300;		/* countdown warning: last 5 minutes */
	var PENDING_MAX = 4 << 20;	/* bytes held until xterm exists */
	var POWER_WAIT_MS = 60000;	/* re-enable power buttons after */
	var NOTICE_MS = 6000;		/* transient notices */
	var TAKE_OVER_MS = 3000;	/* an error this soon undoes it */
	var TICK_MIN_MS = 20;		/* countdown: never a busy loop */
	var DEFAULT_COLS = 80, DEFAULT_ROWS = 25;
	var CONFIRM = {
		off: 'Power off %s now? Unsaved work on the server is lost.',
		reset: 'Hard reset %s now? Unsaved work on the server is lost.',
		cycle: 'Power cycle %s now (off, then on)? Unsaved work on the server is lost.'
	};
	var STATE_TEXT = {
		connecting: 'connecting',
		live: 'live',
		unreachable: 'BMC unreachable, retrying',
		reconnected: 'reconnected'
	};
	var LOST_TEXT = 'connection lost: reopen the console from your panel';

	/* What tests and the page read; kept current as messages arrive. */
	var vc = window.vcmConsole = {
		state: 'connecting',	/* connecting|live|unreachable|
					   reconnected|refused|ended|lost */
		reason: null,
		bytes: 0,		/* console bytes received */
		firstByteAt: null,	/* performance.now() at first render */
		writer: false,
		viewers: 0,
		closeCode: null,
		server: null,
		cols: DEFAULT_COLS,
		rows: DEFAULT_ROWS,
		rights: [],
		expires: null,		/* ms since the epoch */
		skipped: 0,
		/* performance.now() milestones, for the benchmark. */
		timing: { script: performance.now(), socketOpen: null,
		    firstFrame: null, terminal: null },
		term: null,
		/* The terminal's text, scroll-back included (for tests). */
		text: function () {
			var b, out = [], i, line;

			if (!term)
				return '';
			b = term.buffer.active;
			for (i = 0; i < b.length; i++) {
				line = b.getLine(i);
				out.push(line ? line.translateToString(true) : '');
			}
			return out.join('\n');
		}
	};

	var ws = null, term = null, fit = null, ended = false;
	var pending = [], pendingBytes = 0, pendingDropped = 0;
	var encoder = new TextEncoder();
	var dom = null, countdownTimer = null, warned = false;
	var powerTimer = null, noticeTimer = null, hinted = false;
	var takeOverAt = null;

	/* ---- the socket, first ------------------------------------------- */

	function takeTicket() {
		var params = new URLSearchParams(location.hash.slice(1));
		var t = params.get('ticket');

		/* Out of the address bar and the history at once: a ticket
		 * must not outlive its use in a bookmark or a screen share. */
		if (location.hash)
			history.replaceState(null, '',
			    location.pathname + location.search);
		return t;
	}

	function connect(ticket) {
		var scheme = location.protocol === 'http:' ? 'ws://' : 'wss://';

		try {
			ws = new WebSocket(scheme + location.host + WS_PATH,
			    PROTOCOL);
		} catch (e) {
			lost();
			return;
		}
		ws.binaryType = 'arraybuffer';
		ws.onopen = function () {
			vc.timing.socketOpen = performance.now();
			ws.send(JSON.stringify({ type: 'hello', ticket: ticket }));
			ticket = null;
		};
		ws.onmessage = function (ev) {
			if (typeof ev.data === 'string')
				control(ev.data);
			else
				output(new Uint8Array(ev.data));
		};
		ws.onclose = function (ev) {
			vc.closeCode = ev.code;
			ws = null;
			if (ended)
				return render();
			/* Closed by the server without a state message first
			 * (should not happen): name what the code says. */
			if (ev.code === 4001)
				return end('expired');
			if (ev.code === 4003)
				return end(ev.reason || 'revoked');
			if (ev.code >= 4000 && ev.code < 5000)
				return end(ev.reason || 'closed by the server');
			lost();
		};
	}

	function send(obj) {
		if (ws && ws.readyState === WebSocket.OPEN && !ended)
			ws.send(JSON.stringify(obj));
	}

	/* ---- messages from the server ------------------------------------ */

	function control(text) {
		var m;

		try {
			m = JSON.parse(text);
		} catch (e) {
			return;
		}
		if (!m || typeof m.type !== 'string')
			return;
		switch (m.type) {
		case 'state':
			if (m.state === 'ended')
				return end(m.reason || 'closed');
			if (ended)
				return;
			vc.state = String(m.state);
			vc.reason = m.reason ? String(m.reason) : null;
			break;
		case 'info':
			vc.server = String(m.server || '');
			vc.cols = posInt(m.cols, DEFAULT_COLS);
			vc.rows = posInt(m.rows, DEFAULT_ROWS);
			vc.rights = Array.isArray(m.rights) ? m.rights : [];
			vc.writer = !!m.writer;
			vc.viewers = posInt(m.viewers, vc.viewers);
			setExpiry(m.expires);
			if (term && (term.cols !== vc.cols ||
			    term.rows !== vc.rows)) {
				term.resize(vc.cols, vc.rows);
				scaleFont();
			}
			break;
		case 'expiry':
			setExpiry(m.expires);
			warned = false;
			break;
		case 'viewers':
			vc.viewers = posInt(m.count, vc.viewers);
			break;
		case 'writer':
			takeOverAt = null;
			vc.writer = !!m.you;
			if (!vc.writer && canWrite())
				notice('Another page took over the input: this page is read-only now.');
			break;
		case 'skipped':
			vc.skipped += posInt(m.bytes, 0);
			notice('The connection was too slow: ' + vc.skipped +
			    ' bytes of console output were skipped.');
			break;
		case 'power':
			powerDone(m);
			break;
		case 'error':
			if (takeOverAt !== null &&
			    performance.now() - takeOverAt < TAKE_OVER_MS)
				vc.writer = false;
			notice(String(m.message || 'error'));
			break;
		default:
			return;
		}
		render();
	}

	function output(bytes) {
		if (vc.timing.firstFrame === null)
			vc.timing.firstFrame = performance.now();
		vc.bytes += bytes.length;
		if (term)
			return write(bytes);
		if (pendingBytes + bytes.length > PENDING_MAX) {
			pendingDropped += bytes.length;
			return;
		}
		pending.push(bytes);
		pendingBytes += bytes.length;
	}

	function write(bytes) {
		/* xterm.js decodes UTF-8 itself from a Uint8Array, across
		 * frame boundaries too. */
		if (vc.firstByteAt === null)
			term.write(bytes, function () {
				if (vc.firstByteAt === null)
					vc.firstByteAt = performance.now();
			});
		else
			term.write(bytes);
	}

	function end(reason) {
		if (!ended) {
			ended = true;
			vc.state = 'ended';
			vc.reason = String(reason);
			vc.writer = false;
		}
		render();
	}

	function lost() {
		if (ended)
			return;
		ended = true;
		vc.state = 'lost';
		vc.reason = null;
		vc.writer = false;
		render();
	}

	function setExpiry(s) {
		var t = typeof s === 'string' ? Date.parse(s) : NaN;

		if (!isNaN(t))
			vc.expires = t;
	}

	function posInt(v, dflt) {
		return typeof v === 'number' && v >= 0 && v === Math.floor(v) ?
		    v : dflt;
	}

	function hasRight(r) {
		return vc.rights.indexOf(r) >= 0;
	}

	function canWrite() {
		return hasRight('console-write') && !ended;
	}

	/* ---- input ------------------------------------------------------- */

	function keys(data) {
		var bytes;

		if (!vc.writer || ended || !ws || ws.readyState !== WebSocket.OPEN)
			return;
		bytes = encoder.encode(data);
		if (bytes.length > PASTE_MAX) {
			notice('Input of ' + bytes.length + ' bytes refused: ' +
			    'the limit is ' + PASTE_MAX + ' bytes at once.');
			return;
		}
		ws.send(bytes);
	}

	/* Typing into a read-only page: say why nothing happens, once. */
	function readOnlyHint(ev) {
		if (ev.type === 'keydown' && !vc.writer && canWrite() &&
		    !hinted) {
			hinted = true;
			notice('Read-only: press \u201cTake over input\u201d to type.');
		}
		return true;
	}

	/* Refused before xterm sees it, so nothing of it is sent. */
	function paste(ev) {
		var text = ev.clipboardData ?
		    ev.clipboardData.getData('text/plain') : '';
		var n = encoder.encode(text).length;

		if (n <= PASTE_MAX)
			return;
		ev.preventDefault();
		ev.stopImmediatePropagation();
		notice('Paste of ' + n + ' bytes refused: the limit is ' +
		    PASTE_MAX + ' bytes.');
	}

	/*
	 * The server acknowledges a take-over only when the writer changes
	 * ({"type":"writer","you":true}); a page that already was the writer
	 * hears nothing, a refused one hears an error. So: writer now, back
	 * to read-only if an error comes within TAKE_OVER_MS.
	 */
	function takeOver() {
		send({ type: 'take_over' });
		vc.writer = true;
		takeOverAt = performance.now();
		render();
		if (term)
			term.focus();
	}

	function power(action) {
		var q = CONFIRM[action];

		if (q && !window.confirm(q.replace('%s', vc.server || 'the server')))
			return;
		send({ type: 'power', action: action });
		setPowerBusy(true);
		dom.powerResult.textContent = action + ': waiting for the BMC\u2026';
		dom.powerResult.className = 'muted';
	}

	function powerDone(m) {
		var action = String(m.action || 'power'), failed = 'error' in m;

		setPowerBusy(false);
		if (!dom)
			return;
		dom.powerResult.textContent = failed ?
		    action + ' failed: ' + String(m.error) :
		    action + ': ' + String(m.result);
		dom.powerResult.className = failed ? 'error' : 'ok';
	}

	function setPowerBusy(busy) {
		var i;

		clearTimeout(powerTimer);
		powerTimer = busy ? setTimeout(function () {
			setPowerBusy(false);
		}, POWER_WAIT_MS) : null;
		if (!dom)
			return;
		for (i = 0; i < dom.power.length; i++)
			dom.power[i].disabled = busy || ended;
	}

	/* ---- the page ---------------------------------------------------- */

	function stateText() {
		switch (vc.state) {
		case 'ended':
			return 'ended: ' + vc.reason;
		case 'lost':
			return LOST_TEXT;
		case 'refused':
			return 'refused: ' + (vc.reason || 'SOL not available');
		default:
			return STATE_TEXT[vc.state] || vc.state;
		}
	}

	function stateDetail() {
		if (vc.state === 'connecting' && vc.reason)
			return vc.reason;
		if (vc.state === 'ended' && vc.reason === 'no ticket')
			return 'open the console from your panel';
		return '';
	}

	function render() {
		var i, writable = canWrite(), p = hasRight('power') && !ended;

		if (!dom)
			return;
		dom.state.textContent = stateText();
		dom.statePill.setAttribute('data-state', vc.state);
		dom.stateDetail.textContent = stateDetail();
		if (vc.server !== null) {
			dom.server.textContent = vc.server;
			document.title = vc.server + ' \u2014 console';
		}
		dom.viewers.textContent = String(vc.viewers);
		dom.mode.textContent = vc.writer ? 'write' : 'read-only';
		dom.mode.setAttribute('data-mode', vc.writer ? 'write' : 'read');
		dom.takeOver.hidden = !writable || vc.writer;
		dom.sendBreak.disabled = !writable || !vc.writer;
		dom.powerGroup.hidden = !p;
		for (i = 0; i < dom.power.length; i++) {
			dom.power[i].hidden = !p;
			if (ended)
				dom.power[i].disabled = true;
		}
		if (term)
			term.options.disableStdin = !vc.writer || ended;
		tick();
	}

	function pad2(n) {
		return n < 10 ? '0' + n : String(n);
	}

	/* Wall clock against the grant's expiry; the server decides the
	 * end, this only shows it. */
	function tick() {
		var left, s, h, m, text;

		clearTimeout(countdownTimer);
		countdownTimer = null;
		if (!dom || vc.expires === null)
			return;
		left = vc.expires - Date.now();
		s = Math.max(0, Math.ceil(left / 1000));
		h = Math.floor(s / 3600);
		m = Math.floor(s % 3600 / 60);
		text = (h > 0 ? h + ':' + pad2(m) : pad2(m)) + ':' + pad2(s % 60);
		dom.countdown.textContent = text;
		dom.countdown.classList.toggle('warning', s <= WARN_S);
		dom.countdown.setAttribute('datetime',
		    new Date(vc.expires).toISOString());
		if (s <= WARN_S && s > 0 && !warned && !ended) {
			warned = true;
			notice('Access to this console ends in ' +
			    Math.ceil(s / 60) + ' minute' + (s > 60 ? 's' : '') + '.');
		}
		if (s > 0 && !ended)
			countdownTimer = setTimeout(tick,
			    Math.max(TICK_MIN_MS, left % 1000 || 1000));
	}

	function notice(text) {
		if (!dom)
			return;
		dom.notice.textContent = text;
		dom.notice.hidden = false;
		clearTimeout(noticeTimer);
		noticeTimer = setTimeout(function () {
			dom.notice.hidden = true;
		}, NOTICE_MS);
	}

	/* ---- the terminal, once xterm.js and the DOM are in ------------- */

	function scaleFont() {
		if (term && fit && window.vcmFontFit)
			window.vcmFontFit(term, fit);
	}

	function buildTerminal() {
		var i;

		term = vc.term = new window.Terminal({
			cols: vc.cols,
			rows: vc.rows,
			convertEol: false,
			cursorBlink: true,
			fontFamily: '"DejaVu Sans Mono", "Liberation Mono", ' +
			    'Menlo, Consolas, monospace',
			fontSize: 15,
			scrollback: 2000,
			disableStdin: true,
			allowProposedApi: false,
			theme: {
				background: '#0b0e13',
				foreground: '#d7dae0',
				cursor: '#e6e6e6',
				selectionBackground: '#3a4a63'
			}
		});
		if (window.FitAddon) {
			fit = new window.FitAddon.FitAddon();
			term.loadAddon(fit);
		}
		term.open(dom.terminal);
		vc.timing.terminal = performance.now();
		term.onData(keys);
		term.onBinary(function (s) {
			var b = new Uint8Array(s.length), j;

			for (j = 0; j < s.length; j++)
				b[j] = s.charCodeAt(j) & 0xff;
			if (vc.writer && ws && ws.readyState === WebSocket.OPEN)
				ws.send(b);
		});
		term.element.addEventListener('paste', paste, true);
		term.attachCustomKeyEventHandler(readOnlyHint);
		scaleFont();
		/* The container's size, not the window's: the header bar may
		 * wrap to two lines too. Changing the font does not resize the
		 * container (it fills #screen and clips), so no feedback. */
		if (window.ResizeObserver)
			new ResizeObserver(scaleFont).observe(dom.terminal);
		else
			window.addEventListener('resize', scaleFont);
		for (i = 0; i < pending.length; i++)
			write(pending[i]);
		pending = [];
		pendingBytes = 0;
		if (pendingDropped > 0)
			notice(pendingDropped + ' bytes of early output were dropped.');
		term.focus();
	}

	function bindDom() {
		var i;

		dom = {
			server: document.getElementById('server-name'),
			state: document.getElementById('state'),
			statePill: document.querySelector('.pill.state'),
			stateDetail: document.getElementById('state-detail'),
			countdown: document.getElementById('countdown'),
			viewers: document.getElementById('viewers'),
			mode: document.getElementById('mode'),
			takeOver: document.getElementById('take-over'),
			sendBreak: document.getElementById('send-break'),
			powerGroup: document.getElementById('power'),
			power: document.querySelectorAll('button[data-power]'),
			powerResult: document.getElementById('power-result'),
			terminal: document.getElementById('terminal'),
			notice: document.getElementById('notice')
		};
		dom.takeOver.addEventListener('click', takeOver);
		dom.sendBreak.addEventListener('click', function () {
			send({ type: 'break' });
			if (term)
				term.focus();
		});
		for (i = 0; i < dom.power.length; i++)
			dom.power[i].addEventListener('click', function (ev) {
				power(ev.currentTarget.getAttribute('data-power'));
			});
	}

	var started = false;

	function loaded() {
		return !!(window.Terminal && window.FitAddon && window.vcmFontFit);
	}

	function start() {
		if (started)
			return;
		/* Deferred scripts still to run: DOMContentLoaded or load
		 * calls again. At load, whatever failed has failed. */
		if (!loaded() && document.readyState !== 'complete')
			return;
		started = true;
		bindDom();
		if (window.Terminal)
			buildTerminal();
		else
			notice('The terminal (xterm.js) failed to load.');
		render();
	}

	/* ---- go ----------------------------------------------------------- */

	var ticket = takeTicket();

	if (ticket)
		connect(ticket);
	else {
		ended = true;
		vc.state = 'ended';
		vc.reason = 'no ticket';
	}
	ticket = null;
	if (document.readyState === 'complete' ||
	    (loaded() && document.readyState !== 'loading'))
		start();
	else {
		document.addEventListener('DOMContentLoaded', start);
		window.addEventListener('load', start);
	}
}());
