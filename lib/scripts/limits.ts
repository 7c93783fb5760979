/**
 * Duration limits of custom-script runs, on their own: the browser imports them, and lib/scripts/schemas
 * pulls in lib/ids (node:crypto), which would bundle a crypto polyfill into the page.
 */
export const CUSTOM_MIN_DURATION_SEC = 1;
export const CUSTOM_MAX_DURATION_SEC = 600;
export const CUSTOM_DEFAULT_DURATION_SEC = 10;
