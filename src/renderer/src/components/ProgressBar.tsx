interface ProgressBarProps {
  label: string
  /** 0…1; undefined shows a bar that only says "working". */
  fraction: number | undefined
}

export function ProgressBar({ label, fraction }: ProgressBarProps) {
  const percent = fraction === undefined ? undefined : Math.round(fraction * 100)
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div
        className={percent === undefined ? 'progress-fill indeterminate' : 'progress-fill'}
        style={{ width: `${percent ?? 100}%` }}
      />
    </div>
  )
}
