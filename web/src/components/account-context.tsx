import { createContext, useContext } from 'react'
import type { Session, SessionAccount } from '../api/contract'

export interface AccountChoice {
  session: Session
  /** The balance the user picked for web generation: personal, or a team they belong to. */
  account: SessionAccount
  setAccountId: (id: string) => void
}

export const AccountContext = createContext<AccountChoice | null>(null)

export function useAccount(): AccountChoice {
  const v = useContext(AccountContext)
  if (!v) throw new Error('useAccount outside the signed-in layout')
  return v
}
