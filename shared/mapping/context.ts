import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { TransformContext } from './template';

const e164 = (raw: string, country: string): string | undefined => parsePhoneNumberFromString(raw, country as CountryCode)?.number;

/** What a template renders in: a flow's country and time zone, and the phone parser its `phone` transform uses. */
export const renderContext = (country: string, timeZone: string): TransformContext => ({ country, timeZone, e164 });
