// How notices leave: through the deployment's SMTP server when it has one,
// or as an RFC 5322 message (.eml) an analyst downloads from the outbox and
// sends from the hotline's own mail client. Both are built by the same
// composer, so the host receives the same message either way.

import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

export interface NoticeMessage {
  readonly from: { readonly name: string; readonly address: string };
  /** Null when the analyst will fill the recipient in (outbox only). */
  readonly to: string | null;
  readonly subject: string;
  readonly text: string;
  readonly reference: string;
}

/** The port through which notices are sent. */
export interface Mailer {
  send(message: NoticeMessage): Promise<{ readonly messageId: string }>;
}

function mailOptions(message: NoticeMessage) {
  return {
    from: message.from,
    ...(message.to ? { to: message.to } : {}),
    replyTo: message.from,
    subject: message.subject,
    text: message.text,
    headers: { 'X-Disrupt-Notice': message.reference },
  };
}

/** An SMTP mailer from an smtp:// or smtps:// URL (credentials in the URL). */
export function smtpMailer(url: string): Mailer & { close(): void } {
  const transport = nodemailer.createTransport(url);
  return {
    async send(message) {
      const info = await transport.sendMail(mailOptions(message));
      return { messageId: info.messageId };
    },
    close: () => {
      transport.close();
    },
  };
}

/** The message as an .eml file. */
export function composeEml(message: NoticeMessage): Promise<Buffer> {
  return new MailComposer(mailOptions(message)).compile().build();
}
