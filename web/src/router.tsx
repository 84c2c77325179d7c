import { createRootRoute, createRoute, createRouter, lazyRouteComponent, Outlet, type AnyRoute } from '@tanstack/react-router'
import { AppLayout } from './components/layout'
import { NotFound } from './pages/not-found'

const rootRoute = createRootRoute({ component: Outlet, notFoundComponent: NotFound })

// Signed-out pages: first operator setup, sign in, sign up (open or with an invite), reset.
// Each page is its own chunk, fetched when first visited (or hovered: preload on intent).
const page = <const P extends string, R extends AnyRoute, M extends Record<string, unknown>>(path: P, load: () => Promise<M>, name: keyof M & string, parent: R) =>
  createRoute({ getParentRoute: () => parent, path, component: lazyRouteComponent(load, name) })

const setupRoute = page('/setup', () => import('./pages/auth'), 'SetupPage', rootRoute)
const loginRoute = page('/login', () => import('./pages/auth'), 'LoginPage', rootRoute)
const signupRoute = page('/signup', () => import('./pages/auth'), 'SignupPage', rootRoute)
const resetRoute = page('/reset', () => import('./pages/auth'), 'ResetPage', rootRoute)
const inviteRoute = page('/invite', () => import('./pages/auth'), 'InvitePage', rootRoute)

// Everything else needs a session; the layout sends a visitor without one to sign in.
const appRoute = createRoute({ getParentRoute: () => rootRoute, id: 'app', component: AppLayout })
const overviewRoute = page('/', () => import('./pages/overview'), 'OverviewPage', appRoute)
const keysRoute = page('/keys', () => import('./pages/keys'), 'KeysPage', appRoute)
const jobsRoute = page('/jobs', () => import('./pages/jobs'), 'JobsPage', appRoute)
const jobRoute = page('/jobs/$jobId', () => import('./pages/job-detail'), 'JobDetailPage', appRoute)
const playgroundRoute = page('/playground', () => import('./pages/playground'), 'PlaygroundPage', appRoute)
const usageRoute = page('/usage', () => import('./pages/usage'), 'UsagePage', appRoute)
const webhooksRoute = page('/webhooks', () => import('./pages/webhooks'), 'WebhooksPage', appRoute)
const teamRoute = page('/team', () => import('./pages/team'), 'TeamPage', appRoute)
const profileRoute = page('/profile', () => import('./pages/profile'), 'ProfilePage', appRoute)
const pricingRoute = page('/pricing', () => import('./pages/pricing'), 'PricingPage', appRoute)
const walletRoute = page('/wallet', () => import('./pages/wallet'), 'WalletPage', appRoute)
const opAccountsRoute = page('/operator', () => import('./pages/operator/accounts'), 'OperatorAccountsPage', appRoute)
const opUsersRoute = page('/operator/users', () => import('./pages/operator/users'), 'OperatorUsersPage', appRoute)
const opJobsRoute = page('/operator/jobs', () => import('./pages/operator/jobs'), 'OperatorJobsPage', appRoute)
const opChannelsRoute = page('/operator/channels', () => import('./pages/operator/channels'), 'OperatorChannelsPage', appRoute)
const opPricesRoute = page('/operator/prices', () => import('./pages/operator/prices'), 'OperatorPricesPage', appRoute)
const opSystemRoute = page('/operator/system', () => import('./pages/operator/system'), 'OperatorSystemPage', appRoute)

const routeTree = rootRoute.addChildren([
  setupRoute,
  loginRoute,
  signupRoute,
  resetRoute,
  inviteRoute,
  appRoute.addChildren([
    overviewRoute,
    keysRoute,
    jobsRoute,
    jobRoute,
    playgroundRoute,
    usageRoute,
    webhooksRoute,
    teamRoute,
    profileRoute,
    pricingRoute,
    walletRoute,
    opAccountsRoute,
    opUsersRoute,
    opJobsRoute,
    opChannelsRoute,
    opPricesRoute,
    opSystemRoute,
  ]),
])

export const router = createRouter({ routeTree, defaultPreload: 'intent', scrollRestoration: true })

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router
  }
}
