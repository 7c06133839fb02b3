import { useEffect, useRef } from 'react'

/**
 * After the user moves to another screen, focus goes to that screen's heading, so a screen reader says where
 * they are and the next Tab starts at the top of the new content. The first screen at start keeps the
 * browser's own focus.
 */
export function useFocusOnNavigate(screen: string): void {
  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    const heading = document.querySelector<HTMLElement>('main h1')
    if (!heading) return
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1')
    heading.focus()
  }, [screen])
}
