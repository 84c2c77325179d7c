/** Currencies Stripe counts in whole units (no cents): their minor unit is the unit itself. */
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'])

export interface Money {
  /** In the currency's main unit (dollars, euros), up to six decimals. */
  amount: number
  currency: string
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6

/** Minor units (as Stripe and the price book count) per main unit. */
export function minorPerUnit(currency: string): number {
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? 1 : 100
}

/** An amount in minor units (cents) as money. */
export function fromMinor(minor: number, currency: string): Money {
  return { amount: round6(minor / minorPerUnit(currency)), currency: currency.toUpperCase() }
}

/** What `credits` cost at the operator's rate. */
export function creditsToMoney(credits: number, creditsPerUnit: number, currency: string): Money {
  return { amount: round6(credits / creditsPerUnit), currency: currency.toUpperCase() }
}
