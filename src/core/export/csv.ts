/**
 * CSV as RFC 4180 and Frictionless Data describe it: comma-separated, CRLF line ends, a field quoted when it
 * holds a comma, a quote or a line break, quotes doubled inside. Written by hand because the export needs
 * only this and the validator must read exactly what the export writes.
 */
export function csvLine(values: readonly string[]): string {
  return (
    values.map((value) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)).join(',') +
    '\r\n'
  )
}

export function csvTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return csvLine(header) + rows.map(csvLine).join('')
}

/** Rows of a CSV text (the header is the first); throws on an unterminated quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let index = 0
  while (index < text.length) {
    const char = text[index] as string
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"'
        index += 2
        continue
      }
      if (char === '"') quoted = false
      else field += char
      index++
      continue
    }
    if (char === '"' && field === '') quoted = true
    else if (char === ',') {
      row.push(field)
      field = ''
    } else if (char === '\n' || char === '\r') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      if (char === '\r' && text[index + 1] === '\n') index++
    } else field += char
    index++
  }
  if (quoted) throw new Error('The CSV ends inside a quoted field')
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows
}
