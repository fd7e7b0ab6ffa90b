/**
 * Deterministic HubSpot-shaped records for the sandbox, generated lazily by index so 100,000 contacts cost
 * nothing until read. Every property value is a string (HubSpot sends numbers and dates as strings).
 */
export interface HubspotRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

/** mulberry32: a tiny seeded PRNG, so the same (seed, type, index) always gives the same record. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ava', 'Liam', 'Mia', 'Noah', 'Zoe', 'Ethan', 'Ivy', 'Lucas', 'Emma', 'Owen', 'Nora', 'Eli'];
const LAST = ['Smith', 'Garcia', 'Nguyen', 'Patel', 'Brown', 'Kim', 'Lopez', 'Davis', 'Miller', 'Khan'];
const CITIES = [['Austin', 'TX', '78701'], ['Denver', 'CO', '80202'], ['Tampa', 'FL', '33602'], ['Boise', 'ID', '83702'], ['Columbus', 'OH', '43215']];
const STAGES = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'closedwon', 'closedlost'];
const LIFECYCLE = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer'];
const INDUSTRIES = ['CONSTRUCTION', 'RETAIL', 'COMPUTER_SOFTWARE', 'REAL_ESTATE', 'UTILITIES'];

/** Id ranges per type keep ids unique across types and ordered within one. */
export const TYPE_BASE: Record<string, number> = { contacts: 1_000_000, companies: 2_000_000, deals: 3_000_000, appointments: 4_000_000 };
export function typeBase(type: string, customIndex: number): number {
  return TYPE_BASE[type] ?? 10_000_000 * (customIndex + 1);
}

const EPOCH = Date.parse('2024-01-01T00:00:00.000Z');
const DAY = 86_400_000;

/** The i-th (1-based) generated record of a type. */
export function generate(type: string, base: number, i: number, seed: number): HubspotRecord {
  const r = prng(seed * 7919 + base + i);
  const created = EPOCH + Math.floor(r() * 365 * DAY);
  const updated = created + Math.floor(r() * 150 * DAY);
  const createdAt = new Date(created).toISOString();
  const updatedAt = new Date(updated).toISOString();
  const id = String(base + i);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const [city, state, zip] = pick(CITIES);
  let p: Record<string, string | null>;
  if (type === 'contacts') {
    const first = pick(FIRST);
    const last = pick(LAST);
    p = {
      email: `${first}.${last}.${i}@example.com`.toLowerCase(),
      firstname: first,
      lastname: last,
      phone: `+1512555${String(i % 10_000).padStart(4, '0')}`,
      mobilephone: r() < 0.5 ? null : `+1737555${String((i * 7) % 10_000).padStart(4, '0')}`,
      company: `${pick(LAST)} Builders`,
      jobtitle: r() < 0.3 ? null : 'Homeowner',
      address: `${100 + (i % 900)} Main St`,
      city,
      state,
      zip,
      country: 'United States',
      lifecyclestage: pick(LIFECYCLE),
      hs_lead_status: r() < 0.5 ? 'NEW' : 'OPEN',
      hubspot_owner_id: String(5000 + (i % 7)),
      createdate: createdAt,
      lastmodifieddate: updatedAt,
    };
  } else if (type === 'companies') {
    const name = `${pick(LAST)} ${pick(['Roofing', 'Solar', 'Windows', 'HVAC'])} ${i}`;
    p = {
      name,
      domain: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example.com`,
      phone: `+1214555${String(i % 10_000).padStart(4, '0')}`,
      address: `${200 + (i % 800)} Commerce Dr`,
      city,
      state,
      zip,
      country: 'United States',
      industry: pick(INDUSTRIES),
      numberofemployees: String(5 + Math.floor(r() * 500)),
      annualrevenue: String(100_000 + Math.floor(r() * 9_900_000)),
      lifecyclestage: pick(LIFECYCLE),
      hubspot_owner_id: String(5000 + (i % 7)),
      createdate: createdAt,
      hs_lastmodifieddate: updatedAt,
    };
  } else if (type === 'deals') {
    p = {
      dealname: `Project ${i}`,
      amount: (1000 + Math.floor(r() * 50_000)).toFixed(2),
      dealstage: pick(STAGES),
      pipeline: 'default',
      closedate: new Date(updated + 30 * DAY).toISOString(),
      dealtype: r() < 0.5 ? 'newbusiness' : 'existingbusiness',
      hubspot_owner_id: String(5000 + (i % 7)),
      createdate: createdAt,
      hs_lastmodifieddate: updatedAt,
    };
  } else if (type === 'appointments') {
    const start = updated + 7 * DAY;
    p = {
      hs_appointment_name: `Estimate visit ${i}`,
      hs_appointment_start: new Date(start).toISOString(),
      hs_appointment_end: new Date(start + 3_600_000).toISOString(),
      hs_appointment_status: pick(['SCHEDULED', 'COMPLETED', 'CANCELLED']),
      hubspot_owner_id: String(5000 + (i % 7)),
      hs_createdate: createdAt,
      hs_lastmodifieddate: updatedAt,
    };
  } else {
    p = { name: `${type} ${i}`, code: `${type.slice(0, 3).toUpperCase()}-${i}`, hs_createdate: createdAt, hs_lastmodifieddate: updatedAt };
  }
  p.hs_object_id = id;
  return { id, properties: p, createdAt, updatedAt, archived: false };
}

/** The last-modified property of a type: contacts differ from all others. */
export function lastModifiedOf(type: string): string {
  return type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
}

/** Properties HubSpot returns when `properties` is not given (and always, alongside requested ones). */
export function defaultPropsOf(type: string): string[] {
  if (type === 'contacts') return ['firstname', 'lastname', 'email', 'createdate', 'lastmodifieddate', 'hs_object_id'];
  if (type === 'companies') return ['name', 'domain', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'];
  if (type === 'appointments') return ['hs_appointment_name', 'hs_appointment_start', 'hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'];
  if (type === 'deals') return ['dealname', 'amount', 'dealstage', 'pipeline', 'closedate', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'];
  return ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'];
}
