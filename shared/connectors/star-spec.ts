import * as z from 'zod';

/**
 * A STAR data type as a Reynolds or DealerSocket config declares it (star.ts builds its requests): what the
 * connectors' specs need, without the XML reading and writing the workers bundle.
 */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export const StarDataTypeSchema = z.lazy(() =>
  z.object({
    /** The data type records are stored under. */
    name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits and _'),
    /** Joined to baseUrl ('' posts to baseUrl itself). */
    path: z.string().regex(/^(\/[^\s]*)?$/, 'empty, or a path starting with /').default(''),
    /** The request document's root element. */
    request: z.string().regex(XML_NAME, 'an XML element name'),
    /** Request content after the ApplicationArea, as element names to values (objects nest, lists repeat, `@name` is an attribute). */
    criteria: z.record(z.string().regex(/^@?[A-Za-z_][A-Za-z0-9_.-]*$/), z.json()).optional(),
    /** Dotted path of the record elements in the answer's document; `*` stands for any one element. */
    records: z.string().min(1),
    /** Dotted path of a record's id inside it. */
    id: z.string().min(1),
    /** Incremental: the record's last-modified time (path) and the request element that takes the lower bound. */
    updated: z.string().min(1).optional(),
    since: z.string().regex(XML_NAME).optional(),
  }),
);
export type StarDataType = z.infer<typeof StarDataTypeSchema>;
