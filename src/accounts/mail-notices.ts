import type { Mailer } from '../mail/mailer.js'

/**
 * The mails people get: a reset link, an invite. Each answers whether it was sent; without
 * REELAY_SMTP_URL nothing is, and the operator hands the link over as before.
 */
export function createMailNotices(mailer: Mailer | null) {
  const send = (to: string, subject: string, lines: string[]) => (mailer ? mailer.send({ to, subject, text: `${lines.join('\n')}\n` }) : Promise.resolve(false))
  return {
    resetLink: (to: string, url: string, expiresAt: number) =>
      send(to, 'Reset your Reelay password', [
        'An operator issued a link to set a new password for your Reelay sign-in:',
        '',
        url,
        '',
        `It works once, until ${new Date(expiresAt).toISOString()}. Setting a password signs you out everywhere else.`,
        'If you did not ask for this, ignore this mail: your password stays as it is.',
      ]),

    invite: (to: string, url: string, team: string | null) =>
      send(to, team ? `You are invited to the team ${team} on Reelay` : 'You are invited to Reelay', [
        team ? `You are invited to join the team ${team} on Reelay.` : 'You are invited to create a Reelay sign-in.',
        '',
        url,
        '',
        'The link works once, for 7 days, for this email address.',
      ]),
  }
}

export type MailNotices = ReturnType<typeof createMailNotices>
