import { describe, expect, it } from 'vitest'
import { CAMTRAP_TABLES } from '../../../src/core/export/camtrapDpSchemas.js'
import { csvTable, parseCsv } from '../../../src/core/export/csv.js'
import { checkForeignKeys, checkTable } from '../../../src/core/export/tableSchema.js'

/**
 * The validator is checked against a small hand-written Camtrap DP example (the official example package is
 * not available here, see test/support/camtrapDp/README.md): valid as written, and each kind of mistake a
 * package can hold changed into it one at a time must be caught, naming the table, row and field.
 */
const header = (table: keyof typeof CAMTRAP_TABLES) => CAMTRAP_TABLES[table].fields.map((field) => field.name)
const rowOf = (table: keyof typeof CAMTRAP_TABLES, values: Record<string, string>) =>
  header(table).map((name) => values[name] ?? '')

const deployment = {
  deploymentID: 'dep1',
  latitude: '51.5',
  longitude: '-0.12',
  deploymentStart: '2024-09-01T20:00:00+01:00',
  deploymentEnd: '2024-09-03T06:00:00+01:00',
}
const media = (id: string, values: Record<string, string> = {}) => ({
  mediaID: id,
  deploymentID: 'dep1',
  captureMethod: 'timeLapse',
  timestamp: '2024-09-02T02:40:18+01:00',
  filePath: `photos/${id}.jpg`,
  filePublic: 'false',
  fileMediatype: 'image/jpeg',
  ...values,
})
const observation = {
  observationID: 'obs1',
  deploymentID: 'dep1',
  mediaID: 'm1',
  eventStart: '2024-09-02T02:40:18+01:00',
  eventEnd: '2024-09-02T02:40:18+01:00',
  observationLevel: 'media',
  observationType: 'animal',
  scientificName: 'Noctua pronuba',
  count: '2',
}

function check(changes: { deployments?: object; media?: object[]; observations?: object[] } = {}) {
  const tables = {
    deployments: csvTable(header('deployments'), [
      rowOf('deployments', { ...deployment, ...changes.deployments }),
    ]),
    media: csvTable(
      header('media'),
      (changes.media ?? [media('m1'), media('m2')]).map((values) =>
        rowOf('media', values as Record<string, string>),
      ),
    ),
    observations: csvTable(
      header('observations'),
      (changes.observations ?? [observation]).map((values) =>
        rowOf('observations', values as Record<string, string>),
      ),
    ),
  }
  const checked = Object.entries(tables).map(([name, csv]) =>
    checkTable(name, CAMTRAP_TABLES[name as keyof typeof CAMTRAP_TABLES], csv),
  )
  return [
    ...checked.flatMap((result) => result.problems),
    ...checkForeignKeys(checked.map((result) => result.table)),
  ]
}

describe('Camtrap DP table validation', () => {
  it('accepts the example as written', () => {
    expect(check()).toEqual([])
  })

  it.each([
    ['a missing required value', { deployments: { latitude: '' } }, 'deployments', 'latitude', 'is required'],
    [
      'a latitude out of range',
      { deployments: { latitude: '91' } },
      'deployments',
      'latitude',
      'above the maximum',
    ],
    [
      'a number that is not one',
      { deployments: { longitude: '12,5' } },
      'deployments',
      'longitude',
      'not a number',
    ],
    [
      'a time without its offset',
      { deployments: { deploymentStart: '2024-09-01T20:00:00' } },
      'deployments',
      'deploymentStart',
      'UTC offset',
    ],
    [
      'an integer with a fraction',
      { deployments: { cameraTilt: '1.5' } },
      'deployments',
      'cameraTilt',
      'not an integer',
    ],
    [
      'a word outside an enum',
      { media: [media('m1', { captureMethod: 'motion' }), media('m2')] },
      'media',
      'captureMethod',
      'not one of',
    ],
    [
      'a media type off its pattern',
      { media: [media('m1', { fileMediatype: 'jpeg' }), media('m2')] },
      'media',
      'fileMediatype',
      'pattern',
    ],
    [
      'a boolean spelled otherwise',
      { media: [media('m1', { filePublic: 'yes' }), media('m2')] },
      'media',
      'filePublic',
      'true or false',
    ],
    [
      'a JSON object that is not one',
      { media: [media('m1', { exifData: '[1]' }), media('m2')] },
      'media',
      'exifData',
      'JSON object',
    ],
    ['a duplicate primary key', { media: [media('m1'), media('m1')] }, 'media', 'mediaID', 'not unique'],
    [
      'a foreign key to no deployment',
      { media: [media('m1'), media('m2', { deploymentID: 'dep9' })] },
      'media',
      'deploymentID',
      'not a deploymentID',
    ],
    [
      'a foreign key to no media',
      { observations: [{ ...observation, mediaID: 'm7' }] },
      'observations',
      'mediaID',
      'not a mediaID',
    ],
    [
      'a count below one',
      { observations: [{ ...observation, count: '0' }] },
      'observations',
      'count',
      'below the minimum',
    ],
  ])('catches %s', (_what, changes, table, field, message) => {
    const problems = check(changes)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({ table, field, row: expect.any(Number) })
    expect(problems[0]?.message).toContain(message)
  })

  it('catches a header that is not the schema’s, and a row with too few values', () => {
    const wrongHeader = checkTable('media', CAMTRAP_TABLES.media, 'mediaID,deploymentID\r\nm1,dep1\r\n')
    expect(wrongHeader.problems[0]).toMatchObject({ row: 0, message: expect.stringContaining('header') })
    const short = checkTable(
      'deployments',
      CAMTRAP_TABLES.deployments,
      `${header('deployments').join(',')}\r\ndep1,,\r\n`,
    )
    expect(short.problems.some((problem) => problem.message.includes('values for'))).toBe(true)
  })

  it('reads back quoted values with commas, quotes and line breaks exactly as written', () => {
    const values = ['plain', 'with, comma', 'with "quotes"', 'two\nlines', '']
    expect(parseCsv(csvTable(['a', 'b', 'c', 'd', 'e'], [values]))).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
      values,
    ])
  })
})
