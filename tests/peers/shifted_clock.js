// Preloaded into a Node peer (node --require shifted_clock.js ...) to move
// that process's clock by CLOCK_SHIFT_SECONDS, so a real server can be made
// to disagree with this machine's time: s3rver then refuses signed requests
// with RequestTimeTooSkewed, as S3 does when the client's clock is off by
// more than 15 minutes, and answers with its own (moved) time in the Date
// header. Only Date is moved; timers are untouched.
'use strict';
const shiftMs = Number(process.env.CLOCK_SHIFT_SECONDS || 0) * 1000;
if (shiftMs) {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + shiftMs);
      else super(...args);
    }
    static now() {
      return RealDate.now() + shiftMs;
    }
  }
  globalThis.Date = ShiftedDate;
  // Node stamps the Date response header from its own, unmoved clock; a
  // server with a wrong clock reports its wrong time there too.
  const http = require('http');
  const writeHead = http.ServerResponse.prototype.writeHead;
  http.ServerResponse.prototype.writeHead = function (...args) {
    if (!this.headersSent && !this.hasHeader('date')) this.setHeader('Date', new ShiftedDate().toUTCString());
    return writeHead.apply(this, args);
  };
}
