// Every merchant-facing string exists in both languages, says something, and takes the same
// placeholders in both (a {count} missing from one language would print as-is).
import { describe, expect, it } from "vitest";
import { LOCALES, messages } from "./i18n";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the merchant's dictionaries", () => {
  const [es, en] = LOCALES.map((locale) => messages(locale, "")) as Array<Record<string, string>>;

  it("have the same keys in Spanish and English, none empty", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(es).sort());
    for (const d of [es, en]) for (const [key, text] of Object.entries(d)) expect(text.trim(), key).not.toBe("");
  });

  it("take the same placeholders in both languages", () => {
    for (const key of Object.keys(es)) expect(placeholders(en[key]), key).toEqual(placeholders(es[key]));
  });

  // One register, as Shopify's Spanish admin speaks to merchants: tú, never usted.
  it("speak to the merchant as tú in Spanish", () => {
    const usted =
      /\b(Revise|Escriba|Elija|Use|Ofrezca|Deje|Cambie|Recargue|Vuelva|Inténtelo|Compruebe|Espere|Seleccione|Añada|Quite|Guarde|Pulse|Haga|Indique|su tienda|su cuenta de HubSpot|ha quitado)\b/;
    for (const [key, text] of Object.entries(es)) expect(text, key).not.toMatch(usted);
  });

  it("include the Claims pages' strings", () => {
    expect(Object.keys(messages("es", "claims.")).length).toBeGreaterThan(100);
    expect(es["nav.claims"]).toBe("Reclamaciones");
    expect(en["nav.claims"]).toBe("Claims");
  });
});
