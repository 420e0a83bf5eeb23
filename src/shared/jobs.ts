import { z } from 'zod'
import { ApiErrorDataSchema } from './errors'
import { MessageSchema } from './messages/message'

/** A long operation (start, migration, sync, maintenance…) as the UI sees it. */
export const JOB_STATES = ['running', 'succeeded', 'failed', 'cancelled'] as const
export const JobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  /** What the job acts on, e.g. a VM's name, for lists and notifications. */
  title: z.string(),
  /** The title as a message, for the window to show in its language (else it names the job by kind). */
  titleText: z.optional(MessageSchema),
  target: z.object({
    vm: z.string().optional(),
    host: z.string().optional(),
    /** An RBD image as pool/image (storage jobs). */
    image: z.string().optional(),
  }),
  state: z.enum(JOB_STATES),
  /** 0..1 when known. */
  progress: z.number().min(0).max(1).optional(),
  /** What is happening now, in a few words (English, for logs). */
  step: z.string().optional(),
  /** The same as a message, for the window to show in its language. */
  stepText: z.optional(MessageSchema),
  /** Live figures of the current step (e.g. a migration's bytes processed/remaining, speed). */
  detail: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  /** Each line in English (`text`) and, when the core wrote it as one, as a message. */
  log: z.array(z.object({ at: z.number(), text: z.string(), message: z.optional(MessageSchema) })),
  result: z.unknown().optional(),
  error: z.optional(ApiErrorDataSchema),
  cancellable: z.boolean(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
})
export type Job = z.infer<typeof JobSchema>
