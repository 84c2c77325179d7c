import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import en from '../locales/en.json'
import nl from '../locales/nl.json'
import zh from '../locales/zh.json'
import type { Locale } from '../api/contract'

export type MessageKey = keyof typeof en
type Messages = Record<MessageKey, string>

// Dutch and Chinese are typed as English's key set, so a key missing there fails the typecheck too.
const CATALOGS: Record<Locale, Messages> = { en, nl: nl satisfies Messages, zh: zh satisfies Messages }
export const LOCALES: ReadonlyArray<{ id: Locale; label: string }> = [
  { id: 'en', label: 'English' },
  { id: 'nl', label: 'Nederlands' },
  { id: 'zh', label: '中文' },
]
const STORE_KEY = 'reelay.locale'

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string

interface I18n {
  locale: Locale
  setLocale: (l: Locale) => void
  t: Translate
  formatNumber: (n: number) => string
  formatDate: (ms: number) => string
}

const Ctx = createContext<I18n | null>(null)

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORE_KEY)
  if (saved === 'en' || saved === 'nl' || saved === 'zh') return saved
  const nav = navigator.language.toLowerCase()
  return nav.startsWith('nl') ? 'nl' : nav.startsWith('zh') ? 'zh' : 'en'
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, set] = useState<Locale>(initialLocale)
  const setLocale = useCallback((l: Locale) => {
    localStorage.setItem(STORE_KEY, l)
    set(l)
  }, [])
  useEffect(() => {
    document.documentElement.lang = locale === 'zh' ? 'zh-CN' : locale
  }, [locale])
  const value = useMemo<I18n>(() => {
    const messages = CATALOGS[locale]
    const tag = locale === 'zh' ? 'zh-CN' : locale === 'nl' ? 'nl-NL' : 'en-GB'
    const num = new Intl.NumberFormat(tag)
    const date = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' })
    return {
      locale,
      setLocale,
      t: (key, vars) => (messages[key] ?? en[key]).replace(/\{(\w+)\}/g, (m, k: string) => (vars && k in vars ? String(vars[k]) : m)),
      formatNumber: (n) => num.format(n),
      formatDate: (ms) => date.format(new Date(ms)),
    }
  }, [locale, setLocale])
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>
}

export function useI18n(): I18n {
  const v = useContext(Ctx)
  if (!v) throw new Error('useI18n outside I18nProvider')
  return v
}

export const useT = (): Translate => useI18n().t
