import type { Page } from 'playwright-core'
import { expect } from 'vitest'

/** Waits until `fn` is truthy (Playwright's own waits, without its test runner). */
export async function until<T>(fn: () => Promise<T>, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) {
      last = e
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export const visible = (page: Page, text: string | RegExp) => until(() => page.getByText(text).first().isVisible(), `"${String(text)}" on ${page.url()}`)

/** The one-time setup token the server prints on an empty database. */
export async function setupToken(log: () => string): Promise<string> {
  return until(async () => /rlx_[A-Za-z0-9_-]{43}/.exec(log())?.[0] ?? '', 'the setup token in the server log')
}

export async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${base}/`)
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click()
  await until(() => page.getByRole('button', { name: 'Sign in' }).isVisible(), 'the sign-in form after signing out')
}

/** The figure a stat card shows, as a number (formatted with the locale's separators). */
export async function stat(page: Page, id: 'balance' | 'reserved' | 'available'): Promise<number> {
  const text = await page.getByTestId(id).innerText()
  expect(text).not.toBe('—')
  return Number(text.replace(/[^\d-]/g, ''))
}
