import type { TableField, TableSchema } from './tableSchema.js'

/**
 * Camtrap DP 1.0.2 (TDWG; https://camtrap-dp.tdwg.org/), the camera-trap data exchange standard: the three
 * tables as Table Schemas and the package's profile URL.
 *
 * These are NOT copies of the official schema files (tdwg/camtrap-dp): those are in no npm or Debian package
 * reachable here, and nothing is copied into this repository from elsewhere. They are written from the
 * standard's published field definitions (names, order, types, required fields, enums, ranges), restricted
 * to what the export writes and what a reader checks first. Where the official files add something not here
 * (descriptions, examples, some patterns), a package valid here may still need the official validator
 * (`frictionless validate` or camtrapdp's `check_camtrapdp()` in R) before publication to GBIF.
 */
export const CAMTRAP_DP_VERSION = '1.0.2'
const BASE = `https://raw.githubusercontent.com/tdwg/camtrap-dp/${CAMTRAP_DP_VERSION}`
export const CAMTRAP_DP_PROFILE = `${BASE}/camtrap-dp-profile.json`
export const tableSchemaUrl = (table: CamtrapTable): string => `${BASE}/${table}-table-schema.json`

export type CamtrapTable = 'deployments' | 'media' | 'observations'

const text = (name: string, required = false): TableField => ({
  name,
  type: 'string',
  ...(required ? { constraints: { required } } : {}),
})
const datetime = (name: string, required = false): TableField => ({
  name,
  type: 'datetime',
  format: '%Y-%m-%dT%H:%M:%S%z',
  ...(required ? { constraints: { required } } : {}),
})
const oneOf = (name: string, values: string[], required = false): TableField => ({
  name,
  type: 'string',
  constraints: { enum: values, ...(required ? { required } : {}) },
})
const boolean = (name: string, required = false): TableField => ({
  name,
  type: 'boolean',
  ...(required ? { constraints: { required } } : {}),
})
const number = (name: string, minimum?: number, maximum?: number, required = false): TableField => ({
  name,
  type: 'number',
  constraints: {
    ...(minimum !== undefined ? { minimum } : {}),
    ...(maximum !== undefined ? { maximum } : {}),
    ...(required ? { required } : {}),
  },
})
const integer = (name: string, minimum?: number, maximum?: number): TableField => ({
  ...number(name, minimum, maximum),
  type: 'integer',
})

export const DEPLOYMENTS_SCHEMA: TableSchema = {
  fields: [
    { name: 'deploymentID', type: 'string', constraints: { required: true, unique: true } },
    text('locationID'),
    text('locationName'),
    number('latitude', -90, 90, true),
    number('longitude', -180, 180, true),
    integer('coordinateUncertainty', 1),
    datetime('deploymentStart', true),
    datetime('deploymentEnd', true),
    text('setupBy'),
    text('cameraID'),
    text('cameraModel'),
    integer('cameraDelay', 0),
    number('cameraHeight', 0),
    number('cameraDepth', 0),
    integer('cameraTilt', -90, 90),
    integer('cameraHeading', 0, 360),
    number('detectionDistance', 0),
    boolean('timestampIssues'),
    boolean('baitUse'),
    oneOf('featureType', [
      'roadPaved',
      'roadDirt',
      'trailHiking',
      'trailGame',
      'roadUnderpass',
      'roadOverpass',
      'roadBridge',
      'culvert',
      'burrow',
      'nestSite',
      'carcass',
      'waterSource',
      'fruitingTree',
    ]),
    text('habitat'),
    text('deploymentGroups'),
    text('deploymentTags'),
    text('deploymentComments'),
  ],
  primaryKey: 'deploymentID',
  missingValues: [''],
}

export const MEDIA_SCHEMA: TableSchema = {
  fields: [
    { name: 'mediaID', type: 'string', constraints: { required: true, unique: true } },
    text('deploymentID', true),
    oneOf('captureMethod', ['activityDetection', 'timeLapse']),
    datetime('timestamp', true),
    text('filePath', true),
    boolean('filePublic', true),
    text('fileName'),
    {
      name: 'fileMediatype',
      type: 'string',
      constraints: { required: true, pattern: '^(image|video|audio)/.*$' },
    },
    { name: 'exifData', type: 'object' },
    boolean('favorite'),
    text('mediaComments'),
  ],
  primaryKey: 'mediaID',
  foreignKeys: [{ fields: 'deploymentID', reference: { resource: 'deployments', fields: 'deploymentID' } }],
  missingValues: [''],
}

export const OBSERVATIONS_SCHEMA: TableSchema = {
  fields: [
    { name: 'observationID', type: 'string', constraints: { required: true, unique: true } },
    text('deploymentID', true),
    text('mediaID'),
    text('eventID'),
    datetime('eventStart', true),
    datetime('eventEnd', true),
    oneOf('observationLevel', ['media', 'event'], true),
    oneOf('observationType', ['animal', 'human', 'vehicle', 'blank', 'unknown', 'unclassified'], true),
    oneOf('cameraSetupType', ['setup', 'calibration']),
    text('scientificName'),
    integer('count', 1),
    oneOf('lifeStage', ['adult', 'subadult', 'juvenile']),
    oneOf('sex', ['female', 'male']),
    text('behavior'),
    text('individualID'),
    number('individualPositionRadius', 0),
    number('individualPositionAngle', -90, 90),
    number('individualSpeed', 0),
    number('bboxX', 0, 1),
    number('bboxY', 0, 1),
    number('bboxWidth', 1e-15, 1),
    number('bboxHeight', 1e-15, 1),
    oneOf('classificationMethod', ['human', 'machine']),
    text('classifiedBy'),
    datetime('classificationTimestamp'),
    number('classificationProbability', 0, 1),
    text('observationTags'),
    text('observationComments'),
  ],
  primaryKey: 'observationID',
  foreignKeys: [
    { fields: 'deploymentID', reference: { resource: 'deployments', fields: 'deploymentID' } },
    { fields: 'mediaID', reference: { resource: 'media', fields: 'mediaID' } },
  ],
  missingValues: [''],
}

export const CAMTRAP_TABLES: Record<CamtrapTable, TableSchema> = {
  deployments: DEPLOYMENTS_SCHEMA,
  media: MEDIA_SCHEMA,
  observations: OBSERVATIONS_SCHEMA,
}
