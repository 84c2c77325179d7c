import { createRequire } from 'node:module'
import type nodemailerModule from 'nodemailer'
import type { Config } from '../config.js'

const require = createRequire(import.meta.url)

export interface Mail {
  to: string
  subject: string
  text: string
}

/** Sends one mail; false when it could not (logged), so the caller still hands the link over. */
export interface Mailer {
  send(mail: Mail): Promise<boolean>
  close(): void
}

/** Where a failed send is reported: the server's logger, or the CLI's stderr. */
export interface MailLog {
  warn(detail: object, message: string): void
}

/** How long one SMTP step (connect, greeting, each reply) may take before the mail is given up. */
const SMTP_STEP_TIMEOUT_MS = 10_000

/** The SMTP mailer when REELAY_SMTP_URL is set, else null: no mail server is needed. */
export function createMailer(config: Pick<Config, 'REELAY_SMTP_URL' | 'REELAY_MAIL_FROM' | 'publicUrl'>, log: MailLog): Mailer | null {
  if (!config.REELAY_SMTP_URL) return null
  const from = config.REELAY_MAIL_FROM ?? `Reelay <reelay@${new URL(config.publicUrl).hostname}>`
  // Loaded only when mail is configured: a server without SMTP never holds its 36 modules.
  const nodemailer = require('nodemailer') as typeof nodemailerModule
  const transport = nodemailer.createTransport({
    url: config.REELAY_SMTP_URL,
    connectionTimeout: SMTP_STEP_TIMEOUT_MS,
    greetingTimeout: SMTP_STEP_TIMEOUT_MS,
    socketTimeout: SMTP_STEP_TIMEOUT_MS,
  })
  const server = new URL(config.REELAY_SMTP_URL).host
  return {
    async send(mail) {
      try {
        await transport.sendMail({ from, ...mail })
        return true
      } catch (err) {
        // The password never reaches the log: only the host is named.
        log.warn({ err: (err as Error).message, smtp: server, subject: mail.subject }, 'mail not sent; the link is still shown to the operator')
        return false
      }
    },
    close: () => transport.close(),
  }
}
