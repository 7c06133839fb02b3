export { JobQueue, toJobError } from './jobQueue.js'
export type { Job, JobContext, JobDetails, JobListener, JobQueueOptions, JobTask } from './jobQueue.js'
export { JobHistory } from './jobHistory.js'
export { SpeedMeter } from './jobSpeed.js'
