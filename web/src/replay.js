/*
 * vcm recording player: an asciicast (v2, also v3) in xterm.js, with
 * play/pause, speed, a cap on long pauses and seeking.
 *
 * Where the recording comes from (the page's fragment, never sent to a
 * server by the browser):
 *	#url=<address>		fetched from this origin (the page's
 *				Content-Security-Policy allows no other)
 *	#id=<n>&ticket=<t>	/v1/recordings/<n>/cast?ticket=<t>: a
 *				one-time download ticket from the API
 * or a file picked with "Open file...". The fragment is removed from the
 * address bar once read (a ticket is one-time anyway).
 */
(function () {
	'use strict';

	var FILE_MAX = 64 << 20;	/* bytes: a browser tab's fair share */
	var SEEK_STEP_MS = 100;		/* the position slider's resolution */

	var term = null, fit = null, dom = null;
	var rec = null;		/* { width, height, title, events: [{t, d}],
				   duration } with t in seconds, capped */
	var raw = null;		/* events as recorded: [{t, d}] */
	var idx = 0, playing = false, speed = 1, idleMax = 2;
	var baseWall = 0, baseT = 0, timer = null;

	var vr = window.vcmReplay = {
		state: 'empty',	/* empty|loading|ready|playing|paused|
				   ended|error */
		error: null,
		duration: 0,	/* seconds, after the idle cap */
		position: 0,
		events: 0,
		term: null
	};

	/* ---- parsing ------------------------------------------------------ */

	/* Returns { width, height, title, events } or throws an Error. */
	function parseCast(text) {
		var lines = text.split('\n'), hdr, version, width, height;
		var events = [], t = 0, last = 0, i, ev, n = 0;

		try {
			hdr = JSON.parse(lines[0]);
		} catch (e) {
			throw new Error('not an asciicast file (line 1 is not JSON)');
		}
		if (!hdr || typeof hdr !== 'object' || Array.isArray(hdr))
			throw new Error('not an asciicast file (no header)');
		version = hdr.version;
		if (version === 2) {
			width = hdr.width;
			height = hdr.height;
		} else if (version === 3 && hdr.term) {
			width = hdr.term.cols;
			height = hdr.term.rows;
		} else
			throw new Error('asciicast version ' + version +
			    ' is not supported (2 and 3 are)');
		if (!(width > 0 && width <= 1000 && height > 0 && height <= 1000))
			throw new Error('bad terminal size in the header');
		for (i = 1; i < lines.length; i++) {
			if (lines[i] === '' || lines[i].charAt(0) === '#')
				continue;
			try {
				ev = JSON.parse(lines[i]);
			} catch (e) {
				throw new Error('line ' + (i + 1) + ' is not JSON');
			}
			if (!Array.isArray(ev) || ev.length < 3 ||
			    typeof ev[0] !== 'number' || !isFinite(ev[0]) ||
			    typeof ev[1] !== 'string' || typeof ev[2] !== 'string')
				throw new Error('line ' + (i + 1) +
				    ' is not an event [time, code, data]');
			/* v2: time since the start; v3: since the last event. */
			t = version === 2 ? Math.max(last, ev[0]) :
			    last + Math.max(0, ev[0]);
			last = t;
			n++;
			if (ev[1] === 'o')
				events.push({ t: t, d: ev[2] });
			else if (ev[1] === 'r' && /^\d+x\d+$/.test(ev[2]))
				events.push({ t: t, r: ev[2] });
			/* "i" (input) and "m" (markers) are not shown. */
		}
		return {
			width: width,
			height: height,
			title: typeof hdr.title === 'string' ? hdr.title : '',
			timestamp: typeof hdr.timestamp === 'number' ?
			    hdr.timestamp : null,
			events: events,
			count: n
		};
	}

	/* Pauses longer than idleMax seconds shortened to it (0: none). */
	function capIdle() {
		var out = [], prev = 0, t = 0, i, e, gap;

		for (i = 0; i < raw.length; i++) {
			e = raw[i];
			gap = e.t - prev;
			prev = e.t;
			t += idleMax > 0 ? Math.min(gap, idleMax) : gap;
			out.push({ t: t, d: e.d, r: e.r });
		}
		rec.events = out;
		rec.duration = out.length ? out[out.length - 1].t : 0;
		vr.duration = rec.duration;
	}

	/* ---- playing ------------------------------------------------------ */

	function now() {
		return playing ? baseT + (performance.now() - baseWall) *
		    speed / 1000 : baseT;
	}

	function apply(e, out) {
		var m;

		if (e.r) {
			m = /^(\d+)x(\d+)$/.exec(e.r);
			flush(out);
			term.resize(Math.min(1000, +m[1]), Math.min(1000, +m[2]));
			window.vcmFontFit(term, fit);
			return;
		}
		out.push(e.d);
	}

	function flush(out) {
		if (out.length) {
			term.write(out.join(''));
			out.length = 0;
		}
	}

	/* Writes every event due by `until` (seconds), in one write. */
	function advance(until) {
		var out = [];

		while (idx < rec.events.length && rec.events[idx].t <= until)
			apply(rec.events[idx++], out);
		flush(out);
	}

	function step() {
		var t = now(), next;

		timer = null;
		advance(t);
		showPosition(Math.min(t, rec.duration));
		if (idx >= rec.events.length) {
			playing = false;
			baseT = rec.duration;
			/* "ended" once xterm has parsed the last write. */
			term.write('', function () {
				if (!playing && idx >= rec.events.length)
					setState('ended');
			});
			return;
		}
		next = (rec.events[idx].t - t) * 1000 / speed;
		timer = setTimeout(step, Math.max(0, Math.min(next, 1000)));
	}

	function play() {
		if (!rec)
			return;
		if (idx >= rec.events.length)
			seek(0);
		playing = true;
		baseWall = performance.now();
		setState('playing');
		step();
	}

	function pause() {
		if (!playing)
			return;
		baseT = now();
		playing = false;
		clearTimeout(timer);
		timer = null;
		setState('paused');
		showPosition(baseT);
	}

	/* Back: from the start, written at once up to t. */
	function seek(t) {
		var was = playing;

		if (!rec)
			return;
		pause();
		t = Math.max(0, Math.min(t, rec.duration));
		if (t < baseT || idx === 0) {
			term.reset();
			term.resize(rec.width, rec.height);
			idx = 0;
		}
		advance(t);
		baseT = t;
		showPosition(t);
		if (was)
			play();
		else
			setState(idx >= rec.events.length ? 'ended' : 'paused');
	}

	function setSpeed(s) {
		var t = now();

		speed = s;
		baseT = t;
		baseWall = performance.now();
		if (playing) {
			clearTimeout(timer);
			step();
		}
	}

	/* ---- the page ------------------------------------------------------ */

	function fmt(s) {
		var h, m;

		s = Math.floor(s);
		h = Math.floor(s / 3600);
		m = Math.floor(s % 3600 / 60);
		s %= 60;
		return (h > 0 ? h + ':' + (m < 10 ? '0' : '') : '') + m + ':' +
		    (s < 10 ? '0' : '') + s;
	}

	function showPosition(t) {
		vr.position = t;
		dom.clock.textContent = fmt(t) + ' / ' + fmt(rec ? rec.duration : 0);
		dom.seek.value = String(Math.round(t * 1000));
	}

	function setState(s, detail) {
		vr.state = s;
		dom.play.textContent = s === 'playing' ? 'Pause' :
		    s === 'ended' ? 'Replay' : 'Play';
		dom.play.setAttribute('aria-label', dom.play.textContent);
		dom.status.textContent = detail || {
			empty: 'no recording loaded',
			loading: 'loading\u2026',
			ready: 'ready',
			playing: 'playing',
			paused: 'paused',
			ended: 'end of recording',
			error: 'error'
		}[s];
		dom.status.className = s === 'error' ? 'error' : 'muted';
	}

	function fail(msg) {
		vr.error = msg;
		setState('error', msg);
	}

	function load(text) {
		var r, when;

		pause();
		try {
			r = parseCast(text);
		} catch (e) {
			return fail(e.message);
		}
		rec = r;
		raw = r.events;
		capIdle();
		vr.events = r.count;
		vr.error = null;
		idx = 0;
		baseT = 0;
		term.reset();
		term.resize(r.width, r.height);
		window.vcmFontFit(term, fit);
		when = r.timestamp ? new Date(r.timestamp * 1000).toISOString()
		    .replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '';
		dom.title.textContent = r.title || 'Console recording';
		document.title = (r.title || 'Recording') + ' \u2014 replay';
		dom.seek.max = String(Math.ceil(rec.duration * 1000));
		dom.seek.disabled = dom.play.disabled = dom.restart.disabled = false;
		dom.title.title = [r.title, r.width + '\u00d7' + r.height, when]
		    .filter(Boolean).join(', ');
		showPosition(0);
		setState('ready');
		play();
	}

	function fetchCast(url) {
		setState('loading');
		fetch(url, { credentials: 'same-origin', cache: 'no-store' })
		    .then(function (res) {
			var len = +res.headers.get('Content-Length');

			if (!res.ok)
				throw new Error('download failed: HTTP ' + res.status);
			if (len > FILE_MAX)
				throw new Error('recording too large for the browser');
			return res.text();
		}).then(function (text) {
			if (text.length > FILE_MAX)
				throw new Error('recording too large for the browser');
			load(text);
		}).catch(function (e) {
			fail(e.message);
		});
	}

	function fromFile(file) {
		var reader;

		if (!file)
			return;
		if (file.size > FILE_MAX)
			return fail('file too large for the browser');
		setState('loading');
		reader = new FileReader();
		reader.onload = function () {
			load(String(reader.result));
		};
		reader.onerror = function () {
			fail('the file could not be read');
		};
		reader.readAsText(file);
	}

	/* The fragment, read once and then cleared from the address bar. */
	function source() {
		var p = new URLSearchParams(location.hash.slice(1));
		var url = p.get('url'), id = p.get('id'), ticket = p.get('ticket');

		if (location.hash)
			history.replaceState(null, '',
			    location.pathname + location.search);
		if (url)
			return new URL(url, location.href).href;
		if (id && /^\d+$/.test(id) && ticket)
			return new URL('../v1/recordings/' + id + '/cast?ticket=' +
			    encodeURIComponent(ticket), location.href).href;
		return null;
	}

	function init() {
		var url;

		dom = {
			title: document.getElementById('title'),
			status: document.getElementById('status'),
			play: document.getElementById('play'),
			restart: document.getElementById('restart'),
			seek: document.getElementById('seek'),
			clock: document.getElementById('clock'),
			speed: document.getElementById('speed'),
			idle: document.getElementById('idle'),
			file: document.getElementById('file'),
			terminal: document.getElementById('terminal')
		};
		if (!window.Terminal || !window.FitAddon || !window.vcmFontFit) {
			dom.status.textContent = 'the terminal (xterm.js) failed to load';
			return;
		}
		term = vr.term = new window.Terminal({
			cols: 80,
			rows: 25,
			fontFamily: '"DejaVu Sans Mono", "Liberation Mono", ' +
			    'Menlo, Consolas, monospace',
			fontSize: 15,
			scrollback: 2000,
			disableStdin: true,
			cursorBlink: false,
			theme: {
				background: '#0b0e13',
				foreground: '#d7dae0',
				selectionBackground: '#3a4a63'
			}
		});
		fit = new window.FitAddon.FitAddon();
		term.loadAddon(fit);
		term.open(dom.terminal);
		window.vcmFontFit(term, fit);
		if (window.ResizeObserver)
			new ResizeObserver(function () {
				window.vcmFontFit(term, fit);
			}).observe(dom.terminal);

		dom.play.addEventListener('click', function () {
			if (playing)
				pause();
			else
				play();
		});
		dom.restart.addEventListener('click', function () {
			seek(0);
			play();
		});
		dom.seek.addEventListener('input', function () {
			seek(+dom.seek.value / 1000);
		});
		dom.speed.addEventListener('change', function () {
			setSpeed(+dom.speed.value);
		});
		dom.idle.addEventListener('change', function () {
			idleMax = +dom.idle.value;
			if (!rec)
				return;
			/* The same event, on the new time line. */
			capIdle();
			baseT = idx > 0 ? rec.events[idx - 1].t : 0;
			baseWall = performance.now();
			dom.seek.max = String(Math.ceil(rec.duration * 1000));
			showPosition(baseT);
			if (playing) {
				clearTimeout(timer);
				step();
			}
		});
		dom.file.addEventListener('change', function () {
			fromFile(dom.file.files && dom.file.files[0]);
		});
		document.addEventListener('keydown', function (ev) {
			if (ev.key === ' ' && rec && ev.target === document.body) {
				ev.preventDefault();
				dom.play.click();
			}
		});
		dom.seek.step = String(SEEK_STEP_MS);
		idleMax = +dom.idle.value;
		speed = +dom.speed.value;
		setState('empty');
		url = source();
		if (url)
			fetchCast(url);
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', init);
	else
		init();
}());
