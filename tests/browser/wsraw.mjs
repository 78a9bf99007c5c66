// A deliberately raw WebSocket client over TLS for hostile-input tests:
// it writes whatever frames it is told to (unmasked, reserved bits,
// lengths that lie, garbage), which no WebSocket library lets a client
// do. It reads the server's frames and reports the close it got.
import crypto from 'node:crypto';
import tls from 'node:tls';

const CRLF = '\r\n';

// wsOpen({host, port, ca, origin?, protocol?, path?, ms?}) ->
//   { status, conn } ; conn is null unless the upgrade succeeded (101).
export function wsOpen(o) {
	return new Promise((resolve, reject) => {
		const sock = tls.connect({ host: o.host, port: o.port, ca: o.ca,
		    servername: undefined });
		const key = crypto.randomBytes(16).toString('base64');
		let buf = Buffer.alloc(0);
		const timer = setTimeout(() => { sock.destroy(); reject(new Error('upgrade: timeout')); },
		    o.ms || 10000);
		sock.on('secureConnect', () => {
			let rq = `GET ${o.path || '/v1/console/ws'} HTTP/1.1${CRLF}` +
			    `Host: ${o.host}:${o.port}${CRLF}Upgrade: websocket${CRLF}` +
			    `Connection: Upgrade${CRLF}Sec-WebSocket-Key: ${key}${CRLF}` +
			    `Sec-WebSocket-Version: 13${CRLF}`;
			if (o.protocol !== null)
				rq += `Sec-WebSocket-Protocol: ${o.protocol || 'vcm.console.v1'}${CRLF}`;
			if (o.origin) rq += `Origin: ${o.origin}${CRLF}`;
			sock.write(rq + CRLF);
		});
		const onData = (d) => {
			buf = Buffer.concat([buf, d]);
			const end = buf.indexOf('\r\n\r\n');
			if (end < 0) {
				if (buf.length > 16384) { sock.destroy(); reject(new Error('upgrade: header too long')); }
				return;
			}
			clearTimeout(timer);
			sock.off('data', onData);
			const head = buf.subarray(0, end).toString('latin1');
			const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] || 0);
			if (status !== 101) {
				sock.destroy();
				resolve({ status, conn: null, head });
				return;
			}
			resolve({ status, conn: new Conn(sock, buf.subarray(end + 4)), head });
		};
		sock.on('data', onData);
		sock.on('error', (e) => { clearTimeout(timer); reject(e); });
	});
}

// frame(OPCODE, PAYLOAD, {mask, fin, rsv, len}): one client frame;
// `len` lies about the payload length when given.
export function frame(op, payload = Buffer.alloc(0), f = {}) {
	const p = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
	const mask = f.mask !== false;
	const len = f.len === undefined ? p.length : f.len;
	const b0 = ((f.fin === false ? 0 : 0x80) | ((f.rsv || 0) << 4) | (op & 0x0f));
	let hdr;
	if (len < 126) {
		hdr = Buffer.from([b0, (mask ? 0x80 : 0) | len]);
	} else if (len < 65536) {
		hdr = Buffer.alloc(4);
		hdr[0] = b0; hdr[1] = (mask ? 0x80 : 0) | 126; hdr.writeUInt16BE(len, 2);
	} else {
		hdr = Buffer.alloc(10);
		hdr[0] = b0; hdr[1] = (mask ? 0x80 : 0) | 127; hdr.writeBigUInt64BE(BigInt(len), 2);
	}
	if (!mask) return Buffer.concat([hdr, p]);
	const k = crypto.randomBytes(4);
	const m = Buffer.alloc(p.length);
	for (let i = 0; i < p.length; i++) m[i] = p[i] ^ k[i & 3];
	return Buffer.concat([hdr, k, m]);
}

export const OP = { cont: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 };

class Conn {
	constructor(sock, rest) {
		this.sock = sock;
		this.buf = Buffer.alloc(0);
		this.texts = [];
		this.binBytes = 0;
		this.close = null;	// { code, reason }
		this.ended = false;
		this.waiters = [];
		sock.on('data', (d) => this.feed(d));
		sock.on('close', () => { this.ended = true; this.wake(); });
		sock.on('error', () => { this.ended = true; this.wake(); });
		if (rest.length) this.feed(rest);
	}

	wake() { for (const w of this.waiters.splice(0)) w(); }

	feed(d) {
		this.buf = Buffer.concat([this.buf, d]);
		for (;;) {
			const b = this.buf;
			if (b.length < 2) break;
			let len = b[1] & 0x7f, off = 2;
			if (len === 126) { if (b.length < 4) break; len = b.readUInt16BE(2); off = 4; }
			else if (len === 127) { if (b.length < 10) break; len = Number(b.readBigUInt64BE(2)); off = 10; }
			if (b.length < off + len) break;
			const op = b[0] & 0x0f, p = b.subarray(off, off + len);
			this.buf = b.subarray(off + len);
			if (op === OP.text) this.texts.push(p.toString('utf8'));
			else if (op === OP.binary || op === OP.cont) this.binBytes += p.length;
			else if (op === OP.close && this.close === null) {
				this.close = { code: p.length >= 2 ? p.readUInt16BE(0) : 1005,
				    reason: p.subarray(2).toString('utf8') };
				// Answer the close as a client must.
				this.write(frame(OP.close, p.subarray(0, 2)));
			}
		}
		this.wake();
	}

	write(b) {
		if (this.ended || this.sock.destroyed) return false;
		try { this.sock.write(b); } catch { return false; }
		return true;
	}

	send(op, payload, f) { return this.write(frame(op, payload, f)); }

	// Waits until PRED(this) or MS pass; returns PRED's last value.
	async until(pred, ms) {
		const end = Date.now() + ms;
		while (!pred(this) && Date.now() < end) {
			await new Promise((r) => {
				const t = setTimeout(r, Math.min(100, Math.max(1, end - Date.now())));
				this.waiters.push(() => { clearTimeout(t); r(); });
			});
		}
		return pred(this);
	}

	// The close the server sent (or "eof" when it only hung up) within MS.
	async closed(ms = 5000) {
		await this.until((c) => c.close !== null || c.ended, ms);
		const r = this.close ? `${this.close.code} ${this.close.reason}`.trim() :
		    this.ended ? 'eof' : 'still open';
		this.destroy();
		return r;
	}

	hasState(s) { return this.texts.some((t) => t.includes(`"state":"${s}"`)); }

	destroy() { this.sock.destroy(); this.ended = true; }
}
