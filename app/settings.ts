// What the Settings page and its action share (no server imports: the page's bundle includes it):
// which section a form saves, the action's answer, and a field error as a sentence.
import { SETTINGS_SECTIONS, type FieldError, type SettingsSection } from "./domain/settings";
import { t, type Locale } from "./i18n";

export const settingsSection = (value: unknown): SettingsSection | null =>
  SETTINGS_SECTIONS.includes(value as SettingsSection) ? (value as SettingsSection) : null;

/** When a section last changed and who changed it (an admin user's id, when Shopify gave one). */
export interface SectionChange {
  at: string;
  by: string | null;
}

/** The action's answer: saved (or nothing to save), or field errors as sentences, or one error. */
export type SettingsAnswer =
  | { ok: true; section: SettingsSection; changed: boolean; message: string }
  | { ok: false; section: SettingsSection | null; message: string; fieldErrors: Record<string, string> };

export const fieldErrorText = (locale: Locale, e: FieldError) => t(locale, `settings.error.${e.code}`, e.vars);
