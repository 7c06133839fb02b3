import { useVirtualizer } from '@tanstack/react-virtual'
import { useRef, type ReactNode } from 'react'

interface VirtualListProps<T> {
  items: readonly T[]
  /** Expected row height; rows taller than this are measured. */
  rowHeight: number
  /** Visible height; the list scrolls inside it. */
  height: number
  label: string
  renderRow: (item: T, index: number) => ReactNode
  getKey: (item: T, index: number) => string
}

/** Only the rows on screen are in the page, so a card of 50 000 photos scrolls as fast as one of 50. */
export function VirtualList<T>({ items, rowHeight, height, label, renderRow, getKey }: VirtualListProps<T>) {
  const scroller = useRef<HTMLDivElement>(null)
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is meant to be used this way
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    getItemKey: (index) => getKey(items[index] as T, index),
  })
  return (
    <div
      ref={scroller}
      className="virtual-list"
      style={{ maxHeight: height }}
      role="list"
      aria-label={label}
      tabIndex={0}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            // Rows are measured, so one with a long error message grows instead of overlapping the next.
            ref={virtualizer.measureElement}
            data-index={row.index}
            role="listitem"
            className="virtual-row"
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              right: 0,
              minHeight: rowHeight,
              transform: `translateY(${row.start}px)`,
            }}
          >
            {renderRow(items[row.index] as T, row.index)}
          </div>
        ))}
      </div>
    </div>
  )
}
