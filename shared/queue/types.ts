import * as z from 'zod';

/** What travels on a connector's queue. Manual syncs, scheduled syncs, continuations and webhook events alike. */
/** SQS moves a message to the DLQ after this many receives (the redrive policy's maxReceiveCount). */
export const MAX_RECEIVES = 5;

export const SyncMessageSchema = z.lazy(() =>
  z.object({
    kind: z.literal('sync'),
    tenantId: z.string(),
    integrationId: z.string(),
    runId: z.string(),
    /** How many times this run has been handed on by a worker nearing its timeout. */
    continuation: z.number().int().nonnegative().default(0),
    /** Epoch ms before which the run cannot progress (a vendor's window reopens then): the worker puts it back until then. */
    notBefore: z.number().int().optional(),
  }),
);
export const WebhookMessageSchema = z.lazy(() =>
  z.object({
    kind: z.literal('webhook'),
    tenantId: z.string(),
    integrationId: z.string(),
    eventKey: z.string(),
  }),
);
export const QueueMessageSchema = z.lazy(() => z.discriminatedUnion('kind', [SyncMessageSchema, WebhookMessageSchema]));
export type SyncMessage = z.input<typeof SyncMessageSchema>;
export type QueueMessage = z.input<typeof QueueMessageSchema>;

/**
 * What travels on the flows queue: a flow run to execute (manual, scheduled, realtime or retry), or a flow's
 * daily report of a day (yyyy-mm-dd; the flow worker holds the mail connectors and may open their secrets).
 */
export const FlowMessageSchema = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('flow'),
      tenantId: z.string(),
      flowId: z.string(),
      runId: z.string(),
      /** Epoch ms before which the run must not start (actions deferred out of quiet hours): the worker puts it back until then. */
      notBefore: z.number().int().optional(),
    }),
    z.object({ kind: z.literal('daily-report'), tenantId: z.string(), flowId: z.string(), day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  ]),
);
export type FlowMessage = z.input<typeof FlowMessageSchema>;
export type FlowRunMessage = Extract<FlowMessage, { kind: 'flow' }>;
/** The queue flow work goes to. */
export const FLOWS_QUEUE = 'flows';

/** What travels on the notifications queue: one event to deliver to one channel (a slow receiver never holds a sync worker). */
export const NotifyMessageSchema = z.lazy(() =>
  z.object({
    kind: z.literal('notify'),
    tenantId: z.string(),
    channelId: z.string(),
    event: z.string(),
    /** Same on every attempt and redelivery, so receivers can dedupe. */
    deliveryId: z.string(),
    data: z.unknown(),
  }),
);
export type NotifyMessage = z.input<typeof NotifyMessageSchema>;
/** The queue notification deliveries go to. */
export const NOTIFY_QUEUE = 'notifications';

/** Sends to the queue of a connector type: SQS in AWS, in-process locally. */
export interface QueueSender {
  /** `delaySeconds` (at most SQS's 900) hides the messages that long, as SQS's DelaySeconds does. */
  send(connectorType: string, messages: QueueMessage[] | FlowMessage[] | NotifyMessage[], opts?: { delaySeconds?: number }): Promise<void>;
}

/** SQS's longest message delay. */
export const MAX_DELAY_S = 900;
