import { Component, type ReactNode } from 'react'

interface State {
  message: string | undefined
}

/**
 * A fault in one screen's code must not blank the whole window while a backup runs: the screen says what
 * broke and the others stay usable. Keyed by screen, so switching screens starts clean.
 */
export class ScreenErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { message: undefined }

  static getDerivedStateFromError(error: unknown): State {
    return { message: error instanceof Error ? error.message : String(error) }
  }

  override render(): ReactNode {
    if (this.state.message === undefined) return this.props.children
    return (
      <div className="error" role="alert">
        This screen failed to show ({this.state.message}). Running jobs are not affected; open another screen
        or reload the page.
      </div>
    )
  }
}
