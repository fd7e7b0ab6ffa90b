import * as z from 'zod';

/**
 * HubSpot's wire formats, parsed strictly enough that a page we cannot trust fails the run
 * (MalformedPageError) instead of storing garbage. https://developers.hubspot.com/docs/api/crm/understanding-the-crm
 */

/** One CRM object: `{ id, properties: { name: string|null }, createdAt, updatedAt, archived }`. */
export const HubspotObjectSchema = z.object({
  id: z.string().min(1),
  properties: z.record(z.string(), z.string().nullable()),
  createdAt: z.string(),
  updatedAt: z.string(),
  archived: z.boolean().optional(),
  archivedAt: z.string().optional(),
});
export type HubspotObject = z.infer<typeof HubspotObjectSchema>;

/** `GET /crm/v3/objects/{type}`: `paging` is absent on the last page. */
export const ListPageSchema = z.object({
  results: z.array(z.unknown()),
  paging: z.object({ next: z.object({ after: z.string().min(1), link: z.string().optional() }).optional() }).optional(),
});

/** `POST /crm/v3/objects/{type}/search`: `after` is an offset in a string ("200"). */
export const SearchPageSchema = z.object({
  total: z.number().int().nonnegative(),
  results: z.array(z.unknown()),
  paging: z.object({ next: z.object({ after: z.string().regex(/^\d+$/) }).optional() }).optional(),
});

/**
 * `POST /crm/v4/associations/{from}/{to}/batch/read`. Ids with no association come back in `errors`
 * (HTTP 207), not in `results`, so a missing id just means "none".
 * https://developers.hubspot.com/docs/api/crm/associations
 */
export const AssociationsPageSchema = z.object({
  status: z.string().optional(),
  results: z.array(
    z.object({
      from: z.object({ id: z.string() }),
      to: z.array(z.object({ toObjectId: z.union([z.number(), z.string()]) })),
    }),
  ),
  errors: z.array(z.unknown()).optional(),
});

/**
 * The inline associations of one list result (`associations=deals,companies`): per type, at most 100 rows
 * `{ id, type }` and `paging.next` when there are more; a type with none is absent.
 * https://developers.hubspot.com/changelog/announcing-a-change-to-how-v3-crm-apis-return-association-data
 */
export const InlineAssociationsSchema = z.object({
  id: z.unknown(),
  associations: z
    .record(
      z.string(),
      z.object({
        results: z.array(z.object({ id: z.string(), type: z.string().optional() })),
        paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
      }),
    )
    .optional(),
});

/** HubSpot's error body (`category` on API errors, `errorType`/`policyName` on rate limits). */
export const HubspotErrorSchema = z.object({
  message: z.string().optional(),
  category: z.string().optional(),
  errorType: z.string().optional(),
  policyName: z.string().optional(),
  correlationId: z.string().optional(),
});

/** `GET /crm/v3/properties/{type}`: the object's property definitions. https://developers.hubspot.com/docs/api/crm/properties */
export const PropertiesSchema = z.object({
  results: z.array(z.object({ name: z.string().min(1), hidden: z.boolean().optional() })),
});
