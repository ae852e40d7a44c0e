/**
 * Imported before the n8n harness, which sets N8N_USER_FOLDER to a fresh temp folder when none
 * is given: run.ts removes that folder at exit only if this process created it.
 */
export const PRESET_N8N_USER_FOLDER = process.env.N8N_USER_FOLDER;
