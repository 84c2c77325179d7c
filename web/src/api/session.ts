import { useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError, forgetSession, get, rememberSession } from './client'
import type { Session, SessionAccount, SetupState } from './contract'

export const SESSION_KEY = ['session'] as const

/** The signed-in user, or null when there is no session (a 401 is an answer here, not an error). */
export function useSession() {
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async () => {
      try {
        return rememberSession(await get<Session>('/account/v1/session'))
      } catch (e) {
        if (e instanceof ApiError && (e.status === 401 || e.status === 404)) {
          forgetSession()
          return null
        }
        throw e
      }
    },
    staleTime: 60_000,
    retry: false,
  })
}

export function useSetupState() {
  return useQuery({ queryKey: ['setup'], queryFn: () => get<SetupState>('/account/v1/setup'), staleTime: 60_000, retry: false })
}

/** Stores a session that login, signup or setup answered, so the app switches to signed in. */
export function useAdoptSession() {
  const qc = useQueryClient()
  return (s: Session) => {
    rememberSession(s)
    qc.setQueryData(SESSION_KEY, s)
    void qc.invalidateQueries({ queryKey: ['setup'] })
  }
}

export function personalAccount(s: Session | null | undefined): SessionAccount | undefined {
  return s?.accounts.find((a) => a.kind === 'personal') ?? s?.accounts[0]
}
