/*
 * vcmFontFit(term, fitAddon): the largest font size at which the
 * terminal's fixed size (term.cols x term.rows) fits its container.
 *
 * A serial console cannot tell the host a new size, so the grid never
 * changes: the font does. The estimate scales the font by how much room
 * the screen has; the fit addon's proposeDimensions() (what would fit
 * at the current font) then checks the result, and the font shrinks in
 * half-point steps until the grid fits. Shared by index.html and
 * replay.html.
 */
(function () {
	'use strict';

	var FONT_MIN = 6;	/* below this nobody reads a console */
	var FONT_MAX = 40;	/* a wall screen; larger only blurs */
	var STEP = 0.5;		/* the granularity of the result */
	var ROUNDS = 24;	/* bounded shrink loop: 12 points */

	function fits(term, fit) {
		var d = fit.proposeDimensions();

		if (!d || !isFinite(d.cols) || !isFinite(d.rows))
			return true;	/* not measurable (hidden): keep */
		return d.cols >= term.cols && d.rows >= term.rows;
	}

	function room(term) {
		var parent = term.element && term.element.parentElement;
		var screen = term.element &&
		    term.element.querySelector('.xterm-screen');

		if (!parent || !screen || screen.offsetWidth === 0 ||
		    screen.offsetHeight === 0)
			return 0;
		/* 14: the scroll bar the fit addon reserves beside the grid. */
		return Math.min((parent.clientWidth - 14) / screen.offsetWidth,
		    parent.clientHeight / screen.offsetHeight);
	}

	function clamp(size) {
		size = Math.floor(size / STEP) * STEP;
		return Math.max(FONT_MIN, Math.min(FONT_MAX, size));
	}

	window.vcmFontFit = function (term, fit) {
		var size = term.options.fontSize, scale = room(term), i;

		if (scale > 0 && Math.abs(scale - 1) > 0.01) {
			size = clamp(size * scale);
			if (size !== term.options.fontSize)
				term.options.fontSize = size;
		}
		for (i = 0; i < ROUNDS && size > FONT_MIN && !fits(term, fit);
		    i++) {
			size = clamp(size - STEP);
			term.options.fontSize = size;
		}
		return size;
	};
}());
