/**
 * Constants of the config and the data, without the config schema: modules that need only these (the
 * data loaders, the feature encoders) do not load zod.
 */

export const USAGE_COUNTERS = [
  'ACTIONS_CRM_CONTACTS',
  'ACTIONS_CRM_COMPANIES',
  'ACTIONS_CRM_DEALS',
  'ACTIONS_EMAIL',
  'USERS_CRM_CONTACTS',
  'USERS_CRM_COMPANIES',
  'USERS_CRM_DEALS',
  'USERS_EMAIL',
] as const;

export const EMPLOYEE_RANGE_ORDER = [
  '1',
  '2 to 5',
  '6 to 10',
  '11 to 25',
  '26 to 50',
  '51 to 200',
  '201 to 1000',
  '1001 to 10000',
  '10001 or more',
] as const;

export const MISSING_CATEGORY = '__MISSING__';
