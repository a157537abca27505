'use strict';
// A real SMTP server on loopback (smtp-server), each message parsed with mailparser, so a test
// can wait for the email a reader would receive and read it as their mail program would.

const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');

class SmtpSink {
  /** `refuse(address)`: recipients to refuse with a permanent 550, as a bouncing mailbox does. */
  constructor({ refuse = () => false } = {}) {
    this.messages = [];
    this.waiters = [];
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      banner: 'disinfo-desk browser tests',
      onRcptTo: (address, session, callback) => {
        if (!refuse(address.address)) return callback();
        const error = new Error('5.1.1 mailbox unavailable');
        error.responseCode = 550;
        return callback(error);
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            mail.envelope = {
              from: session.envelope.mailFrom && session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((r) => r.address),
            };
            this.messages.push(mail);
            for (const waiter of [...this.waiters]) waiter.check(mail);
            callback();
          })
          .catch(callback);
      },
    });
  }

  /** Listens on a free loopback port; resolves with it. */
  start() {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve(this.server.server.address().port));
    });
  }

  stop() {
    return new Promise((resolve) => this.server.close(resolve));
  }

  /** The first message (received already or later) to `to` that `match` accepts. */
  waitFor(to, match = () => true, { timeout = 20_000, what = 'a message' } = {}) {
    const accepts = (mail) => mail.envelope.to.includes(to) && match(mail);
    const found = this.messages.find(accepts);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        check: (mail) => {
          if (!accepts(mail)) return;
          clearTimeout(timer);
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          resolve(mail);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const seen = this.messages.map((m) => `${m.envelope.to.join(',')}: ${m.subject}`);
        reject(new Error(`no ${what} to ${to} within ${timeout} ms; the sink has: ${JSON.stringify(seen)}`));
      }, timeout);
      this.waiters.push(waiter);
    });
  }
}

module.exports = { SmtpSink };
