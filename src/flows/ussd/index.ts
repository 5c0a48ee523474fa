/** The USSD line: menus over the same flows (see line.ts). */
export { UssdLine } from './line';
export { USSD_MENU } from './types';
export type { UssdDeps, UssdEnd, UssdReply, UssdRequest } from './types';
