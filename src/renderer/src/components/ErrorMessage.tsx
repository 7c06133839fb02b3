import type { CompanionErrorData } from '../../../shared/errors.js'

/** A failure as the user reads it: the message core wrote for them, never a stack trace. */
export function ErrorMessage({
  error,
  title,
}: {
  error: CompanionErrorData | { message: string } | undefined
  title?: string
}) {
  if (!error) return null
  return (
    <div className="error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {error.message}
    </div>
  )
}
