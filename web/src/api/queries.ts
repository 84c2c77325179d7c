import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { get, qs } from './client'
import type { Balance, CatalogModel, JobSummary, Page } from './contract'

export function useBalance(accountId: string) {
  return useQuery({ queryKey: ['balance', accountId], queryFn: () => get<Balance>(`/account/v1/accounts/${accountId}/balance`) })
}

export function useModels() {
  return useQuery({ queryKey: ['models'], queryFn: () => get<{ data: CatalogModel[] }>('/v1/models'), staleTime: 5 * 60_000 })
}

/** A cursor list: each "load more" asks for the page after the last nextCursor. */
export function useCursorList<T>(key: readonly unknown[], path: string, params: Record<string, string | number | null | undefined>, opts: { refetchInterval?: number | false } = {}) {
  return useInfiniteQuery({
    queryKey: [...key, params],
    queryFn: ({ pageParam }) => get<Page<T>>(`${path}${qs({ ...params, cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    ...(opts.refetchInterval !== undefined ? { refetchInterval: opts.refetchInterval } : {}),
  })
}

export const rowsOf = <T>(pages: { pages: Array<Page<T>> } | undefined): T[] => pages?.pages.flatMap((p) => p.data) ?? []

export function useJobs(params: { accountId: string; status?: string; model?: string; limit?: number }, refetchInterval: number | false = false) {
  return useCursorList<JobSummary>(['jobs'], '/account/v1/jobs', params, { refetchInterval })
}

export const isActive = (j: { status: string }) => j.status === 'queued' || j.status === 'processing'
