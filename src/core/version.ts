/** The app version written into exported files; a test keeps it equal to package.json's. */
export const APP_NAME = 'biggan-explorer';
export const APP_VERSION = '0.1.0';
