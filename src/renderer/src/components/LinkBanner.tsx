import { useLinkStore } from '../stores/linkStore.js'

/** Says so when the browser lost `serve`: figures on screen may then be stale. */
export function LinkBanner() {
  const status = useLinkStore((state) => state.status)
  if (status === 'reconnecting') {
    return (
      <div className="link-banner warning" role="status">
        The companion is not reachable; reconnecting… Running jobs carry on there; what is shown may be out of
        date.
      </div>
    )
  }
  if (status === 'refused') {
    return (
      <div className="link-banner error" role="alert">
        The companion refused this page&apos;s access token (was it restarted?). Open the address that{' '}
        <code>creaturebox serve</code> printed.
      </div>
    )
  }
  return null
}
