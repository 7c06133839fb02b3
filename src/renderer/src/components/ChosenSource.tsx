import { SourceName } from './SourceName.js'

/** The line under a screen's title that says which card or box its actions apply to. */
export function ChosenSource({ source }: { source: string | undefined }) {
  return (
    <p className="muted source-line">
      {source ? <SourceName source={source} /> : 'Choose a source first (Sources).'}
    </p>
  )
}
