import { HubspotConfigSchema } from '../../shared/connectors/hubspot/spec';
import { hubspotObjectType } from '../../shared/webhooks/apply-hubspot';

/** Which data type a HubSpot webhook event updates: the same names the poller's streams use. */
describe('hubspotObjectType', () => {
  const config = HubspotConfigSchema.parse({ accessToken: 'x', customObjects: ['genius_users'] });
  const event = (subscriptionType: string, objectTypeId?: string) => ({ subscriptionType, objectTypeId }) as Parameters<typeof hubspotObjectType>[0];

  it('maps appointment events (object 0-421) to the appointments data type, like the standard objects', () => {
    expect(hubspotObjectType(event('object.propertyChange', '0-421'), config)).toBe('appointments');
    expect(hubspotObjectType(event('object.creation', '0-3'), config)).toBe('deals');
    expect(hubspotObjectType(event('contact.deletion'), config)).toBe('contacts');
    expect(hubspotObjectType(event('object.creation', 'genius_users'), config)).toBe('genius_users');
  });

  it('refuses an object type the integration does not sync', () => {
    expect(() => hubspotObjectType(event('object.creation', '0-48'), config)).toThrow(/does not sync/);
  });
});
