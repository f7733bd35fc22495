// The shop's calendar: a day is the shop's own (its IANA time zone from Shopify), never the server's
// or UTC — an order placed at 23:30 in Mexico City counts on that day there (decision 0027).

/** The calendar day (YYYY-MM-DD) an instant falls on in a time zone; an unknown or missing zone reads as UTC. */
export function dayIn(instant: Date, zone: string | null): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = calendar(zone ?? "UTC").formatToParts(instant);
  } catch {
    parts = calendar("UTC").formatToParts(instant); // RangeError: a zone this runtime does not know
  }
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

const calendar = (timeZone: string) => new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
